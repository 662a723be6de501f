/**
 * Collecting validation problems with their file, document and field path, and turning zod's
 * issues into messages that say what to fix.
 */
import { z } from 'zod';
import type { SloValidationError } from '../api/types';

/**
 * A field path: keys and list indexes.
 * @public
 */
export type FieldPath = ReadonlyArray<string | number>;

/**
 * `spec.objectives[0].target` for `['spec', 'objectives', 0, 'target']`; a key that is not a
 * name is quoted: `metadata.annotations["airworthy.dev/phase"]`. The paths of
 * `SloValidationError`s are written this way.
 * @public
 */
export function formatPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) {
      text += text ? `.${segment}` : segment;
    } else {
      text += `[${JSON.stringify(segment)}]`;
    }
  }
  return text;
}

/** Collects the problems of one document (file + document index). */
export class DocumentProblems {
  readonly #errors: SloValidationError[];
  readonly #seen = new Set<string>();
  count = 0;

  constructor(
    readonly file: string,
    readonly document: number,
    errors: SloValidationError[],
  ) {
    this.#errors = errors;
  }

  add(path: FieldPath, message: string): void {
    const formatted = formatPath(path);
    const key = `${formatted}\u0000${message}`;
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.count += 1;
    const error: SloValidationError = {
      file: this.file,
      document: this.document,
      message,
    };
    if (formatted) error.path = formatted;
    this.#errors.push(error);
  }

  /** Adds zod's issues, prefixed with the path of the value that was parsed. */
  addIssues(
    issues: ReadonlyArray<z.core.$ZodIssue>,
    prefix: FieldPath,
    schema: z.ZodType,
    hints: Readonly<Record<string, string>>,
  ): void {
    for (const issue of issues) {
      this.#addIssue(issue, prefix, [], schema, hints);
    }
  }

  #addIssue(
    issue: z.core.$ZodIssue,
    prefix: FieldPath,
    base: FieldPath,
    schema: z.ZodType,
    hints: Readonly<Record<string, string>>,
  ): void {
    // `base` is where the issue's own (relative) path starts inside `schema`.
    const inSchema = [...base, ...(issue.path as Array<string | number>)];
    const path = [...prefix, ...inSchema];
    switch (issue.code) {
      case 'invalid_union': {
        // Report the alternative that came closest: one whose fields all exist (no unknown
        // field at its top), then the one with the fewest problems.
        const score = (branch: ReadonlyArray<z.core.$ZodIssue>) =>
          (branch.some(i => i.code === 'unrecognized_keys' && !i.path.length)
            ? 1000
            : 0) + branch.length;
        const best = [...issue.errors].sort((a, b) => score(a) - score(b))[0];
        for (const inner of best ?? []) {
          this.#addIssue(inner, prefix, inSchema, schema, hints);
        }
        return;
      }
      case 'unrecognized_keys': {
        const allowed = fieldsAt(schema, inSchema);
        for (const key of issue.keys) {
          const suggestion = suggest(key, allowed);
          this.add(
            [...path, key],
            suggestion
              ? `unknown field "${key}": did you mean "${suggestion}"? (field names are case-sensitive)`
              : `unknown field "${key}": remove it${
                  allowed.length ? ` (allowed here: ${allowed.join(', ')})` : ''
                }`,
          );
        }
        return;
      }
      default:
        this.add(path, issueMessage(issue, path, hints));
    }
  }
}

/** Maps whose keys are the writer's own (no field hint applies inside them). */
const USER_MAPS = new Set(['labels', 'annotations', 'connectionDetails']);

/** `spec.objectives[].target` for `['spec', 'objectives', 0, 'target']`. */
function hintPath(path: FieldPath): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += '[]';
    else text += text ? `.${segment}` : segment;
  }
  return text;
}

/**
 * The hint of a field, chosen by its full path: a hint's key is a path (list indexes as `[]`)
 * that the field's path is, or ends with after a dot; the longest such key wins. So
 * `objectives[].target` (a ratio) and `spec.target` (a notification target) are told apart,
 * and keys inside labels and annotations get none.
 */
export function hintFor(
  path: FieldPath,
  hints: Readonly<Record<string, string>>,
): string | undefined {
  if (path.slice(0, -1).some(s => typeof s === 'string' && USER_MAPS.has(s))) {
    return undefined;
  }
  const text = hintPath(path);
  let best: string | undefined;
  for (const key of Object.keys(hints)) {
    if (
      (text === key || text.endsWith(`.${key}`)) &&
      (best === undefined || key.length > best.length)
    ) {
      best = key;
    }
  }
  return best === undefined ? undefined : hints[best];
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') {
    const shown = value.length > 40 ? `${value.slice(0, 40)}...` : value;
    return `the string ${JSON.stringify(shown)}`;
  }
  return `${typeof value} ${String(value)}`;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  object: 'a mapping of fields',
  record: 'a mapping of fields',
  array: 'a list',
};

function issueMessage(
  issue: z.core.$ZodIssue,
  path: FieldPath,
  hints: Readonly<Record<string, string>>,
): string {
  const hint = hintFor(path, hints);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.input === undefined) {
        return `is required: add ${hint ?? expected}`;
      }
      return `must be ${hint ?? expected}, not ${describeValue(issue.input)}`;
    }
    case 'invalid_value': {
      const list = (values: string[], one: string) =>
        values.length === 1
          ? values[0]
          : `${one}${values.slice(0, -1).join(', ')} or ${values.at(-1)}`;
      if (issue.input === undefined) {
        return `is required: add ${list(issue.values.map(String), '')}`;
      }
      const options = list(
        issue.values.map(v => JSON.stringify(v)),
        'one of ',
      );
      return `must be ${options}, not ${describeValue(issue.input)}`;
    }
    case 'invalid_key':
      return issue.issues.map(inner => inner.message).join('; ');
    case 'too_small':
      if (issue.origin === 'array') {
        return `must have at least ${issue.minimum} item${
          Number(issue.minimum) === 1 ? '' : 's'
        }${hint ? `: ${hint}` : ''}`;
      }
      if (issue.origin === 'string') return 'must not be empty';
      return issue.message;
    case 'too_big':
      if (issue.origin === 'array') {
        return `must have at most ${issue.maximum} item${
          Number(issue.maximum) === 1 ? '' : 's'
        }`;
      }
      if (issue.origin === 'string') {
        return `must be at most ${issue.maximum} characters long`;
      }
      return issue.message;
    default:
      return issue.message;
  }
}

/** Field names of the object schema at a path inside a schema, for suggestions. */
function fieldsAt(schema: unknown, path: FieldPath): string[] {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault
    ) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      current = current.in;
    } else {
      break;
    }
  }
  if (current instanceof z.ZodUnion) {
    const fields = (current.options as unknown[]).flatMap(option =>
      fieldsAt(option, path),
    );
    return [...new Set(fields)];
  }
  if (path.length === 0) {
    return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
  }
  const [segment, ...rest] = path;
  if (typeof segment === 'number' && current instanceof z.ZodArray) {
    return fieldsAt(current.element, rest);
  }
  if (typeof segment === 'string' && current instanceof z.ZodObject) {
    return fieldsAt((current.shape as Record<string, unknown>)[segment], rest);
  }
  return [];
}

/** The allowed name closest to a misspelt one (case-insensitive match or edit distance 2). */
function suggest(key: string, allowed: string[]): string | undefined {
  const lower = key.toLowerCase();
  const exact = allowed.find(a => a.toLowerCase() === lower);
  if (exact) return exact;
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of allowed) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const saved = row[j];
      row[j] = Math.min(
        row[j] + 1,
        row[j - 1] + 1,
        previous + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      previous = saved;
    }
  }
  return row[b.length];
}

/** Narrowing helpers for the cross-field checks, which run on unvalidated input. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
