import type { Knex } from 'knex';

/** A statement knex sent, with its bindings. */
export interface CapturedQuery {
  sql: string;
  bindings: readonly unknown[];
}

/** Runs `fn`, returning the statements it sent whose SQL matches `pattern`. */
export async function captureQueries(
  knex: Knex,
  pattern: RegExp,
  fn: () => Promise<unknown>,
): Promise<CapturedQuery[]> {
  const queries: CapturedQuery[] = [];
  const listener = (q: { sql: string; bindings?: readonly unknown[] }) => {
    if (pattern.test(q.sql)) {
      queries.push({ sql: q.sql, bindings: q.bindings ?? [] });
    }
  };
  knex.on('query', listener);
  try {
    await fn();
  } finally {
    knex.removeListener('query', listener);
  }
  return queries;
}
