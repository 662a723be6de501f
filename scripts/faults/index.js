#!/usr/bin/env node
// @ts-check
'use strict';

/*
 * The fault harness (`yarn test:faults`, `--quick` for CI): two replicas of packages/backend
 * on one private PostgreSQL, started at the same moment, receive incident deliveries of
 * Alertmanager, GitHub and PagerDuty and SLI pushes while their database connections are
 * terminated every few hundred milliseconds and replicas are killed with SIGKILL; then the
 * stored data is compared with what was sent, and the scheduled tasks' run log is checked.
 * docs/deployment.md describes it and its figures.
 */

const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');
const { Replica, taskRunLog } = require('./backends');
const { connect, startChaos, startCluster } = require('./database');
const { FakeGithub } = require('./github');
const { createRandom } = require('./random');
const { Senders, percentile, post } = require('./senders');
const { migrationsOnce, verify } = require('./verify');
const {
  DAY,
  HOUR,
  MINUTE,
  bucketCounts,
  buildWorkload,
  entityRef,
  retentionSeed,
  writeCatalog,
} = require('./workload');

const ROOT = path.resolve(__dirname, '../..');

const PROFILES = {
  quick: {
    entities: 6,
    deliveries: 1500,
    buckets: 20_000,
    batchSize: 250,
    concurrency: 24,
    kills: ['operability-retention'],
    seedHours: 3,
    waitForTakeover: false,
  },
  full: {
    entities: 20,
    deliveries: 10_000,
    buckets: 200_000,
    batchSize: 500,
    concurrency: 32,
    kills: [
      'operability-retention',
      'operability-slo-evaluation',
      'operability-scoring',
    ],
    seedHours: 6,
    waitForTakeover: true,
  },
};

/** Schedules of the run (seconds): short, so that every task runs many times. */
const SCHEDULES = {
  'operability-sli-collection': {
    key: 'operability.collection.schedule',
    frequency: 5,
    timeout: 20,
  },
  'operability-slo-evaluation': {
    key: 'operability.evaluation.schedule',
    frequency: 5,
    timeout: 20,
  },
  'operability-retention': {
    key: 'operability.sli.retentionSchedule',
    frequency: 10,
    timeout: 15,
  },
  // Scoring 20 entities with their incidents and SLI data took 20 to 30 s on two shared,
  // busy cores: a 30 s timeout stopped most runs before they ended.
  'operability-scoring': {
    key: 'operability.score.schedule',
    frequency: 20,
    timeout: 60,
  },
  'operability-slo-files-sync': {
    key: 'operability.sloFiles.schedule',
    frequency: 10,
    timeout: 20,
  },
  'operability-github-incidents-reconcile': {
    key: 'operability.incidents.github.schedule',
    frequency: 10,
    timeout: 20,
  },
};
/**
 * Backstage's scheduler frees the lease of a run past its timeout once a minute (its
 * janitor), and a replica checks for due work every few seconds: a run lost with a killed
 * replica is taken over at most this long after its timeout.
 */
const JANITOR_MS = 60_000;
const TAKEOVER_SLACK_MS = 10_000;
/** How the issue names them. */
const TASK_NAMES = {
  'operability-sli-collection': 'collection',
  'operability-slo-evaluation': 'evaluation',
  'operability-scoring': 'scoring + history fill',
  'operability-retention': 'retention',
  'operability-slo-files-sync': 'repository sync',
  'operability-github-incidents-reconcile': 'GitHub reconciliation',
};

function parseArgs(/** @type {string[]} */ argv) {
  const options = { quick: false, keep: false, seed: Date.now() % 1_000_000 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--keep') options.keep = true;
    else if (arg === '--seed') options.seed = Number(argv[++i]);
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(
        'usage: yarn test:faults [--quick] [--seed N] [--keep]\n' +
          '  --quick   the CI size (1,500 deliveries, 20,000 buckets, one replica kill)\n' +
          '  --seed N  replay the workload of seed N\n' +
          '  --keep    keep the work directory (configs, backend logs)\n',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${arg}`);
  }
  return options;
}

const log = (/** @type {string} */ message) =>
  process.stdout.write(
    `[faults ${new Date().toISOString().slice(11, 19)}] ${message}\n`,
  );
const sleep = (/** @type {number} */ ms) => new Promise(r => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {net.AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/** The harness's config on top of app-config.yaml and app-config.production.yaml. */
function writeConfig(
  /** @type {string} */ dir,
  /** @type {string} */ githubApi,
) {
  // ISO 8601 strings: they replace the objects of app-config.yaml (objects would merge).
  const schedule = (
    /** @type {{ frequency: number; timeout: number }} */ s,
    initialDelay = 2,
  ) =>
    `{ frequency: PT${s.frequency}S, timeout: PT${s.timeout}S, initialDelay: PT${initialDelay}S }`;
  const s = SCHEDULES;
  const file = path.join(dir, 'app-config.faults.yaml');
  fs.writeFileSync(
    file,
    `# Written by scripts/faults: production config (app-config.production.yaml) plus what the
# fault harness needs. Secrets come from the environment, as in a deployment.
backend:
  auth:
    externalAccess:
      - type: static
        options:
          token: \${AIRWORTHY_SLI_PUSH_TOKEN}
          subject: fault-harness
catalog:
  locations:
    - type: file
      target: ${path.join(dir, 'entities.yaml')}
integrations:
  github:
    - host: github.com
      apiBaseUrl: ${githubApi}
      token: \${GITHUB_TOKEN}
operability:
  sloFiles:
    localDirectories: [${dir}]
    schedule: ${schedule(s['operability-slo-files-sync'], 1)}
  collection:
    schedule: ${schedule(s['operability-sli-collection'])}
  evaluation:
    schedule: ${schedule(s['operability-slo-evaluation'])}
  sli:
    retentionSchedule: ${schedule(s['operability-retention'])}
  score:
    schedule: ${schedule(s['operability-scoring'], 5)}
    backfillDays: 14
  incidents:
    alertmanager:
      token: \${ALERTMANAGER_WEBHOOK_TOKEN}
    github:
      webhookSecret: \${GITHUB_WEBHOOK_SECRET}
      reconcile: true
      initialLookbackDays: 3
      schedule: ${schedule(s['operability-github-incidents-reconcile'], 3)}
    pagerduty:
      webhookSecrets:
        - \${PAGERDUTY_WEBHOOK_SECRET}
    webhooks:
      rateLimit: { max: 1000000, windowSeconds: 60 }
`,
  );
  return file;
}

async function getJson(/** @type {string} */ url, /** @type {string} */ token) {
  const res = await fetch(url, {
    headers: { Authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const profile = options.quick ? PROFILES.quick : PROFILES.full;
  const random = createRandom(options.seed);
  const began = Date.now();
  log(
    `${options.quick ? 'quick' : 'full'} run, seed ${options.seed}: ${
      profile.deliveries
    } deliveries, ${profile.buckets} SLI buckets, two replicas`,
  );

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airworthy-faults-'));
  /** @type {Array<() => Promise<unknown> | unknown>} */
  const cleanup = [];
  const secrets = {
    push: randomBytes(24).toString('hex'),
    alertmanager: randomBytes(24).toString('hex'),
    github: randomBytes(24).toString('hex'),
    pagerduty: randomBytes(24).toString('hex'),
  };
  let exitCode = 1;
  try {
    const cluster = startCluster();
    if (!cluster) {
      throw new Error(
        'PostgreSQL server binaries not found (Debian: apt-get install -y postgresql)',
      );
    }
    cleanup.push(() => cluster.stop());
    const github = new FakeGithub();
    await github.start();
    cleanup.push(() => github.stop());
    writeCatalog(dir, profile.entities);
    const configFile = writeConfig(dir, github.baseUrl);
    const env = {
      POSTGRES_HOST: '127.0.0.1',
      POSTGRES_PORT: String(cluster.port),
      POSTGRES_USER: 'postgres',
      POSTGRES_PASSWORD: 'unused-trust-auth',
      AIRWORTHY_SLI_PUSH_TOKEN: secrets.push,
      ALERTMANAGER_WEBHOOK_TOKEN: secrets.alertmanager,
      GITHUB_WEBHOOK_SECRET: secrets.github,
      PAGERDUTY_WEBHOOK_SECRET: secrets.pagerduty,
      GITHUB_TOKEN: `ghp_${randomBytes(12).toString('hex')}`,
    };
    const replicas = await Promise.all(
      ['r1', 'r2'].map(
        async name =>
          new Replica({
            name,
            port: await freePort(),
            configFiles: [
              path.join(ROOT, 'app-config.yaml'),
              path.join(ROOT, 'app-config.production.yaml'),
              configFile,
            ],
            env,
            logDir: dir,
          }),
      ),
    );
    cleanup.push(() => Promise.all(replicas.map(r => r.stop())));

    // Both at the same moment, on an empty database: migrations apply once, both come up.
    log(
      `PostgreSQL ${cluster.major} on port ${cluster.port}; starting r1 and r2 together`,
    );
    const startup = await Promise.all(replicas.map(r => r.startUntilReady()));
    log(
      `both replicas up: ${startup
        .map(
          (s, i) =>
            `${replicas[i].name} in ${(s.ms / 1000).toFixed(1)} s${
              s.restarts.length
                ? ` after ${
                    s.restarts.length
                  } failed start(s): ${s.restarts.join('; ')}`
                : ''
            }`,
        )
        .join(', ')}`,
    );
    const pg = await connect(cluster.port, 'backstage_plugin_operability');
    cleanup.push(() => pg.end());
    const migrations = {};
    for (const plugin of ['operability', 'catalog', 'auth']) {
      const db =
        plugin === 'operability'
          ? pg
          : await connect(cluster.port, `backstage_plugin_${plugin}`);
      migrations[plugin] = await migrationsOnce(db);
      if (db !== pg) await db.end();
    }
    const migratedTwice = Object.entries(migrations).flatMap(([p, m]) =>
      m.twice.map(n => `${p}/${n}`),
    );

    // The catalog ingests the entities, the repository sync stores their SLOs.
    const sloIds = [];
    const deadline = Date.now() + 120_000;
    for (let e = 0; e < profile.entities; ) {
      try {
        const { items } = await getJson(
          `${
            replicas[e % 2].baseUrl
          }/api/operability/entities/component/default/svc-${e}/slos`,
          secrets.push,
        );
        if (items.length === 2) {
          sloIds.push(...items.map((/** @type {{ id: string }} */ s) => s.id));
          e++;
          continue;
        }
      } catch (error) {
        if (Date.now() > deadline) throw error;
      }
      if (Date.now() > deadline)
        throw new Error(`the SLOs of svc-${e} never appeared`);
      await sleep(500);
    }
    log(
      `catalog and repository sync done: ${profile.entities} entities, ${sloIds.length} SLOs`,
    );

    const now = Date.now();
    const workload = buildWorkload({
      random,
      now,
      entities: profile.entities,
      deliveries: profile.deliveries,
      duplicates: 0.3,
      buckets: profile.buckets,
      batchSize: profile.batchSize,
      secrets,
      github,
      sloIds,
    });
    const senders = new Senders({ replicas, random });
    /** @type {import('./workload').Delivery[]} */
    const acknowledged = [];
    /** @type {Record<string, import('./workload').Delivery[]>} */
    const sent = { alertmanager: [], github: [], pagerduty: [], sli: [] };
    const counts = {
      deliveries: 0,
      duplicates: 0,
      pushes: 0,
      githubRefused: 0,
    };

    // The burst, with the chaos loop and the replica kills.
    const chaos = await startChaos({
      port: cluster.port,
      minMs: 200,
      maxMs: 600,
      maxPerTick: 3,
      targets: () => replicas.filter(r => r.up).map(r => r.applicationName),
      random,
    });
    const burstStarted = Date.now();
    log(
      `burst: ${workload.sequence.length} sends (${workload.counts.alertmanager} Alertmanager, ${workload.counts.github} GitHub, ${workload.counts.pagerduty} PagerDuty, ${workload.counts.duplicates} duplicates; ${workload.counts.pushes} SLI pushes), ${profile.concurrency} at once; terminating connections every 200-600 ms`,
    );
    let index = 0;
    let burstDone = false;
    const worker = async () => {
      while (index < workload.sequence.length) {
        const item = workload.sequence[index++];
        /** @type {import('./workload').Delivery | undefined} */
        let delivery;
        if (item.type === 'send') {
          delivery = /** @type {any} */ (item).delivery;
        } else {
          const candidates = sent[/** @type {any} */ (item).kind];
          if (!candidates.length) {
            workload.sequence.push(item);
            continue;
          }
          delivery = random.pick(candidates);
        }
        if (!delivery) continue;
        const duplicate = item.type === 'duplicate';
        const request =
          delivery.request ?? (delivery.request = delivery.prepare?.());
        if (!request) continue;
        if (!duplicate) sent[delivery.kind].push(delivery);
        const result = await senders.send(request, {
          kind: delivery.kind,
          retries: delivery.retries,
        });
        if (delivery.kind === 'sli') counts.pushes++;
        else {
          counts.deliveries++;
          if (duplicate) counts.duplicates++;
        }
        if (result.acknowledged) acknowledged.push(delivery);
        else if (delivery.kind === 'github') counts.githubRefused++;
      }
    };

    /** @type {Array<{ task: string; victim: string; killedAt: number; ranMs: number; midBurst: boolean; takenOverBy?: string; takeoverMs?: number; restartMs?: number }>} */
    const kills = [];
    const killer = (async () => {
      for (let k = 0; k < profile.kills.length; k++) {
        const task = profile.kills[k];
        // Spread the kills over the first half of the burst: the run to kill starts up to
        // one interval later, and the kill must come while deliveries are still sent.
        const share = (k + 1) / (profile.kills.length + 1);
        while (!burstDone && index < workload.sequence.length * share * 0.5)
          await sleep(100);
        if (task === 'operability-retention') {
          // Data for retention to expire and seal: the run that finds it is the one killed.
          const seeds = retentionSeed({
            now: Date.now(),
            sloIds: sloIds.slice(0, 4),
            secrets,
            hours: profile.seedHours,
          });
          for (const seed of seeds) {
            const result = await senders.send(seed.request, {
              kind: 'sli',
              retries: true,
            });
            if (!result.acknowledged)
              throw new Error(
                `retention seed refused: ${JSON.stringify(result.body)}`,
              );
            for (const t of seed.starts)
              seeded.set(`${seed.sloId}\t${t}`, bucketCounts(seed.sloIndex, t));
          }
        }
        const starts = replicas.map(r =>
          r.nextRunOf(task, 120_000).then(run => ({ r, run })),
        );
        const { r: victim, run } = await Promise.race(starts);
        if (!run) throw new Error(`${task} did not run for two minutes`);
        await sleep(random.int(150));
        const killedAt = Date.now();
        await victim.kill();
        const other = replicas.find(r => r !== victim);
        log(
          `SIGKILL ${victim.name} ${
            killedAt - run.startedAt
          } ms into a run of ${task}, ${
            burstDone ? 'after the burst' : 'mid-burst'
          }`,
        );
        /** @type {typeof kills[number]} */
        const record = {
          task,
          victim: victim.name,
          killedAt,
          ranMs: killedAt - run.startedAt,
          midBurst: !burstDone,
        };
        kills.push(record);
        const takeover = async () => {
          const next = await Promise.race(
            replicas.map(r =>
              r.nextRunOf(task, 180_000).then(n => n && { r, n }),
            ),
          );
          if (next) {
            record.takenOverBy = next.r.name;
            record.takeoverMs = next.n.startedAt - killedAt;
            log(
              `${task} taken over by ${next.r.name} ${(
                record.takeoverMs / 1000
              ).toFixed(1)} s after the kill`,
            );
          }
        };
        const tookOver = takeover();
        if (profile.waitForTakeover && other) await tookOver;
        record.restartMs = (await victim.startUntilReady()).ms;
        log(
          `${victim.name} back after ${(record.restartMs / 1000).toFixed(1)} s`,
        );
        await tookOver;
      }
    })();
    /** @type {Map<string, { good: number; total: number }>} */
    const seeded = new Map();

    await Promise.all(Array.from({ length: profile.concurrency }, worker));
    const burstMs = Date.now() - burstStarted;
    burstDone = true;
    log(
      `burst sent in ${(burstMs / 1000).toFixed(
        1,
      )} s; waiting for the kills and take-overs`,
    );
    await killer;
    const { kills: connectionKills, peaks } = await chaos.stop();

    // Settle: a reconciliation that starts after the last GitHub delivery heals what GitHub
    // never redelivered; then one retention and one evaluation run after the last write. And
    // at least one whole scoring run with its history fill, at any time of the run (a scoring
    // run lost with a killed replica is started again only once Backstage's janitor has
    // freed its lease).
    const settleFrom = Date.now();
    log(
      'settling: waiting for a whole run of reconciliation, retention and evaluation started after the burst, and a whole scoring run',
    );
    for (const task of [
      'operability-github-incidents-reconcile',
      'operability-retention',
      'operability-slo-evaluation',
      'operability-scoring',
    ]) {
      const done = await waitForCompletedRun(
        replicas,
        task,
        task === 'operability-scoring' ? began : settleFrom,
        SCHEDULES[task].timeout * 1000 + JANITOR_MS + 60_000,
      );
      if (!done) throw new Error(`no complete run of ${task}`);
    }
    const until = Date.now();
    log(`settled in ${((until - settleFrom) / 1000).toFixed(1)} s`);

    // Expected GitHub incidents: the issues as GitHub holds them now.
    for (const { issue, e } of workload.issues) {
      if (!issue) continue;
      workload.expected.set(`github\t${issue.repository}#${issue.number}`, {
        entityRef: entityRef(e),
        ...github.expectedIncident(issue),
      });
    }
    const result = await verify(pg, {
      expected: workload.expected,
      acknowledged,
      expectedBuckets: workload.expectedBuckets,
      seeded,
      levels: [
        { widthMs: MINUTE, retentionMs: 8 * DAY },
        { widthMs: HOUR, retentionMs: 120 * DAY },
        { widthMs: DAY, retentionMs: 400 * DAY },
      ],
      now: until,
      sloIds,
    });

    // The run log of the scheduled tasks.
    const runs = replicas.flatMap(r => r.runs);
    const frequencies = Object.fromEntries(
      Object.entries(SCHEDULES).map(([id, s]) => [id, s.frequency * 1000]),
    );
    const runLog = taskRunLog(runs, frequencies, until);
    log('scheduled tasks, both replicas together:');
    let taskRuns = 0;
    let overlaps = 0;
    /** Tasks that ran more than once per interval, or never completed a run. */
    const taskProblems = [];
    for (const [task, r] of Object.entries(runLog)) {
      taskRuns += r.runs;
      overlaps += r.overlaps;
      if (!r.oncePerInterval || r.completed === 0) taskProblems.push(task);
      const outcomes = [
        `${r.completed} completed`,
        r.stopped && `${r.stopped} stopped at the timeout or shutdown`,
        r.failed && `${r.failed} failed (connection terminated)`,
        r.killed && `${r.killed} killed with their replica`,
        r.running && `${r.running} still running`,
      ].filter(Boolean);
      log(
        `  ${task} (${TASK_NAMES[task]}, every ${r.frequencyMs / 1000} s): ${
          r.runs
        } runs in ${r.intervals} intervals (${Object.entries(r.byReplica)
          .map(([name, n]) => `${name} ${n}`)
          .join(', ')}; ${outcomes.join(', ')}), overlaps ${r.overlaps}${
          r.oncePerInterval ? '' : ', MORE THAN ONCE PER INTERVAL'
        }${r.completed ? '' : ', NEVER COMPLETED'}`,
      );
    }
    // The history fill is the second half of each scoring run.
    const fills = runLog['operability-scoring'].summaries
      .map((/** @type {string} */ line) =>
        /history: (\d+) daily snapshot/.exec(line),
      )
      .filter(Boolean)
      .map((/** @type {RegExpExecArray} */ m) => Number(m[1]));
    log(
      `  history fill (in operability-scoring): ${
        fills.length
      } runs, ${fills.reduce(
        (a, b) => a + b,
        0,
      )} daily snapshots filled (${fills.join(', ')})`,
    );
    // Taken over, and no later than the lease allows: the killed run's timeout, then the
    // janitor's minute and the next check for due work.
    const takeoverProblems = kills.filter(
      k =>
        k.takeoverMs === undefined ||
        k.takeoverMs + k.ranMs >
          SCHEDULES[k.task].timeout * 1000 + JANITOR_MS + TAKEOVER_SLACK_MS,
    );
    for (const k of kills) {
      log(
        `  ${k.victim} killed during ${k.task}${
          k.midBurst ? ' mid-burst' : ' after the burst'
        }: ${
          k.takeoverMs === undefined
            ? 'NOT TAKEN OVER'
            : `taken over by ${k.takenOverBy} after ${(
                k.takeoverMs / 1000
              ).toFixed(1)} s (timeout ${
                SCHEDULES[k.task].timeout
              } s, then Backstage's janitor frees the lease within a minute${
                takeoverProblems.includes(k) ? ': TOO LATE' : ''
              })`
        }; ${k.victim} served again after ${((k.restartMs ?? 0) / 1000).toFixed(
          1,
        )} s`,
      );
    }

    const deliveriesPerSecond = counts.deliveries / (burstMs / 1000);
    log(
      `incidents: ${result.incidents.expected} expected, ${result.incidents.stored} stored (${result.incidents.missing} missing, ${result.incidents.state} wrong state, ${result.incidents.extra} extra); ${counts.githubRefused} GitHub deliveries failed and were not retried, healed by reconciliation`,
    );
    log(
      `SLI: ${result.sli.base} 1-minute buckets stored (${result.sli.missing} missing, ${result.sli.wrong} wrong, ${result.sli.extra} extra), roll-ups wrong ${result.sli.rollupsWrong}, running totals wrong ${result.sli.runningTotalsWrong}, retention half-applied ${result.sli.unsealedExpired}; evaluations ${result.evaluations.stored} (${result.evaluations.wrong} not whole)`,
    );
    log(
      `senders: ${senders.attempts} attempts, ${senders.retried} retries (${
        Object.entries(senders.failures)
          .map(([k, v]) => `${k} x${v}`)
          .join(', ') || 'no failures'
      }); by replica ${Object.entries(senders.byReplica)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; ${
        senders.refused.filter(r => r.kind !== 'github').length
      } refused outright`,
    );
    /** @type {Record<string, string[]>} */
    const connections = {};
    for (const [key, n] of [...peaks].sort()) {
      const [application, database] = key.split('\t');
      (connections[application.replace('airworthy-', '')] ??= []).push(
        `${database.replace('backstage_plugin_', '')} ${n}`,
      );
    }
    log(
      `most database connections held at once during the burst: ${Object.entries(
        connections,
      )
        .map(([replica, list]) => `${replica} ${list.join(', ')}`)
        .join('; ')}`,
    );
    if (migratedTwice.length)
      log(`migrations applied twice: ${migratedTwice.join(', ')}`);
    for (const r of senders.refused
      .filter(x => x.kind !== 'github')
      .slice(0, 5)) {
      log(
        `  refused ${r.kind} delivery: ${r.status ?? r.error} ${JSON.stringify(
          r.body,
        )?.slice(0, 300)}`,
      );
    }
    for (const p of result.problems) log(`  problem: ${p}`);
    for (const r of replicas) {
      if (r.errorSamples.length)
        log(
          `  ${r.name} logged ${r.errors} errors, e.g. ${r.errorSamples
            .slice(0, 3)
            .join(' | ')}`,
        );
    }

    const unexpectedExits = replicas.flatMap(r => r.unexpectedExits);
    for (const exit of unexpectedExits) log(`unexpected exit: ${exit}`);
    const ok =
      result.ok &&
      unexpectedExits.length === 0 &&
      overlaps === 0 &&
      taskProblems.length === 0 &&
      migratedTwice.length === 0 &&
      takeoverProblems.length === 0 &&
      senders.refused.filter(r => r.kind !== 'github').length === 0;
    process.stdout.write(
      `\nfaults summary: deliveries ${counts.deliveries} (${
        counts.duplicates
      } duplicates), buckets ${workload.expectedBuckets.size} in ${
        counts.pushes
      } pushes, kills ${connectionKills} connections + ${
        kills.length
      } replica(s), lost ${result.lost}, duplicated ${
        result.duplicated
      }, task runs ${taskRuns} (overlaps ${overlaps}, take-overs ${
        kills.filter(k => k.takeoverMs !== undefined).length
      }/${kills.length}); ${deliveriesPerSecond.toFixed(
        0,
      )} deliveries/s sustained, p99 ack ${percentile(
        senders.ackMs,
        99,
      )} ms (p50 ${percentile(senders.ackMs, 50)} ms); ${
        ok ? 'PASS' : 'FAIL'
      } in ${((Date.now() - began) / 1000).toFixed(0)} s\n`,
    );
    exitCode = ok ? 0 : 1;
  } catch (error) {
    process.stderr.write(
      `faults: ${/** @type {Error} */ (error).stack ?? error}\n`,
    );
  } finally {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`cleanup: ${error}\n`);
      }
    }
    if (options.keep || exitCode !== 0)
      log(`work directory (configs, backend logs): ${dir}`);
    else fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(exitCode);
}

/**
 * Waits for a run of `task` that starts at or after `from` and completes.
 * @param {Replica[]} replicas @param {string} task @param {number} from @param {number} timeoutMs
 */
async function waitForCompletedRun(replicas, task, from, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const run = replicas
      .flatMap(r => r.runs)
      .find(
        r =>
          r.task === task && r.startedAt >= from && r.outcome === 'completed',
      );
    if (run) return run;
    await sleep(200);
  }
  return undefined;
}

main();
