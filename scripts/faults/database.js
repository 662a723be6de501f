// @ts-check
'use strict';

/*
 * The private PostgreSQL cluster of a run (scripts/pg-cluster.sh), and the chaos loop that
 * terminates the backends' connections with pg_terminate_backend, as a fail-over or a
 * proxy restart would.
 */

const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { Client } = require('pg');

const SCRIPT = path.resolve(__dirname, '../pg-cluster.sh');
const APPLICATION = 'airworthy-faults-harness';

function startCluster() {
  let started;
  // Another process may take the free port pg-cluster.sh found before the server binds it.
  for (let attempt = 1; attempt <= 3; attempt++) {
    started = spawnSync('bash', [SCRIPT, 'start'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    if (started.status === 0 || started.status === 3) break;
  }
  if (!started || started.status === 3) return undefined;
  if (started.status !== 0) throw new Error('could not start PostgreSQL');
  const vars = Object.fromEntries(
    started.stdout
      .trim()
      .split('\n')
      .map(line => line.split(/=(.*)/s).slice(0, 2)),
  );
  return {
    dir: vars.PG_TEST_DIR,
    port: Number(vars.PG_TEST_PORT),
    major: vars.PG_TEST_MAJOR,
    stop: () =>
      spawnSync('bash', [SCRIPT, 'stop', vars.PG_TEST_DIR], {
        stdio: 'inherit',
      }),
  };
}

/** A connection of the harness itself (never terminated by the chaos loop). */
async function connect(/** @type {number} */ port, database = 'postgres') {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database,
    application_name: APPLICATION,
  });
  await client.connect();
  return client;
}

/**
 * Every `minMs`..`maxMs`, terminates one to `maxPerTick` random connections of the
 * backends that serve (any of their databases; `targets` gives their connections'
 * application names), and notes the most connections each replica held per database. A
 * replica that is starting is spared: Backstage's own start-up
 * (catalog migrations, auth keys) exits on a terminated connection, and the platform would
 * only start it again. Returns a stop function that resolves with the number of
 * connections terminated and those peaks.
 * @param {{ port: number; minMs: number; maxMs: number; maxPerTick: number; targets: () => string[]; random: ReturnType<typeof import('./random').createRandom> }} options
 */
async function startChaos(options) {
  const client = await connect(options.port);
  let stopped = false;
  let kills = 0;
  let ticks = 0;
  /** The most connections seen at once, by `application name\tdatabase`. @type {Map<string, number>} */
  const peaks = new Map();
  const loop = (async () => {
    while (!stopped) {
      await new Promise(r =>
        setTimeout(
          r,
          options.minMs + options.random.int(options.maxMs - options.minMs),
        ),
      );
      if (stopped) break;
      ticks++;
      try {
        const result = await client.query(
          `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
            WHERE datname LIKE 'backstage_plugin_%' AND backend_type = 'client backend'
              AND pid <> pg_backend_pid() AND application_name <> $1
              AND application_name = ANY($3)
            ORDER BY random() LIMIT $2`,
          [
            APPLICATION,
            1 + options.random.int(options.maxPerTick),
            options.targets(),
          ],
        );
        kills += result.rows.filter(r => r.done).length;
        const open = await client.query(
          `SELECT application_name, datname, count(*)::int AS n FROM pg_stat_activity
            WHERE application_name = ANY($1) GROUP BY application_name, datname`,
          [options.targets()],
        );
        for (const row of open.rows) {
          const key = `${row.application_name}\t${row.datname}`;
          peaks.set(key, Math.max(peaks.get(key) ?? 0, row.n));
        }
      } catch (error) {
        process.stderr.write(
          `chaos: ${/** @type {Error} */ (error).message}\n`,
        );
      }
    }
  })();
  return {
    get kills() {
      return kills;
    },
    async stop() {
      stopped = true;
      await loop;
      await client.end();
      return { kills, ticks, peaks };
    },
  };
}

module.exports = { APPLICATION, connect, startChaos, startCluster };
