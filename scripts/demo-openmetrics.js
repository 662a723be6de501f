#!/usr/bin/env node
/*
 * Writes the embedded demo's SLI history as OpenMetrics text, for
 * `promtool tsdb create-blocks-from openmetrics` (see scripts/demo-prometheus.sh and
 * docs/demo.md, "Against a local Prometheus").
 *
 *   node scripts/demo-openmetrics.js --out FILE [--days 90] [--anchor ISO] [--slos a,b]
 *   node scripts/demo-openmetrics.js --serve PORT --from ISO --anchor ISO [--slos a,b]
 *
 * With --serve it is the demo's live exporter instead: http://127.0.0.1:PORT/metrics serves the
 * same series at the current instant, the counters continuing a history written from --from
 * (the "from" the first form printed), so that Prometheus scrapes one continuous history.
 *
 * The history ends at the start of the current minute; the demo's story is anchored at the
 * current hour (as the demo module anchors it when the backend starts) unless --anchor says
 * otherwise. Runs the TypeScript source through Backstage's node transform (@backstage/cli,
 * a root devDependency): nothing outside the lockfile is needed.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const { finished } = require('node:stream/promises');
const { parseArgs } = require('node:util');

require('@backstage/cli/config/nodeTransform.cjs');

const http = require('node:http');
const {
  DemoMetricsExporter,
  writeDemoOpenMetrics,
} = require('../plugins/operability-backend-module-demo/src/openmetrics');

function instant(name, value) {
  const t = Date.parse(value ?? '');
  if (!Number.isFinite(t)) {
    throw new Error(
      `--${name} must be an ISO 8601 instant, such as 2026-01-31T12:00:00Z, not ${value}`,
    );
  }
  return t;
}

function serve(opts) {
  const port = Number(opts.serve);
  if (!Number.isInteger(port) || port <= 0 || port > 65535) {
    throw new Error(`--serve must be a port number, not ${opts.serve}`);
  }
  const exporter = new DemoMetricsExporter({
    from: instant('from', opts.from),
    anchor: instant('anchor', opts.anchor),
    sloNames: opts.slos ? String(opts.slos).split(',') : undefined,
  });
  const server = http.createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.statusCode = 404;
      res.end('not found: the metrics are at /metrics\n');
      return;
    }
    res.setHeader('Content-Type', 'text/plain; version=0.0.4');
    res.end(exporter.text(Date.now()));
  });
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`demo exporter on http://127.0.0.1:${port}/metrics\n`);
  });
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function positiveNumber(value) {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    throw new Error(`--days must be a positive number, not ${value}`);
  }
  return n;
}

async function main() {
  const { values: opts } = parseArgs({
    options: {
      out: { type: 'string' },
      days: { type: 'string', default: '90' },
      anchor: { type: 'string' },
      slos: { type: 'string' },
      serve: { type: 'string' },
      from: { type: 'string' },
    },
  });
  if (opts.serve !== undefined) {
    serve(opts);
    return;
  }
  if (!opts.out) throw new Error('--out FILE is required');
  opts.days = positiveNumber(opts.days);

  const now = Date.now();
  const to = Math.floor(now / MINUTE) * MINUTE;
  const anchor = opts.anchor
    ? Date.parse(opts.anchor)
    : Math.floor(now / HOUR) * HOUR;
  if (!Number.isFinite(anchor)) {
    throw new Error(
      `--anchor must be an ISO 8601 instant, such as 2026-01-31T12:00:00Z, not ${opts.anchor}`,
    );
  }
  const from = to - Math.round(opts.days * DAY);
  const started = Date.now();
  const out = fs.createWriteStream(path.resolve(opts.out));
  const stats = await writeDemoOpenMetrics(out, {
    from,
    to,
    anchor,
    sloNames: opts.slos ? String(opts.slos).split(',') : undefined,
  });
  out.end();
  await finished(out);
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  process.stdout.write(
    `${JSON.stringify({
      file: opts.out,
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      anchor: new Date(anchor).toISOString(),
      series: stats.series,
      samples: stats.samples,
      bytes: stats.bytes,
      seconds: Number(seconds),
    })}\n`,
  );
}

main().catch(error => {
  process.stderr.write(`demo-openmetrics: ${error.message}\n`);
  process.exit(1);
});
