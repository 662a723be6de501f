import { TIME } from '../time';

/**
 * The documented range of every number and instant the HTTP API takes (README,
 * "Ranges"). The shared zod schemas enforce the static ones, so the API, the editor and the
 * CLI say the same; the backend also applies the ones that depend on the current time or on
 * config (the SLI retention, `maxFuture`) and guards them again where data is stored.
 * @public
 */
export const API_RANGES = Object.freeze({
  /** No instant the API takes is earlier than 2000-01-01T00:00:00Z. */
  minInstant: Date.UTC(2000, 0, 1),
  /** No instant the API takes is 2100-01-01T00:00:00Z or later. */
  maxInstant: Date.UTC(2100, 0, 1),
  /**
   * The largest good or total count of one SLI bucket (a billion events). With it, the
   * running totals the store keeps stay below 2^53, where doubles still count exactly, for
   * more than ten years of 1-minute buckets at that rate.
   */
  maxSliCount: 1_000_000_000,
  /** The longest range one series request may span, and the longest burn-rate window. */
  maxSeriesRangeMs: 400 * TIME.DAY,
});

/** `2026-11-25T10:00:00.000Z`-style text of an instant in the API's range. */
export function isoOf(ms: number): string {
  return new Date(ms).toISOString();
}

/** Why an instant (epoch ms) is outside the API's range, or undefined. @public */
export function instantRangeProblem(ms: number): string | undefined {
  if (!(ms >= API_RANGES.minInstant)) {
    return `must not be before ${isoOf(API_RANGES.minInstant)}`;
  }
  if (!(ms < API_RANGES.maxInstant)) {
    return `must be before ${isoOf(API_RANGES.maxInstant)}`;
  }
  return undefined;
}
