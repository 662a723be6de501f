/**
 * The portfolio page's data shaping: the query kept in the URL, the level distribution, group
 * roll-ups and the comparison of entities. Pure functions, no DOM.
 */
import {
  PORTFOLIO_GROUPINGS,
  PORTFOLIO_SORT_KEYS,
  type PortfolioEntity,
  type PortfolioGrouping,
  type PortfolioOptions,
  type PortfolioSortKey,
  type PortfolioStats,
  type ScoreLevelDefinition,
} from '@airworthy/plugin-operability-common';
import { formatNumber, formatPercent, formatSeconds, NO_VALUE } from './format';

/** How many entities can be compared at once. */
export const MAX_COMPARED = 5;

/** Page sizes offered; the server allows up to 500. */
export const PORTFOLIO_PAGE_SIZES = [25, 50, 100] as const;

/** The filters that take lists of values. */
export const PORTFOLIO_FILTERS = [
  'owner',
  'system',
  'domain',
  'tag',
  'level',
  'kind',
] as const;

/** A filter of the portfolio. */
export type PortfolioFilter = (typeof PORTFOLIO_FILTERS)[number];

/** The portfolio's state as the page keeps it (and as it is written in the URL). */
export interface PortfolioView {
  filters: Record<PortfolioFilter, string[]>;
  groupBy?: PortfolioGrouping;
  sort: PortfolioSortKey;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

/**
 * The order a column sorts in first: the score best first (the page's default view), the
 * other measures who is behind first (lowest level, trend, budget and compliance; most
 * incidents, longest MTTR), names A to Z.
 */
export function defaultOrder(sort: PortfolioSortKey): 'asc' | 'desc' {
  return sort === 'score' || sort === 'mttr' || sort === 'incidents'
    ? 'desc'
    : 'asc';
}

/** The view sorted by a column: the other direction when it is already the sort key. */
export function sortedBy(
  view: PortfolioView,
  key: PortfolioSortKey,
): Partial<PortfolioView> {
  if (view.sort !== key) return { sort: key, order: defaultOrder(key) };
  return { sort: key, order: view.order === 'asc' ? 'desc' : 'asc' };
}

function list(params: URLSearchParams, key: string): string[] {
  return params
    .getAll(key)
    .flatMap(v => v.split(','))
    .map(v => v.trim())
    .filter(Boolean);
}

/** Reads the view from the URL's query; anything unknown falls back to the default. */
export function viewFromSearch(params: URLSearchParams): PortfolioView {
  const filters = Object.fromEntries(
    PORTFOLIO_FILTERS.map(f => [f, list(params, f)]),
  ) as Record<PortfolioFilter, string[]>;
  const groupBy = params.get('groupBy');
  const sortParam = params.get('sort');
  const sort = (PORTFOLIO_SORT_KEYS as readonly string[]).includes(
    sortParam ?? '',
  )
    ? (sortParam as PortfolioSortKey)
    : 'score';
  const orderParam = params.get('order');
  const order =
    orderParam === 'asc' || orderParam === 'desc'
      ? orderParam
      : defaultOrder(sort);
  const page = Math.max(0, Math.floor(Number(params.get('page')) || 0));
  const sizeParam = Number(params.get('pageSize'));
  const pageSize = (PORTFOLIO_PAGE_SIZES as readonly number[]).includes(
    sizeParam,
  )
    ? sizeParam
    : PORTFOLIO_PAGE_SIZES[0];
  return {
    filters,
    groupBy: (PORTFOLIO_GROUPINGS as readonly string[]).includes(groupBy ?? '')
      ? (groupBy as PortfolioGrouping)
      : undefined,
    sort,
    order,
    page,
    pageSize,
  };
}

/** Writes the view to a URL query, leaving defaults out so links stay short. */
export function viewToSearch(view: PortfolioView): URLSearchParams {
  const params = new URLSearchParams();
  for (const f of PORTFOLIO_FILTERS) {
    if (view.filters[f].length) params.set(f, view.filters[f].join(','));
  }
  if (view.groupBy) params.set('groupBy', view.groupBy);
  if (view.sort !== 'score') params.set('sort', view.sort);
  if (view.order !== defaultOrder(view.sort)) params.set('order', view.order);
  if (view.page > 0) params.set('page', String(view.page));
  if (view.pageSize !== PORTFOLIO_PAGE_SIZES[0]) {
    params.set('pageSize', String(view.pageSize));
  }
  return params;
}

/** The API request of a view: filters, grouping, sorting and the page. */
export function viewToOptions(view: PortfolioView): PortfolioOptions {
  const options: PortfolioOptions = {
    sort: view.sort,
    order: view.order,
    limit: view.pageSize,
    offset: view.page * view.pageSize,
  };
  for (const f of PORTFOLIO_FILTERS) {
    if (view.filters[f].length) options[f] = view.filters[f];
  }
  if (view.groupBy) options.groupBy = view.groupBy;
  return options;
}

/** A bar of the distribution chart: a level, its entities and their share. */
export interface LevelBar {
  id: string;
  title: string;
  count: number;
  share: number;
}

/**
 * Entities per level, lowest level first, then the entities without a score (`unscored`),
 * each with its share of the set.
 */
export function levelDistribution(
  stats: PortfolioStats,
  levels: ReadonlyArray<ScoreLevelDefinition>,
): LevelBar[] {
  const ordered = [...levels].sort((a, b) => a.threshold - b.threshold);
  const bars = ordered.map(level => ({
    id: level.id,
    title: level.title,
    count: stats.levels[level.id] ?? 0,
  }));
  const unscored = stats.count - stats.scored;
  if (unscored > 0) {
    bars.push({ id: 'unscored', title: 'Not scored', count: unscored });
  }
  return bars.map(bar => ({
    ...bar,
    share: stats.count > 0 ? bar.count / stats.count : 0,
  }));
}

/** A score for people: one decimal, `–` without one. */
export function formatScore(score: number | null | undefined): string {
  return score === null || score === undefined
    ? NO_VALUE
    : formatNumber(score, 1);
}

/** A score change: `+3.2`, `−1.5`, `±0`, `–` without a snapshot that old. */
export function formatTrend(delta: number | null | undefined): string {
  if (delta === null || delta === undefined) return NO_VALUE;
  const rounded = Math.round(delta * 10) / 10;
  if (rounded === 0) return '±0';
  return rounded > 0
    ? `+${formatNumber(rounded, 1)}`
    : `−${formatNumber(-rounded, 1)}`;
}

/** The display name of a catalog ref: `group:default/sre` is `sre`, other namespaces kept. */
export function shortRef(ref: string | null | undefined): string {
  if (!ref) return NO_VALUE;
  const match = /^[^:]+:([^/]+)\/(.+)$/.exec(ref);
  if (!match) return ref;
  return match[1] === 'default' ? match[2] : `${match[1]}/${match[2]}`;
}

/** One row of the comparison: a measure and its value per compared entity. */
export interface ComparisonRow {
  label: string;
  values: string[];
  /** The index of the best value, when one stands out (ties: none). */
  best?: number;
}

type Measure = {
  label: string;
  value: (e: PortfolioEntity) => number | null;
  format: (v: number | null) => string;
  /** Higher is better (else lower is). */
  higherIsBetter: boolean;
  /** Whether a value can be called best at all (no data never is). */
  qualifies?: (value: number) => boolean;
};

const MEASURES: Measure[] = [
  {
    label: 'Score',
    value: e => e.score,
    format: formatScore,
    higherIsBetter: true,
  },
  {
    label: 'SLOs',
    value: e => e.sloCount,
    format: v => formatNumber(v, 0),
    higherIsBetter: true,
  },
  {
    label: 'Worst budget left',
    value: e => e.worstBudgetRemaining,
    format: v => formatPercent(v, 1),
    higherIsBetter: true,
  },
  {
    label: 'SLOs meeting target',
    value: e => e.sloCompliance,
    format: v => formatPercent(v, 1),
    higherIsBetter: true,
  },
  {
    label: 'Incidents',
    value: e => e.incidents,
    format: v => (v === null ? 'no source' : formatNumber(v, 0)),
    higherIsBetter: false,
  },
  {
    label: 'MTTR',
    value: e => e.mttrSeconds,
    format: formatSeconds,
    higherIsBetter: false,
  },
  {
    label: 'Trend',
    value: e => e.trendDelta,
    format: v => (v === null ? 'no history' : formatTrend(v)),
    higherIsBetter: true,
    // Not moving is no achievement: only a rise can be the best trend.
    qualifies: v => v > 0,
  },
];

/** The entities side by side, measure by measure, with the best of each marked. */
export function comparisonRows(
  entities: ReadonlyArray<PortfolioEntity>,
  levels: ReadonlyArray<ScoreLevelDefinition> = [],
): ComparisonRow[] {
  const rows: ComparisonRow[] = [
    {
      label: 'Level',
      values: entities.map(e => levelTitle(e.level, levels)),
    },
    { label: 'Owner', values: entities.map(e => shortRef(e.owner)) },
  ];
  for (const measure of MEASURES) {
    const values = entities.map(measure.value);
    rows.push(
      comparisonRow(measure.label, values, measure.format, {
        qualifies: measure.qualifies,
        higherIsBetter: measure.higherIsBetter,
      }),
    );
  }
  return rows;
}

/**
 * One measure of the comparison: the values written for people, and the index of the single
 * best one (none on a tie, or when only one entity is compared).
 */
export function comparisonRow(
  label: string,
  values: ReadonlyArray<number | null>,
  format: (v: number | null) => string,
  options: {
    higherIsBetter: boolean;
    qualifies?: (value: number) => boolean;
  },
): ComparisonRow {
  const known = values.filter((v): v is number => v !== null);
  let best: number | undefined;
  if (values.length > 1 && known.length > 0) {
    const target = options.higherIsBetter
      ? Math.max(...known)
      : Math.min(...known);
    const winners = values.flatMap((v, i) => (v === target ? [i] : []));
    if (winners.length === 1 && (options.qualifies?.(target) ?? true)) {
      best = winners[0];
    }
  }
  return {
    label,
    values: values.map(format),
    ...(best === undefined ? {} : { best }),
  };
}

/**
 * The category scores of the compared entities (from their score responses, in the same
 * order), one row per category in the order they first appear; `–` where an entity has no
 * score for a category (none of its checks applies, or it could not be loaded).
 */
export function categoryRows(
  scores: ReadonlyArray<
    | {
        categories: ReadonlyArray<{
          id: string;
          title: string;
          score: number | null;
        }>;
      }
    | undefined
  >,
): ComparisonRow[] {
  const categories = new Map<string, string>();
  for (const score of scores) {
    for (const c of score?.categories ?? []) {
      if (!categories.has(c.id)) categories.set(c.id, c.title);
    }
  }
  return [...categories.entries()].map(([id, title]) =>
    comparisonRow(
      title,
      scores.map(
        score => score?.categories.find(c => c.id === id)?.score ?? null,
      ),
      formatScore,
      { higherIsBetter: true },
    ),
  );
}

/** Adds or removes an entity from the comparison; refuses a sixth. */
export function toggleCompared(
  compared: ReadonlyArray<PortfolioEntity>,
  entity: PortfolioEntity,
): PortfolioEntity[] {
  if (compared.some(e => e.entityRef === entity.entityRef)) {
    return compared.filter(e => e.entityRef !== entity.entityRef);
  }
  if (compared.length >= MAX_COMPARED) return [...compared];
  return [...compared, entity];
}

/** A level's title (`Run`) from its id (`run`), as the distribution chart says it. */
export function levelTitle(
  id: string | null | undefined,
  levels: ReadonlyArray<ScoreLevelDefinition>,
): string {
  if (!id) return NO_VALUE;
  return levels.find(l => l.id === id)?.title ?? id;
}

/**
 * The tone of a level: the lowest level stands out as behind, the highest as fine, those
 * between as on their way.
 */
export function levelTone(
  id: string | null | undefined,
  levels: ReadonlyArray<ScoreLevelDefinition>,
): 'error' | 'warning' | 'success' | 'neutral' {
  const ordered = [...levels].sort((a, b) => a.threshold - b.threshold);
  const index = ordered.findIndex(l => l.id === id);
  if (index < 0) return 'neutral';
  if (index === 0) return 'error';
  return index === ordered.length - 1 ? 'success' : 'warning';
}
