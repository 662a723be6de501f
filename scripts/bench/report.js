'use strict';

/* The printed table and the JSON file of a run. */

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const fmt = {
  ms: v =>
    v === undefined || v === null || Number.isNaN(v)
      ? '-'
      : v < 10
      ? v.toFixed(1)
      : v.toFixed(0),
  int: v =>
    v === undefined || v === null ? '-' : Math.round(v).toLocaleString('en-US'),
  bytes: v => {
    if (v === undefined || v === null) return '-';
    if (v >= 1024 * 1024) return `${(v / 1024 / 1024).toFixed(2)} MB`;
    if (v >= 1024) return `${(v / 1024).toFixed(1)} kB`;
    return `${v} B`;
  },
};

/** The machine a run measured on. */
function machine() {
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: os.loadavg().map(l => Math.round(l * 100) / 100),
    node: process.versions.node,
    platform: `${os.type()} ${os.release()}`,
  };
}

/**
 * Rows of the table: [figure, goal, then one cell per database]. Each figure's `check`
 * says whether the goal is met (true/false) or has none (undefined).
 */
function table(rows, databases) {
  const header = ['figure', 'goal', ...databases];
  const lines = [
    header,
    ...rows.map(r => [
      r.figure,
      r.goal ?? '',
      ...databases.map(db => r.values[db] ?? '-'),
    ]),
  ];
  const widths = header.map((_, i) =>
    Math.max(...lines.map(l => String(l[i]).length)),
  );
  const line = cells =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return [
    line(header),
    widths.map(w => '-'.repeat(w)).join('  '),
    ...lines.slice(1).map(line),
  ].join('\n');
}

function writeJson(outDir, result) {
  fs.mkdirSync(outDir, { recursive: true });
  const stamp = result.startedAt.replace(/[:.]/g, '-');
  const file = path.join(outDir, `${stamp}.json`);
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

module.exports = { fmt, machine, table, writeJson };
