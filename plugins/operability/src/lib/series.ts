/**
 * Series shaped for charts: ranges, budget burn-down and burn-rate points, the threshold lines
 * of the multiwindow alerts, the forecast of when the budget runs out, and sparklines.
 */
import {
  durationToMs,
  multiwindowTable,
  type SeriesPoint,
  type SloBudget,
} from '@airworthy/plugin-operability-common';
import { createLTTB } from 'downsample';
import { TIME } from '@airworthy/plugin-operability-common';
import { formatDuration } from './format';

/** The ranges the operability tab offers. */
export const SERIES_RANGES = ['1d', '7d', '28d', '90d'] as const;

/** A range of the operability tab. */
export type SeriesRange = (typeof SERIES_RANGES)[number];

/**
 * The burn-rate window shown by default for a range: short enough to show bursts, long enough
 * that a range's points are not noise.
 */
export const DEFAULT_BURN_RATE_WINDOW: Record<SeriesRange, string> = {
  '1d': '1h',
  '7d': '1h',
  '28d': '6h',
  '90d': '1d',
};

/** The instants a range covers, as ISO strings for the API and as epoch ms for the charts. */
export interface RangeBounds {
  from: string;
  to: string;
  fromMs: number;
  toMs: number;
}

/** The instants of a range ending now (ISO 8601 and epoch ms). */
export function rangeBounds(range: SeriesRange, nowMs: number): RangeBounds {
  const toMs = nowMs;
  const fromMs = nowMs - durationToMs(range);
  return {
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    fromMs,
    toMs,
  };
}

/** A point of a chart: epoch ms and a value, points without data dropped. */
export interface ChartPoint {
  t: number;
  v: number;
}

/** Drops points without data; values in percent when `percent` is set (0.5 becomes 50). */
export function chartPoints(
  points: ReadonlyArray<SeriesPoint>,
  options: { percent?: boolean } = {},
): ChartPoint[] {
  return points.flatMap(p =>
    p.v === null || !Number.isFinite(p.v)
      ? []
      : [{ t: p.t, v: options.percent ? p.v * 100 : p.v }],
  );
}

/** A horizontal line of the burn-rate chart: the burn rate at which an alert fires. */
export interface ThresholdLine {
  severity: 'page' | 'ticket';
  burnRate: number;
  /** `page 13.44× (1h and 5m)` */
  label: string;
}

/**
 * The burn rates at which the multiwindow alerts fire that use a window as their long or
 * short window: the lines a burn-rate series over that window is compared with.
 */
export function thresholdLines(
  target: number,
  period: string,
  window: string,
): ThresholdLine[] {
  const windowMs = durationToMs(window);
  return multiwindowTable(durationToMs(period), target)
    .filter(
      row => row.longWindowMs === windowMs || row.shortWindowMs === windowMs,
    )
    .map(row => ({
      severity: row.severity,
      burnRate: row.burnRateFactor,
      label: `${row.severity} ${Number(row.burnRateFactor.toFixed(2))}× (${
        row.longWindow
      } and ${row.shortWindow})`,
    }));
}

/** The burn-rate windows of an SLO's alerts, shortest first (5m ... 3d). */
export function burnRateWindows(period: string): string[] {
  const windows = new Map<number, string>();
  for (const row of multiwindowTable(durationToMs(period))) {
    windows.set(row.shortWindowMs, row.shortWindow);
    windows.set(row.longWindowMs, row.longWindow);
  }
  return [...windows.entries()].sort((a, b) => a[0] - b[0]).map(e => e[1]);
}

/** When the budget runs out at the current burn rate, as a line to draw and to say. */
export interface BudgetForecast {
  /** The budget is spent already. */
  exhausted: boolean;
  /** When it runs out; undefined when the budget does not burn. */
  exhaustsAtMs?: number;
  /** From (now, remaining %) to (exhaustion, 0 %), clipped to `untilMs`. */
  line: ChartPoint[];
}

/**
 * The forecast of the budget at the current burn rate (the API extrapolates the last hour's):
 * a straight line from the remaining budget now to zero at the exhaustion instant, cut at
 * `untilMs` (the end of the chart) when the budget lasts longer.
 */
export function budgetForecast(
  budget: Pick<SloBudget, 'remaining' | 'timeToExhaustionMs' | 'to'>,
  untilMs: number,
): BudgetForecast {
  const nowMs = Date.parse(budget.to);
  const remaining = budget.remaining * 100;
  if (budget.remaining <= 0) {
    return { exhausted: true, exhaustsAtMs: nowMs, line: [] };
  }
  if (budget.timeToExhaustionMs === null) {
    return { exhausted: false, line: [] };
  }
  const exhaustsAtMs = nowMs + budget.timeToExhaustionMs;
  const end = Math.min(exhaustsAtMs, untilMs);
  if (end <= nowMs) return { exhausted: false, exhaustsAtMs, line: [] };
  const endValue =
    remaining * (1 - (end - nowMs) / (exhaustsAtMs - nowMs || 1));
  return {
    exhausted: false,
    exhaustsAtMs,
    line: [
      { t: nowMs, v: remaining },
      { t: end, v: Math.max(0, endValue) },
    ],
  };
}

const lttb = createLTTB<ChartPoint>({ x: 't', y: 'v' });

/** At most `max` points that keep the shape of a series (LTTB), for sparklines. */
export function sparkline(
  points: ReadonlyArray<SeriesPoint>,
  max = 48,
): ChartPoint[] {
  const data = chartPoints(points, { percent: true });
  if (data.length <= max) return data;
  return Array.from(lttb(data, max));
}

/** Ticks of a time axis: `11-03` for ranges of days, `10:00` within a day (UTC). */
export function timeTick(range: SeriesRange): (t: number) => string {
  return t => {
    const iso = new Date(t).toISOString();
    return range === '1d' ? iso.slice(11, 16) : iso.slice(5, 10);
  };
}

/** The spacing of a range's time ticks: 3 hours, 1, 7 or 14 days. */
const TIME_TICK_STEP: Record<SeriesRange, number> = {
  '1d': 3 * TIME.HOUR,
  '7d': TIME.DAY,
  '28d': 7 * TIME.DAY,
  '90d': 14 * TIME.DAY,
};

/**
 * The ticks of a time axis over `[fromMs, toMs]`: on whole UTC hours or days of the range's
 * step, so that each label (a day, or an hour within a day) appears once.
 */
export function timeTicks(
  range: SeriesRange,
  fromMs: number,
  toMs: number,
): number[] {
  const step = TIME_TICK_STEP[range];
  const ticks: number[] = [];
  for (let t = Math.ceil(fromMs / step) * step; t <= toMs; t += step) {
    ticks.push(t);
  }
  return ticks;
}

/** Round steps of a percent axis. */
const PERCENT_STEPS = [25, 50, 100, 250, 500, 1000, 2500, 5000];

/**
 * The budget axis in percent: from 100% down to 0%, or below 0% (overspent) to a round
 * tick under the lowest point with some room, at round ticks (25%, 50%, 100% ... apart) of
 * which there are at most about six.
 */
export function budgetAxis(lowestPercent: number): {
  domain: [number, number];
  ticks: number[];
} {
  const top = 100;
  const wanted = Math.min(0, lowestPercent);
  // Room below the lowest point, so that an exhausted line is not pressed to the edge.
  const span = top - wanted + (wanted < 0 ? 0.1 * (top - wanted) : 0);
  const step =
    PERCENT_STEPS.find(s => span / s <= 6) ??
    PERCENT_STEPS[PERCENT_STEPS.length - 1];
  const bottom =
    wanted < 0 ? -Math.ceil((-wanted + 0.1 * (top - wanted)) / step) * step : 0;
  // Multiples of the step from the bottom (0 among them), and the top, 100%.
  const ticks: number[] = [];
  for (let v = bottom; v < top; v += step) ticks.push(v);
  ticks.push(top);
  return { domain: [bottom, top], ticks };
}

/**
 * How far past now the budget chart of a range reaches to show the forecast: a quarter of the
 * range (6 hours on 1d, 7 days on 28d).
 */
export function forecastHorizonMs(range: SeriesRange): number {
  return durationToMs(range) / 4;
}

/**
 * The top of the burn-rate axis: the highest point or threshold line with headroom, at
 * least 1 (the burn rate that spends the budget exactly over the period), but no more than
 * about twice the highest threshold line or the burn rate most points stay under (the 95th
 * percentile): a short spike far above the rest is cut off (`clipped`, with its peak) rather
 * than pressing the thresholds and the rest of the series flat on the time axis.
 */
export function burnRateAxis(
  points: ReadonlyArray<ChartPoint>,
  lines: ReadonlyArray<ThresholdLine>,
): { max: number; clipped: boolean; peak: number } {
  const peak = Math.max(0, ...points.map(p => p.v));
  const sorted = points.map(p => p.v).sort((a, b) => a - b);
  const p95 = sorted.length
    ? sorted[Math.floor(0.95 * (sorted.length - 1))]
    : 0;
  const highestLine = Math.max(0, ...lines.map(l => l.burnRate));
  const cap = Math.max(1, 2 * highestLine, 1.5 * p95);
  const wanted = Math.max(1, peak, highestLine);
  const top = Math.min(wanted, cap);
  return {
    max: Number((top * 1.15).toPrecision(2)),
    clipped: peak > top * 1.15,
    peak,
  };
}

/** The forecast said in words, for the tab's heading and for screen readers. */
export function describeForecast(
  budget: Pick<SloBudget, 'remaining' | 'timeToExhaustionMs' | 'to'>,
): string {
  if (budget.remaining <= 0) return 'The error budget is spent.';
  if (budget.timeToExhaustionMs === null) {
    return 'The budget is not burning: no bad events in the last hour.';
  }
  const at = Date.parse(budget.to) + budget.timeToExhaustionMs;
  const iso = new Date(at).toISOString();
  return `At the last hour's burn rate the budget runs out in ${formatDuration(
    budget.timeToExhaustionMs,
  )} (${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC).`;
}

/** A series summed up for screen readers: `Budget remaining: 80% on 11-01, 52% on 11-25`. */
export function describeSeries(
  label: string,
  points: ReadonlyArray<ChartPoint>,
  format: (v: number) => string,
): string {
  if (points.length === 0) return `${label}: no data in this range`;
  const first = points[0];
  const last = points[points.length - 1];
  let min = first;
  let max = first;
  for (const p of points) {
    if (p.v < min.v) min = p;
    if (p.v > max.v) max = p;
  }
  const at = (p: ChartPoint) =>
    `${format(p.v)} at ${new Date(p.t).toISOString().slice(0, 16)}Z`;
  return `${label}: ${at(first)}, now ${format(last.v)}; lowest ${at(
    min,
  )}, highest ${at(max)}`;
}
