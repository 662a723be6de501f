import type { z } from 'zod';

/**
 * A one-line, user-facing description of everything a zod schema rejected, with the
 * path of each problem: `query.from: must be an ISO 8601 date; query.to: Required`.
 * @public
 */
export function describeZodError(error: z.ZodError, prefix?: string): string {
  return error.issues
    .map(issue => {
      const path = [prefix, ...issue.path.map(String)]
        .filter(Boolean)
        .join('.');
      return path ? `${path}: ${issue.message}` : issue.message;
    })
    .join('; ');
}
