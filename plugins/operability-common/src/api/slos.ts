import { z } from 'zod';
import { parseDuration } from '../slo/duration';
import type { Slo } from '../slo/model';
import { TIME } from '../time';
import { API_RANGES } from './limits';
import type { BurnRateSeverity } from '../slo/windows';
import type { SloSummary } from './types';

/** Route params of `/slos/{id}...`. @public */
export const sloIdParamsSchema = z.object({
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
      'must be an SLO id (letters, digits, "-" and "_", at most 64)',
    ),
});

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

/** Where SLI collection of an SLO stands (SLOs whose data is pulled from a source). @public */
export interface SloCollectionStatus {
  /** The source collecting it, e.g. `prometheus`; null when no installed source supports it. */
  source: string | null;
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
