import { TestDatabases } from '@backstage/backend-test-utils';
import type { Knex } from 'knex';
import { TIME, type SloEvaluation } from '@airworthy/plugin-operability-common';
import { sloInput } from '../__testUtils__/slos';
import { captureQueries, type CapturedQuery } from '../__testUtils__/queries';
import { applyDatabaseMigrations } from './migrations';
import { KnexScoreStore } from './score/ScoreStore';
import { KnexSliStore } from './sli/SliStore';
import { KnexEvaluationStore } from './slo/EvaluationStore';
import { KnexSloStore } from './slo/SloStore';

const { MINUTE, HOUR, DAY } = TIME;

jest.setTimeout(60_000);

/*
 * The queries behind the hot reads (the per-entity SLO summary, the SLI windows of an
 * evaluation or a chart, the portfolio's scores and trends) are captured as the stores send
 * them and explained on PostgreSQL with sequential scans priced out (enable_seqscan off): a
 * Seq Scan left in such a plan means no index can serve the query, whatever the table's size.
 * SQLite has no comparable planner switch; its plans are not asserted.
 */
const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

const LEVELS = [
  { widthMs: MINUTE, retentionMs: 8 * DAY },
  { widthMs: HOUR, retentionMs: 120 * DAY },
  { widthMs: DAY, retentionMs: 400 * DAY },
];

type Captured = CapturedQuery;

/** Runs `fn`, returning the SELECTs it sent. */
function capture(knex: Knex, fn: () => Promise<unknown>) {
  return captureQueries(knex, /^\s*(\(\s*)?(select|with)\b/i, fn);
}

/** The node types of a query's plan, with sequential scans priced out. */
async function planNodes(knex: Knex, query: Captured): Promise<string[]> {
  return knex.transaction(async trx => {
    await trx.raw('SET LOCAL enable_seqscan = off');
    // Captured in PostgreSQL's own placeholders ($1, $2, ...); knex.raw takes ?.
    const bindings: unknown[] = [];
    const sql = query.sql.replace(/\$(\d+)/g, (_, n) => {
      bindings.push(query.bindings[Number(n) - 1]);
      return '?';
    });
    const result = await trx.raw(
      `EXPLAIN (FORMAT JSON) ${sql}`,
      bindings as Knex.RawBinding[],
    );
    const nodes: string[] = [];
    const walk = (node: Record<string, any>) => {
      nodes.push(
        node['Relation Name']
          ? `${node['Node Type']} on ${node['Relation Name']}`
          : node['Node Type'],
      );
      for (const child of node.Plans ?? []) walk(child);
    };
    walk(result.rows[0]['QUERY PLAN'][0].Plan);
    return nodes;
  });
}

const databaseIds = databases.eachSupportedId();

if (databaseIds.length === 0) {
  it('needs PostgreSQL for query plans', () => {
    // eslint-disable-next-line no-console
    console.warn(
      'queryPlans.test.ts: no PostgreSQL (scripts/pg-cluster.sh start), plans not checked',
    );
    expect(databaseIds).toEqual([]);
  });
} else {
  describe.each(databaseIds)('query plans on %s', databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const slo = await new KnexSloStore(knex).upsert(sloInput());
      const now = Date.UTC(2026, 10, 25, 12);
      const sli = new KnexSliStore(knex, LEVELS);
      await sli.writeBuckets(
        slo.id,
        Array.from({ length: 180 }, (_, i) => ({
          start: now - (i + 1) * MINUTE,
          good: 9,
          total: 10,
        })),
        now,
      );
      return { knex, slo, now, sli };
    }

    /** The queries whose plan still holds a sequential scan, with their plans. */
    async function seqScans(knex: Knex, queries: Captured[]) {
      const found: Array<{ sql: string; nodes: string[] }> = [];
      for (const query of queries) {
        const nodes = await planNodes(knex, query);
        if (nodes.some(n => n.startsWith('Seq Scan'))) {
          found.push({ sql: query.sql, nodes });
        }
      }
      return found;
    }

    it('answers the SLO summary of an entity through indexes', async () => {
      const { knex, slo } = await setup();
      const queries = await capture(knex, async () => {
        await new KnexSloStore(knex).listByEntity(slo.entityRef);
        await new KnexSloStore(knex).listByEntityWithState(slo.entityRef);
        await new KnexEvaluationStore(knex).latest([slo.id]);
      });
      expect(queries.length).toBeGreaterThan(0);
      expect(await seqScans(knex, queries)).toEqual([]);
    });

    it('answers the windows of an evaluation and a chart through indexes', async () => {
      const { knex, slo, now, sli } = await setup();
      const queries = await capture(knex, async () => {
        const counts = await sli.getCountsMany(
          slo.id,
          [
            { from: now - 30 * DAY, to: now },
            { from: now - HOUR, to: now },
            { from: now - 5 * MINUTE, to: now },
          ],
          now,
        );
        // The captured queries read what was written.
        expect(counts[1]).toMatchObject({ good: 540, total: 600 });
        await sli.getRunningTotals(slo.id, MINUTE, now - 2 * HOUR, now);
        await sli.getRunningTotals(slo.id, HOUR, now - 30 * DAY, now);
      });
      expect(queries.length).toBeGreaterThan(0);
      expect(await seqScans(knex, queries)).toEqual([]);
    });

    it("answers a sweep's windows of many SLOs, a push's chunk loads and the evaluations' writes through indexes", async () => {
      const { knex, slo, now, sli } = await setup();
      const evaluations = new KnexEvaluationStore(knex);
      const queries = await capture(knex, async () => {
        const windows = [
          { from: now - 30 * DAY, to: now },
          { from: now - HOUR, to: now },
        ];
        const counts = await sli.getCountsOfSlos(
          [
            { sloId: slo.id, windows },
            { sloId: 'no-such-slo', windows },
          ],
          now,
        );
        expect(counts[0][1]).toMatchObject({ good: 540, total: 600 });
        expect(counts[1][1]).toMatchObject({ good: 0, total: 0 });
        await sli.writeBuckets(
          slo.id,
          [{ start: now - 2 * MINUTE, good: 10, total: 10 }],
          now,
        );
        // What saveMany reads of an evaluation.
        const evaluation = {
          status: 'ok',
          budget: { total: 600, remaining: 0.5, sli: 0.9 },
          burnRates: [],
        } as unknown as SloEvaluation;
        await evaluations.saveMany([{ sloId: slo.id, evaluation }], now, HOUR);
      });
      // The lateral lookups, the lock of the SLO, the load of every resolution and the
      // latest snapshots.
      expect(queries.length).toBeGreaterThanOrEqual(4);
      expect(await seqScans(knex, queries)).toEqual([]);
    });

    it("answers the portfolio's scores and trends through indexes", async () => {
      const { knex, now } = await setup();
      const scores = new KnexScoreStore(knex);
      const refs = Array.from(
        { length: 50 },
        (_, i) => `component:default/project-${i}`,
      );
      const queries = await capture(knex, async () => {
        await scores.summaries(refs);
        await scores.summaries(refs, { levels: ['gold'] });
        await scores.snapshotsAtOrBefore(refs, now - 7 * DAY);
      });
      expect(queries.length).toBeGreaterThan(0);
      expect(await seqScans(knex, queries)).toEqual([]);
    });
  });
}
