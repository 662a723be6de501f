import path from 'node:path';
import { Writable } from 'node:stream';
import type { Slo } from '@airworthy/plugin-operability-common';
import type {
  SliSource,
  SliSourceBucket,
} from '@airworthy/plugin-operability-node';
// The demo's history, backfilled into a real Prometheus, is what this test reads back.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  DEMO_METRICS,
  DemoSliSource,
  readDemoSlos,
  writeDemoOpenMetrics,
} from '@airworthy/plugin-operability-backend-module-demo';
import {
  prometheusMissing,
  startPrometheus,
  type TestPrometheus,
} from './__testUtils__/prometheus';
import {
  PrometheusSliSource,
  readPrometheusConfig,
} from './PrometheusSliSource';
import { ConfigReader } from '@backstage/config';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR, DAY } = TIME;

jest.setTimeout(180_000);

const missing = prometheusMissing();
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the demo-on-Prometheus integration test: ${missing}`);
}
const describeWithPrometheus = missing ? describe.skip : describe;

/*
 * Six hours of the demo's history for every demo SLO of examples/slos, ending at the current
 * minute, backfilled with promtool into a real Prometheus; the Prometheus SLI source reads it
 * back with the SLO files' own queries, and must find the demo source's buckets.
 */
const TO = Math.floor(Date.now() / MINUTE) * MINUTE;
const FROM = TO - 6 * HOUR;
const ANCHOR = Math.floor(TO / HOUR) * HOUR;

async function collect(
  source: SliSource,
  slo: Slo,
): Promise<Map<number, SliSourceBucket>> {
  const buckets = new Map<number, SliSourceBucket>();
  for await (const chunk of source.collect({
    target: { id: slo.name, entityRef: 'component:default/demo', slo },
    from: FROM,
    to: TO,
    bucketMs: MINUTE,
  })) {
    for (const b of chunk.buckets) buckets.set(b.start, b);
  }
  return buckets;
}

describeWithPrometheus('the demo history on a real Prometheus', () => {
  let prometheus: TestPrometheus;
  let openMetricsMs = 0;

  beforeAll(async () => {
    let text = '';
    const started = Date.now();
    await writeDemoOpenMetrics(
      new Writable({
        write(chunk, _encoding, callback) {
          text += String(chunk);
          callback();
        },
      }),
      { from: FROM, to: TO, anchor: ANCHOR },
    );
    openMetricsMs = Date.now() - started;
    prometheus = await startPrometheus(text);
  });

  afterAll(async () => {
    await prometheus?.stop();
  });

  it("collects every demo SLO's buckets as the demo source generates them", async () => {
    const slos = readDemoSlos(
      path.resolve(__dirname, '../../../examples/slos'),
    );
    expect(slos).toHaveLength(Object.keys(DEMO_METRICS).length);
    const prom = new PrometheusSliSource(
      readPrometheusConfig(
        new ConfigReader({
          operability: {
            prometheus: {
              instances: [
                { name: 'community-prometheus', baseUrl: prometheus.baseUrl },
              ],
            },
          },
        }),
      ),
    );
    const demo = new DemoSliSource({
      anchor: ANCHOR,
      minuteHistoryMs: DAY,
      now: () => TO,
    });

    const rows: string[] = [];
    let collectMs = 0;
    let worstExact = 0;
    const deviations: Array<{ slo: string; maxDiff: number }> = [];
    let lag = { total: 0, demoTotal: 0, badShare: 0, demoBadShare: 0 };
    for (const slo of slos) {
      expect(prom.supports(slo)).toBe(true);
      const started = Date.now();
      const fromProm = await collect(prom, slo);
      collectMs += Date.now() - started;
      const fromDemo = await collect(demo, slo);
      let good = 0;
      let total = 0;
      let demoGood = 0;
      let demoTotal = 0;
      let maxDiff = 0;
      let minutes = 0;
      for (let start = FROM; start < TO; start += MINUTE) {
        const p = fromProm.get(start) ?? { start, good: 0, total: 0 };
        const d = fromDemo.get(start) ?? { start, good: 0, total: 0 };
        good += p.good;
        total += p.total;
        demoGood += d.good;
        demoTotal += d.total;
        maxDiff = Math.max(
          maxDiff,
          Math.abs(p.good - d.good),
          Math.abs(p.total - d.total),
        );
        if (fromProm.has(start)) minutes++;
      }
      // Every minute of the range has a bucket (counters and gauges alike).
      expect({ slo: slo.name, minutes }).toEqual({
        slo: slo.name,
        minutes: (TO - FROM) / MINUTE,
      });
      const badShare = 1 - good / total;
      const demoBadShare = 1 - demoGood / demoTotal;
      rows.push(
        `${slo.name.padEnd(
          30,
        )} prometheus ${good}/${total}  demo ${demoGood}/${demoTotal}  max |diff| per minute ${maxDiff.toFixed(
          6,
        )}  bad share ${(badShare * 100).toFixed(3)}% vs ${(
          demoBadShare * 100
        ).toFixed(3)}%`,
      );
      if (DEMO_METRICS[slo.name].kind === 'threshold') {
        lag = { total, demoTotal, badShare, demoBadShare };
      } else {
        worstExact = Math.max(worstExact, maxDiff);
        // Exact up to floating point: increase() has samples on both ends of each minute.
        deviations.push({ slo: slo.name, maxDiff: Math.round(maxDiff * 1e6) });
      }
    }
    expect(deviations).toEqual(
      deviations.map(({ slo }) => ({ slo, maxDiff: 0 })),
    );
    expect(deviations).toHaveLength(slos.length - 1);
    // The consumer lag: one sample a minute where the demo counts four scrapes, so a
    // quarter of the events, bad about as often.
    expect(lag.total).toBe(lag.demoTotal / 4);
    expect(Math.abs(lag.badShare - lag.demoBadShare)).toBeLessThan(0.03);
    // eslint-disable-next-line no-console
    console.log(
      [
        `Demo history on Prometheus: ${slos.length} SLOs x 6 h; OpenMetrics written in ${openMetricsMs} ms; collected in ${collectMs} ms`,
        `max deviation per minute (all but the consumer lag): ${worstExact}`,
        ...rows,
      ].join('\n'),
    );
  });
});
