import { z } from 'zod';
import { SLO_PHASES } from '../annotations';
import { parseDuration } from '../slo/duration';
import type { Slo } from '../slo/model';
import { TIME } from '../time';
import { API_RANGES } from './limits';
import {
  offsetParam,
  queryList,
  refFilter,
  wholeNumberParam,
} from './queryParams';
import type { BurnRateSeverity } from '../slo/windows';
import type { SloStatus, SloSummary } from './types';

/** Route params of `/slos/{id}...`. @public */
export const sloIdParamsSchema = z.object({
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
      'must be an SLO id (letters, digits, "-" and "_", at most 64)',
    ),
});

/**
 * Body of `PUT /slos/{id}/phase`: the phase of an SLO created through the API (SLOs from
 * files take theirs from the file). @public
 */
export const sloPhaseWriteSchema = z
  .object({
    phase: z.enum(SLO_PHASES, {
      message: `must be one of ${SLO_PHASES.join(', ')}`,
    }),
  })
  .strict();

/** Body of `PUT /slos/{id}/phase`. @public */
export type SloPhaseWrite = z.infer<typeof sloPhaseWriteSchema>;

/** The error budget of an SLO over its current period. Ratios are fractions (0.5 is 50%). @public */
export interface SloBudget {
  /** The period measured: the rolling window ending now, or the current calendar period so far. */
  from: string;
  to: string;
  /** Good and total events in the period. */
  good: number;
  total: number;
  /** good / total; null without events. */
  sli: number | null;
  /** 1 - target. */
  errorBudget: number;
  /** The period's error budget as time, in minutes: (1 - target) x period. */
  budgetMinutes: number;
  /** Share of the period's budget spent (may exceed 1). */
  consumed: number;
  /** 1 - consumed; negative when overspent. */
  remaining: number;
  /** Remaining budget as time, in minutes. */
  remainingMinutes: number;
  /**
   * Time until the budget is spent at the burn rate of the last hour, in ms: 0 when spent,
   * null when the budget does not burn.
   */
  timeToExhaustionMs: number | null;
  /** When the budget runs out at that burn rate (ISO 8601); absent when it does not burn. */
  exhaustsAt?: string;
}

/** The burn rate of one window, from the window's counts. @public */
export interface SloBurnRate {
  /** `5m`, `30m`, `1h`, `2h`, `6h`, `1d`, `3d`, or `period`. */
  window: string;
  windowMs: number;
  good: number;
  total: number;
  /** bad / total; null without events. */
  errorRatio: number | null;
  /** errorRatio / (1 - target); null without events. */
  burnRate: number | null;
}

/** One row of the multiwindow, multi-burn-rate alert table and whether it fires now. @public */
export interface SloAlertRow {
  severity: BurnRateSeverity;
  longWindow: string;
  shortWindow: string;
  burnRateFactor: number;
  /** The error ratio both windows must exceed: burnRateFactor x (1 - target). */
  errorRatioThreshold: number;
  longErrorRatio: number | null;
  shortErrorRatio: number | null;
  firing: boolean;
}

/**
 * Where an SLO's data stands, and so why it has no figures while it has none:
 *
 * - `ok`: data is stored (collected or pushed);
 * - `pending`: a source collects it, and its first collection has not finished yet;
 * - `empty`: it was collected, but its queries returned no data over the period;
 * - `failed`: the last collection failed (`lastError` says why);
 * - `unconfigured`: an installed source would collect it but is not configured for it
 *   (`detail` says what to configure);
 * - `push`: no installed source collects it; its data is pushed to `POST /slos/{id}/sli`,
 *   and none has arrived yet.
 * @public
 */
export type SloDataState =
  | 'ok'
  | 'pending'
  | 'empty'
  | 'failed'
  | 'unconfigured'
  | 'push';

/** Where SLI collection of an SLO stands (SLOs whose data is pulled from a source). @public */
export interface SloCollectionStatus {
  /** The source collecting it, e.g. `prometheus`; null when no installed source supports it. */
  source: string | null;
  /** Where its data stands. */
  state: SloDataState;
  /**
   * For `unconfigured`, what to configure (from the source); for `push`, the metric source
   * types no installed source collects.
   */
  detail?: string;
  /** Data is collected up to this instant. */
  collectedUntil?: string;
  lastAttemptAt?: string;
  lastSuccessAt?: string;
  /** Why the last collection failed, with what to fix. */
  lastError?: string;
}

/** The latest evaluation of an SLO. @public */
export interface SloEvaluation {
  evaluatedAt: string;
  status: SloSummary['status'];
  budget: SloBudget;
  /** Burn rate of each alert window and of the whole period, shortest first. */
  burnRates: SloBurnRate[];
  /** The most severe firing alert row, or null. */
  alertSeverity: BurnRateSeverity | null;
  alerts: SloAlertRow[];
}

/** Answer of `GET /slos/{id}`: the SLO, its evaluation and its normalized definition. @public */
export interface SloDetailResponse extends SloSummary {
  definition: Slo;
}

/** Answer of the SLO write routes: the SLOs (one per objective) as stored. @public */
export interface SloWriteResponse {
  items: SloSummary[];
}

/** Query of `GET /slos/{id}/series`. @public */
export const sloSeriesQuerySchema = z
  .object({
    from: z.iso
      .datetime({
        offset: true,
        message: 'must be an ISO 8601 date-time with a time zone',
      })
      .optional(),
    to: z.iso
      .datetime({
        offset: true,
        message: 'must be an ISO 8601 date-time with a time zone',
      })
      .optional(),
    window: z
      .string()
      .refine(
        s => {
          const parsed = parseDuration(s);
          return (
            parsed !== undefined &&
            'mhd'.includes(parsed.unit) &&
            parsed.ms <= API_RANGES.maxSeriesRangeMs
          );
        },
        {
          message: `must be a burn-rate window from 1m to ${
            API_RANGES.maxSeriesRangeMs / TIME.DAY
          }d in minutes, hours or days, such as 5m, 1h or 1d`,
        },
      )
      .optional(),
  })
  .strict();

/** Query of `GET /slos/{id}/series`. @public */
export type SloSeriesQuery = z.infer<typeof sloSeriesQuerySchema>;

/** A point of a series: epoch ms and value (null where there is no data). @public */
export interface SeriesPoint {
  t: number;
  v: number | null;
}

/** Answer of `GET /slos/{id}/series`. @public */
export interface SloSeriesResponse {
  sloId: string;
  from: string;
  to: string;
  /** Width of the buckets the series were computed from, in ms, before downsampling. */
  resolutionMs: number;
  /** The burn-rate window of `burnRate`, e.g. `1h`. */
  window: string;
  /** Remaining share of the period's budget at each instant. */
  budgetRemaining: SeriesPoint[];
  /** Burn rate over `window` ending at each instant. */
  burnRate: SeriesPoint[];
  /** SLI (good / total) of each bucket. */
  sli: SeriesPoint[];
}

/** The statuses of SLOs, worst first. @public */
export const SLO_STATUSES: ReadonlyArray<SloStatus> = [
  'exhausted',
  'critical',
  'warning',
  'no-data',
  'ok',
];

/** How the SLO list can be sorted. @public */
export const SLO_LIST_SORT_KEYS = [
  'status',
  'budget',
  'burn',
  'name',
  'entity',
  'target',
] as const;

/** A sort key of the SLO list. @public */
export type SloListSortKey = (typeof SLO_LIST_SORT_KEYS)[number];

/**
 * Query of `GET /slos`, the SLOs of every entity the caller may read: filters (each
 * repeated or comma-separated; values of one filter are alternatives, different filters must
 * all hold), a search text, sorting and a page.
 * @public
 */
export const sloListQuerySchema = z
  .object({
    entity: queryList(refFilter('component'), 100).optional(),
    owner: queryList(refFilter('group'), 100).optional(),
    status: queryList(
      z.enum(SLO_STATUSES as [SloStatus, ...SloStatus[]], {
        error: `must be one of ${SLO_STATUSES.join(', ')}`,
      }),
    ).optional(),
    source: queryList(
      z.enum(['repo', 'api'], { error: 'must be repo or api' }),
    ).optional(),
    q: z.string().max(200, 'must be at most 200 characters').optional(),
    sort: z
      .enum(SLO_LIST_SORT_KEYS, {
        error: `must be one of ${SLO_LIST_SORT_KEYS.join(', ')}`,
      })
      .default('status'),
    order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).optional(),
    limit: wholeNumberParam(1, 500).optional(),
    offset: offsetParam,
  })
  .strict();

/** Parsed SLO list query. @public */
export type SloListQuery = z.output<typeof sloListQuerySchema>;

/** One SLO of the list: its summary, with its entity's title and owner. @public */
export interface SloListItem extends SloSummary {
  /** The entity's `metadata.title` (untrusted text: render as text). */
  entityTitle?: string;
  /** The entity's owner, a canonical ref. */
  owner?: string;
}

/** Answer of `GET /slos`. @public */
export interface SloListResponse {
  items: SloListItem[];
  /** SLOs that match, over all pages. */
  totalItems: number;
  offset: number;
  limit: number;
  /** How many of the matching SLOs have each status. */
  statusCounts: Record<SloStatus, number>;
}

/** The order a sort key of the SLO list sorts in first: worst first, names A to Z. @public */
export function sloListDefaultOrder(sort: SloListSortKey): 'asc' | 'desc' {
  return sort === 'status' || sort === 'burn' || sort === 'target'
    ? 'desc'
    : 'asc';
}
