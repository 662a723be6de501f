import {
  instantRangeProblem,
  toEntityRef,
  toHttpUrl,
  type IncidentLinks,
  type IncidentStatus,
} from '@airworthy/plugin-operability-common';
import type {
  IncidentCorrelation,
  IncidentObservation,
} from '@airworthy/plugin-operability-node';
import { InputError } from '@backstage/errors';

/**
 * The state of an incident that merging observations produces: the fields of an
 * observation, with detection, links, labels and the post-mortem flag always known.
 */
export interface IncidentState
  extends Omit<
    IncidentObservation,
    | 'sourceKey'
    | 'detectedAt'
    | 'links'
    | 'labels'
    | 'postMortem'
    | 'correlation'
  > {
  detectedAt: number;
  links: IncidentLinks;
  labels: string[];
  postMortem: boolean;
  /** The record's names and references (without `<source>:<sourceKey>`, always a name). */
  correlation: Required<IncidentCorrelation>;
  merge: MergeState;
}

/**
 * What merging needs beyond the incident's fields: the newest observation that saw the
 * incident open, and the resolutions reported since then as `[observedAt, resolvedAt]`.
 */
export interface MergeState {
  openObservedAt?: number;
  resolutions: Array<[number, number]>;
}

const MAX_RESOLUTIONS = 20;
const MAX_SOURCE_KEY = 255;
const MAX_TITLE = 500;
const MAX_DESCRIPTION = 20_000;
const MAX_LABELS = 100;
const MAX_LABEL = 255;
const MAX_KEYS = 20;
const MAX_KEY = 255;
const KEY_PATTERN = /^[a-z][a-z0-9-]*:\S/;

const STATUS_RANK: Record<IncidentStatus, number> = {
  open: 0,
  acknowledged: 1,
  resolved: 2,
};

function min(a: number | undefined, b: number | undefined) {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return Math.min(a, b);
}

/** Keeps only http(s) links (anything else is dropped, never stored). */
export function sanitizeLinks(links: IncidentLinks | undefined): IncidentLinks {
  const result: IncidentLinks = {};
  for (const key of ['issue', 'postMortem', 'runbook'] as const) {
    const url = toHttpUrl(links?.[key]);
    if (url) result[key] = url;
  }
  return result;
}

function sanitizeLabels(labels: string[] | undefined): string[] {
  const unique = new Set<string>();
  for (const label of labels ?? []) {
    const trimmed = String(label).trim().slice(0, MAX_LABEL);
    if (trimmed) unique.add(trimmed);
    if (unique.size >= MAX_LABELS) break;
  }
  return [...unique].sort();
}

/** Correlation keys as stored: well-formed, at most 255 characters, deduplicated, sorted. */
export function sanitizeKeys(
  keys: ReadonlyArray<string> | undefined,
): string[] {
  const unique = new Set<string>();
  for (const key of keys ?? []) {
    const trimmed = String(key).trim();
    if (trimmed.length <= MAX_KEY && KEY_PATTERN.test(trimmed)) {
      unique.add(trimmed);
    }
  }
  return [...unique].sort().slice(0, MAX_KEYS);
}

/**
 * Refuses (InputError, 400: a sender does not retry it) instants outside the API's range
 * (`API_RANGES`, 2000-01-01 to before 2100-01-01): a year-1 or year-9999 time would poison
 * every period and sort order it touches. Guarded here, where incidents are stored, for
 * manual incidents and every source alike.
 */
export function assertInstantsInRange(
  what: string,
  times: {
    startedAt?: number;
    detectedAt?: number | null;
    acknowledgedAt?: number | null;
    resolvedAt?: number | null;
  },
): void {
  for (const name of [
    'startedAt',
    'detectedAt',
    'acknowledgedAt',
    'resolvedAt',
  ] as const) {
    const value = times[name];
    if (value === undefined || value === null) continue;
    const problem = instantRangeProblem(value);
    if (problem) {
      const shown = Number.isFinite(new Date(value).getTime())
        ? new Date(value).toISOString()
        : String(value);
      throw new InputError(`${what}'s ${name} (${shown}) ${problem}`);
    }
  }
}

/**
 * An observation made safe to store: canonical entity refs, bounded text, http(s) links only,
 * detection and acknowledgement never before the start.
 */
export function normalizeObservation(
  observation: IncidentObservation,
): IncidentObservation {
  if (!observation.sourceKey || observation.sourceKey.length > MAX_SOURCE_KEY) {
    throw new Error(
      `An incident's source key must have 1 to ${MAX_SOURCE_KEY} characters, got ${observation.sourceKey.length}`,
    );
  }
  for (const [name, value] of Object.entries({
    startedAt: observation.startedAt,
    observedAt: observation.observedAt,
  })) {
    if (!Number.isSafeInteger(value)) {
      throw new Error(
        `An incident observation's ${name} must be epoch milliseconds`,
      );
    }
  }
  assertInstantsInRange('An incident observation', observation);
  const startedAt = observation.startedAt;
  const detectedAt = Math.max(observation.detectedAt ?? startedAt, startedAt);
  const entityRefs = [
    ...new Set(observation.entityRefs.map(ref => toEntityRef(ref))),
  ].sort();
  return {
    ...observation,
    entityRefs,
    title:
      observation.title.trim().slice(0, MAX_TITLE) || observation.sourceKey,
    description:
      observation.description?.slice(0, MAX_DESCRIPTION) || undefined,
    detectedAt,
    acknowledgedAt:
      observation.acknowledgedAt === undefined
        ? undefined
        : Math.max(observation.acknowledgedAt, detectedAt),
    resolvedAt:
      observation.resolvedAt === undefined
        ? undefined
        : Math.max(observation.resolvedAt, startedAt),
    links: sanitizeLinks(observation.links),
    labels: sanitizeLabels(observation.labels),
    correlation: {
      names: sanitizeKeys(observation.correlation?.names),
      references: sanitizeKeys(observation.correlation?.references),
    },
  };
}

/**
 * Merges one (normalized) observation into an incident's state. The result does not depend
 * on the order observations arrive in, and merging the same observation twice changes
 * nothing:
 * - the newest observation (by `observedAt`; on a tie the one further along, resolved >
 *   acknowledged > open) sets status, title, description, severity, links, labels,
 *   post-mortem, correlation keys and entities (an observation with no entities keeps the
 *   known ones);
 * - start, detection and acknowledgement are the earliest reported (an acknowledged
 *   observation without a time counts as acknowledged at `observedAt`);
 * - when resolved, the resolution time is the earliest reported by an observation no older
 *   than the newest one that saw the incident open (`observedAt` when it gives none).
 */
export function mergeObservation(
  current: IncidentState | undefined,
  observation: IncidentObservation,
): IncidentState {
  const o = observation;
  const newer =
    !current ||
    o.observedAt > current.observedAt ||
    (o.observedAt === current.observedAt &&
      STATUS_RANK[o.status] >= STATUS_RANK[current.status]);

  const acknowledgedAt = min(
    current?.acknowledgedAt,
    o.acknowledgedAt ??
      (o.status === 'acknowledged' ? o.observedAt : undefined),
  );

  const openObservedAt =
    o.status === 'resolved'
      ? current?.merge.openObservedAt
      : Math.max(current?.merge.openObservedAt ?? o.observedAt, o.observedAt);
  const resolutions = [
    ...(current?.merge.resolutions ?? []),
    ...(o.status === 'resolved'
      ? [[o.observedAt, o.resolvedAt ?? o.observedAt] as [number, number]]
      : []),
  ]
    .filter(([seen]) => openObservedAt === undefined || seen >= openObservedAt)
    .filter(
      ([seen, at], i, all) =>
        all.findIndex(([s, a]) => s === seen && a === at) === i,
    )
    .sort((a, b) => a[1] - b[1] || a[0] - b[0])
    .slice(0, MAX_RESOLUTIONS);

  const latest = newer
    ? {
        entityRefs: o.entityRefs.length
          ? o.entityRefs
          : current?.entityRefs ?? [],
        title: o.title,
        description: o.description,
        severity: o.severity,
        status: o.status,
        links: o.links ?? {},
        postMortem: o.postMortem ?? false,
        labels: o.labels ?? [],
        correlation: {
          names: o.correlation?.names ?? [],
          references: o.correlation?.references ?? [],
        },
      }
    : {
        entityRefs: current.entityRefs,
        title: current.title,
        description: current.description,
        severity: current.severity,
        status: current.status,
        links: current.links,
        postMortem: current.postMortem,
        labels: current.labels,
        correlation: current.correlation,
      };

  const startedAt = min(current?.startedAt, o.startedAt)!;
  const resolvedAt =
    latest.status === 'resolved' && resolutions.length
      ? Math.max(resolutions[0][1], startedAt)
      : undefined;
  const status: IncidentStatus =
    latest.status === 'resolved' && resolvedAt === undefined
      ? 'open'
      : latest.status;

  return {
    ...latest,
    status,
    startedAt,
    detectedAt: min(current?.detectedAt, o.detectedAt ?? o.startedAt)!,
    acknowledgedAt,
    resolvedAt,
    observedAt: Math.max(current?.observedAt ?? o.observedAt, o.observedAt),
    merge: { openObservedAt, resolutions },
  };
}
