// @ts-check
'use strict';

/*
 * Backend replicas: `packages/backend` started the way `yarn start` runs it (Node.js with
 * Backstage's TypeScript transform, no watcher), with NODE_ENV=production, the production
 * config and the harness's config on top, each replica on its own port. Every log line is
 * kept with the time it arrived, and the scheduled tasks' lines make the run log.
 */

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');

const ROOT = path.resolve(__dirname, '../..');
const BACKEND = path.join(ROOT, 'packages/backend');

/**
 * @typedef {{ replica: string; process: number; task: string; startedAt: number;
 *   endedAt?: number; outcome: 'completed' | 'stopped' | 'failed' | 'killed' | 'running'; summary?: string }} TaskRun
 */

class Replica {
  /**
   * @param {{ name: string; port: number; configFiles: string[]; env: Record<string, string>; logDir: string }} options
   */
  constructor(options) {
    this.name = options.name;
    this.port = options.port;
    this.baseUrl = `http://127.0.0.1:${options.port}`;
    this.applicationName = `airworthy-${options.name}`;
    this.options = options;
    /** @type {import('node:child_process').ChildProcess | undefined} */
    this.child = undefined;
    /** How many processes this replica has had. */
    this.generation = 0;
    this.up = false;
    /** @type {TaskRun[]} */
    this.runs = [];
    /** @type {Map<string, TaskRun>} */
    this.running = new Map();
    /** @type {Array<(line: { at: number; message: string; level: string }) => void>} */
    this.listeners = [];
    this.errors = 0;
    /** @type {string[]} */
    this.errorSamples = [];
    this.startedAt = 0;
    this.readyAt = 0;
    this.lastError = '';
    /** Set while the harness stops or kills the process on purpose. */
    this.stopping = false;
    /** @type {string[]} */
    this.unexpectedExits = [];
  }

  start() {
    this.generation++;
    this.stopping = false;
    this.up = false;
    this.startedAt = Date.now();
    const log = fs.createWriteStream(
      path.join(this.options.logDir, `${this.name}.${this.generation}.log`),
    );
    // The replica's own settings: where it listens, and a name for its database
    // connections (for the chaos loop; Backstage names them after the plugin otherwise).
    const ownConfig = path.join(
      this.options.logDir,
      `app-config.${this.name}.yaml`,
    );
    fs.writeFileSync(
      ownConfig,
      `backend:\n  baseUrl: ${this.baseUrl}\n  listen: 127.0.0.1:${this.port}\n` +
        `  database:\n    connection:\n      application_name: ${this.applicationName}\n`,
    );
    const child = spawn(
      process.execPath,
      [
        '--enable-source-maps',
        '--require',
        require.resolve('@backstage/cli-node/config/nodeTransform.cjs', {
          paths: [BACKEND],
        }),
        'src/index.ts',
        ...[...this.options.configFiles, ownConfig].flatMap(f => [
          '--config',
          f,
        ]),
      ],
      {
        cwd: BACKEND,
        env: {
          ...process.env,
          ...this.options.env,
          NODE_ENV: 'production',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    const generation = this.generation;
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      readline.createInterface({ input: stream }).on('line', line => {
        const at = Date.now();
        log.write(`${at} ${line}\n`);
        this.onLine(at, line, generation);
      });
    }
    child.once('exit', code => {
      log.end();
      const at = Date.now();
      if (this.up && !this.stopping) {
        // Exited on its own after serving: the platform would start it again.
        this.unexpectedExits.push(`${this.name} exited with ${code}`);
        this.up = false;
        this.startUntilReady().catch(e => this.unexpectedExits.push(String(e)));
      }
      this.up = false;
      for (const run of this.running.values()) {
        run.outcome = 'killed';
        run.endedAt = at;
      }
      this.running.clear();
    });
  }

  /** @param {number} at @param {string} line @param {number} generation */
  onLine(at, line, generation) {
    let entry;
    try {
      entry = JSON.parse(line);
    } catch {
      return;
    }
    const message = String(entry.message ?? '');
    const level = String(entry.level ?? '');
    if (level === 'error' && /startup failed/i.test(message)) {
      this.lastError = message.replace(/\s+/g, ' ').slice(0, 300);
    }
    // The app-backend of a backend started without a built frontend: expected here.
    if (level === 'error' && !/serve static app content/.test(message)) {
      this.errors++;
      if (this.errorSamples.length < 20)
        this.errorSamples.push(message.slice(0, 300));
    }
    // `<task id>: started`, `<task id>: <summary> in <N> ms`, `<task id>: failed after <N> ms: <error>`
    const task = /^((?:operability|catalog)[a-z_-]*): (.*)$/.exec(message);
    if (task) {
      const [, id, rest] = task;
      if (rest === 'started') {
        const run = /** @type {TaskRun} */ ({
          replica: this.name,
          process: generation,
          task: id,
          startedAt: at,
          outcome: 'running',
        });
        this.runs.push(run);
        this.running.set(id, run);
      } else {
        const run = this.running.get(id);
        const done = / in \d+ ms$/.test(rest);
        const failed = /^failed after \d+ ms/.test(rest);
        if (run && (done || failed)) {
          run.endedAt = at;
          // A run aborted at its timeout (or at a graceful shutdown) says so in its summary.
          run.outcome = failed
            ? 'failed'
            : /stopped at the timeout/.test(rest)
            ? 'stopped'
            : 'completed';
          run.summary = rest;
          this.running.delete(id);
        }
      }
    }
    for (const listener of this.listeners) listener({ at, message, level });
  }

  /**
   * Starts the replica and resolves when it serves; a process that exits while starting is
   * started again, as the platform (Kubernetes, systemd) would. Resolves with the time it
   * took and the reasons of the restarts.
   */
  async startUntilReady(maxRestarts = 10) {
    const began = Date.now();
    /** @type {string[]} */
    const restarts = [];
    for (;;) {
      this.start();
      try {
        await this.waitUntilReady();
        return { ms: Date.now() - began, restarts };
      } catch (error) {
        if (!/exited/.test(String(error)) || restarts.length >= maxRestarts)
          throw error;
        restarts.push(this.lastError || String(error));
      }
    }
  }

  /** Resolves when the backend's readiness check answers 200. */
  async waitUntilReady(timeoutMs = 240_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child?.exitCode !== null && this.child?.exitCode !== undefined) {
        throw new Error(
          `${this.name} exited with ${this.child.exitCode} while starting`,
        );
      }
      try {
        // 200 once every plugin has started (503 while starting or after a failure).
        const res = await fetch(
          `${this.baseUrl}/.backstage/health/v1/readiness`,
          {
            signal: AbortSignal.timeout(2000),
          },
        );
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${this.name} did not start`);
      await new Promise(r => setTimeout(r, 250));
    }
    this.up = true;
    this.readyAt = Date.now();
    return this.readyAt - this.startedAt;
  }

  /** SIGKILL: no shutdown hooks, no answers to requests in flight. */
  kill() {
    return this.end('SIGKILL');
  }

  /** A graceful stop (SIGTERM, SIGKILL after 15 s), as at the end of the run. */
  stop() {
    return this.end('SIGTERM', 15_000);
  }

  /** @param {NodeJS.Signals} signal @param {number} [killAfterMs] */
  async end(signal, killAfterMs) {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    this.up = false;
    this.stopping = true;
    const exited = new Promise(resolve => child.once('exit', resolve));
    child.kill(signal);
    const timer =
      killAfterMs === undefined
        ? undefined
        : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    await exited;
    clearTimeout(timer);
  }

  /**
   * Resolves with the first run of a task that starts on this replica from now on.
   * @param {string} task
   * @param {number} timeoutMs
   * @returns {Promise<TaskRun | undefined>}
   */
  nextRunOf(task, timeoutMs) {
    return new Promise(resolve => {
      const before = this.runs.length;
      const deadline = Date.now() + timeoutMs;
      const timer = setInterval(() => {
        const run = this.runs.slice(before).find(r => r.task === task);
        if (run || Date.now() > deadline) {
          clearInterval(timer);
          resolve(run);
        }
      }, 5);
    });
  }
}

/**
 * The run log: for each task, its runs across replicas, whether any two overlapped, and
 * whether it ran more often than once per interval of its schedule. Backstage's scheduler
 * starts the next run one interval after the previous run was due (or at once when that run
 * took longer), and a run lost with its replica is started again once its lease expires,
 * followed at once by the run then due: so over `intervals` intervals a task runs at most
 * `intervals + 1 + lost runs` times.
 * @param {TaskRun[]} runs
 * @param {Record<string, number>} frequencies task id -> frequency in ms
 * @param {number} until end of the observation
 */
function taskRunLog(runs, frequencies, until) {
  /** @type {Record<string, any>} */
  const byTask = {};
  for (const task of Object.keys(frequencies)) {
    const list = runs
      .filter(r => r.task === task)
      .sort((a, b) => a.startedAt - b.startedAt);
    const frequency = frequencies[task];
    let overlaps = 0;
    for (let i = 1; i < list.length; i++) {
      if (list[i].startedAt < (list[i - 1].endedAt ?? until)) overlaps++;
    }
    const intervals = list.length
      ? Math.ceil((until - list[0].startedAt) / frequency)
      : 0;
    const killed = list.filter(r => r.outcome === 'killed').length;
    /** @type {Record<string, number>} */
    const byReplica = {};
    for (const run of list)
      byReplica[run.replica] = (byReplica[run.replica] ?? 0) + 1;
    byTask[task] = {
      runs: list.length,
      intervals,
      completed: list.filter(r => r.outcome === 'completed').length,
      stopped: list.filter(r => r.outcome === 'stopped').length,
      running: list.filter(r => r.outcome === 'running').length,
      failed: list.filter(r => r.outcome === 'failed').length,
      killed,
      byReplica,
      overlaps,
      oncePerInterval: list.length <= intervals + 1 + killed,
      frequencyMs: frequency,
      summaries: list.map(r => r.summary ?? ''),
    };
  }
  return byTask;
}

module.exports = { Replica, taskRunLog };
