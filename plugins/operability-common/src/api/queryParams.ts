import { z } from 'zod';

/** An ISO 8601 instant with a time zone, parsed to epoch milliseconds. */
export const instantSchema = z
  .string()
  .refine(
    s => z.iso.datetime({ offset: true }).safeParse(s).success,
    'must be an ISO 8601 date and time with a time zone, e.g. 2026-11-25T12:00:00Z',
  )
  .transform(s => Date.parse(s));

/** A query parameter given once, repeated, or comma-separated, as a list of values. */
export function queryList<T extends z.ZodType<unknown, string>>(
  item: T,
  max: number = 20,
) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform(v =>
      (Array.isArray(v) ? v : [v])
        .flatMap(s => s.split(','))
        .map(s => s.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).max(max, `must list at most ${max} values`));
}

/** A whole-number query parameter in [min, max] (given as text). */
export function wholeNumberParam(min: number, max: number) {
  return z.coerce
    .number({ error: 'must be a number' })
    .int('must be a whole number')
    .min(min, `must be at least ${min}`)
    .max(max, `must be at most ${max}`);
}

/** The `offset` of a page: the first item, 0 by default. */
export const offsetParam = wholeNumberParam(0, 1_000_000).default(0);
