import { execFile } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { readDemoSlos } from './exampleSlos';
import {
  DEMO_METRICS,
  DemoMetricsExporter,
  writeDemoOpenMetrics,
} from './openmetrics';
import { TRAFFIC } from './scenario';
import { TIME } from '@airworthy/plugin-operability-common';
import { minuteCounts } from './traffic';

// Parsing hours of samples takes seconds on a busy machine.
jest.setTimeout(60_000);

const { MINUTE, HOUR, DAY } = TIME;
const ANCHOR = Date.parse('2026-11-25T10:00:00Z');
// Three hours around the start of the power outage (61 days before the anchor, +2 h).
const FROM = ANCHOR - 61 * DAY + HOUR;
const TO = FROM + 3 * HOUR;

async function exportText(
  options: Partial<Parameters<typeof writeDemoOpenMetrics>[1]> = {},
) {
  let text = '';
  const out = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  const stats = await writeDemoOpenMetrics(out, {
    from: FROM,
    to: TO,
    anchor: ANCHOR,
    ...options,
  });
  return { text, stats };
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  key: string;
  value: number;
  t: number;
}

function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\} (\S+) (\S+)$/.exec(
      line,
    );
    if (!match) throw new Error(`Not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of match[2].split(',')) {
      const [k, v] = pair.split('=');
      labels[k] = JSON.parse(v);
    }
    samples.push({
      name: match[1],
      labels,
      key: `${match[1]}{${match[2]}}`,
      value: Number(match[3]),
      t: Number(match[4]) * 1000,
    });
  }
  return samples;
}

function bySeries(samples: Sample[]): Map<string, Sample[]> {
  const series = new Map<string, Sample[]>();
  for (const s of samples) {
    series.set(s.key, [...(series.get(s.key) ?? []), s]);
  }
  return series;
}

/** A Prometheus label matcher of the SLO files' selectors (`=`, `!=`, `=~`, `!~`). */
function matches(selector: string, sample: Sample): boolean {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{(.*)\}$/.exec(selector.trim());
  if (!match) throw new Error(`Not a plain selector: ${selector}`);
  if (match[1] !== sample.name) return false;
  for (const part of match[2].match(/[a-z_]+\s*(=~|!~|!=|=)\s*"[^"]*"/g) ??
    []) {
    const [, label, op, value] = /^([a-z_]+)\s*(=~|!~|!=|=)\s*"([^"]*)"$/.exec(
      part,
    )!;
    const actual = sample.labels[label] ?? '';
    const re = new RegExp(`^(?:${value})$`);
    const ok: Record<string, boolean> = {
      '=': actual === value,
      '!=': actual !== value,
      '=~': re.test(actual),
      '!~': !re.test(actual),
    };
    if (!ok[op]) return false;
  }
  return true;
}

/** The inner selector of `sum(...)`, `count(...)`, `max(...)` or a plain selector. */
function selectorOf(query: string): string {
  const inner = /^(?:sum|count|max)\((.*)\)$/.exec(query.trim());
  return inner ? inner[1] : query;
}

describe('writeDemoOpenMetrics', () => {
  it('writes a series set for every demo SLO and no other', () => {
    expect(Object.keys(DEMO_METRICS).sort()).toEqual(
      Object.keys(TRAFFIC).sort(),
    );
  });

  it('refuses an SLO that is not in the demo, naming the known ones', async () => {
    await expect(exportText({ sloNames: ['nope'] })).rejects.toThrow(
      /^nope is not a demo SLO; known: jupyterhub-availability, /,
    );
  });

  it('writes families one after the other, one sample a minute, ending with # EOF', async () => {
    const { text, stats } = await exportText();
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    const lines = text.split('\n');
    // Each family is declared once and its samples follow its declaration.
    const declared: string[] = [];
    const misplaced: string[] = [];
    let current = '';
    for (const line of lines) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) {
        declared.push(type[1]);
        current = type[1];
      } else if (line && !line.startsWith('#') && !line.startsWith(current)) {
        misplaced.push(line);
      }
    }
    expect(misplaced).toEqual([]);
    expect(new Set(declared).size).toBe(declared.length);
    expect(declared.sort()).toEqual([
      'http_request_duration_seconds',
      'http_requests',
      'kafka_consumergroup_lag',
      'pipeline_runs',
      'probe_success',
      'tide_syncs',
    ]);

    const samples = parseSamples(text);
    expect(samples).toHaveLength(stats.samples);
    expect(stats.bytes).toBe(Buffer.byteLength(text));
    const series = bySeries(samples);
    expect(series.size).toBe(stats.series);
    const problems: string[] = [];
    for (const [key, points] of series) {
      // Strictly increasing times, one a minute.
      for (let i = 1; i < points.length; i++) {
        if (points[i].t - points[i - 1].t !== MINUTE) {
          problems.push(`${key}: a step of ${points[i].t - points[i - 1].t}`);
        }
      }
      const counter = /_(total|bucket|count)\{/.test(key);
      // Counters: from FROM to TO, both included; gauges: at the middle of each minute.
      const first = counter ? FROM : FROM + 30_000;
      const length = (TO - FROM) / MINUTE + (counter ? 1 : 0);
      if (points[0].t !== first || points.length !== length) {
        problems.push(
          `${key}: ${points.length} samples from ${points[0].t}, not ${length} from ${first}`,
        );
      }
    }
    expect(problems).toEqual([]);
  });

  it("writes counters whose increase each minute is the demo source's count", async () => {
    const { text } = await exportText();
    const series = bySeries(parseSamples(text));
    let outageMinutes = 0;
    for (const [sloName, metric] of Object.entries(DEMO_METRICS)) {
      if (metric.kind !== 'counter' && metric.kind !== 'histogram') continue;
      const find = (extra: Record<string, string>, suffix: string) => {
        const hit = [...series.values()].find(
          points =>
            points[0].name === `${metric.family}${suffix}` &&
            Object.entries({ ...metric.labels, ...extra }).every(
              ([k, v]) => points[0].labels[k] === v,
            ),
        );
        if (!hit) throw new Error(`No series for ${sloName} ${suffix}`);
        return hit;
      };
      const [goodSeries, totalSeries] =
        metric.kind === 'counter'
          ? [find(metric.good, '_total'), undefined]
          : [find({ le: metric.le }, '_bucket'), find({}, '_count')];
      const badSeries =
        metric.kind === 'counter' ? find(metric.bad, '_total') : undefined;
      expect(goodSeries[0].value).toBe(0);
      for (let i = 1; i < goodSeries.length; i++) {
        const minute = goodSeries[i - 1].t;
        const expected = minuteCounts(sloName, minute, ANCHOR)!;
        const good = goodSeries[i].value - goodSeries[i - 1].value;
        const total = totalSeries
          ? totalSeries[i].value - totalSeries[i - 1].value
          : good + badSeries![i].value - badSeries![i - 1].value;
        // Monotonic, and each minute's increase is the demo's count.
        expect(good).toBeGreaterThanOrEqual(0);
        expect(total).toBeGreaterThanOrEqual(good);
        expect({ sloName, minute, good, total }).toEqual({
          sloName,
          minute,
          ...expected,
        });
        if (expected.good === 0 && expected.total > 0) outageMinutes++;
      }
    }
    // The range holds the power outage: whole minutes failed for several services.
    expect(outageMinutes).toBeGreaterThan(100);
  });

  it('writes probes whose sum and count per minute are the demo counts', async () => {
    const { text } = await exportText();
    const samples = parseSamples(text);
    for (const [sloName, metric] of Object.entries(DEMO_METRICS)) {
      if (metric.kind !== 'probes') continue;
      const probes = samples.filter(
        s =>
          s.name === 'probe_success' &&
          s.labels.service === metric.labels.service,
      );
      for (let t = FROM; t < TO; t += MINUTE) {
        const at = probes.filter(s => s.t === t + 30_000);
        expect({
          sloName,
          t,
          good: at.reduce((sum, s) => sum + s.value, 0),
          total: at.length,
        }).toEqual({ sloName, t, ...minuteCounts(sloName, t, ANCHOR) });
      }
    }
  });

  it('writes a consumer lag that is over the threshold about as often as demo scrapes fail', async () => {
    // A day with the Kafka slow burn: a few bad scrapes; and a day of the power outage.
    const days: Array<{
      samples: number;
      over: number;
      demoBad: number;
      demoTotal: number;
    }> = [];
    for (const [from, to] of [
      [ANCHOR - 30 * HOUR, ANCHOR - 6 * HOUR],
      [ANCHOR - 61 * DAY + 3 * HOUR, ANCHOR - 61 * DAY + 27 * HOUR],
    ]) {
      const { text } = await exportText({
        from,
        to,
        sloNames: ['kafka-consumer-lag'],
      });
      const lag = parseSamples(text);
      let demoBad = 0;
      let demoTotal = 0;
      for (let t = from; t < to; t += MINUTE) {
        const counts = minuteCounts('kafka-consumer-lag', t, ANCHOR)!;
        demoBad += counts.total - counts.good;
        demoTotal += counts.total;
      }
      days.push({
        samples: lag.length,
        over: lag.filter(s => s.value >= 1000).length,
        demoBad,
        demoTotal,
      });
    }
    const [burn, outage] = days;
    expect(burn.samples).toBe(1440);
    // 1,440 minutes: the share of slow minutes is within 1 point of the demo's.
    expect(burn.demoBad).toBeGreaterThan(0);
    expect(
      Math.abs(burn.over / burn.samples - burn.demoBad / burn.demoTotal),
    ).toBeLessThan(0.01);
    expect(outage).toEqual({
      samples: 1440,
      over: 1440,
      demoBad: 4 * 1440,
      demoTotal: 4 * 1440,
    });
  });

  it('writes the series that the queries of examples/slos select', async () => {
    const demoSlos = readDemoSlos(
      path.resolve(__dirname, '../../../examples/slos'),
    );
    expect(demoSlos.map(s => s.name).sort()).toEqual(
      Object.keys(DEMO_METRICS).sort(),
    );

    const { text } = await exportText({ to: FROM + 10 * MINUTE });
    const samples = parseSamples(text);
    const sumOf = (list: Sample[]) => list.reduce((sum, x) => sum + x.value, 0);
    const minute = FROM + 2 * MINUTE;
    const actual = [];
    const expected = [];
    for (const slo of demoSlos) {
      const indicator = slo.indicator;
      const at = (query: string, t: number) =>
        samples.filter(x => x.t === t && matches(selectorOf(query), x));
      const counts = minuteCounts(slo.name, minute, ANCHOR)!;
      if (indicator.type === 'threshold') {
        // One sample of the minute, whatever its value.
        const query = indicator.metric.spec.query as string;
        actual.push({
          slo: slo.name,
          samples: at(query, minute + 30_000).length,
        });
        expected.push({ slo: slo.name, samples: 1 });
        continue;
      }
      if (indicator.type !== 'ratio') throw new Error(`${slo.name}: ratio?`);
      const good = indicator.good!.spec.query as string;
      const total = indicator.total.spec.query as string;
      // Counters: the increase over the minute; probes: sum and count at its middle.
      const increase = (query: string) =>
        sumOf(at(query, minute + MINUTE)) - sumOf(at(query, minute));
      actual.push(
        indicator.counter
          ? { slo: slo.name, good: increase(good), total: increase(total) }
          : {
              slo: slo.name,
              good: sumOf(at(good, minute + 30_000)),
              total: at(total, minute + 30_000).length,
            },
      );
      expected.push({ slo: slo.name, ...counts });
    }
    expect(actual).toEqual(expected);
  });

  it('writes in chunks and waits while the stream is full', async () => {
    const out = new PassThrough({ highWaterMark: 64 * 1024 });
    let chunks = 0;
    let most = 0;
    const done = writeDemoOpenMetrics(out, {
      from: ANCHOR - DAY,
      to: ANCHOR,
      anchor: ANCHOR,
    });
    // A slow reader: nothing is read for a while, then chunk by chunk.
    await new Promise(resolve => setTimeout(resolve, 50));
    most = Math.max(most, out.writableLength);
    const reading = (async () => {
      for await (const chunk of out) {
        chunks++;
        most = Math.max(most, out.writableLength + chunk.length);
        await new Promise(resolve => setImmediate(resolve));
      }
    })();
    const stats = await done;
    out.end();
    await reading;
    expect(stats.bytes).toBeGreaterThan(3 * 1024 * 1024);
    expect(chunks).toBeGreaterThan(10);
    // Never more than one chunk (256 KiB) over the stream's buffer.
    expect(most).toBeLessThan(64 * 1024 + 512 * 1024);
  }, 60_000);
});

const PROMTOOL = process.env.PROMTOOL_BIN ?? '/usr/bin/promtool';
const promtoolMissing = fs.existsSync(PROMTOOL)
  ? undefined
  : `${PROMTOOL} is not installed (Debian: apt-get install -y prometheus; or set PROMTOOL_BIN)`;
if (promtoolMissing) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the promtool check of the OpenMetrics: ${promtoolMissing}`,
  );
}

(promtoolMissing ? describe.skip : describe)('with promtool', () => {
  it('is OpenMetrics that promtool backfills into blocks', async () => {
    const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'airworthy-om-'));
    try {
      const file = path.join(dir, 'demo.om');
      const out = fs.createWriteStream(file);
      const stats = await writeDemoOpenMetrics(out, {
        from: FROM,
        to: TO,
        anchor: ANCHOR,
      });
      await new Promise(resolve => out.end(resolve));
      const { stdout } = await promisify(execFile)(PROMTOOL, [
        'tsdb',
        'create-blocks-from',
        'openmetrics',
        file,
        path.join(dir, 'data'),
      ]);
      // promtool lists the blocks it wrote; their samples add up to ours.
      const { stdout: analysis } = await promisify(execFile)(PROMTOOL, [
        'tsdb',
        'list',
        path.join(dir, 'data'),
      ]);
      expect(stdout).toMatch(/BLOCK ULID/);
      const rows = analysis.trim().split('\n').slice(1);
      const samples = rows.reduce(
        (sum, row) => sum + Number(row.trim().split(/\s+/)[4]),
        0,
      );
      const seriesCounts = rows.map(row => Number(row.trim().split(/\s+/)[5]));
      expect(samples).toBe(stats.samples);
      expect(Math.max(...seriesCounts)).toBe(stats.series);
    } finally {
      await fsp.rm(dir, { recursive: true, force: true });
    }
  });
});

describe('DemoMetricsExporter', () => {
  it('continues the backfilled counters: at a minute they hold the written value, between minutes they grow in proportion', async () => {
    const names = ['superset-availability', 'thanos-query-latency'];
    const { text } = await exportText({ sloNames: names });
    const written = (series: string, at: number) => {
      const line = text
        .split('\n')
        .find(l => l.startsWith(`${series} `) && l.endsWith(` ${at / 1000}`));
      return Number(line!.split(' ')[1]);
    };
    const exporter = new DemoMetricsExporter({
      from: FROM,
      anchor: ANCHOR,
      sloNames: names,
    });
    const live = (series: string, at: number) => {
      const line = exporter
        .text(at)
        .split('\n')
        .find(l => l.startsWith(`${series} `));
      return Number(line!.split(' ')[1]);
    };
    const bad = 'http_requests_total{service="superset",code="500"}';
    const count = 'http_request_duration_seconds_count{service="thanos"}';
    for (const series of [bad, count]) {
      expect(live(series, TO)).toBe(written(series, TO));
      expect(live(series, TO - HOUR)).toBe(written(series, TO - HOUR));
    }
    const minute = minuteCounts('thanos-query-latency', TO, ANCHOR)!;
    expect(live(count, TO + 15_000)).toBeCloseTo(
      written(count, TO) + minute.total / 4,
      9,
    );
    expect(exporter.text(TO)).toContain('# TYPE http_requests_total counter\n');
  });
});
