import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { z } from 'zod';
import { instantRangeProblem } from './limits';

/**
 * An ISO 8601 instant with a time zone, parsed to epoch milliseconds, in the API's range
 * (`API_RANGES`: from 2000-01-01 to before 2100-01-01).
 */
export const instantSchema = z
  .string()
  .refine(
    s => z.iso.datetime({ offset: true }).safeParse(s).success,
    'must be an ISO 8601 date and time with a time zone, e.g. 2026-11-25T12:00:00Z',
  )
  .transform((s, ctx) => {
    const ms = Date.parse(s);
    const problem = instantRangeProblem(ms);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return ms;
  });

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

/**
 * An entity ref in a filter, canonical and lower-case; a bare name gets the given kind and
 * namespace `default`.
 */
export function refFilter(defaultKind: string) {
  return z
    .string()
    .max(255, 'must be at most 255 characters')
    .transform((value, ctx) => {
      try {
        return stringifyEntityRef(
          parseEntityRef(value, { defaultKind, defaultNamespace: 'default' }),
        ).toLocaleLowerCase('en-US');
      } catch {
        ctx.addIssue({
          code: 'custom',
          message: `must be an entity ref such as ${defaultKind}:default/name, or a name`,
        });
        return z.NEVER;
      }
    });
}
