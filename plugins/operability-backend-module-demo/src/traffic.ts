import { OUTAGES, TRAFFIC, type DemoOutage } from './scenario';
import { TIME } from '@airworthy/plugin-operability-common';

/** Good and total events of one bucket. */
export interface DemoBucket {
  start: number;
  good: number;
  total: number;
}

/**
 * A number in [0, 1) that depends only on its inputs: the demo's randomness, so that every
 * run (and every chunk of a run) produces the same data for the same minute.
 */
export function hash01(key: string, n: number, salt: number): number {
  let h = 0x811c9dc5 ^ salt;
  for (let i = 0; i < key.length; i++) {
    h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  }
  h = Math.imul(h ^ (n | 0), 0x01000193);
  h = Math.imul(h ^ Math.floor(n / 0x100000000), 0x01000193);
  // murmur3 finalizer
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x100000000;
}

/** Rounds `x` down or up so that the mean over many minutes is `x`. */
function stochasticRound(x: number, u: number): number {
  return Math.floor(x + u);
}

/** Users' share of the peak at an instant: a daily cycle (low at 03:00 UTC) and quiet weekends. */
export function loadFactor(t: number): number {
  const date = new Date(t);
  const hour = date.getUTCHours() + date.getUTCMinutes() / 60;
  const daily =
    0.3 + 0.7 * (0.5 - 0.5 * Math.cos((2 * Math.PI * (hour - 3)) / 24));
  const day = date.getUTCDay();
  const weekly = day === 0 || day === 6 ? 0.45 : 1;
  return daily * weekly;
}

/** The outages going on at `t` for the anchor. */
export function outagesAt(t: number, anchor: number): DemoOutage[] {
  return OUTAGES.filter(o => {
    const start = anchor + o.startOffset;
    return t >= start && (o.duration === undefined || t < start + o.duration);
  });
}

/** The share of an SLO's events that fail in the minute starting at `t`. */
export function badRatioAt(sloName: string, t: number, anchor: number): number {
  const profile = TRAFFIC[sloName];
  let ratio = profile?.baselineBad ?? 0;
  const minute = Math.floor(t / TIME.MINUTE);
  for (const outage of outagesAt(t, anchor)) {
    const bad = outage.bad[sloName];
    if (bad === undefined) continue;
    const value =
      outage.pattern === 'flapping'
        ? Math.min(1, bad * (hash01(outage.id, minute, 3) < 0.5 ? 1.6 : 0.4))
        : bad;
    ratio = Math.max(ratio, value);
  }
  return ratio;
}

/** Good and total events of an SLO in the minute starting at `t`; undefined for unknown SLOs. */
export function minuteCounts(
  sloName: string,
  t: number,
  anchor: number,
): { good: number; total: number } | undefined {
  const profile = TRAFFIC[sloName];
  if (!profile) return undefined;
  const minute = Math.floor(t / TIME.MINUTE);
  const expected = profile.constant
    ? profile.peakPerMinute
    : profile.peakPerMinute *
      loadFactor(t) *
      (0.8 + 0.4 * hash01(sloName, minute, 1));
  const total = profile.constant
    ? Math.round(expected)
    : stochasticRound(expected, hash01(sloName, minute, 2));
  const bad = Math.min(
    total,
    stochasticRound(
      total * badRatioAt(sloName, t, anchor),
      hash01(sloName, minute, 4),
    ),
  );
  return { good: total - bad, total };
}

/** Whether the demo has traffic for an SLO (by its `metadata.name`). */
export function isDemoSlo(sloName: string): boolean {
  return sloName in TRAFFIC;
}

/**
 * The buckets of `[from, to)` for an SLO, one per `bucketMs`, leaving out buckets without
 * events. Before `hourlyBefore`, the counts of each hour (within the range) are given as one
 * bucket at the first minute of that hour in the range: older history is only kept as
 * roll-ups, so there is no need to write it minute by minute.
 */
export function demoBuckets(options: {
  sloName: string;
  from: number;
  to: number;
  bucketMs: number;
  anchor: number;
  hourlyBefore?: number;
}): DemoBucket[] {
  const { sloName, from, to, bucketMs, anchor } = options;
  const hourlyBefore = options.hourlyBefore ?? -Infinity;
  const buckets: DemoBucket[] = [];
  let hour: DemoBucket | undefined;
  const flushHour = () => {
    if (hour && hour.total > 0) buckets.push(hour);
    hour = undefined;
  };
  for (let start = from; start < to; start += bucketMs) {
    let good = 0;
    let total = 0;
    for (let t = start; t < start + bucketMs; t += TIME.MINUTE) {
      const counts = minuteCounts(sloName, t, anchor);
      if (!counts) return [];
      good += counts.good;
      total += counts.total;
    }
    if (start < hourlyBefore) {
      const hourStart = start - (start % TIME.HOUR);
      if (hour && hour.start - (hour.start % TIME.HOUR) !== hourStart)
        flushHour();
      hour ??= { start, good: 0, total: 0 };
      hour.good += good;
      hour.total += total;
      continue;
    }
    flushHour();
    if (total > 0) buckets.push({ start, good, total });
  }
  flushHour();
  return buckets;
}
