import { sloInput } from '../../__testUtils__/slos';
import { createTestStores } from '../../__testUtils__/stores';
import { downsampleSeries, SloSeries } from './SloSeries';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR, DAY } = TIME;

const createStores = createTestStores();
const NOW = Date.UTC(2026, 10, 25, 12);

async function setup() {
  const { store } = await createStores();
  const record = await store.slos.upsert(
    sloInput({}, { target: 0.99, duration: '1d' }),
  );
  // Two days of 100 events a minute; 10 bad a minute during one hour, 6 hours ago.
  const outage = NOW - 6 * HOUR;
  const buckets = [];
  for (let start = NOW - 2 * DAY; start < NOW; start += MINUTE) {
    const bad = start >= outage && start < outage + HOUR ? 10 : 0;
    buckets.push({ start, good: 100 - bad, total: 100 });
  }
  for (let i = 0; i < buckets.length; i += 5000) {
    await store.sli.writeBuckets(record.id, buckets.slice(i, i + 5000), NOW);
  }
  return { series: new SloSeries(store), record, outage };
}

describe('SloSeries', () => {
  it('computes budget remaining, burn rate and SLI from running totals', async () => {
    const { series, record, outage } = await setup();
    const result = await series.series(
      record,
      {
        from: new Date(NOW - 12 * HOUR).toISOString(),
        to: new Date(NOW).toISOString(),
        window: '1h',
      },
      NOW,
    );
    expect(result).toMatchObject({
      sloId: record.id,
      from: new Date(NOW - 12 * HOUR).toISOString(),
      to: new Date(NOW).toISOString(),
      resolutionMs: MINUTE,
      window: '1h',
    });
    // 720 minute points each, downsampled to at most 1,000: kept as they are.
    expect(result.burnRate).toHaveLength(720);
    const at = (points: typeof result.burnRate, t: number) =>
      points.find(p => p.t === t)?.v;
    // At the end of the outage hour: 600 bad of 6,000 in the last hour, burn rate 10.
    expect(at(result.burnRate, outage + HOUR)).toBeCloseTo(10, 9);
    expect(at(result.burnRate, outage)).toBe(0);
    // After it, the day's budget (1% of 144,000 = 1,440) has lost 600 events.
    expect(at(result.budgetRemaining, NOW)).toBeCloseTo(1 - 600 / 1440, 9);
    expect(at(result.budgetRemaining, outage)).toBe(1);
    expect(at(result.sli, outage + 30 * MINUTE)).toBeCloseTo(0.9, 12);
    expect(at(result.sli, outage - 30 * MINUTE)).toBe(1);
  });

  it('answers at most 1,000 points per series for long ranges', async () => {
    const { series, record } = await setup();
    const result = await series.series(
      record,
      {
        from: new Date(NOW - 2 * DAY).toISOString(),
        to: new Date(NOW).toISOString(),
        window: '5m',
      },
      NOW,
    );
    expect(result.burnRate.length).toBeLessThanOrEqual(1000);
    expect(result.burnRate.length).toBeGreaterThan(900);
    expect(result.sli.length).toBeLessThanOrEqual(1000);
    // LTTB keeps the extremes: the outage's burn rate is still there.
    expect(Math.max(...result.burnRate.map(p => p.v!))).toBeCloseTo(10, 9);
  });

  it('refuses ranges that are empty or too long', async () => {
    const { series, record } = await setup();
    await expect(
      series.series(
        record,
        { from: new Date(NOW).toISOString(), to: new Date(NOW).toISOString() },
        NOW,
      ),
    ).rejects.toThrow(/from must be before to/);
    await expect(
      series.series(
        record,
        { from: '2020-01-01T00:00:00Z', to: new Date(NOW).toISOString() },
        NOW,
      ),
    ).rejects.toThrow(/at most 400d/);
  });
});

describe('downsampleSeries', () => {
  it('drops points without data and keeps short series whole', () => {
    expect(
      downsampleSeries([
        { t: 1, v: 1 },
        { t: 2, v: null },
        { t: 3, v: 2 },
      ]),
    ).toEqual([
      { t: 1, v: 1 },
      { t: 3, v: 2 },
    ]);
  });

  it('keeps the first, the last and the peaks of a long series', () => {
    const points = Array.from({ length: 10_000 }, (_, i) => ({
      t: i,
      v: i === 5_000 ? 100 : Math.sin(i / 100),
    }));
    const down = downsampleSeries(points, 500);
    expect(down).toHaveLength(500);
    expect(down[0]).toEqual(points[0]);
    expect(down[499]).toEqual(points[9_999]);
    expect(down).toContainEqual({ t: 5_000, v: 100 });
  });
});
