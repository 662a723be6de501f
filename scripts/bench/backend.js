'use strict';

/*
 * The backend under test: packages/backend (the real catalog, auth, permissions, the
 * operability plugin and its modules) with a production-like configuration written for the
 * run: NODE_ENV=production, PostgreSQL or SQLite files, the generated catalog as a file
 * location, the demo module off, an external-access static token for the benchmark's HTTP
 * client, and every scheduled task of the plugin on manual trigger, so that nothing runs in
 * the background while a figure is measured. The backend also serves the production build
 * of the app (packages/app/dist) when it exists.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { createClient } = require('./http');

const ROOT = path.resolve(__dirname, '../..');
// No initialDelay: a manual task with one also runs once at start-up.
const MANUAL = { frequency: { trigger: 'manual' }, timeout: { minutes: 30 } };

/** Task ids of the plugin (plugins/operability-backend/src/tasks/schedule.ts). */
const TASKS = {
  evaluation: 'operability-slo-evaluation',
  scoring: 'operability-scoring',
  retention: 'operability-retention',
};

function databaseConfig(database) {
  if (database.client === 'pg') {
    return {
      client: 'pg',
      connection: database.connection,
      // Each plugin gets its own database; room for 20 concurrent clients.
      knexConfig: { pool: { min: 0, max: 20 } },
    };
  }
  return {
    client: 'better-sqlite3',
    connection: { directory: database.directory },
  };
}

/**
 * The run's whole configuration (app-config.yaml is not loaded: its demo settings, catalog
 * and task delays are not a production's).
 */
function writeConfig(options) {
  const { dir, port, database, token, catalogFile } = options;
  const baseUrl = `http://localhost:${port}`;
  const config = {
    app: {
      title: 'Airworthy',
      baseUrl,
      // Every plugin package of packages/app, as in app-config.yaml (figure 7's pages).
      packages: 'all',
      extensions: [{ 'page:catalog': { config: { path: '/' } } }],
    },
    organization: { name: 'Benchmark Foundation' },
    permission: { enabled: true },
    backend: {
      baseUrl,
      listen: { port },
      cors: { origin: baseUrl },
      database: databaseConfig(database),
      auth: {
        externalAccess: [
          {
            type: 'static',
            options: { token, subject: 'airworthy-bench' },
          },
        ],
      },
    },
    auth: {
      providers: {
        guest: {
          userEntityRef: 'user:default/guest',
          dangerouslyAllowOutsideDevelopment: true,
        },
      },
    },
    catalog: {
      rules: [
        {
          allow: [
            'Component',
            'System',
            'Domain',
            'API',
            'Resource',
            'Location',
          ],
        },
      ],
      locations: [
        {
          type: 'file',
          target: catalogFile,
          rules: [
            { allow: ['Component', 'System', 'Domain', 'Group', 'User'] },
          ],
        },
      ],
    },
    operability: {
      permissions: { sreGroups: ['group:default/sre'] },
      demo: { enabled: false },
      sloFiles: { localDirectories: [], schedule: MANUAL },
      collection: { schedule: MANUAL },
      evaluation: { schedule: MANUAL },
      sli: { retentionSchedule: MANUAL },
      score: { schedule: MANUAL, backfillDays: 0 },
      incidents: { housekeeping: { schedule: MANUAL } },
    },
  };
  const file = path.join(dir, `app-config.bench-${port}.yaml`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/** Starts the backend; resolves once /api/operability/health answers. */
async function startBackend(options) {
  const { dir, port, token, log } = options;
  const configFile = writeConfig(options);
  const logFile = path.join(dir, `backend-${port}.log`);
  const out = fs.openSync(logFile, 'w');
  const backendDir = path.join(ROOT, 'packages/backend');
  const child = spawn(
    process.execPath,
    [
      ...(options.inspectPort
        ? [`--inspect=127.0.0.1:${options.inspectPort}`]
        : []),
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
        paths: [ROOT],
      }),
      'src/index.ts',
      '--config',
      configFile,
    ],
    {
      cwd: backendDir,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'info',
        ESBK_TSCONFIG_PATH: path.join(ROOT, 'tsconfig.json'),
      },
    },
  );
  fs.closeSync(out);
  const exited = new Promise(resolve => child.once('exit', resolve));
  const baseUrl = `http://localhost:${port}`;
  const client = createClient(baseUrl, { token });
  const backend = {
    baseUrl,
    client,
    logFile,
    pid: child.pid,
    /** Lines of the backend's log written so far. */
    logLines() {
      return fs.readFileSync(logFile, 'utf8').split('\n');
    },
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      client.close();
    },
  };
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `The backend exited with ${child.exitCode}; see ${logFile}:\n${tail(
          logFile,
        )}`,
      );
    }
    try {
      const res = await client.get('/api/operability/health', {
        auth: false,
      });
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() - started > 180_000) {
      await backend.stop();
      throw new Error(`The backend did not start in 3 minutes; see ${logFile}`);
    }
    await sleep(250);
  }
  log(
    `backend up on ${baseUrl} in ${((Date.now() - started) / 1000).toFixed(
      1,
    )} s`,
  );
  return backend;
}

function tail(file, lines = 30) {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/**
 * Triggers one of the plugin's scheduled tasks and waits for the summary line it logs
 * (`<task id>: ... in N ms`, or the scorer's own line); returns the line and its duration.
 */
async function runTask(backend, taskId, pattern, timeoutMs = 30 * 60_000) {
  const before = backend.logLines().length;
  const res = await backend.client.post(
    `/api/operability/.backstage/scheduler/v1/tasks/${taskId}/trigger`,
  );
  if (res.status !== 200) {
    throw new Error(`Triggering ${taskId} answered ${res.status}: ${res.text}`);
  }
  const started = Date.now();
  for (;;) {
    const lines = backend.logLines().slice(before);
    for (const line of lines) {
      const message = messageOf(line);
      const match = message && pattern.exec(message);
      if (match) {
        return { message, ms: Number(match.groups.ms), match };
      }
      if (message && message.includes(`Task worker failed unexpectedly`)) {
        throw new Error(`${taskId} failed: ${message}`);
      }
    }
    if (Date.now() - started > timeoutMs) {
      throw new Error(`${taskId} did not finish in ${timeoutMs} ms`);
    }
    await sleep(100);
  }
}

/** The message of a log line (JSON in production). */
function messageOf(line) {
  if (!line.startsWith('{')) return line;
  try {
    return JSON.parse(line).message;
  } catch {
    return line;
  }
}

module.exports = { startBackend, runTask, TASKS, sleep, ROOT };
