import { z } from 'zod';
import { API_RANGES, instantRangeProblem, isoOf } from './limits';

const count = z
  .number({ message: 'must be a number' })
  .nonnegative('must be zero or more')
  .max(
    API_RANGES.maxSliCount,
    `must be at most ${API_RANGES.maxSliCount} (events of one bucket)`,
  );
const countFields = { good: count, total: count };

const goodNotAboveTotal = (b: { good: number; total: number }) =>
  b.good <= b.total;
const goodNotAboveTotalMessage = {
  message: 'good must not exceed total',
  path: ['good'],
};

/**
 * The good and total event counts of one SLI bucket, however they arrive (pushed through the
 * API or collected from a source): the one definition of valid counts.
 * @public
 */
export const sliCountsSchema = z
  .object(countFields)
  .refine(goodNotAboveTotal, goodNotAboveTotalMessage);

/**
 * Whether `sliCountsSchema` accepts these counts, without building its answer: the check of
 * the ingest path, which sees 10,000 buckets a request (a test holds it to the schema); the
 * schema's own error then describes the counts it refuses.
 * @public
 */
export function isValidSliCounts(good: unknown, total: unknown): boolean {
  return (
    typeof good === 'number' &&
    typeof total === 'number' &&
    Number.isFinite(good) &&
    Number.isFinite(total) &&
    good >= 0 &&
    good <= total &&
    total <= API_RANGES.maxSliCount
  );
}

/**
 * One bucket of SLI data as pushed: the good and total events counted in the bucket that
 * starts at `start` (ISO 8601, aligned to the store's bucket width, 1 minute by default).
 */
const sliBucketInputSchema = z
  .object({
    start: z.iso
      .datetime({
        offset: true,
        message:
          'must be an ISO 8601 date-time with a time zone, e.g. "2026-11-25T10:00:00Z"',
      })
      .refine(s => !instantRangeProblem(Date.parse(s)), {
        message: `must be from ${isoOf(
          API_RANGES.minInstant,
        )} to before ${isoOf(API_RANGES.maxInstant)}`,
      }),
    ...countFields,
  })
  .strict()
  .refine(goodNotAboveTotal, goodNotAboveTotalMessage);

/** Body of `POST /slos/{id}/sli`. @public */
export const sliPushRequestSchema = z
  .object({
    buckets: z
      .array(sliBucketInputSchema)
      .min(1, 'must hold at least one bucket'),
  })
  .strict();

/** Body of `POST /slos/{id}/sli`. @public */
export type SliPushRequest = z.infer<typeof sliPushRequestSchema>;

/** Answer of `POST /slos/{id}/sli`: what the push changed. @public */
export interface SliPushResponse {
  sloId: string;
  /** Buckets that were not stored before. */
  inserted: number;
  /** Stored buckets whose counts the push replaced. */
  replaced: number;
  /** Buckets identical to the stored ones (a repeated push changes nothing). */
  unchanged: number;
}
