import { parseAllDocuments } from 'yaml';
import type { SloValidationError } from '../api/types';

/** A file to parse: its name (path or URL, used in messages) and its text. @public */
export interface SloFile {
  file: string;
  content: string;
}

/** One non-empty YAML document of a file. */
export interface YamlDocument {
  file: string;
  /** Index of the document in the file, from 0 (empty documents count too). */
  document: number;
  value: unknown;
}

/**
 * Splits a file into its YAML documents, parsed with the YAML 1.2 core schema (so
 * `2020-01-21 12:30:00` stays a string and `no` is not false). Syntax errors and duplicate keys
 * are reported with their line and column, and the document is left out; empty documents
 * (a trailing `---`) are skipped.
 */
export function readYamlDocuments(
  file: SloFile,
  errors: SloValidationError[],
): YamlDocument[] {
  const documents: YamlDocument[] = [];
  const parsed = parseAllDocuments(file.content, {
    version: '1.2',
    schema: 'core',
    uniqueKeys: true,
    prettyErrors: true,
  });
  parsed.forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const error of doc.errors) {
        errors.push({
          file: file.file,
          document: index,
          message: `invalid YAML: ${error.message.split('\n')[0]}`,
        });
      }
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      errors.push({
        file: file.file,
        document: index,
        message: `invalid YAML: ${
          error instanceof Error ? error.message : String(error)
        }`,
      });
      return;
    }
    if (value === null || value === undefined) {
      return;
    }
    documents.push({ file: file.file, document: index, value });
  });
  return documents;
}
