import {
  ANNOTATION_SLO_PHASE,
  DEFAULT_SLO_PHASE,
  parseSloPhase,
  SLO_PHASE_LABEL,
  SLO_PHASES,
  sloPhaseValue,
} from '../annotations';
import type { SloValidationError } from '../api/types';
import type { Slo, SloSpecFormat } from './model';
import { OpenSloDocumentSet } from './openslo';
import { parseDuration } from './duration';
import {
  OPENSLO_V1ALPHA_API_VERSION,
  parseOpenSloV1alphaDocument,
} from './opensloV1alpha';
import {
  parseSlothDocument,
  parseSlothKubernetesDocument,
  SLOTH_DEFAULT_PERIOD,
  SLOTH_KUBERNETES_API_VERSION,
  SLOTH_KUBERNETES_KIND,
} from './sloth';
import { DocumentProblems, isRecord } from './validation';
import { readYamlDocuments, SloFile } from './yamlDocuments';

const NOT_A_SPEC =
  'is not an SLO spec: expected an OpenSLO document (apiVersion: openslo/v1, with kind, metadata and spec), a Sloth spec (version: prometheus/v1, with service and slos) or a Sloth PrometheusServiceLevel (apiVersion: sloth.slok.dev/v1)';

/** One document the parser read, and whether it is valid. @public */
export interface SloDocumentSummary {
  file: string;
  /** Index of the YAML document in its file, from 0. */
  document: number;
  /** The format recognized, if any. */
  format?: SloSpecFormat;
  /** OpenSLO `kind`, when the document has one. */
  kind?: string;
  /** `metadata.name` (OpenSLO) or `service` (Sloth, and Sloth resources), when present. */
  name?: string;
  /** True when no problem was found in the document. */
  valid: boolean;
}

/** Result of `parseSloFiles`. @public */
export interface SloParseResult {
  /** The SLOs of the valid documents, one per objective, in file and document order. */
  slos: Slo[];
  /** Every problem found, in file and document order. */
  errors: SloValidationError[];
  /** Every non-empty document read. */
  documents: SloDocumentSummary[];
}

/** Options of `parseSloFiles`. @public */
export interface SloParseOptions {
  /** The SLO period of Sloth specs, which do not write one (Sloth's default: `30d`). */
  slothPeriod?: string;
}

/**
 * Parses OpenSLO v1 documents (any kind, in multi-document YAML files), Sloth `prometheus/v1`
 * specs, Sloth `PrometheusServiceLevel` resources (`sloth.slok.dev/v1`) and OpenSLO v1alpha
 * SLOs (as Sloth reads them) into normalized SLOs. A file without any document is an error. References (`indicatorRef`, `metricSourceRef`,
 * `alertPolicyRef`, `conditionRef`, `targetRef`) are resolved within all the files given. Every
 * problem is reported, each with its file, document index, field path and a message that says
 * what to fix; documents with problems (and SLOs that refer to them) yield no SLO.
 * @public
 */
export function parseSloFiles(
  files: ReadonlyArray<SloFile>,
  options: SloParseOptions = {},
): SloParseResult {
  const errors: SloValidationError[] = [];
  const sloth: Slo[] = [];
  const openSlo = new OpenSloDocumentSet(errors);
  const summaries: Array<{
    summary: SloDocumentSummary;
    problems: DocumentProblems;
  }> = [];

  const slothPeriod = options.slothPeriod ?? SLOTH_DEFAULT_PERIOD;
  for (const file of files) {
    const before = errors.length;
    const documents = readYamlDocuments(file, errors);
    if (documents.length === 0 && errors.length === before) {
      errors.push({
        file: file.file,
        message: `holds no YAML document: ${NOT_A_SPEC.replace(
          'is not an SLO spec: expected',
          'expected',
        )}`,
      });
    }
    for (const doc of documents) {
      const value = doc.value;
      const summary: SloDocumentSummary = {
        file: doc.file,
        document: doc.document,
        valid: false,
      };
      let problems: DocumentProblems;
      const apiVersion = isRecord(value) ? value.apiVersion : undefined;
      if (
        isRecord(value) &&
        (apiVersion === SLOTH_KUBERNETES_API_VERSION ||
          value.kind === SLOTH_KUBERNETES_KIND)
      ) {
        summary.format = 'sloth/kubernetes/v1';
        if (typeof value.kind === 'string') summary.kind = value.kind;
        if (isRecord(value.spec) && typeof value.spec.service === 'string') {
          summary.name = value.spec.service;
        }
        problems = new DocumentProblems(doc.file, doc.document, errors);
        sloth.push(...parseSlothKubernetesDocument(doc, problems, slothPeriod));
      } else if (
        isRecord(value) &&
        apiVersion === OPENSLO_V1ALPHA_API_VERSION
      ) {
        summary.format = 'openslo/v1alpha';
        if (typeof value.kind === 'string') summary.kind = value.kind;
        if (
          isRecord(value.metadata) &&
          typeof value.metadata.name === 'string'
        ) {
          summary.name = value.metadata.name;
        }
        problems = new DocumentProblems(doc.file, doc.document, errors);
        sloth.push(
          ...parseOpenSloV1alphaDocument(doc, problems, {
            duration: slothPeriod,
            durationMs: parseDuration(slothPeriod)!.ms,
          }),
        );
      } else if (
        isRecord(value) &&
        ('apiVersion' in value || 'kind' in value)
      ) {
        summary.format = 'openslo/v1';
        if (typeof value.kind === 'string') summary.kind = value.kind;
        if (
          isRecord(value.metadata) &&
          typeof value.metadata.name === 'string'
        ) {
          summary.name = value.metadata.name;
        }
        problems = openSlo.add(doc);
      } else if (isRecord(value) && 'version' in value) {
        summary.format = 'sloth/prometheus/v1';
        if (typeof value.service === 'string') summary.name = value.service;
        problems = new DocumentProblems(doc.file, doc.document, errors);
        sloth.push(...parseSlothDocument(doc, problems, slothPeriod));
      } else if (Array.isArray(value)) {
        problems = new DocumentProblems(doc.file, doc.document, errors);
        problems.add(
          [],
          'is a list, not an OpenSLO document: write each document as a mapping (apiVersion, kind, metadata, spec) and separate documents with a line "---" instead of "- " list items',
        );
      } else {
        problems = new DocumentProblems(doc.file, doc.document, errors);
        problems.add([], NOT_A_SPEC);
      }
      summaries.push({ summary, problems });
    }
  }

  const slos = knownPhases(
    uniqueRefs(
      [...openSlo.resolve(), ...sloth].sort(
        (a, b) =>
          files.findIndex(f => f.file === a.origin.file) -
            files.findIndex(f => f.file === b.origin.file) ||
          a.origin.document - b.origin.document,
      ),
      summaries,
    ),
    summaries,
  );

  errors.sort(
    (a, b) =>
      files.findIndex(f => f.file === a.file) -
        files.findIndex(f => f.file === b.file) ||
      (a.document ?? -1) - (b.document ?? -1),
  );
  return {
    slos,
    errors,
    documents: summaries.map(({ summary, problems }) => ({
      ...summary,
      valid: problems.count === 0,
    })),
  };
}

/** The problems of the document an SLO was read from. */
function problemsOf(
  slo: Slo,
  summaries: ReadonlyArray<{
    summary: SloDocumentSummary;
    problems: DocumentProblems;
  }>,
): DocumentProblems | undefined {
  return summaries.find(
    ({ summary }) =>
      summary.file === slo.origin.file &&
      summary.document === slo.origin.document,
  )?.problems;
}

/**
 * Drops SLOs that write a phase (`airworthy.dev/phase`) other than informing or enforcing, and
 * reports them on their document: a typo must not silently leave an SLO out of the policy.
 */
function knownPhases(
  slos: Slo[],
  summaries: ReadonlyArray<{
    summary: SloDocumentSummary;
    problems: DocumentProblems;
  }>,
): Slo[] {
  return slos.filter(slo => {
    const value = sloPhaseValue(slo);
    if (value === undefined || parseSloPhase(value)) return true;
    const annotated = slo.annotations[ANNOTATION_SLO_PHASE] !== undefined;
    const field = annotated
      ? ['metadata', 'annotations', ANNOTATION_SLO_PHASE]
      : ['metadata', 'labels', SLO_PHASE_LABEL];
    problemsOf(slo, summaries)?.add(
      slo.origin.format.startsWith('openslo') ? field : [],
      `The phase (${
        annotated ? ANNOTATION_SLO_PHASE : SLO_PHASE_LABEL
      }) of SLO "${slo.name}" is "${value}": write ${SLO_PHASES.join(
        ' or ',
      )} (no value means ${DEFAULT_SLO_PHASE})`,
    );
    return false;
  });
}

/**
 * Drops SLOs whose `ref` an earlier SLO has (an OpenSLO SLO and a Sloth SLO can collide) and
 * reports them on their document.
 */
function uniqueRefs(
  slos: Slo[],
  summaries: ReadonlyArray<{
    summary: SloDocumentSummary;
    problems: DocumentProblems;
  }>,
): Slo[] {
  const seen = new Map<string, Slo>();
  return slos.filter(slo => {
    const first = seen.get(slo.ref);
    if (!first) {
      seen.set(slo.ref, slo);
      return true;
    }
    problemsOf(slo, summaries)?.add(
      [],
      `defines the SLO "${slo.ref}", which ${first.origin.file} document ${first.origin.document} defines too: SLO names must be unique; rename one of them`,
    );
    return false;
  });
}

/**
 * Parses one YAML text (one or more documents) as `parseSloFiles` does.
 * @public
 */
export function parseSloYaml(
  content: string,
  file = 'slos.yaml',
  options?: SloParseOptions,
): SloParseResult {
  return parseSloFiles([{ file, content }], options);
}
