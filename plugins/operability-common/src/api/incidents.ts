import { z } from 'zod';
import {
  instantSchema,
  offsetParam,
  queryList,
  wholeNumberParam,
} from './queryParams';

/**
 * Severities of an incident, normalized across sources: `critical` (users are affected, page
 * someone), `warning` (degraded, handle in working hours), `info` (no user impact) and
 * `unknown` (the source said nothing usable).
 * @public
 */
export const INCIDENT_SEVERITIES = [
  'critical',
  'warning',
  'info',
  'unknown',
] as const;

/** A normalized incident severity. @public */
export type IncidentSeverity = (typeof INCIDENT_SEVERITIES)[number];

/**
 * Statuses of an incident: `open` (nobody has acknowledged it yet), `acknowledged`
 * (someone is on it) and `resolved`.
 * @public
 */
export const INCIDENT_STATUSES = ['open', 'acknowledged', 'resolved'] as const;

/** The status of an incident. @public */
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

/** The source of incidents created through the API. @public */
export const MANUAL_INCIDENT_SOURCE = 'manual';

/** Links of an incident; only http(s) URLs are ever stored. @public */
export interface IncidentLinks {
  /**
   * Where the incident is tracked: the GitHub issue, the PagerDuty incident, the alert's
   * generator URL, or the issue given for a manual incident.
   */
  issue?: string;
  /** The post-mortem (or root-cause analysis) document. */
  postMortem?: string;
  /** The runbook that applies. */
  runbook?: string;
}

/**
 * The budget of one SLO (objective) that an incident burned: the bad events counted while the
 * incident was open, as a share of the bad events the SLO's period allows.
 * @public
 */
export interface IncidentBudgetCost {
  sloId: string;
  /** The objective's key within the entity (`name`, or `name/1`, ... for further objectives). */
  sloRef: string;
  /**
   * The objective's display name, as SLO lists show it (the SLO's `displayName`, with the
   * objective's for further objectives); absent when the SLO has none: show `sloRef`.
   */
  sloDisplayName?: string;
  /** The SLO's `metadata.name`. */
  name: string;
  /** The objective, a ratio in [0, 1). */
  target: number;
  /** The SLO period whose budget the share refers to, e.g. `28d`. */
  period: string;
  /**
   * The window measured (ISO 8601): the incident's start to its end (or now), aligned
   * outward to the SLI store's buckets.
   */
  from: string;
  to: string;
  /** Good and total events counted in that window. */
  good: number;
  total: number;
  /**
   * Bad events during the incident divided by the error budget of the SLO's period ending at
   * the incident's end, in events (`(1 - target) ×` the events of that period, projected to a
   * whole period for a calendar period still under way); 1 means the incident alone burned
   * the whole budget. Absent when the period has no events, and for Timeslices SLOs (whose
   * budget is counted in slices, not events).
   */
  share?: number;
}

/**
 * What one source recorded of an incident: an Alertmanager alert, a GitHub issue, a PagerDuty
 * incident or a manual incident. Records are stored as their sources report them; an
 * {@link Incident} groups the records of one event.
 * @public
 */
export interface IncidentRecord {
  id: string;
  /** Where it came from: `alertmanager`, `github`, `pagerduty`, `manual`, ... */
  source: string;
  /** The source's natural key: alert fingerprint and start, `owner/repo#number`, PagerDuty id. */
  sourceKey: string;
  /** The entities affected, canonical refs. */
  entityRefs: string[];
  /** Untrusted text: render it as text. */
  title: string;
  /** Untrusted text: render it as text. */
  description?: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  /** When the problem began (ISO 8601). */
  startedAt: string;
  /** When it was noticed: the alert, the issue or the page (ISO 8601); never before `startedAt`. */
  detectedAt: string;
  /** When someone first took it on (ISO 8601). */
  acknowledgedAt?: string;
  /** When it ended (ISO 8601); absent while the record is open. */
  resolvedAt?: string;
  links: IncidentLinks;
  /** Whether a post-mortem exists (a `post-mortem` label or a post-mortem link). */
  postMortem: boolean;
  /** Labels: alert labels as `name=value`, issue labels by name, parsed `cluster=`/`service=`. */
  labels: string[];
  createdAt: string;
  updatedAt: string;
  /**
   * The incident this record belongs to, for the entity asked about (a record of several
   * entities belongs to one incident of each).
   */
  incidentId?: string;
  /**
   * Set when a person placed the record (merged incidents or split it out): their grouping
   * stands, whatever later deliveries bring.
   */
  decision?: { by: string; at: string };
  /** The budget the record's span burned, per SLO (on `view=records` lists). */
  budgetCost?: IncidentBudgetCost[];
}

/**
 * An incident of a catalog entity: the records of one event, from every source that reported
 * it (records of the entity whose spans overlap or lie within
 * `operability.incidents.groupingGap` of each other, or that link each other), or as a person
 * merged or split them. Its start is the earliest record's, its end the latest resolution, its
 * severity the highest, its acknowledgement the first by any source, its post-mortem any
 * record's, and its title that of a record a person wrote (manual, GitHub, PagerDuty) before
 * an alert's.
 * @public
 */
export interface Incident {
  id: string;
  /** The entity, canonical ref. */
  entityRef: string;
  /** Untrusted text: render it as text. */
  title: string;
  /** Untrusted text: render it as text. */
  description?: string;
  severity: IncidentSeverity;
  /** `resolved` once every record is; `acknowledged` once any source acknowledged it. */
  status: IncidentStatus;
  /** The earliest start of its records (ISO 8601). */
  startedAt: string;
  /** The earliest detection of its records (ISO 8601). */
  detectedAt: string;
  /** The first acknowledgement by any source (ISO 8601). */
  acknowledgedAt?: string;
  /** The latest resolution, once every record is resolved (ISO 8601). */
  resolvedAt?: string;
  links: IncidentLinks;
  /** Whether any record has a post-mortem. */
  postMortem: boolean;
  /** The labels of its records. */
  labels: string[];
  /** The sources of its records, sorted. */
  sources: string[];
  /** Its records, oldest first. */
  records: IncidentRecord[];
  createdAt: string;
  updatedAt: string;
  /** The budget the incident burned, per SLO of the entity (present on entity lists). */
  budgetCost?: IncidentBudgetCost[];
}

/** Response of `GET /entities/{kind}/{namespace}/{name}/incidents`. @public */
export interface EntityIncidentsResponse {
  entityRef: string;
  items: Incident[];
  /** How many incidents match the filters, over all pages. */
  totalItems: number;
  offset: number;
  limit: number;
}

/**
 * Response of `GET /entities/{kind}/{namespace}/{name}/incidents?view=records`: the records
 * one by one, as sources reported them (for integrations that read records).
 * @public
 */
export interface EntityIncidentRecordsResponse {
  entityRef: string;
  items: IncidentRecord[];
  /** How many records match the filters, over all pages. */
  totalItems: number;
  offset: number;
  limit: number;
}

/** Response of `POST /incidents/{id}/split`. @public */
export interface IncidentSplitResponse {
  /** The incident the record left. */
  incident: Incident;
  /** The incident the record now forms. */
  split: Incident;
}

/** Count, mean and median of a set of durations, in seconds. @public */
export interface DurationStats {
  /** How many incidents the figures are computed from. */
  count: number;
  /** Absent when `count` is 0. */
  meanSeconds?: number;
  /** Absent when `count` is 0. */
  medianSeconds?: number;
}

/** The budget burned by one incident of the period, per SLO. @public */
export interface IncidentBudgetCostSummary {
  incidentId: string;
  title: string;
  startedAt: string;
  resolvedAt?: string;
  budgetCost: IncidentBudgetCost[];
}

/** Response of `GET /entities/{kind}/{namespace}/{name}/incidents/stats`. @public */
export interface IncidentStatsResponse {
  entityRef: string;
  /** The period, ISO 8601: incidents that started in `[from, to)` are counted. */
  from: string;
  to: string;
  /**
   * Incidents that started in the period (one outage reported by Alertmanager, a GitHub issue
   * and PagerDuty is one incident).
   */
  count: number;
  /** The source records of those incidents. */
  records: number;
  countsBySeverity: Record<IncidentSeverity, number>;
  countsByStatus: Record<IncidentStatus, number>;
  /** Incidents with at least one record of each source. */
  countsBySource: Record<string, number>;
  /**
   * Mean time to acknowledge: acknowledged − detected, over incidents a source acknowledged
   * (PagerDuty, a GitHub assignee, a person; Alertmanager has no acknowledgement).
   */
  mtta: DurationStats;
  /** Mean time to resolve: resolved − detected, over resolved incidents. */
  mttr: DurationStats;
  /**
   * Minutes of the period during which at least one incident was open (overlapping
   * incidents count once; incidents that started before the period count from its start).
   */
  incidentMinutes: number;
  /** Time between the starts of consecutive incidents of the period. */
  timeBetweenIncidents: DurationStats;
  /** Resolved incidents of the listed severities, and how many have a post-mortem. */
  postMortemCoverage: {
    severities: IncidentSeverity[];
    eligible: number;
    covered: number;
    /** `covered / eligible`; absent when nothing is eligible. */
    ratio?: number;
  };
  /** The budget each incident of the period burned, per SLO of the entity. */
  budgetCost: IncidentBudgetCostSummary[];
}

const MAX_URL_LENGTH = 2048;

/**
 * The URL as a string when it is an absolute http(s) URL, else undefined. Links from
 * sources go through this before they are stored: `javascript:`, `data:` and relative
 * links are dropped.
 * @public
 */
export function toHttpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > MAX_URL_LENGTH) {
    return undefined;
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  return url.toString();
}

/** An absolute http(s) URL; anything else is refused with a message. */
export const httpUrlSchema = z
  .string()
  .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
  .transform((value, ctx) => {
    const url = toHttpUrl(value);
    if (!url) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an absolute http:// or https:// URL',
      });
      return z.NEVER;
    }
    return url;
  });

const severitySchema = z.enum(INCIDENT_SEVERITIES, {
  error: `must be one of ${INCIDENT_SEVERITIES.join(', ')}`,
});
const statusSchema = z.enum(INCIDENT_STATUSES, {
  error: `must be one of ${INCIDENT_STATUSES.join(', ')}`,
});

/** Sources are named like plugin ids: lower-case letters, digits and dashes. */
const incidentSourceNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,31}$/,
    'must be a source name such as "github" (lower-case letters, digits, "-")',
  );

function checkRange(
  value: { from?: number; to?: number },
  ctx: z.RefinementCtx,
): void {
  if (
    value.from !== undefined &&
    value.to !== undefined &&
    value.from >= value.to
  ) {
    ctx.addIssue({
      code: 'custom',
      path: ['to'],
      message: 'must be after from',
    });
  }
}

/** The views of an entity's incident list. @public */
export const INCIDENT_LIST_VIEWS = ['incidents', 'records'] as const;

/**
 * How an incident list's time range `[from, to)` selects incidents: `open` (the default)
 * lists those open at any moment of it, as charts shade them; `started` lists those that
 * started in it, as the incident statistics count them.
 * @public
 */
export const INCIDENT_RANGE_MATCHES = ['open', 'started'] as const;

/** How an incident list's time range selects incidents. @public */
export type IncidentRangeMatch = (typeof INCIDENT_RANGE_MATCHES)[number];

/**
 * Query of `GET /entities/{kind}/{namespace}/{name}/incidents`: filters by severity, status
 * and source (each repeated or comma-separated; an incident matches the source of any of its
 * records), a time range (incidents open at any moment of `[from, to)`, or with
 * `match=started` those that started in it, as the statistics count them), a page
 * (`offset`, `limit` up to 100, newest first), and the view: `incidents` (default, each with
 * its records) or `records` (each source record on its own, as before incidents were grouped).
 * @public
 */
export const incidentListQuerySchema = z
  .object({
    severity: queryList(severitySchema).optional(),
    status: queryList(statusSchema).optional(),
    source: queryList(incidentSourceNameSchema).optional(),
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    match: z
      .enum(INCIDENT_RANGE_MATCHES, {
        error: `must be one of ${INCIDENT_RANGE_MATCHES.join(', ')}`,
      })
      .optional(),
    view: z
      .enum(INCIDENT_LIST_VIEWS, {
        error: `must be one of ${INCIDENT_LIST_VIEWS.join(', ')}`,
      })
      .default('incidents'),
    limit: wholeNumberParam(1, 100).default(20),
    offset: offsetParam,
  })
  .strict()
  .superRefine(checkRange);

/** Parsed incident list query (instants as epoch milliseconds). @public */
export type IncidentListQuery = z.output<typeof incidentListQuerySchema>;

/**
 * Query of `GET /entities/{kind}/{namespace}/{name}/incidents/stats`: the period, by default
 * the configured number of days up to now.
 * @public
 */
export const incidentStatsQuerySchema = z
  .object({
    from: instantSchema.optional(),
    to: instantSchema.optional(),
  })
  .strict()
  .superRefine(checkRange);

/** Parsed incident stats query (instants as epoch milliseconds). @public */
export type IncidentStatsQuery = z.output<typeof incidentStatsQuerySchema>;

const titleSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters');
const descriptionSchema = z
  .string()
  .max(20_000, 'must be at most 20000 characters');
const labelsSchema = z
  .array(
    z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(255, 'must be at most 255 characters'),
  )
  .max(50, 'must list at most 50 labels');

/**
 * The times of an incident that must be in order, in milliseconds since the epoch; `null` is
 * a time cleared by an update.
 * @public
 */
export type IncidentTimeFields = {
  startedAt?: number;
  detectedAt?: number | null;
  acknowledgedAt?: number | null;
  resolvedAt?: number | null;
};

/**
 * Checks the order of an incident's times: detected, acknowledged and resolved are never
 * before started, and acknowledged never before detected. Also used on the result of an
 * update, so a patch cannot break the order of stored times.
 * @public
 */
export function incidentTimeOrderErrors(
  times: IncidentTimeFields,
): Array<{ path: string; message: string }> {
  const errors: Array<{ path: string; message: string }> = [];
  const { startedAt, detectedAt, acknowledgedAt, resolvedAt } = times;
  const before = (a?: number | null, b?: number | null) =>
    a !== undefined && a !== null && b !== undefined && b !== null && a < b;
  if (before(detectedAt, startedAt)) {
    errors.push({
      path: 'detectedAt',
      message: 'must not be before startedAt',
    });
  }
  if (before(acknowledgedAt, detectedAt ?? startedAt)) {
    errors.push({
      path: 'acknowledgedAt',
      message: `must not be before ${
        detectedAt !== undefined && detectedAt !== null
          ? 'detectedAt'
          : 'startedAt'
      }`,
    });
  }
  if (before(resolvedAt, startedAt)) {
    errors.push({
      path: 'resolvedAt',
      message: 'must not be before startedAt',
    });
  }
  return errors;
}

function checkTimeOrder(value: IncidentTimeFields, ctx: z.RefinementCtx): void {
  for (const error of incidentTimeOrderErrors(value)) {
    ctx.addIssue({
      code: 'custom',
      path: [error.path],
      message: error.message,
    });
  }
}

/**
 * Body of `POST /entities/{kind}/{namespace}/{name}/incidents`: a manual incident record of
 * the entity (it joins the incident whose records it overlaps, like any source's record).
 * Links must be http(s); times are ISO 8601 with a time zone.
 * @public
 */
export const manualIncidentCreateSchema = z
  .object({
    title: titleSchema,
    description: descriptionSchema.optional(),
    severity: severitySchema,
    startedAt: instantSchema,
    detectedAt: instantSchema.optional(),
    acknowledgedAt: instantSchema.optional(),
    resolvedAt: instantSchema.optional(),
    links: z
      .object({
        issue: httpUrlSchema.optional(),
        postMortem: httpUrlSchema.optional(),
        runbook: httpUrlSchema.optional(),
      })
      .strict()
      .optional(),
    labels: labelsSchema.optional(),
    postMortem: z.boolean().optional(),
  })
  .strict()
  .superRefine(checkTimeOrder);

/** A parsed manual incident (instants as epoch milliseconds). @public */
export type ManualIncidentCreate = z.output<typeof manualIncidentCreateSchema>;

/** What a client sends to create a manual incident. @public */
export type ManualIncidentCreateRequest = z.input<
  typeof manualIncidentCreateSchema
>;

/**
 * Body of `PATCH /incidents/records/{id}` (manual records only): the fields to change; `null`
 * clears an optional field (`acknowledgedAt`, `resolvedAt` to reopen, a link).
 * @public
 */
export const manualIncidentUpdateSchema = z
  .object({
    title: titleSchema.optional(),
    description: descriptionSchema.nullable().optional(),
    severity: severitySchema.optional(),
    startedAt: instantSchema.optional(),
    detectedAt: instantSchema.optional(),
    acknowledgedAt: instantSchema.nullable().optional(),
    resolvedAt: instantSchema.nullable().optional(),
    links: z
      .object({
        issue: httpUrlSchema.nullable().optional(),
        postMortem: httpUrlSchema.nullable().optional(),
        runbook: httpUrlSchema.nullable().optional(),
      })
      .strict()
      .optional(),
    labels: labelsSchema.optional(),
    postMortem: z.boolean().optional(),
  })
  .strict()
  .refine(value => Object.keys(value).length > 0, {
    message: 'must change at least one field',
  })
  .superRefine(checkTimeOrder);

/** A parsed manual incident update (instants as epoch milliseconds). @public */
export type ManualIncidentUpdate = z.output<typeof manualIncidentUpdateSchema>;

/** What a client sends to update a manual incident. @public */
export type ManualIncidentUpdateRequest = z.input<
  typeof manualIncidentUpdateSchema
>;

/** Route params of `/incidents/{id}`. @public */
export const incidentIdParamsSchema = z.object({
  id: z.string().uuid('must be an incident id (a UUID)'),
});

/** Route params of `/incidents/records/{id}`. @public */
export const incidentRecordIdParamsSchema = z.object({
  id: z.string().uuid('must be an incident record id (a UUID)'),
});

/**
 * Body of `POST /incidents/{id}/merge`: the incident (of the same entity) whose records join
 * this one. The decision stands across later deliveries and regrouping.
 * @public
 */
export const incidentMergeSchema = z
  .object({
    incidentId: z.string().uuid('must be an incident id (a UUID)'),
  })
  .strict();

/** A parsed merge request. @public */
export type IncidentMerge = z.output<typeof incidentMergeSchema>;

/**
 * Body of `POST /incidents/{id}/split`: the record that leaves the incident and forms one of
 * its own. The decision stands across later deliveries and regrouping.
 * @public
 */
export const incidentSplitSchema = z
  .object({
    recordId: z.string().uuid('must be an incident record id (a UUID)'),
  })
  .strict();

/** A parsed split request. @public */
export type IncidentSplit = z.output<typeof incidentSplitSchema>;

const SEVERITY_ALIASES: Record<string, IncidentSeverity> = {};
for (const [severity, aliases] of Object.entries({
  critical: [
    'critical',
    'crit',
    'page',
    'emergency',
    'fatal',
    'disaster',
    'critical-urgent',
    'sev0',
    'sev1',
    'p0',
    'p1',
  ],
  warning: [
    'warning',
    'warn',
    'major',
    'error',
    'high',
    'important',
    'important-soon',
    'important-longterm',
    'sev2',
    'sev3',
    'p2',
    'p3',
  ],
  info: [
    'info',
    'informational',
    'information',
    'minor',
    'low',
    'notice',
    'none',
    'backlog',
    'awaiting-more-evidence',
    'sev4',
    'sev5',
    'p4',
    'p5',
  ],
}) as Array<[IncidentSeverity, string[]]>) {
  for (const alias of aliases) SEVERITY_ALIASES[alias] = severity;
}

/**
 * Normalizes a source's severity word: Alertmanager's `severity` label (`critical`,
 * `warning`, `info`), PagerDuty priorities (`P1`..`P5`), SEV levels (`SEV1`, `sev-2`) and
 * the usual synonyms (`page`, `major`, `minor`, ...). Unknown words give undefined.
 * @public
 */
export function normalizeIncidentSeverity(
  value: string | undefined | null,
): IncidentSeverity | undefined {
  if (!value) return undefined;
  const key = value
    .trim()
    .toLowerCase()
    .replace(/^(severity|priority)\s*[/:=_-]\s*/, '')
    .replace(/^sev\s*[-_ ]?\s*(\d)$/, 'sev$1');
  return SEVERITY_ALIASES[key];
}
