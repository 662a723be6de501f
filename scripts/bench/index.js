#!/usr/bin/env node
'use strict';

/*
 * `yarn bench`: Airworthy's figures at foundation scale, on PostgreSQL and on SQLite, beside
 * the catalog's own and Prometheus'. See docs/performance.md for what each figure means,
 * what bounds it and the figures of the last runs.
 *
 *   yarn bench                      1,000 entities, 1,000 SLOs, 30 days, 10,000 incidents
 *   yarn bench --entities 10000     the large run (the SLO count stays 1,000 unless --slos)
 *   yarn bench --quick              a smoke run: 100 entities, 50 SLOs, 2 days, 300 incidents,
 *                                   PostgreSQL only (unless --databases)
 *
 * (From a shell: `npm run bench -- --quick` or `node scripts/run.js bench --quick`.)
 *
 * Options: --entities N, --slos N, --days N, --incidents N, --databases pg,sqlite,
 * --prometheus-days N (history of the Prometheus comparison, 30 by default, 1 when quick),
 * --skip PARTS (comma-separated, any of: ingest (SLI push and storage, figures 3 and 6),
 * incidents, sweep (figure 2), http (the SLO list and the catalog, figure 1), portfolio
 * (figure 4), prometheus (figure 5), browser (figure 7); 5 and 7 run on the first database
 * only; 7 needs the app's production build, `node scripts/run.js yarn workspace app build`),
 * --out DIR (default bench-results), --profile (a CPU profile of the backend per measured
 * phase, in DIR/<run>-profiles, summed up in the JSON).
 */

const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { writeCatalog } = require('./catalog');
const { startBackend, runTask, TASKS, ROOT } = require('./backend');
const { getJson, measureSerial, measureLoad } = require('./http');
const {
  DAY,
  MINUTE,
  sloPlan,
  createSlos,
  pushSli,
  createIncidents,
} = require('./data');
const { sliStorage } = require('./storage');
const { fmt, machine, table, writeJson } = require('./report');
const { connectProfiler, summaries } = require('./profile');
const { createCpuMeter } = require('./cpu');
const { comparePrometheus } = require('./prometheus');
const { measureBrowser } = require('./browser');

/** The parts of a run that --skip may leave out. */
const PARTS = [
  'ingest',
  'incidents',
  'sweep',
  'http',
  'portfolio',
  'prometheus',
  'browser',
];

function parseArgs(argv) {
  const options = {
    entities: 1000,
    slos: 1000,
    days: 30,
    incidents: 10_000,
    prometheusDays: 30,
    databases: ['pg', 'sqlite'],
    skip: [],
    out: path.join(ROOT, 'bench-results'),
    quick: false,
    profile: false,
  };
  const given = new Set();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--quick':
        options.quick = true;
        break;
      case '--profile':
        options.profile = true;
        break;
      case '--entities':
      case '--slos':
      case '--days':
      case '--incidents':
      case '--prometheus-days': {
        const key = arg
          .slice(2)
          .replace(/-([a-z])/g, (_, c) => c.toUpperCase());
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1)
          throw new Error(`${arg} must be a whole number >= 1`);
        options[key] = n;
        given.add(key);
        break;
      }
      case '--databases':
        options.databases = value().split(',');
        given.add('databases');
        if (options.databases.some(d => d !== 'pg' && d !== 'sqlite')) {
          throw new Error('--databases takes pg, sqlite or both');
        }
        break;
      case '--skip':
        options.skip = value().split(',');
        if (options.skip.some(s => !PARTS.includes(s))) {
          throw new Error(`--skip takes any of ${PARTS.join(', ')}`);
        }
        break;
      case '--out':
        options.out = path.resolve(value());
        break;
      case '--help':
      case '-h':
        process.stdout.write(
          fs.readFileSync(__filename, 'utf8').split('*/')[0],
        );
        process.exit(0);
        break;
      default:
        throw new Error(`unknown option ${arg} (see --help)`);
    }
  }
  if (options.quick) {
    const quick = {
      entities: 100,
      slos: 50,
      days: 2,
      incidents: 300,
      prometheusDays: 1,
      // One database: PostgreSQL, the goals' database, whose catalog also stitches faster.
      databases: ['pg'],
    };
    for (const [key, value] of Object.entries(quick)) {
      if (!given.has(key)) options[key] = value;
    }
  }
  options.slos = Math.min(options.slos, options.entities * 50);
  // Measurement lengths: requests per latency figure, seconds under load.
  options.measure = options.quick
    ? { serial: 100, warmup: 20, loadSeconds: 3, portfolio: 20, sweeps: 1 }
    : { serial: 1000, warmup: 100, loadSeconds: 15, portfolio: 60, sweeps: 3 };
  return options;
}

const fmtCpu = cpu =>
  Object.entries(cpu)
    .filter(([k]) => k !== 'wallSeconds')
    .map(([k, v]) => `${k} ${v.toFixed(1)}`)
    .join(', ');

const log = message =>
  process.stderr.write(
    `[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`,
  );

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A private PostgreSQL cluster (scripts/pg-cluster.sh) for one run. */
function startPostgres() {
  // Another process may take the free port the script found before PostgreSQL binds it:
  // a few attempts.
  let started;
  for (let attempt = 0; attempt < 3; attempt++) {
    started = spawnSync(
      'bash',
      [path.join(ROOT, 'scripts/pg-cluster.sh'), 'start'],
      {
        encoding: 'utf8',
      },
    );
    if (started.status === 0 || !/Address already in use/.test(started.stderr))
      break;
  }
  if (started.status !== 0) {
    throw new Error(`scripts/pg-cluster.sh start failed: ${started.stderr}`);
  }
  const vars = Object.fromEntries(
    started.stdout
      .trim()
      .split('\n')
      .map(line => line.split(/=(.*)/s).slice(0, 2)),
  );
  const key = Object.keys(vars).find(k => k.endsWith('_CONNECTION_STRING'));
  return {
    client: 'pg',
    connection: vars[key],
    label: `PostgreSQL ${vars.PG_TEST_MAJOR}`,
    /** The postmaster, parent of every PostgreSQL process. */
    pid: () =>
      Number(
        fs
          .readFileSync(
            path.join(vars.PG_TEST_DIR, 'data/postmaster.pid'),
            'utf8',
          )
          .split('\n')[0],
      ),
    stop: () =>
      spawnSync(
        'bash',
        [path.join(ROOT, 'scripts/pg-cluster.sh'), 'stop', vars.PG_TEST_DIR],
        {
          stdio: 'inherit',
        },
      ),
  };
}

function startSqlite(dir) {
  const directory = path.join(dir, 'sqlite');
  fs.mkdirSync(directory, { recursive: true });
  return {
    client: 'sqlite',
    directory,
    label: 'SQLite (files)',
    // SQLite runs inside the backend process.
    pid: () => undefined,
    stop: () => fs.rmSync(directory, { recursive: true, force: true }),
  };
}

/** Waits until the catalog has stitched every generated component. */
async function waitForCatalog(client, components) {
  const started = Date.now();
  for (;;) {
    const res = await client.get(
      '/api/catalog/entities/by-query?limit=1&filter=kind=component',
    );
    if (res.status === 200 && res.json().totalItems >= components) {
      return (Date.now() - started) / 1000;
    }
    if (Date.now() - started > 60 * 60_000) {
      throw new Error(
        'The catalog did not stitch the generated entities in an hour',
      );
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

/** A guest user's Backstage token (the guest sign-in of the app). */
async function guestToken(client) {
  const res = await client.get('/api/auth/guest/refresh', {
    auth: false,
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (res.status !== 200)
    throw new Error(`Guest sign-in answered ${res.status}: ${res.text}`);
  return res.json().backstageIdentity.token;
}

/** Shuffled refs (seeded) for the latency measurements. */
function rotation(names, seed = 5) {
  const list = [...names];
  let state = seed;
  for (let i = list.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    const j = state % (i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return i => list[i % list.length];
}

/** One database: the whole sequence, returning its figures. */
async function runDatabase(dbName, options, context) {
  const { dir, token } = context;
  const database = dbName === 'pg' ? startPostgres() : startSqlite(dir);
  const figures = { database: database.label };
  const skipped = part => options.skip.includes(part);
  let backend;
  try {
    const port = await freePort();
    const { file, shape } = context.catalog;
    const inspectPort = options.profile ? await freePort() : undefined;
    backend = await startBackend({
      dir,
      port,
      token,
      catalogFile: file,
      database,
      log,
      inspectPort,
    });
    const { client } = backend;
    const profiler = inspectPort
      ? await connectProfiler(inspectPort)
      : undefined;
    const meter = createCpuMeter({
      backend: () => backend?.pid,
      database: database.pid,
      client: () => process.pid,
    });
    figures.cpu = {};
    /**
     * Runs a measured phase: its wall time and the CPU seconds of backend, database and
     * client go to figures.cpu, and under --profile the backend's CPU profile to a file.
     */
    const phase = async (name, fn) => {
      const started = process.hrtime.bigint();
      const { value, cpu } = await meter.around(() =>
        profiler
          ? profiler.around(context.profileDir, `${dbName}-${name}`, fn)
          : fn(),
      );
      figures.cpu[name] = {
        wallSeconds:
          Math.round(Number(process.hrtime.bigint() - started) / 1e7) / 100,
        ...cpu,
      };
      return value;
    };

    log(
      `${database.label}: waiting for the catalog to stitch ${options.entities} components`,
    );
    figures.catalogStitchSeconds = await waitForCatalog(
      client,
      options.entities,
    );
    log(`catalog ready in ${figures.catalogStitchSeconds.toFixed(0)} s`);

    const { plan, perEntity } = sloPlan(options.slos, options.entities);
    let started = Date.now();
    const slos = await createSlos(client, plan, shape);
    figures.sloCreateSeconds = (Date.now() - started) / 1000;
    log(
      `${slos.length} SLOs on ${
        perEntity.size
      } entities created in ${figures.sloCreateSeconds.toFixed(1)} s`,
    );

    if (!skipped('ingest')) {
      const now = Math.floor(Date.now() / MINUTE) * MINUTE;
      const from = now - options.days * DAY;
      log(
        `pushing ${options.days} days of 1-minute buckets of ${
          slos.length
        } SLOs (${fmt.int((slos.length * (now - from)) / MINUTE)} buckets)`,
      );
      let lastLog = Date.now();
      figures.ingest = await phase('ingest', () =>
        pushSli(client, slos, {
          from,
          to: now,
          batch: 10_000,
          concurrency: 4,
          onProgress: buckets => {
            if (Date.now() - lastLog > 30_000) {
              lastLog = Date.now();
              log(`  ${fmt.int(buckets)} buckets`);
            }
          },
        }),
      );
      log(
        `ingest: ${fmt.int(figures.ingest.perSecond)} buckets/s (${fmt.int(
          figures.ingest.buckets,
        )} in ${figures.ingest.seconds.toFixed(0)} s; CPU s ${fmtCpu(
          figures.cpu.ingest,
        )})`,
      );

      figures.storage = await sliStorage(database);
      figures.storage.bytesPerSlo = figures.storage.bytes / slos.length;
      log(
        `storage: ${fmt.bytes(figures.storage.bytesPerSlo)} per SLO (${fmt.int(
          figures.storage.rows,
        )} rows)`,
      );
    }

    if (!skipped('incidents')) {
      const incidents = await createIncidents(client, {
        count: options.incidents,
        entities: options.entities,
        shape,
        now: Date.now(),
        days: options.days,
      });
      log(
        `${incidents.count} incidents created in ${incidents.seconds.toFixed(
          1,
        )} s`,
      );
    }

    if (!skipped('sweep')) {
      figures.sweeps = [];
      for (let i = 0; i < options.measure.sweeps; i++) {
        const sweep = await phase(`sweep-${i + 1}`, () =>
          runTask(
            backend,
            TASKS.evaluation,
            /operability-slo-evaluation: (?<evaluated>\d+) SLOs evaluated, (?<failed>\d+) failed.* in (?<ms>\d+) ms/,
          ),
        );
        if (Number(sweep.match.groups.failed) > 0)
          throw new Error(sweep.message);
        figures.sweeps.push(sweep.ms);
        log(
          `evaluation sweep: ${sweep.message}; CPU s ${fmtCpu(
            figures.cpu[`sweep-${i + 1}`],
          )}`,
        );
      }
    }
    const scoring = await runTask(
      backend,
      TASKS.scoring,
      /scoring: scored (?<scored>\d+) entities .* in (?<ms>\d+) ms/i,
    );
    figures.scoringMs = scoring.ms;
    log(scoring.message);

    // A signed-in user's token, for the user figures and the portfolio.
    const guest = await guestToken(client);
    if (!skipped('http')) {
      // The per-entity SLO list and the catalog's own entity read, same entities, same token.
      const names = [...perEntity.keys()].map(shape.componentName);
      const next = rotation(names);
      const slosPath = i =>
        `/api/operability/entities/component/default/${next(i)}/slos`;
      const catalogPath = i =>
        `/api/catalog/entities/by-name/component/default/${next(i)}`;
      const { serial, warmup, loadSeconds } = options.measure;
      figures.http = {};
      for (const [who, userToken] of [
        ['service', token],
        ['user', guest],
      ]) {
        for (const [route, pathOf] of [
          ['slos', slosPath],
          ['catalog', catalogPath],
        ]) {
          const one = await phase(`${route}-${who}-1`, () =>
            measureSerial(client, pathOf, {
              requests: serial,
              warmup,
              token: userToken,
            }),
          );
          const load = await phase(`${route}-${who}-20`, () =>
            measureLoad(client, pathOf, {
              clients: 20,
              seconds: loadSeconds,
              token: userToken,
            }),
          );
          figures.http[`${route}.${who}`] = { one, load };
          log(
            `${route} (${who} token): 1 client p50 ${fmt.ms(
              one.p50,
            )} p99 ${fmt.ms(one.p99)} ms; 20 clients ${fmt.int(
              load.rps,
            )}/s p99 ${fmt.ms(load.p99)} ms`,
          );
        }
      }
    }

    if (!skipped('portfolio')) {
      const portfolioPath = '/api/operability/portfolio?limit=50&sort=score';
      figures.portfolio = {};
      for (const [label, p] of [
        ['page', portfolioPath],
        ['csv', `${portfolioPath}&format=csv`],
        ['csvAll', '/api/operability/portfolio?format=csv&sort=score'],
      ]) {
        const page = await getJson(client, portfolioPath, { token: guest });
        if (
          label === 'page' &&
          page.items.length !== Math.min(50, page.totalItems)
        ) {
          throw new Error(`The portfolio page holds ${page.items.length} rows`);
        }
        figures.portfolio[label] = await phase(`portfolio-${label}`, () =>
          measureSerial(client, () => p, {
            requests: options.measure.portfolio,
            warmup: 5,
            token: guest,
          }),
        );
        log(
          `portfolio ${label}: p50 ${fmt.ms(
            figures.portfolio[label].p50,
          )} p95 ${fmt.ms(figures.portfolio[label].p95)} ms`,
        );
      }
    }
    profiler?.close();

    if (!skipped('browser') && !context.browserDone) {
      context.browserDone = true;
      // An entity holding the median number of SLOs among those that hold any.
      const [index, count] = [...perEntity.entries()].sort(
        (a, b) => a[1] - b[1] || a[0] - b[0],
      )[Math.floor(perEntity.size / 2)];
      const entityName = shape.componentName(index);
      log(
        `browser: Chromium against the app's production build; entity ${entityName} (${count} SLOs), portfolio of ${options.entities}`,
      );
      figures.browser = await phase('browser', () =>
        measureBrowser({
          baseUrl: backend.baseUrl,
          entityName,
          repeat: options.quick ? 1 : 3,
          log,
        }),
      ).catch(error => ({ skipped: `failed: ${error.message}` }));
      figures.browser.entity = { name: entityName, slos: count };
      if (figures.browser.skipped)
        log(`browser figures skipped: ${figures.browser.skipped}`);
    }

    if (!skipped('prometheus') && !context.prometheusDone) {
      context.prometheusDone = true;
      // A failed comparison is reported beside the figures already measured.
      figures.prometheus = await comparePrometheus({
        client,
        dir,
        entityName: shape.componentName(0),
        days: options.prometheusDays,
        repeat: options.quick ? 3 : 5,
        freePort,
        log,
      }).catch(error => ({ skipped: `failed: ${error.message}` }));
      const p = figures.prometheus;
      if (p.skipped) log(`prometheus comparison skipped: ${p.skipped}`);
      else {
        log(
          `budget remaining over ${p.days} days: Airworthy ${
            p.airworthy.remaining
          } in ${fmt.ms(p.airworthy.ms)} ms, PromQL ${
            p.prometheus.remaining
          } in ${fmt.ms(
            p.prometheus.ms,
          )} ms (relative difference ${p.relativeDifference.toExponential(
            2,
          )}; ${fmt.int(p.timeRatio)}x)`,
        );
      }
    }
    context.backends.push({ db: dbName, backend, slos, shape });
    backend = undefined;
    return figures;
  } finally {
    if (backend) await backend.stop();
    if (!context.keep) database.stop();
    else context.cleanups.push(() => database.stop());
  }
}

function rowsOf(results, options) {
  const rows = [];
  // The part of the run (PARTS) that measures the rows added next.
  let part;
  const add = (figure, goal, value) => {
    const values = {};
    for (const [db, r] of Object.entries(results)) {
      try {
        values[db] = value(r);
      } catch {
        values[db] = '-';
      }
    }
    rows.push({ figure, goal, values, part });
  };
  const http = (key, which, field) => r => r.http[key][which][field];
  part = 'http';
  add('SLO list, 1 client p50 / p95 / p99 (ms)', 'p99 <= 10 (pg)', r => {
    const o = r.http['slos.service'].one;
    return `${fmt.ms(o.p50)} / ${fmt.ms(o.p95)} / ${fmt.ms(o.p99)}`;
  });
  add('catalog by-name, 1 client p50 / p95 / p99 (ms)', 'anchor', r => {
    const o = r.http['catalog.service'].one;
    return `${fmt.ms(o.p50)} / ${fmt.ms(o.p95)} / ${fmt.ms(o.p99)}`;
  });
  add(
    'SLO list, 20 clients (req/s, p99 ms)',
    '>= 1/2 catalog',
    r =>
      `${fmt.int(http('slos.service', 'load', 'rps')(r))}/s, ${fmt.ms(
        http('slos.service', 'load', 'p99')(r),
      )} (${(
        http('slos.service', 'load', 'rps')(r) /
        http('catalog.service', 'load', 'rps')(r)
      ).toFixed(2)} of catalog)`,
  );
  add(
    'catalog by-name, 20 clients (req/s, p99 ms)',
    'anchor',
    r =>
      `${fmt.int(http('catalog.service', 'load', 'rps')(r))}/s, ${fmt.ms(
        http('catalog.service', 'load', 'p99')(r),
      )}`,
  );
  add(
    'SLO list as a user, 1 client p99; 20 clients',
    '',
    r =>
      `${fmt.ms(http('slos.user', 'one', 'p99')(r))} ms; ${fmt.int(
        http('slos.user', 'load', 'rps')(r),
      )}/s`,
  );
  add(
    'catalog as a user, 1 client p99; 20 clients',
    '',
    r =>
      `${fmt.ms(http('catalog.user', 'one', 'p99')(r))} ms; ${fmt.int(
        http('catalog.user', 'load', 'rps')(r),
      )}/s`,
  );
  part = 'sweep';
  add(
    `evaluation sweep, ${options.slos} SLOs (ms, first/median)`,
    '<= 2500',
    r =>
      `${r.sweeps[0]} / ${
        [...r.sweeps].sort((a, b) => a - b)[Math.floor(r.sweeps.length / 2)]
      }`,
  );
  part = 'ingest';
  add('SLI ingest (buckets/s)', '>= 100,000 (pg)', r =>
    fmt.int(r.ingest.perSecond),
  );
  part = 'portfolio';
  add(
    `portfolio page of 50 by score, p95 at ${options.entities} (ms)`,
    options.entities >= 10000 ? '<= 400' : '<= 150',
    r => fmt.ms(r.portfolio.page.p95),
  );
  add(
    `portfolio CSV of that page, p95 (ms)`,
    options.entities >= 10000 ? '<= 400' : '<= 150',
    r => fmt.ms(r.portfolio.csv.p95),
  );
  add(`portfolio CSV of every row, p95 (ms)`, '', r =>
    fmt.ms(r.portfolio.csvAll.p95),
  );
  part = 'ingest';
  add(
    `SLI storage per SLO, ${options.days} days of minutes + roll-ups`,
    '<= 1 MB',
    r => fmt.bytes(r.storage.bytesPerSlo),
  );
  part = 'prometheus';
  const prom = r => {
    if (!r.prometheus || r.prometheus.skipped) throw new Error('not run');
    return r.prometheus;
  };
  add(
    `${Math.min(
      30,
      options.prometheusDays,
    )}-day budget remaining: Airworthy API vs PromQL`,
    'agree to 1e-9',
    r => {
      const p = prom(r);
      return `${p.airworthy.remaining.toFixed(
        9,
      )} vs ${p.prometheus.remaining.toFixed(
        9,
      )} (diff ${p.relativeDifference.toExponential(1)})`;
    },
  );
  add(`  its time: Airworthy / PromQL (ms, ratio)`, '>= 50x', r => {
    const p = prom(r);
    return `${fmt.ms(p.airworthy.ms)} / ${fmt.ms(p.prometheus.ms)} (${fmt.int(
      p.timeRatio,
    )}x)`;
  });
  part = 'browser';
  const browser = (key, label) =>
    add(
      `browser: ${label}, cold / warm / cold in a new window (ms)`,
      '<= 1500 cold',
      r => {
        const b = r.browser?.[key];
        if (!b) throw new Error('not run');
        return `${fmt.int(b.cold)} / ${fmt.int(b.warm)} / ${fmt.int(
          b.newWindow,
        )}`;
      },
    );
  browser('sloCard', "entity page to the SLO card's numbers");
  browser('chart', 'Operability tab to its first chart');
  browser('portfolio', `portfolio to its first rows (${options.entities})`);
  part = 'always';
  add('scoring run (ms)', '', r => fmt.int(r.scoringMs));
  add('catalog start-up and stitching (s)', '', r =>
    fmt.int(r.catalogStitchSeconds),
  );
  return rows;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 22)
    throw new Error(
      'Run the benchmark through `node scripts/run.js yarn bench` (Node.js 22)',
    );
  const startedAt = new Date().toISOString();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airworthy-bench-'));
  const context = {
    dir,
    token: crypto.randomBytes(24).toString('base64url'),
    backends: [],
    cleanups: [],
    keep: false,
  };
  log(
    `run directory ${dir}; ${options.entities} entities, ${
      options.slos
    } SLOs, ${options.days} days, ${options.incidents} incidents${
      options.quick ? ' (quick)' : ''
    }`,
  );
  context.catalog = writeCatalog(dir, options.entities);
  context.profileDir = path.join(
    options.out,
    `${startedAt.replace(/[:.]/g, '-')}-profiles`,
  );
  const results = {};
  try {
    for (const db of options.databases) {
      results[db] = await runDatabase(db, options, context);
      while (context.backends.length)
        await context.backends.pop().backend.stop();
    }
  } finally {
    while (context.backends.length) await context.backends.pop().backend.stop();
    for (const cleanup of context.cleanups) cleanup();
    // The run directory holds the generated files (gigabytes for Prometheus' 30 days).
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const rows = rowsOf(results, options);
  const output = {
    startedAt,
    finishedAt: new Date().toISOString(),
    options: { ...options, out: undefined },
    machine: machine(),
    results,
    table: rows,
    ...(options.profile
      ? {
          profiles: Object.fromEntries(
            [...summaries].map(([file, summary]) => [
              path.basename(file),
              summary,
            ]),
          ),
        }
      : {}),
  };
  const file = writeJson(options.out, output);
  const missing = missingFigures(rows, options);
  process.stdout.write(
    `\nAirworthy benchmark: ${options.entities} entities, ${
      options.slos
    } SLOs, ${options.days} days of minutes, ${options.incidents} incidents; ${
      output.machine.cpus
    } CPUs (${output.machine.cpuModel}), load ${output.machine.loadAverage.join(
      ' ',
    )}\n\n`,
  );
  process.stdout.write(
    `${table(rows, Object.keys(results))}\n\nJSON: ${path.relative(
      process.cwd(),
      file,
    )}\n`,
  );
  if (options.profile) {
    for (const [file, summary] of summaries) {
      process.stdout.write(`\n${path.relative(process.cwd(), file)}\n`);
      for (const { what, ms, share } of summary.slice(0, 10)) {
        process.stdout.write(
          `  ${String(ms).padStart(7)} ms ${(share * 100)
            .toFixed(1)
            .padStart(5)}%  ${what}\n`,
        );
      }
    }
  }
  if (missing.length) {
    throw new Error(
      `The run left out ${missing.length} figure(s): ${missing.join('; ')}`,
    );
  }
}

/**
 * The figures a run should have produced but did not: every row of a part not skipped, on
 * every database (Prometheus' on the first only).
 */
function missingFigures(rows, options) {
  return rows.flatMap(row => {
    if (options.skip.includes(row.part)) return [];
    const databases =
      row.part === 'prometheus' || row.part === 'browser'
        ? options.databases.slice(0, 1)
        : options.databases;
    return databases
      .filter(db => {
        const value = String(row.values[db] ?? '');
        // A figure left out prints as a lone dash (fmt), alone or in a list of figures.
        return !value || /(^|\s)-(\s|$)|NaN|undefined/.test(value);
      })
      .map(db => `${row.figure.trim()} (${db})`);
  });
}

main().catch(error => {
  log(error.stack || String(error));
  process.exit(1);
});
