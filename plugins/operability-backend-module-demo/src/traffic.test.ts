import { parseSloFiles } from '@airworthy/plugin-operability-common';
import fs from 'node:fs';
import path from 'node:path';
import { OUTAGES, TRAFFIC } from './scenario';
import { TIME } from '@airworthy/plugin-operability-common';
import {
  badRatioAt,
  demoBuckets,
  hash01,
  loadFactor,
  minuteCounts,
} from './traffic';

// A Wednesday, on the hour: the anchor of these tests.
const anchor = Date.UTC(2026, 10, 25, 9);

function sum(buckets: Array<{ good: number; total: number }>) {
  return buckets.reduce(
    (acc, b) => ({ good: acc.good + b.good, total: acc.total + b.total }),
    { good: 0, total: 0 },
  );
}

describe('demo traffic', () => {
  it('is deterministic: the same minute always has the same counts', () => {
    const t = anchor - 3 * TIME.DAY + 17 * TIME.MINUTE;
    expect(minuteCounts('grafana-availability', t, anchor)).toEqual(
      minuteCounts('grafana-availability', t, anchor),
    );
    expect(hash01('x', 5, 1)).toBe(hash01('x', 5, 1));
    expect(hash01('x', 5, 1)).not.toBe(hash01('x', 6, 1));
  });

  it('spreads hash01 evenly over [0, 1)', () => {
    const values = Array.from({ length: 10_000 }, (_, i) =>
      hash01('spread', i, 7),
    );
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(mean).toBeGreaterThan(0.48);
    expect(mean).toBeLessThan(0.52);
  });

  it('follows a daily cycle and quiet weekends', () => {
    const wednesday = Date.UTC(2026, 10, 25);
    expect(loadFactor(wednesday + 3 * TIME.HOUR)).toBeCloseTo(0.3, 5);
    expect(loadFactor(wednesday + 15 * TIME.HOUR)).toBeCloseTo(1, 5);
    const saturday = Date.UTC(2026, 10, 28);
    expect(loadFactor(saturday + 15 * TIME.HOUR)).toBeCloseTo(0.45, 5);
  });

  it('keeps probes constant and gives low-traffic services empty minutes', () => {
    const day = Array.from(
      { length: 1440 },
      (_, i) => anchor - TIME.DAY + i * TIME.MINUTE,
    );
    const probes = day.map(
      t => minuteCounts('jupyterhub-availability', t, anchor)!.total,
    );
    expect(new Set(probes)).toEqual(new Set([2]));
    const runs = day.map(
      t => minuteCounts('kfp-tekton-pipeline-success', t, anchor)!.total,
    );
    expect(runs.filter(n => n === 0).length).toBeGreaterThan(500);
    expect(runs.filter(n => n > 0).length).toBeGreaterThan(100);
  });

  it('fails about the baseline share of events on an ordinary day', () => {
    const buckets = demoBuckets({
      sloName: 'kafka-produce-availability',
      from: anchor - 9 * TIME.DAY,
      to: anchor - 8 * TIME.DAY,
      bucketMs: TIME.MINUTE,
      anchor,
    });
    const { good, total } = sum(buckets);
    const bad = (total - good) / total;
    expect(bad).toBeGreaterThan(0.00015);
    expect(bad).toBeLessThan(0.00025);
  });

  it('fails the outage share of events while an outage lasts', () => {
    const certificate = OUTAGES.find(o => o.id === 'certificate-expired')!;
    const start = anchor + certificate.startOffset;
    expect(
      badRatioAt('keycloak-login-availability', start + TIME.HOUR, anchor),
    ).toBe(0.92);
    expect(
      badRatioAt('keycloak-login-availability', start - TIME.MINUTE, anchor),
    ).toBe(TRAFFIC['keycloak-login-availability'].baselineBad);
    const { good, total } = sum(
      demoBuckets({
        sloName: 'keycloak-login-availability',
        from: start - (start % TIME.MINUTE),
        to: start - (start % TIME.MINUTE) + 4 * TIME.HOUR,
        bucketMs: TIME.MINUTE,
        anchor,
      }),
    );
    expect((total - good) / total).toBeGreaterThan(0.9);
    expect((total - good) / total).toBeLessThan(0.94);
  });

  it('gives older history as hourly buckets with exactly the same counts', () => {
    const from = anchor - 20 * TIME.DAY - 17 * TIME.MINUTE; // not on an hour
    const to = from + 5 * TIME.HOUR;
    const minutes = demoBuckets({
      sloName: 'grafana-availability',
      from,
      to,
      bucketMs: TIME.MINUTE,
      anchor,
    });
    const hours = demoBuckets({
      sloName: 'grafana-availability',
      from,
      to,
      bucketMs: TIME.MINUTE,
      anchor,
      hourlyBefore: to,
    });
    expect(hours).toHaveLength(6); // a partial first hour, four whole ones, a partial last
    expect(hours[0].start).toBe(from);
    expect(hours.slice(1).every(b => b.start % TIME.HOUR === 0)).toBe(true);
    expect(sum(hours)).toEqual(sum(minutes));
  });

  it('has no traffic for SLOs that are not in the demo', () => {
    expect(
      minuteCounts('checkout-availability', anchor, anchor),
    ).toBeUndefined();
    expect(
      demoBuckets({
        sloName: 'checkout-availability',
        from: anchor,
        to: anchor + TIME.HOUR,
        bucketMs: TIME.MINUTE,
        anchor,
      }),
    ).toEqual([]);
  });
});

describe('demo catalog', () => {
  it('has traffic for exactly the SLOs of the example files', () => {
    const dir = path.resolve(__dirname, '../../../examples/slos');
    const files = fs
      .readdirSync(dir)
      .filter(f => f.endsWith('.yaml'))
      .map(f => ({
        file: `examples/slos/${f}`,
        content: fs.readFileSync(path.join(dir, f), 'utf8'),
      }));
    const names = new Set<string>();
    for (const file of files) {
      const result = parseSloFiles([file]);
      expect(result.errors).toEqual([]);
      result.slos.forEach(slo => names.add(slo.name));
    }
    expect([...names].sort()).toEqual(Object.keys(TRAFFIC).sort());
  });

  it('names only demo SLOs in its outages', () => {
    for (const outage of OUTAGES) {
      expect(
        Object.keys(outage.bad).filter(name => !(name in TRAFFIC)),
      ).toEqual([]);
    }
  });
});
