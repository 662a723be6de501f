/**
 * The SLO editor's model: the YAML text is the single source of truth, and the form is a view
 * of some of its fields. A form change is written into the YAML document at the field's path
 * (comments, key order and fields the form does not know are kept); the form is read back from
 * the YAML. Validation is the engine's (`parseSloYaml`), its messages mapped to form fields by
 * path.
 */
import {
  ANNOTATION_SLO_PHASE,
  DEFAULT_SLO_PHASE,
  formatPath,
  SLO_PHASE_LABEL,
  percentToRatio,
  tidyNumber,
  type SloValidationError,
} from '@airworthy/plugin-operability-common';
import {
  Document,
  isMap,
  isScalar,
  isSeq,
  parseAllDocuments,
  type ToStringOptions,
} from 'yaml';

/** The form's fields. */
export type SloFormField =
  | 'name'
  | 'displayName'
  | 'description'
  | 'service'
  | 'phase'
  | 'budgetingMethod'
  | 'period'
  | 'rolling'
  | 'calendarStartTime'
  | 'calendarTimeZone'
  | 'target'
  | 'timeSliceTarget'
  | 'timeSliceWindow'
  | 'events'
  | 'counter'
  | 'sourceType'
  | 'query'
  | 'totalQuery';

/** The form's values as text (so a half-typed number is not lost) and booleans. */
export interface SloFormValues {
  name: string;
  displayName: string;
  description: string;
  service: string;
  /**
   * `informing` or `enforcing` (the `airworthy.dev/phase` annotation, or the
   * `airworthy_phase` label); `informing` when the document names none.
   */
  phase: string;
  budgetingMethod: string;
  period: string;
  rolling: boolean;
  calendarStartTime: string;
  calendarTimeZone: string;
  /** The objective in percent, e.g. `99.5`. */
  target: string;
  timeSliceTarget: string;
  timeSliceWindow: string;
  /** Whether the indicator counts good events or bad events (against total). */
  events: 'good' | 'bad';
  counter: boolean;
  sourceType: string;
  /** The good (or bad) events query. */
  query: string;
  totalQuery: string;
}

/** Labels of the fields, shared by the form and the messages that name a field. */
export const SLO_FIELD_LABELS: Record<SloFormField, string> = {
  name: 'Name',
  displayName: 'Display name',
  description: 'Description',
  service: 'Service',
  phase: 'Phase',
  budgetingMethod: 'Budgeting method',
  period: 'Period',
  rolling: 'Rolling window',
  calendarStartTime: 'Calendar start',
  calendarTimeZone: 'Time zone',
  target: 'Objective (%)',
  timeSliceTarget: 'Good slice threshold',
  timeSliceWindow: 'Slice length',
  events: 'Events counted',
  counter: 'Queries return counters',
  sourceType: 'Metric source',
  query: 'Events query',
  totalQuery: 'Total events query',
};

type Path = Array<string | number>;

const YAML_OPTIONS = {
  version: '1.2',
  schema: 'core',
  uniqueKeys: true,
  prettyErrors: true,
} as const;

const TO_STRING: ToStringOptions = { lineWidth: 0 };

const INDICATOR: Path = ['spec', 'indicator'];
const RATIO: Path = [...INDICATOR, 'spec', 'ratioMetric'];
const WINDOW: Path = ['spec', 'timeWindow', 0];
const OBJECTIVE: Path = ['spec', 'objectives', 0];
const PHASE_LABEL: Path = ['metadata', 'labels', SLO_PHASE_LABEL];

/** Where each field lives in the SLO document (for `events`-dependent fields, given `events`). */
function fieldPath(field: SloFormField, events: 'good' | 'bad'): Path {
  switch (field) {
    case 'name':
      return ['metadata', 'name'];
    case 'displayName':
      return ['metadata', 'displayName'];
    case 'description':
      return ['spec', 'description'];
    case 'service':
      return ['spec', 'service'];
    case 'phase':
      return ['metadata', 'annotations', ANNOTATION_SLO_PHASE];
    case 'budgetingMethod':
      return ['spec', 'budgetingMethod'];
    case 'period':
      return [...WINDOW, 'duration'];
    case 'rolling':
      return [...WINDOW, 'isRolling'];
    case 'calendarStartTime':
      return [...WINDOW, 'calendar', 'startTime'];
    case 'calendarTimeZone':
      return [...WINDOW, 'calendar', 'timeZone'];
    case 'target':
      return [...OBJECTIVE, 'target'];
    case 'timeSliceTarget':
      return [...OBJECTIVE, 'timeSliceTarget'];
    case 'timeSliceWindow':
      return [...OBJECTIVE, 'timeSliceWindow'];
    case 'events':
      return [...RATIO, events];
    case 'counter':
      return [...RATIO, 'counter'];
    case 'sourceType':
      return [...RATIO, events, 'metricSource', 'type'];
    case 'query':
      return [...RATIO, events, 'metricSource', 'spec', 'query'];
    case 'totalQuery':
      return [...RATIO, 'total', 'metricSource', 'spec', 'query'];
    default:
      throw new Error(`unknown field ${field satisfies never}`);
  }
}

const INDICATOR_FIELDS: ReadonlySet<SloFormField> = new Set([
  'events',
  'counter',
  'sourceType',
  'query',
  'totalQuery',
]);

/** What the editor knows of a YAML text. */
export interface SloDocumentState {
  /** YAML syntax errors (with line and column); when present, the form cannot be read. */
  syntaxErrors: string[];
  /** Index of the (first) OpenSLO `kind: SLO` document, or -1 when there is none. */
  sloDocument: number;
  /** The form's values read from that document (defaults where a field is absent). */
  values: SloFormValues;
  /**
   * Why the indicator fields cannot be edited in the form (the SLO refers to an SLI document,
   * or its indicator is not a good/bad-over-total ratio), or undefined when they can.
   */
  indicatorReadOnly?: string;
}

const EMPTY_VALUES: SloFormValues = {
  name: '',
  displayName: '',
  description: '',
  service: '',
  phase: DEFAULT_SLO_PHASE,
  budgetingMethod: 'Occurrences',
  period: '28d',
  rolling: true,
  calendarStartTime: '',
  calendarTimeZone: '',
  target: '',
  timeSliceTarget: '',
  timeSliceWindow: '',
  events: 'good',
  counter: true,
  sourceType: 'Prometheus',
  query: '',
  totalQuery: '',
};

function parse(text: string): Document.Parsed[] {
  const parsed = parseAllDocuments(text, YAML_OPTIONS);
  return Array.isArray(parsed) ? parsed : [];
}

function isSloDocument(doc: Document): boolean {
  return isMap(doc.contents) && doc.get('kind') === 'SLO';
}

function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (isScalar(value)) return asText(value.value);
  return typeof value === 'object' ? '' : String(value);
}

/** Percent from the objective: `target` (a ratio) or `targetPercent`. */
function readTarget(doc: Document): string {
  const ratio = doc.getIn([...OBJECTIVE, 'target']);
  if (typeof ratio === 'number') return String(tidyNumber(ratio * 100));
  const percent = doc.getIn([...OBJECTIVE, 'targetPercent']);
  if (percent !== undefined) return asText(percent);
  return asText(ratio);
}

function indicatorReadOnlyReason(doc: Document): string | undefined {
  if (doc.hasIn(['spec', 'indicatorRef'])) {
    return `The indicator is the SLI document "${asText(
      doc.getIn(['spec', 'indicatorRef']),
    )}" (indicatorRef): edit it in the YAML view.`;
  }
  if (doc.hasIn([...OBJECTIVE, 'indicator'])) {
    return 'The indicator is defined per objective: edit it in the YAML view.';
  }
  if (doc.hasIn([...INDICATOR, 'spec', 'thresholdMetric'])) {
    return 'The indicator is a threshold metric: edit it in the YAML view.';
  }
  if (doc.hasIn([...RATIO, 'raw']) || doc.hasIn([...RATIO, 'rawType'])) {
    return 'The indicator is a raw ratio: edit it in the YAML view.';
  }
  if (doc.hasIn([...RATIO, 'good']) && doc.hasIn([...RATIO, 'bad'])) {
    return 'The indicator names both good and bad events: keep one of them in the YAML view.';
  }
  return undefined;
}

/** Reads the editor's state from a YAML text. */
export function readSloDocument(yamlText: string): SloDocumentState {
  const docs = parse(yamlText);
  const syntaxErrors = docs.flatMap(doc =>
    doc.errors.map(e => e.message.split('\n')[0]),
  );
  if (syntaxErrors.length > 0) {
    return { syntaxErrors, sloDocument: -1, values: { ...EMPTY_VALUES } };
  }
  const index = docs.findIndex(isSloDocument);
  if (index < 0) {
    return { syntaxErrors, sloDocument: -1, values: { ...EMPTY_VALUES } };
  }
  const doc = docs[index];
  const events: 'good' | 'bad' =
    doc.hasIn([...RATIO, 'bad']) && !doc.hasIn([...RATIO, 'good'])
      ? 'bad'
      : 'good';
  const get = (field: SloFormField) => doc.getIn(fieldPath(field, events));
  const calendar = doc.hasIn([...WINDOW, 'calendar']);
  const isRolling = get('rolling');
  return {
    syntaxErrors,
    sloDocument: index,
    indicatorReadOnly: indicatorReadOnlyReason(doc),
    values: {
      name: asText(get('name')),
      displayName: asText(get('displayName')),
      description: asText(get('description')),
      service: asText(get('service')),
      phase:
        asText(get('phase')) ||
        asText(doc.getIn(PHASE_LABEL)) ||
        DEFAULT_SLO_PHASE,
      budgetingMethod: asText(get('budgetingMethod')),
      period: asText(get('period')),
      rolling: typeof isRolling === 'boolean' ? isRolling : !calendar,
      calendarStartTime: asText(get('calendarStartTime')),
      calendarTimeZone: asText(get('calendarTimeZone')),
      target: readTarget(doc),
      timeSliceTarget: asText(get('timeSliceTarget')),
      timeSliceWindow: asText(get('timeSliceWindow')),
      events,
      counter: get('counter') !== false,
      sourceType: asText(get('sourceType')),
      query: asText(get('query')),
      totalQuery: asText(get('totalQuery')),
    },
  };
}

/** A number when the text is one (`99.5`), else the text itself (so the engine reports it). */
function numberOrText(value: string): number | string {
  const trimmed = value.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed)))
    return Number(trimmed);
  return value;
}

/** Thrown when a form change cannot be written because the YAML has another shape there. */
export class SloDocumentShapeError extends Error {}

function setOrDelete(doc: Document, path: Path, value: unknown): void {
  if (value === '' || value === undefined) {
    if (doc.hasIn(path)) doc.deleteIn(path);
    return;
  }
  try {
    doc.setIn(path, value);
  } catch {
    throw new SloDocumentShapeError(
      `The YAML has no mapping at ${path
        .slice(0, -1)
        .join('.')}: fix it in the YAML view first`,
    );
  }
}

/** Deletes a mapping that a change left empty (`calendar: {}`), so no empty noise remains. */
function pruneEmpty(doc: Document, path: Path): void {
  const node = doc.getIn(path, true);
  if ((isMap(node) || isSeq(node)) && node.items.length === 0) {
    doc.deleteIn(path);
  }
}

/**
 * Writes one form change into the YAML text and returns the new text. Empty text deletes an
 * optional field; switching the budgeting method, the window type or the events counted
 * adds or removes the fields that go with them.
 */
export function applySloFormChange<F extends SloFormField>(
  yamlText: string,
  field: F,
  value: SloFormValues[F],
): string {
  const docs = parse(yamlText);
  if (docs.some(d => d.errors.length > 0)) {
    throw new SloDocumentShapeError(
      'The YAML has syntax errors: fix them in the YAML view first',
    );
  }
  const index = docs.findIndex(isSloDocument);
  if (index < 0) {
    throw new SloDocumentShapeError(
      'The YAML has no OpenSLO SLO document (kind: SLO): add one in the YAML view first',
    );
  }
  const doc = docs[index];
  const state = readSloDocument(String(doc));
  if (INDICATOR_FIELDS.has(field) && state.indicatorReadOnly) {
    throw new SloDocumentShapeError(state.indicatorReadOnly);
  }
  const events = state.values.events;

  switch (field) {
    case 'target': {
      const parsed = numberOrText(value as string);
      const usesPercent =
        doc.hasIn([...OBJECTIVE, 'targetPercent']) &&
        !doc.hasIn([...OBJECTIVE, 'target']);
      if (usesPercent) {
        setOrDelete(doc, [...OBJECTIVE, 'targetPercent'], parsed);
      } else {
        setOrDelete(
          doc,
          [...OBJECTIVE, 'target'],
          typeof parsed === 'number' ? percentToRatio(parsed) : parsed,
        );
      }
      break;
    }
    case 'timeSliceTarget':
      setOrDelete(doc, fieldPath(field, events), numberOrText(value as string));
      break;
    case 'phase':
      // One place says the phase: the annotation; a label saying otherwise would contradict it.
      setOrDelete(doc, fieldPath(field, events), value);
      setOrDelete(doc, PHASE_LABEL, undefined);
      pruneEmpty(doc, ['metadata', 'labels']);
      break;
    case 'budgetingMethod': {
      setOrDelete(doc, fieldPath(field, events), value);
      const sliceTarget = [...OBJECTIVE, 'timeSliceTarget'];
      const sliceWindow = [...OBJECTIVE, 'timeSliceWindow'];
      if (value === 'Occurrences') {
        setOrDelete(doc, sliceTarget, undefined);
        setOrDelete(doc, sliceWindow, undefined);
      } else {
        if (!doc.hasIn(sliceWindow)) setOrDelete(doc, sliceWindow, '1m');
        if (value === 'Timeslices' && !doc.hasIn(sliceTarget)) {
          setOrDelete(doc, sliceTarget, 0.95);
        }
        if (value === 'RatioTimeslices') {
          setOrDelete(doc, sliceTarget, undefined);
        }
      }
      break;
    }
    case 'rolling': {
      const calendar = [...WINDOW, 'calendar'];
      setOrDelete(doc, fieldPath(field, events), value);
      if (value) {
        setOrDelete(doc, calendar, undefined);
      } else if (!doc.hasIn(calendar)) {
        doc.setIn(calendar, {
          startTime: '2024-01-01 00:00:00',
          timeZone: 'UTC',
        });
      }
      break;
    }
    case 'calendarStartTime':
    case 'calendarTimeZone':
      setOrDelete(doc, fieldPath(field, events), value);
      pruneEmpty(doc, [...WINDOW, 'calendar']);
      break;
    case 'events': {
      if (value !== events) {
        const from = [...RATIO, events];
        const node = doc.getIn(from, true);
        doc.deleteIn(from);
        const to = [...RATIO, value as string];
        doc.setIn(
          to,
          node ?? { metricSource: { type: 'Prometheus', spec: { query: '' } } },
        );
      }
      break;
    }
    case 'sourceType':
      setOrDelete(doc, fieldPath(field, events), value);
      if (doc.hasIn([...RATIO, 'total'])) {
        setOrDelete(doc, [...RATIO, 'total', 'metricSource', 'type'], value);
      }
      break;
    case 'query':
    case 'totalQuery':
    case 'counter':
      if (!doc.hasIn([...INDICATOR, 'metadata', 'name'])) {
        const name = state.values.name || 'slo';
        doc.setIn([...INDICATOR, 'metadata', 'name'], `${name}-sli`);
      }
      setOrDelete(doc, fieldPath(field, events), value);
      break;
    default:
      setOrDelete(doc, fieldPath(field, events), value);
  }
  return docs.map(d => d.toString(TO_STRING)).join('');
}

/** A validation message placed at a form field, or left for the list above the form. */
export interface PlacedSloErrors {
  byField: Partial<Record<SloFormField, string[]>>;
  /** Messages of fields the form does not show, other documents, or YAML syntax. */
  other: SloValidationError[];
}

/**
 * Places the engine's messages at the form's fields: a message belongs to the field whose
 * path is its path or a prefix of it (`spec.objectives[0].targetPercent` belongs to the
 * objective's target). Messages of other documents or paths stay in `other`.
 */
export function placeSloErrors(
  errors: ReadonlyArray<SloValidationError>,
  state: Pick<SloDocumentState, 'sloDocument' | 'values'>,
): PlacedSloErrors {
  const fields = (Object.keys(SLO_FIELD_LABELS) as SloFormField[])
    .map(field => ({
      field,
      paths: [formatPath(fieldPath(field, state.values.events))],
    }))
    .map(entry =>
      entry.field === 'target'
        ? {
            ...entry,
            paths: [
              ...entry.paths,
              formatPath([...OBJECTIVE, 'targetPercent']),
            ],
          }
        : entry,
    )
    // Longest paths first, so a query's message is not placed at the events field.
    .sort(
      (a, b) =>
        Math.max(...b.paths.map(p => p.length)) -
        Math.max(...a.paths.map(p => p.length)),
    );
  const placed: PlacedSloErrors = { byField: {}, other: [] };
  for (const error of errors) {
    const path = error.path;
    const match =
      path !== undefined && error.document === state.sloDocument
        ? fields.find(({ paths }) =>
            paths.some(
              p =>
                path === p ||
                path.startsWith(`${p}.`) ||
                path.startsWith(`${p}[`),
            ),
          )
        : undefined;
    if (match) {
      // The form shows the objective in percent while `target` is a ratio: say both.
      const message =
        match.field === 'target' && path?.endsWith('.target')
          ? 'must be between 0 and 100% (e.g. 99.5)'
          : error.message;
      (placed.byField[match.field] ??= []).push(message);
    } else {
      placed.other.push(error);
    }
  }
  return placed;
}

/** The YAML of a new SLO for an entity: a request-success ratio over 28 days, 99%. */
export function newSloTemplate(entity: {
  name: string;
  title?: string;
}): string {
  const name = `${entity.name}-availability`;
  const service = entity.name;
  const doc = new Document(
    {
      apiVersion: 'openslo/v1',
      kind: 'SLO',
      metadata: {
        name,
        displayName: `${entity.title ?? entity.name} availability`,
      },
      spec: {
        description: 'Share of requests answered without a server error',
        service,
        budgetingMethod: 'Occurrences',
        timeWindow: [{ duration: '28d', isRolling: true }],
        indicator: {
          metadata: { name: `${name}-sli` },
          spec: {
            ratioMetric: {
              counter: true,
              good: {
                metricSource: {
                  type: 'Prometheus',
                  spec: {
                    query: `http_requests_total{service="${service}",code!~"5.."}`,
                  },
                },
              },
              total: {
                metricSource: {
                  type: 'Prometheus',
                  spec: { query: `http_requests_total{service="${service}"}` },
                },
              },
            },
          },
        },
        objectives: [{ displayName: 'Available', target: 0.99 }],
      },
    },
    { version: '1.2' },
  );
  return doc.toString(TO_STRING);
}

/** Where a repository SLO's file is, as the page names it. */
export interface SloSourceDescription {
  /** A link to the file (an http(s) URL), when the API gives one. */
  url?: string;
  /** The file's name (`jupyterhub.yaml`), for text. */
  fileName: string;
}

/**
 * Describes the `sourceLocation` the API gives a repository SLO: an http(s) URL of the file
 * in its repository (linked), or `file:<path>` on the Backstage server for a local catalog
 * (named, not linked: the path means nothing in a browser).
 */
export function describeSourceLocation(
  location: string | undefined,
): SloSourceDescription {
  if (!location) return { fileName: 'a file of the repository' };
  if (/^https?:\/\//i.test(location)) {
    let name = location;
    try {
      const segments = new URL(location).pathname.split('/').filter(Boolean);
      name = decodeURIComponent(segments.at(-1) ?? location);
    } catch {
      // Not a URL after all: shown whole, not linked.
      return { fileName: location };
    }
    return { url: location, fileName: name };
  }
  const path = location.replace(/^file:/, '');
  return { fileName: path.split(/[\\/]/).filter(Boolean).at(-1) ?? path };
}
