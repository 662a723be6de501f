import { z } from 'zod';
import type {
  EntityScoreFacts,
  ScoreCategoryResult,
  ScoreCheckDefinition,
  ScoreCheckResult,
  ScoreExemption,
  ScoreLevelDefinition,
} from '../score/model';
import {
  exemptionExpirySchema,
  exemptionReasonSchema,
  scoreCheckIdSchema,
} from '../score/exemptions';
import {
  offsetParam,
  queryList,
  refFilter,
  wholeNumberParam,
} from './queryParams';

/** The trend of a score over a number of days. @public */
export interface ScoreTrend {
  days: number;
  /** Score now minus the score of the snapshot `days` ago (or the newest one before); null without one. */
  delta: number | null;
  /** The day of the snapshot compared with (`YYYY-MM-DD`). */
  since?: string;
}

/** Response of `GET /entities/{kind}/{namespace}/{name}/score`. @public */
export interface EntityScoreResponse {
  entityRef: string;
  /** 0-100 with one decimal; null when no check applies. */
  score: number | null;
  level: ScoreLevelDefinition | null;
  /** The next level and the points missing to it; null at the top level. */
  nextLevel: {
    id: string;
    title: string;
    threshold: number;
    pointsNeeded: number;
  } | null;
  /** ISO 8601. */
  computedAt: string;
  categories: ScoreCategoryResult[];
  /** Every check, in configuration order. */
  checks: ScoreCheckResult[];
  /** Every exemption of the entity, active and expired. */
  exemptions: ScoreExemption[];
  /** Problems of the `airworthy.dev/exemptions` annotation (those entries do not apply). */
  exemptionErrors: string[];
  facts: EntityScoreFacts;
  /** The 28- and 90-day trends. */
  trends: ScoreTrend[];
}

/** One daily snapshot of a score. @public */
export interface ScoreHistoryPoint {
  /** The UTC day, `YYYY-MM-DD`. */
  date: string;
  score: number | null;
  level: string | null;
}

/** Response of `GET /entities/{kind}/{namespace}/{name}/score/history`. @public */
export interface ScoreHistoryResponse {
  entityRef: string;
  days: number;
  /** Oldest first, one per day that has a snapshot. */
  points: ScoreHistoryPoint[];
}

/** Query of `GET .../score/history`: how many days back (1-400, default 90). @public */
export const scoreHistoryQuerySchema = z
  .object({
    days: wholeNumberParam(1, 400).default(90),
  })
  .strict();

/** Response of `GET /score/checks`: the checks and levels in force. @public */
export interface ScoreSettingsResponse {
  checks: ScoreCheckDefinition[];
  levels: ScoreLevelDefinition[];
  /** Length of the period incidents are counted over, in days. */
  periodDays: number;
  /** Entity kinds that are scored. */
  kinds: string[];
}

/** Route params of `/entities/{kind}/{namespace}/{name}/exemptions/{check}`. @public */
export const exemptionCheckParamsSchema = z.object({
  check: scoreCheckIdSchema,
});

/**
 * Body of `PUT /entities/{kind}/{namespace}/{name}/exemptions/{check}`: why, and until when
 * (a date, valid through that day UTC, or an ISO 8601 date-time). The author is the caller.
 * @public
 */
export const exemptionWriteSchema = z
  .object({
    reason: exemptionReasonSchema,
    expiresAt: exemptionExpirySchema,
  })
  .strict();

/** Parsed exemption write (expiry in epoch milliseconds). @public */
export type ExemptionWrite = z.output<typeof exemptionWriteSchema>;

/** What a client sends to grant an exemption. @public */
export type ExemptionWriteRequest = z.input<typeof exemptionWriteSchema>;

/** Response of `GET /entities/{kind}/{namespace}/{name}/exemptions`. @public */
export interface EntityExemptionsResponse {
  entityRef: string;
  items: ScoreExemption[];
  /** Problems of the annotation (those entries do not apply). */
  errors: string[];
}

/** How the portfolio can be grouped. @public */
export const PORTFOLIO_GROUPINGS = [
  'owner',
  'system',
  'domain',
  'tag',
] as const;

/** A portfolio grouping. @public */
export type PortfolioGrouping = (typeof PORTFOLIO_GROUPINGS)[number];

/** How the portfolio's rows can be sorted. @public */
export const PORTFOLIO_SORT_KEYS = [
  'score',
  'level',
  'name',
  'owner',
  'trend',
  'budget',
  'compliance',
  'incidents',
  'mttr',
] as const;

/** A portfolio sort key. @public */
export type PortfolioSortKey = (typeof PORTFOLIO_SORT_KEYS)[number];

const wordSchema = (example: string) =>
  z
    .string()
    .regex(
      /^[a-zA-Z0-9][a-zA-Z0-9:+#._-]{0,62}$/,
      `must be a value such as "${example}"`,
    )
    .transform(s => s.toLocaleLowerCase('en-US'));

/**
 * Query of `GET /portfolio`: filters (each repeated or comma-separated; values of one filter
 * are alternatives, different filters must all hold), grouping, sorting, a page, the trend
 * period and the format (`json` or `csv`).
 * @public
 */
export const portfolioQuerySchema = z
  .object({
    owner: queryList(refFilter('group'), 100).optional(),
    system: queryList(refFilter('system'), 100).optional(),
    domain: queryList(refFilter('domain'), 100).optional(),
    tag: queryList(wordSchema('python'), 100).optional(),
    level: queryList(wordSchema('walk')).optional(),
    kind: queryList(wordSchema('component')).optional(),
    groupBy: z
      .enum(PORTFOLIO_GROUPINGS, {
        error: `must be one of ${PORTFOLIO_GROUPINGS.join(', ')}`,
      })
      .optional(),
    sort: z
      .enum(PORTFOLIO_SORT_KEYS, {
        error: `must be one of ${PORTFOLIO_SORT_KEYS.join(', ')}`,
      })
      .default('score'),
    order: z.enum(['asc', 'desc'], { error: 'must be asc or desc' }).optional(),
    limit: wholeNumberParam(1, 500).optional(),
    offset: offsetParam,
    trendDays: wholeNumberParam(1, 400).default(28),
    format: z
      .enum(['json', 'csv'], { error: 'must be json or csv' })
      .default('json'),
  })
  .strict();

/** Parsed portfolio query. @public */
export type PortfolioQuery = z.output<typeof portfolioQuerySchema>;

/** One entity of the portfolio. @public */
export interface PortfolioEntity {
  entityRef: string;
  kind: string;
  namespace: string;
  name: string;
  /** Untrusted text (catalog data): render as text. */
  title?: string;
  /** Canonical refs. */
  owner?: string;
  system?: string;
  domain?: string;
  tags: string[];
  /** Null until the entity has been scored. */
  score: number | null;
  level: string | null;
  computedAt?: string;
  sloCount: number;
  worstBudgetRemaining: number | null;
  sloCompliance: number | null;
  /** Incidents that started in the period; null until scored, or without an incident source. */
  incidents: number | null;
  mttrSeconds: number | null;
  /** Score change over `trendDays`; null without a snapshot that old. */
  trendDelta: number | null;
}

/** Statistics of a set of entities. @public */
export interface PortfolioStats {
  /** Entities in the set. */
  count: number;
  /** Of those, how many have a score. */
  scored: number;
  mean: number | null;
  median: number | null;
  /** Entities per level id (every configured level, 0 included). */
  levels: Record<string, number>;
}

/** A group of the portfolio: entities sharing an owner, system, domain or tag. @public */
export interface PortfolioGroup extends PortfolioStats {
  /** The owner, system or domain ref, or the tag; null for entities without one. */
  key: string | null;
}

/** Response of `GET /portfolio`. @public */
export interface PortfolioResponse {
  items: PortfolioEntity[];
  /** Entities that match, over all pages. */
  totalItems: number;
  offset: number;
  limit: number;
  /** Statistics of every matching entity. */
  summary: PortfolioStats;
  groupBy?: PortfolioGrouping;
  /** With `groupBy`: every group, by key. */
  groups?: PortfolioGroup[];
  levels: ScoreLevelDefinition[];
  periodDays: number;
  trendDays: number;
}
