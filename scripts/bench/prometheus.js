'use strict';

/*
 * Side by side with Prometheus: one service's request counter, shaped like a real one (200
 * series by pod, path and code, scraped every 15 s, pods restarting now and then so counters
 * reset), backfilled into Debian's Prometheus with `promtool tsdb create-blocks-from
 * openmetrics`, and the same history pushed into Airworthy as 1-minute good/total buckets of
 * one SLO. The SLO's 30-day remaining budget is then computed by our API (GET
 * /slos/{id}/series, whose last budget point is the budget at `to`) and by PromQL over the
 * raw series (sum(increase(...[30d])) of the bad and of all requests), and both are timed.
 *
 * Prometheus 2.x range selectors include both ends: with samples at exactly `to - 30d` and
 * `to`, increase() has nothing to extrapolate, so both answers count the same increments and
 * agree to float rounding. A sample's increment (the difference to the previous scrape, or its
 * value after a reset, as increase() counts it) goes to the minute its interval starts in.
 */

const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { createRandom } = require('./random');
const { MINUTE, HOUR, DAY, sloYaml } = require('./data');
const { sleep } = require('./backend');

const SCRAPE = 15_000;
const PODS = 10;
const PATHS = [
  '/api/items',
  '/api/items/{id}',
  '/api/search',
  '/healthz',
  '/login',
];
/** Codes and their share of a path's requests; 5xx are the bad events. */
const CODES = [
  ['200', 0.97],
  ['404', 0.0294],
  ['500', 0.0004],
  ['503', 0.0002],
];

function available(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/**
 * Writes the OpenMetrics file of the counter over [from, to] and returns the good/total
 * counts per minute of [from, to).
 */
function writeCounter(file, { from, to, seed = 31 }) {
  const minutes = (to - from) / MINUTE;
  const good = new Float64Array(minutes);
  const total = new Float64Array(minutes);
  const random = createRandom(seed);
  // Each pod restarts about every 3 days, at a random scrape.
  const restarts = Array.from({ length: PODS }, () => {
    const set = new Set();
    for (
      let t = from + SCRAPE;
      t <= to;
      t += SCRAPE * random.int(8_000, 26_000)
    ) {
      set.add(t);
    }
    set.delete(from + SCRAPE);
    return set;
  });
  const fd = fs.openSync(file, 'w');
  let buffer =
    '# HELP http_requests Requests served.\n# TYPE http_requests counter\n';
  const flush = force => {
    if (force || buffer.length > 1 << 20) {
      fs.writeSync(fd, buffer);
      buffer = '';
    }
  };
  let series = 0;
  for (let pod = 0; pod < PODS; pod++) {
    for (let p = 0; p < PATHS.length; p++) {
      // Requests a second on this pod and path: 0.5 to 50, log-uniform.
      const rate = 0.5 * Math.pow(100, random.next());
      for (const [code, share] of CODES) {
        series++;
        const bad = code.startsWith('5');
        const labels = `{pod="pod-${pod}",path="${PATHS[p]}",code="${code}"}`;
        const mean = (rate * share * SCRAPE) / 1000;
        // A counter that was already counting when the history starts.
        let value = random.int(0, 1_000_000);
        for (let t = from; t <= to; t += SCRAPE) {
          if (t > from) {
            const increment = random.poisson(mean);
            const reset = restarts[pod].has(t);
            // After a restart the counter starts from 0: what increase() counts is its value.
            value = reset ? increment : value + increment;
            const minute = Math.floor((t - SCRAPE - from) / MINUTE);
            total[minute] += increment;
            if (!bad) good[minute] += increment;
          }
          buffer += `http_requests_total${labels} ${value} ${t / 1000}\n`;
          flush(false);
        }
      }
    }
  }
  buffer += '# EOF\n';
  flush(true);
  fs.closeSync(fd);
  return { good, total, series, samples: series * ((to - from) / SCRAPE + 1) };
}

/** Creates the comparison SLO (30 days rolling, 99.9%) on `entityName`. */
async function createComparisonSlo(client, entityName) {
  const slo = {
    name: 'prometheus-comparison',
    window: { duration: '30d', rolling: true },
    target: 0.999,
  };
  const res = await client.post(
    `/api/operability/entities/component/default/${entityName}/slos`,
    sloYaml(slo, entityName),
    { headers: { 'content-type': 'application/yaml' } },
  );
  if (res.status !== 201) {
    throw new Error(
      `Creating the comparison SLO answered ${res.status}: ${res.text}`,
    );
  }
  const item = res.json().items.find(i => i.name === slo.name);
  return { id: item.id, target: slo.target };
}

/** Pushes the minutes through the ingest path, 10,000 a request. */
async function pushMinutes(client, sloId, from, { good, total }) {
  for (let i = 0; i < total.length; i += 10_000) {
    const buckets = [];
    for (let m = i; m < Math.min(total.length, i + 10_000); m++) {
      buckets.push({
        start: new Date(from + m * MINUTE).toISOString(),
        good: good[m],
        total: total[m],
      });
    }
    const res = await client.post(`/api/operability/slos/${sloId}/sli`, {
      buckets,
    });
    if (res.status !== 200) {
      throw new Error(
        `Pushing the comparison SLI answered ${res.status}: ${res.text.slice(
          0,
          300,
        )}`,
      );
    }
  }
}

/** Starts Prometheus on the backfilled blocks; resolves once it is ready. */
async function startPrometheus({ dir, dataDir, port, log }) {
  const config = path.join(dir, 'prometheus.yml');
  fs.writeFileSync(
    config,
    'global:\n  scrape_interval: 15s\nscrape_configs: []\n',
  );
  const logFile = path.join(dir, 'prometheus.log');
  const out = fs.openSync(logFile, 'w');
  const child = spawn(
    'prometheus',
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${dataDir}`,
      '--storage.tsdb.retention.time=400d',
      `--web.listen-address=127.0.0.1:${port}`,
      '--query.max-samples=200000000',
      '--query.timeout=10m',
    ],
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  const exited = new Promise(resolve => child.once('exit', resolve));
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(
        `prometheus exited with ${child.exitCode}; see ${logFile}`,
      );
    }
    const ready = await fetch(`http://127.0.0.1:${port}/-/ready`).then(
      r => r.status === 200,
      () => false,
    );
    if (ready) break;
    if (Date.now() - started > 300_000)
      throw new Error(`prometheus not ready; see ${logFile}`);
    await sleep(250);
  }
  log(`prometheus ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return {
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

async function promQuery(port, query, time) {
  const url = `http://127.0.0.1:${port}/api/v1/query?query=${encodeURIComponent(
    query,
  )}&time=${time / 1000}`;
  const started = process.hrtime.bigint();
  const res = await fetch(url);
  const body = await res.json();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (body.status !== 'success')
    throw new Error(`PromQL ${query}: ${JSON.stringify(body)}`);
  return { value: Number(body.data.result[0].value[1]), ms };
}

const median = values =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * The whole comparison against a running backend. `days` of history ending at the last whole
 * hour; `repeat` timed queries on each side after one untimed.
 */
async function comparePrometheus({
  client,
  dir,
  entityName,
  days,
  repeat,
  freePort,
  log,
}) {
  if (!available('promtool') || !available('prometheus')) {
    return {
      skipped:
        'promtool or prometheus not installed (Debian package prometheus)',
    };
  }
  const to = Math.floor(Date.now() / HOUR) * HOUR;
  const windowDays = Math.min(30, days);
  const from = to - windowDays * DAY;
  const file = path.join(dir, 'counter.om');
  let started = Date.now();
  const counter = writeCounter(file, { from, to });
  const fileBytes = fs.statSync(file).size;
  log(
    `prometheus: ${counter.series} series, ${counter.samples.toLocaleString(
      'en-US',
    )} samples written as OpenMetrics (${(fileBytes / 1e6).toFixed(
      0,
    )} MB) in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );

  const dataDir = path.join(dir, 'prometheus-data');
  started = Date.now();
  const backfill = spawnSync(
    'promtool',
    [
      'tsdb',
      'create-blocks-from',
      'openmetrics',
      '--quiet',
      '--max-block-duration=1000h',
      file,
      dataDir,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 26 },
  );
  if (backfill.status !== 0)
    throw new Error(`promtool failed: ${backfill.stderr}`);
  const backfillSeconds = (Date.now() - started) / 1000;
  fs.rmSync(file);
  log(`prometheus: promtool backfill in ${backfillSeconds.toFixed(0)} s`);

  const slo = await createComparisonSlo(client, entityName);
  await pushMinutes(client, slo.id, from, counter);

  const port = await freePort();
  const prometheus = await startPrometheus({ dir, dataDir, port, log });
  try {
    const range = `${windowDays}d`;
    const badQuery = `sum(increase(http_requests_total{code=~"5.."}[${range}]))`;
    const totalQuery = `sum(increase(http_requests_total[${range}]))`;
    const seriesPath = `/api/operability/slos/${slo.id}/series?from=${new Date(
      to - HOUR,
    ).toISOString()}&to=${new Date(to).toISOString()}`;
    const ours = async () => {
      const res = await client.get(seriesPath);
      if (res.status !== 200)
        throw new Error(`GET series answered ${res.status}: ${res.text}`);
      const points = res.json().budgetRemaining;
      return { value: points[points.length - 1].v, ms: res.ms };
    };
    const theirs = async () => {
      const bad = await promQuery(port, badQuery, to);
      const total = await promQuery(port, totalQuery, to);
      return {
        value: 1 - bad.value / total.value / (1 - slo.target),
        ms: bad.ms + total.ms,
        bad: bad.value,
        total: total.value,
      };
    };
    await ours();
    await theirs();
    const oursRuns = [];
    const theirsRuns = [];
    for (let i = 0; i < repeat; i++) {
      oursRuns.push(await ours());
      theirsRuns.push(await theirs());
    }
    // The exact answer, from the increments themselves.
    let bad = 0;
    let total = 0;
    for (let m = 0; m < counter.total.length; m++) {
      total += counter.total[m];
      bad += counter.total[m] - counter.good[m];
    }
    const exact = 1 - bad / total / (1 - slo.target);
    const airworthy = oursRuns[0].value;
    const prom = theirsRuns[0].value;
    return {
      series: counter.series,
      samples: counter.samples,
      days: windowDays,
      openMetricsBytes: fileBytes,
      backfillSeconds,
      exact: { remaining: exact, bad, total },
      airworthy: { remaining: airworthy, ms: median(oursRuns.map(r => r.ms)) },
      prometheus: {
        remaining: prom,
        bad: theirsRuns[0].bad,
        total: theirsRuns[0].total,
        ms: median(theirsRuns.map(r => r.ms)),
        queries: [badQuery, totalQuery],
      },
      relativeDifference: Math.abs(airworthy - prom) / Math.abs(prom),
      airworthyVsExact: Math.abs(airworthy - exact) / Math.abs(exact),
      timeRatio:
        median(theirsRuns.map(r => r.ms)) / median(oursRuns.map(r => r.ms)),
    };
  } finally {
    await prometheus.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

module.exports = { comparePrometheus, writeCounter };
