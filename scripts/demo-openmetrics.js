#!/usr/bin/env node
/*
 * Writes the embedded demo's SLI history as OpenMetrics text, for
 * `promtool tsdb create-blocks-from openmetrics` (see scripts/demo-prometheus.sh and
 * docs/demo.md, "Against a local Prometheus").
 *
 *   node scripts/demo-openmetrics.js --out FILE [--days 90] [--anchor ISO] [--slos a,b]
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

const {
  writeDemoOpenMetrics,
} = require('../plugins/operability-backend-module-demo/src/openmetrics');

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
    },
  });
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
