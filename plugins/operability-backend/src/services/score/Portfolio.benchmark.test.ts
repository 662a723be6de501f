/* eslint-disable jest/no-standalone-expect -- the benchmark is `it` or `it.skip`, chosen by AIRWORTHY_BENCHMARK */
import {
  DEFAULT_SCORE_LEVELS,
  levelOf,
} from '@airworthy/plugin-operability-common';
import {
  mockCredentials,
  type TestDatabaseId,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { createRealCatalogTestBackend } from '../../__testUtils__/realCatalog';
import { KnexScoreStore } from '../../database/score/ScoreStore';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

/*
 * Benchmark of GET /portfolio at 2,000 entities, with the real catalog deciding what the
 * user may read (a tenth of the entities are private). Prints figures; asserts only that the
 * answers are right. Run it with:
 *
 *   node scripts/run.js yarn bench:portfolio   (sets AIRWORTHY_BENCHMARK=1)
 *
 * AIRWORTHY_BENCHMARK_ENTITIES changes the number of components (default 2,000).
 */

const ENTITIES = Number(process.env.AIRWORTHY_BENCHMARK_ENTITIES ?? 2000);
const RUNS = 5;
const enabled = process.env.AIRWORTHY_BENCHMARK === '1';

jest.setTimeout(15 * 60_000);

/**
 * The database of the catalog and the plugin: AIRWORTHY_BENCHMARK_DATABASE (e.g. SQLITE_3), else
 * the first PostgreSQL with a connection string (as for the store tests), else SQLite. The
 * catalog's processing on SQLite takes well over 10 minutes for 2,000 entities; on PostgreSQL
 * under a minute.
 */
const startBackend = createRealCatalogTestBackend(
  process.env.AIRWORTHY_BENCHMARK_DATABASE
    ? [process.env.AIRWORTHY_BENCHMARK_DATABASE as TestDatabaseId]
    : ['POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18', 'SQLITE_3'],
);
const DATABASE = startBackend.supportedIds[0];
const PRIVATE = Math.ceil(ENTITIES / 10);

function entities(): Entity[] {
  const owners = Array.from(
    { length: 40 },
    (_, i) => `group:default/team-${i}`,
  );
  const systems = Array.from({ length: 100 }, (_, i) => `system-${i}`);
  const result: Entity[] = systems.map((name, i) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'System',
    metadata: { name },
    spec: { owner: owners[i % owners.length], domain: `domain-${i % 8}` },
  }));
  for (let i = 0; i < ENTITIES; i++) {
    result.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: `project-${String(i).padStart(4, '0')}`,
        tags: [`lang-${i % 7}`, `sig-${i % 13}`],
        ...(i % 10 === 0 ? { labels: { visibility: 'private' } } : {}),
      },
      spec: {
        type: 'service',
        lifecycle: 'production',
        owner: owners[i % owners.length],
        system: systems[i % systems.length],
      },
    });
  }
  return result;
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

describe('portfolio benchmark', () => {
  if (!enabled) {
    // eslint-disable-next-line no-console
    console.log(
      'Portfolio benchmark skipped: set AIRWORTHY_BENCHMARK=1 to run it (it seeds 2,000 entities; several minutes)',
    );
  }
  (enabled ? it : it.skip)(
    'prints the time per page at 2,000 entities',
    async () => {
      const seeded = entities();
      const started = Date.now();
      const backend = await startBackend({
        entities: seeded,
        databaseId: DATABASE,
        stitchTimeoutMs: 14 * 60_000,
      });
      const stitchMs = Date.now() - started;
      process.stderr.write(`stitched in ${stitchMs} ms\n`);

      const scores = new KnexScoreStore(backend.knex);
      const now = Date.now();
      const today = Math.floor(now / DAY) * DAY;
      for (let i = 0; i < ENTITIES; i++) {
        const entityRef = `component:default/project-${String(i).padStart(
          4,
          '0',
        )}`;
        const score = (i * 37) % 101;
        const level = levelOf(score, DEFAULT_SCORE_LEVELS)!.id;
        const facts = {
          sloCount: i % 3,
          worstBudgetRemaining: i % 3 ? ((i % 11) - 2) / 10 : null,
          sloCompliance: i % 3 ? 0.5 : null,
          incidents: i % 5,
          mttrSeconds: i % 5 ? 3600 + i : null,
        };
        const record = {
          entityRef,
          score,
          level,
          computedAt: now,
          ...facts,
          facts: {
            ...facts,
            periodFrom: new Date(now - 28 * DAY).toISOString(),
            periodTo: new Date(now).toISOString(),
          },
          detail: {
            categories: [],
            checks: [],
            exemptions: [],
            exemptionErrors: [],
          },
        };
        await scores.save(
          { ...record, score: Math.max(0, score - 5) },
          today - 30 * DAY,
        );
        await scores.save(record, today);
      }

      process.stderr.write(`seeded scores at ${Date.now() - started} ms\n`);
      const user = mockCredentials.user.header('user:default/bob');
      const cases: Array<[string, string]> = [
        ['first page (50), by score', 'limit=50'],
        ['page at offset 1000, by name', 'limit=50&offset=1000&sort=name'],
        ['last page, by trend', 'limit=50&offset=1750&sort=trend'],
        ['grouped by owner', 'limit=50&groupBy=owner'],
        ['grouped by domain', 'limit=50&groupBy=domain'],
        ['filtered by tag and level', 'limit=50&tag=lang-3&level=walk'],
        [
          'filtered by system (20 systems)',
          `limit=50&system=${Array.from(
            { length: 20 },
            (_, i) => `system-${i}`,
          ).join(',')}`,
        ],
        ['CSV, every row', 'format=csv'],
      ];
      const lines: string[] = [];
      for (const [label, query] of cases) {
        const times: number[] = [];
        let res: request.Response | undefined;
        for (let run = 0; run < RUNS; run++) {
          const t0 = process.hrtime.bigint();
          res = await request(backend.server)
            .get(`/api/operability/portfolio?${query}`)
            .set('Authorization', user);
          times.push(Number(process.hrtime.bigint() - t0) / 1e6);
          expect(res.status).toBe(200);
        }
        if (!query.includes('csv') && !query.includes('tag=')) {
          if (!query.includes('system=')) {
            // Bob may read the public projects, never the private tenth.
            expect(res!.body.totalItems).toBe(ENTITIES - PRIVATE);
          }
          const offset = Number(/offset=(\d+)/.exec(query)?.[1] ?? 0);
          expect(res!.body.items).toHaveLength(
            Math.max(0, Math.min(50, res!.body.totalItems - offset)),
          );
        }
        lines.push(
          `${label.padEnd(34)} median ${median(times)
            .toFixed(0)
            .padStart(5)} ms   min ${Math.min(...times)
            .toFixed(0)
            .padStart(5)} ms   max ${Math.max(...times)
            .toFixed(0)
            .padStart(5)} ms`,
        );
      }
      // eslint-disable-next-line no-console
      console.log(
        [
          `Portfolio at ${ENTITIES} components (+100 systems), ${PRIVATE} private, real catalog on ${DATABASE}; ${RUNS} runs each`,
          `catalog start-up and stitching: ${(stitchMs / 1000).toFixed(1)} s`,
          ...lines,
        ].join('\n'),
      );
    },
  );
});
