import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  burnRate,
  decideAlert,
  generatePrometheusRules,
  multiwindowTable,
  PrometheusAlertingRule,
  PrometheusRecordingRule,
  RuleGeneration,
  Slo,
  sumCounts,
  TIME,
  alertWindows,
  formatPrometheusDuration,
} from '@airworthy/plugin-operability-common';
import type { SliSourceBucket } from '@airworthy/plugin-operability-node';
// The demo's history is the traffic both implementations read.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  DemoSliSource,
  readDemoSlos,
  writeDemoOpenMetrics,
} from '@airworthy/plugin-operability-backend-module-demo';
import { prometheusMissing } from './__testUtils__/prometheus';
import {
  backfillOpenMetrics,
  backfillRules,
  intervalsOf,
  moveBlocks,
  queryRange,
  RunningServer,
  startPrometheusOn,
} from './__testUtils__/realLoop';

const { MINUTE, HOUR, DAY } = TIME;

jest.setTimeout(240_000);

/*
 * It reads fixed instants only, so the suite's second run under faketime adds nothing but a
 * minute and a half of CI time.
 */
const fakeClock =
  process.env.FAKETIME !== undefined
    ? `it uses fixed instants, and its run on the real clock covers it (FAKETIME=${process.env.FAKETIME})`
    : undefined;
const missing = prometheusMissing() ?? fakeClock;
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the rules-against-Prometheus test: ${missing}`);
}
const describeWithPrometheus = missing ? describe.skip : describe;

/*
 * The real loop. Airworthy computes burn rates and alert states in TypeScript (from the SLI
 * buckets a source yields) and generates PromQL rules that compute the same in Prometheus.
 * Here both run on the same 30 days of the demo's traffic: the history is written as
 * OpenMetrics and backfilled with promtool, the SLI recording rules Airworthy generates are
 * backfilled with `promtool tsdb create-blocks-from rules` over the last 24 hours, and at
 * every 10 minutes of those hours each SLO's burn rate per window, read from Prometheus, is
 * compared with Airworthy's; the alerts (the generated alert expressions, evaluated every
 * minute over the backfilled records) must fire in the same intervals as Airworthy's decision.
 *
 * A fixed instant (no test depends on today's date); the demo's story ends there, with
 * Superset failing 20% of requests for the last 90 minutes and Kafka burning slowly for 30
 * hours (its ticket fires in the last 20).
 */
const TO = Date.UTC(2026, 5, 3, 12, 0);
const ANCHOR = TO;
const FROM = TO - 30 * DAY;
const SPAN_FROM = TO - 24 * HOUR;
const COMPARE_STEP = 10 * MINUTE;

/** Event-based demo SLOs (rate of counters; probes' subqueries would make the backfill slow). */
const SLO_NAMES = [
  'superset-availability',
  'kafka-produce-availability',
  'grafana-availability',
  'thanos-query-latency',
];

function figure(text: string) {
  // eslint-disable-next-line no-console
  console.log(text);
}

describeWithPrometheus(
  'Airworthy and its rules in a real Prometheus agree',
  () => {
    let dir: string;
    let prometheus: RunningServer | undefined;
    let slos: Slo[];
    let generation: RuleGeneration;
    const buckets = new Map<string, SliSourceBucket[]>();

    beforeAll(async () => {
      const started = Date.now();
      dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'airworthy-loop-'));
      const data = path.join(dir, 'data');
      const config = path.join(dir, 'prometheus.yml');
      await fsp.writeFile(config, 'global:\n  evaluation_interval: 1m\n');
      slos = readDemoSlos(
        path.resolve(__dirname, '../../../examples/slos'),
      ).filter(s => SLO_NAMES.includes(s.name));
      if (slos.length !== SLO_NAMES.length) {
        throw new Error(`expected the demo SLOs ${SLO_NAMES.join(', ')}`);
      }
      generation = generatePrometheusRules(slos);
      const unsupported = generation.warnings.filter(w =>
        w.message.startsWith('no rules'),
      );
      if (unsupported.length) throw new Error(JSON.stringify(unsupported));

      const input = path.join(dir, 'history.om');
      const out = fs.createWriteStream(input);
      await writeDemoOpenMetrics(out, {
        from: FROM,
        to: TO,
        anchor: ANCHOR,
        sloNames: SLO_NAMES,
      });
      await new Promise(resolve => out.end(resolve));
      await backfillOpenMetrics(input, data);
      const history = Date.now();

      // The SLI records only: the period record would read the 5-minute record, which the
      // backfill writes in the same pass (promtool evaluates rules against the raw data).
      const rulesFile = path.join(dir, 'sli-rules.yaml');
      const periodRecords = new Set(
        slos.map(
          s =>
            `slo:sli_error:ratio_rate${formatPrometheusDuration(
              s.timeWindow.durationMs,
            )}`,
        ),
      );
      await fsp.writeFile(
        rulesFile,
        // JSON is YAML.
        JSON.stringify({
          groups: generation.groups
            .filter(g => g.name.startsWith('sloth-slo-sli-recordings-'))
            .map(g => ({
              ...g,
              rules: (g.rules as PrometheusRecordingRule[]).filter(
                r => !periodRecords.has(r.record),
              ),
            })),
        }),
      );
      prometheus = await startPrometheusOn(data, config);
      const rulesOut = path.join(dir, 'rules-blocks');
      const promtoolLog = await backfillRules(
        prometheus.baseUrl,
        rulesFile,
        SPAN_FROM - MINUTE,
        TO + MINUTE,
        rulesOut,
      );
      await prometheus.stop();
      const blocks = await moveBlocks(rulesOut, data);
      if (/level=(error|warn)/.test(promtoolLog)) throw new Error(promtoolLog);
      prometheus = await startPrometheusOn(data, config);
      figure(
        `real loop: history written and backfilled in ${(
          (history - started) /
          1000
        ).toFixed(1)} s; SLI rules of ${
          slos.length
        } SLOs backfilled over 24 h (${blocks} blocks) in ${(
          (Date.now() - history) /
          1000
        ).toFixed(1)} s`,
      );

      const demo = new DemoSliSource({
        anchor: ANCHOR,
        minuteHistoryMs: 5 * DAY,
        now: () => TO,
      });
      for (const slo of slos) {
        const list: SliSourceBucket[] = [];
        for await (const chunk of demo.collect({
          target: { id: slo.name, entityRef: 'component:default/demo', slo },
          from: SPAN_FROM - 4 * DAY,
          to: TO,
          bucketMs: MINUTE,
        })) {
          list.push(...chunk.buckets);
        }
        buckets.set(slo.name, list);
      }
    });

    afterAll(async () => {
      await prometheus?.stop();
      if (dir) await fsp.rm(dir, { recursive: true, force: true });
    });

    /** Airworthy's error ratio of the window `[t - windowMs, t)`, from the SLI buckets. */
    function errorRatioAt(
      slo: Slo,
      t: number,
      windowMs: number,
    ): number | null {
      const counts = sumCounts(
        buckets
          .get(slo.name)!
          .filter(b => b.start >= t - windowMs && b.start < t),
      );
      return counts.total > 0
        ? (counts.total - counts.good) / counts.total
        : null;
    }

    it('gives every SLO the same burn rate per window at 145 instants', async () => {
      let compared = 0;
      let steadyCompared = 0;
      const worst = { all: 0, steady: 0, pinned: 0 };
      let worstAt = '';
      const instants = new Set<number>();
      const offsets = new Set<number>();
      for (const slo of slos) {
        const list = buckets.get(slo.name)!;
        const counts = (from: number, to: number) =>
          sumCounts(list.filter(b => b.start >= from && b.start < to));
        for (const { window, windowMs } of alertWindows(
          multiwindowTable(slo.timeWindow.durationMs, slo.target),
        )) {
          const record = `slo:sli_error:ratio_rate${window}{sloth_slo="${slo.name}"}`;
          const [series] = await queryRange(
            prometheus!.baseUrl,
            record,
            SPAN_FROM,
            TO,
            COMPARE_STEP,
          );
          // When each value was evaluated: rule groups evaluate at an offset within their
          // interval (a hash of the group's name), as the backfill does.
          const [stamps] = await queryRange(
            prometheus!.baseUrl,
            `timestamp(${record})`,
            SPAN_FROM,
            TO,
            COMPARE_STEP,
          );
          expect(series?.samples.length).toBe(145);
          const evaluatedAt = new Map(
            stamps.samples.map(([step, at]) => [step, Math.round(at * 1000)]),
          );
          for (const [step, ratio] of series.samples) {
            // Airworthy at the same instant: the complete minutes before it.
            const t = Math.floor(evaluatedAt.get(step)! / MINUTE) * MINUTE;
            offsets.add(evaluatedAt.get(step)! - t);
            const window$ = counts(t - windowMs, t);
            const ours = burnRate(window$, slo.target)!;
            const theirs = ratio / (1 - slo.target);
            // What Prometheus reads at an instant between minute samples: the samples of its
            // window, so the increase of every minute of the window but the oldest,
            // extrapolated to the window's length.
            const pinned = burnRate(
              counts(t - windowMs + MINUTE, t),
              slo.target,
            )!;
            const relative = (a: number, b: number) =>
              Math.abs(a - b) / Math.max(Math.abs(b), 1e-9);
            worst.pinned = Math.max(worst.pinned, relative(theirs, pinned));
            const r = relative(theirs, ours);
            if (r > worst.all) {
              worst.all = r;
              worstAt = `${slo.name}, ${window}, ${new Date(t).toISOString()}`;
            }
            // Steady: the window's oldest minute looks like the window (its events within 25%
            // of the window's average minute, its error ratio within 0.5% x (minutes - 1) of
            // the window's), so that leaving it out moves the ratio by less than 1%.
            const minutes = windowMs / MINUTE;
            const first = counts(t - windowMs, t - windowMs + MINUTE);
            const average = window$.total / minutes;
            const firstRatio =
              first.total > 0 ? (first.total - first.good) / first.total : null;
            const windowRatio = (window$.total - window$.good) / window$.total;
            if (
              firstRatio !== null &&
              Math.abs(first.total - average) <= 0.25 * average &&
              Math.abs(firstRatio - windowRatio) <=
                0.005 * (minutes - 1) * windowRatio
            ) {
              worst.steady = Math.max(worst.steady, r);
              steadyCompared++;
            }
            instants.add(step);
            compared++;
          }
        }
      }
      figure(
        `real loop: ${compared} burn rates compared (${
          slos.length
        } SLOs x 7 windows x ${
          instants.size
        } instants); largest relative difference ${worst.all.toExponential(
          2,
        )} (${worstAt}); ${steadyCompared} where traffic is steady, largest ${worst.steady.toExponential(
          2,
        )}; against the window without its oldest minute ${worst.pinned.toExponential(
          2,
        )}; evaluation offsets ${[...offsets]
          .map(o => `${o / 1000} s`)
          .join(', ')}`,
      );
      expect(instants.size).toBeGreaterThanOrEqual(100);
      expect(steadyCompared).toBeGreaterThan(compared / 4);
      expect(worst.steady).toBeLessThan(0.01);
      expect(worst.pinned).toBeLessThan(1e-9);
    });

    it('fires the page and ticket alerts in the same intervals, within two minutes', async () => {
      let matched = 0;
      const rows: string[] = [];
      for (const slo of slos) {
        const table = multiwindowTable(slo.timeWindow.durationMs, slo.target);
        const alerts = generation.groups.find(
          g => g.name === `sloth-slo-alerts-${slo.ref}`,
        )!.rules as PrometheusAlertingRule[];
        for (const alert of alerts) {
          const severity = alert.labels!.sloth_severity as 'page' | 'ticket';
          const series = await queryRange(
            prometheus!.baseUrl,
            alert.expr,
            SPAN_FROM,
            TO,
            MINUTE,
          );
          const theirs = intervalsOf(
            series.flatMap(s => s.samples.map(([t]) => t)),
            MINUTE,
          );
          const firingAt: number[] = [];
          for (let t = SPAN_FROM; t <= TO; t += MINUTE) {
            const decision = decideAlert(slo.target, table, (_w, windowMs) =>
              errorRatioAt(slo, t, windowMs),
            );
            if (
              decision.windows.some(w => w.firing && w.severity === severity)
            ) {
              firingAt.push(t);
            }
          }
          const ours = intervalsOf(firingAt, MINUTE);
          const close = (a: [number, number], b: [number, number]) =>
            Math.abs(a[0] - b[0]) <= 2 * MINUTE &&
            Math.abs(a[1] - b[1]) <= 2 * MINUTE;
          for (const interval of ours) {
            expect([
              slo.name,
              severity,
              theirs.some(t => close(t, interval)),
            ]).toEqual([slo.name, severity, true]);
          }
          for (const interval of theirs) {
            expect([
              slo.name,
              severity,
              ours.some(o => close(o, interval)),
            ]).toEqual([slo.name, severity, true]);
          }
          matched += ours.length;
          if (ours.length) {
            rows.push(
              `${slo.name} ${severity}: ${ours
                .map(
                  ([a, b]) =>
                    `${new Date(a).toISOString().slice(5, 16)}..${new Date(b)
                      .toISOString()
                      .slice(11, 16)}`,
                )
                .join(', ')}`,
            );
          }
        }
      }
      figure(
        `real loop: ${matched} alert intervals matched\n  ${rows.join('\n  ')}`,
      );
      // The story's end: Superset pages, Kafka's slow burn opens a ticket.
      expect(rows.some(r => r.startsWith('superset-availability page'))).toBe(
        true,
      );
      expect(matched).toBeGreaterThanOrEqual(2);
    });
  },
);
