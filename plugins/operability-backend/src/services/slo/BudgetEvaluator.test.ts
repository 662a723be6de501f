import { mockServices } from '@backstage/backend-test-utils';
import { parseSloYaml } from '@airworthy/plugin-operability-common';
import { openSloYaml } from '../../__testUtils__/slos';
import { createTestStores } from '../../__testUtils__/stores';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { SliBucket } from '../../database/sli/SliStore';
import { BudgetEvaluator, statusOf } from './BudgetEvaluator';
import { toSloInput } from './SloRegistry';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR, DAY } = TIME;

const createStores = createTestStores();
// 2026-11-25T12:00:00Z
const NOW = Date.UTC(2026, 10, 25, 12);

async function setup(yaml: string) {
  const { store } = await createStores();
  const { slos, errors } = parseSloYaml(yaml);
  expect(errors).toEqual([]);
  const record = await store.slos.upsert(
    toSloInput(slos[0], 'component:default/jupyterhub', 'api'),
  );
  const evaluator = new BudgetEvaluator({
    store,
    logger: mockServices.logger.mock(),
    snapshotIntervalMs: HOUR,
  });
  return { store, record, evaluator };
}

/** `perMinute` events per minute over [from, to), with `bad(start)` bad ones. */
function traffic(
  from: number,
  to: number,
  perMinute: number,
  bad: (start: number) => number = () => 0,
): SliBucket[] {
  const buckets: SliBucket[] = [];
  for (let start = from; start < to; start += MINUTE) {
    buckets.push({ start, good: perMinute - bad(start), total: perMinute });
  }
  return buckets;
}

async function write(store: OperabilityStore, id: string, b: SliBucket[]) {
  for (let i = 0; i < b.length; i += 5000) {
    await store.sli.writeBuckets(id, b.slice(i, i + 5000), NOW);
  }
}

/** Two SLOs of a day, the first with an hour of traffic, the second without data. */
async function setupTwo() {
  const { store, record, evaluator } = await setup(
    openSloYaml({ target: 0.99, duration: '1d' }),
  );
  const second = await store.slos.upsert({
    ...record,
    entityRef: 'component:default/grafana',
  });
  await write(store, record.id, traffic(NOW - HOUR, NOW, 10));
  return { store, record, second, evaluator };
}

describe('BudgetEvaluator', () => {
  it('computes budget, burn rates, alert rows, status and time to exhaustion from counts', async () => {
    // 99% over a rolling day, 100 events a minute, half of them bad in the last 10 minutes.
    const { store, record, evaluator } = await setup(
      openSloYaml({ target: 0.99, duration: '1d' }),
    );
    await write(
      store,
      record.id,
      traffic(NOW - DAY, NOW, 100, start =>
        start >= NOW - 10 * MINUTE ? 50 : 0,
      ),
    );

    const result = await evaluator.evaluate(record, NOW);

    // Period: 144,000 events, 500 bad; budget 1% = 1,440 events.
    expect(result.budget).toMatchObject({
      from: new Date(NOW - DAY).toISOString(),
      to: new Date(NOW).toISOString(),
      good: 143_500,
      total: 144_000,
      budgetMinutes: 14.4,
    });
    expect(result.budget.consumed).toBeCloseTo(500 / 1440, 12);
    expect(result.budget.remaining).toBeCloseTo(1 - 500 / 1440, 12);
    const rates = Object.fromEntries(
      result.burnRates.map(b => [b.window, b.burnRate]),
    );
    expect(Object.keys(rates)).toEqual([
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
      'period',
    ]);
    expect(rates['5m']).toBeCloseTo(50, 9);
    expect(rates['1h']).toBeCloseTo(500 / 6000 / 0.01, 9);
    expect(rates.period).toBeCloseTo(500 / 144_000 / 0.01, 9);
    // Time to exhaustion at the last hour's burn rate.
    expect(result.budget.timeToExhaustionMs).toBeCloseTo(
      ((1 - 500 / 1440) * DAY) / (500 / 6000 / 0.01),
      0,
    );
    expect(Date.parse(result.budget.exhaustsAt!)).toBe(
      NOW + Math.round(result.budget.timeToExhaustionMs!),
    );
    // 2% in 1h over a day: factor 0.48, threshold 0.0048; both 1h and 5m exceed it.
    expect(result.alerts[0]).toMatchObject({
      severity: 'page',
      longWindow: '1h',
      shortWindow: '5m',
      burnRateFactor: 0.48,
      errorRatioThreshold: 0.0048,
      firing: true,
    });
    expect(result.alertSeverity).toBe('page');
    expect(result.status).toBe('critical');
  });

  it('is ok without errors, exhausted when the budget is spent, and no-data without events', async () => {
    const { store, record, evaluator } = await setup(
      openSloYaml({ target: 0.99, duration: '1d' }),
    );
    await expect(evaluator.evaluate(record, NOW)).resolves.toMatchObject({
      status: 'no-data',
      budget: { total: 0, sli: null, timeToExhaustionMs: null },
    });

    await write(store, record.id, traffic(NOW - DAY, NOW, 10));
    const ok = await evaluator.evaluate(record, NOW);
    expect(ok.status).toBe('ok');
    expect(ok.budget.remaining).toBe(1);
    expect(ok.budget.timeToExhaustionMs).toBeNull();

    // 2% bad events 12 hours ago, none since: budget spent twice, no alert fires now.
    await write(
      store,
      record.id,
      traffic(NOW - DAY, NOW - 12 * HOUR, 10, () => 0.4),
    );
    const spent = await evaluator.evaluate(record, NOW);
    expect(spent.budget.consumed).toBeCloseTo(2, 9);
    expect(spent.status).toBe('exhausted');
  });

  it('measures a calendar window from the start of the current period and never regains budget in it', async () => {
    const yaml = openSloYaml({ target: 0.99, duration: '1w' }).replace(
      'isRolling: true',
      "isRolling: false\n      calendar:\n        startTime: '2026-11-23 00:00:00'\n        timeZone: UTC",
    );
    const { store, record, evaluator } = await setup(yaml);
    const periodStart = Date.UTC(2026, 10, 23);
    await write(
      store,
      record.id,
      traffic(periodStart, NOW, 10, start =>
        start < periodStart + HOUR ? 1 : 0,
      ),
    );
    const first = await evaluator.evaluate(record, NOW);
    expect(first.budget.from).toBe(new Date(periodStart).toISOString());
    // 60 bad of 36,000 events over 2.5 days; budget = 1% of the week's projected events.
    const elapsed = NOW - periodStart;
    const projected = (36_000 * 7 * DAY) / elapsed;
    expect(first.budget.consumed).toBeCloseTo(60 / (0.01 * projected), 9);

    // More good traffic later in the period would lower the share; the budget stays spent.
    await write(store, record.id, traffic(NOW, NOW + HOUR, 1000));
    const uncapped = await evaluator.evaluate(record, NOW + HOUR);
    expect(uncapped.budget.remaining).toBeGreaterThan(first.budget.remaining);
    const later = await evaluator.evaluate(record, NOW + HOUR, first);
    expect(later.budget.remaining).toBe(first.budget.remaining);
  });

  it('stores evaluations and at most one snapshot per interval', async () => {
    const { store, record, evaluator } = await setup(
      openSloYaml({ target: 0.99, duration: '1d' }),
    );
    await write(store, record.id, traffic(NOW - HOUR, NOW, 10));
    await expect(evaluator.evaluateAll(NOW)).resolves.toEqual({
      evaluated: 1,
      failed: 0,
      snapshots: 1,
    });
    await expect(evaluator.evaluateAll(NOW + 30 * MINUTE)).resolves.toEqual({
      evaluated: 1,
      failed: 0,
      snapshots: 0,
    });
    await evaluator.evaluateAll(NOW + HOUR);
    const latest = await store.evaluations.latest([record.id]);
    expect(latest.get(record.id)!.evaluatedAt).toBe(
      new Date(NOW + HOUR).toISOString(),
    );
    const snapshots = await store.evaluations.snapshots(
      record.id,
      0,
      NOW + DAY,
    );
    expect(snapshots.map(s => [s.takenAt, s.status])).toEqual([
      [NOW, 'ok'],
      [NOW + HOUR, 'ok'],
    ]);
    expect(snapshots[0].burnRates['1h']).toBe(0);
  });

  it('stores for each SLO of a run, read in batches, what evaluating it alone gives', async () => {
    const { store } = await createStores();
    const shapes = [
      { duration: '28d', target: 0.999 },
      { duration: '7d', target: 0.99 },
      { duration: '1d', target: 0.95 },
      { duration: '30d', target: 0.9 },
      { duration: '28d', target: 0.98 },
    ];
    const records = [];
    for (const [k, shape] of shapes.entries()) {
      const { slos } = parseSloYaml(openSloYaml(shape));
      records.push(
        await store.slos.upsert(
          toSloInput(slos[0], `component:default/project-${k}`, 'api'),
        ),
      );
    }
    // Ten days of traffic, bad minutes in a pattern of each SLO's own; the last SLO none.
    for (const [k, record] of records.slice(0, -1).entries()) {
      await write(
        store,
        record.id,
        traffic(NOW - 10 * DAY, NOW, 20 + k, start =>
          (start / MINUTE) % (7 + k) === 0 ? k + 1 : 0,
        ),
      );
    }
    const evaluator = new BudgetEvaluator({
      store,
      logger: mockServices.logger.mock(),
      snapshotIntervalMs: HOUR,
      countsBatch: 2,
    });
    const getCountsOfSlos = jest.spyOn(store.sli, 'getCountsOfSlos');
    await expect(evaluator.evaluateAll(NOW)).resolves.toEqual({
      evaluated: 5,
      failed: 0,
      snapshots: 5,
    });
    // Three reads of at most two SLOs each.
    expect(getCountsOfSlos.mock.calls.map(call => call[0].length)).toEqual([
      2, 2, 1,
    ]);
    getCountsOfSlos.mockRestore();
    const stored = await store.evaluations.latest(records.map(r => r.id));
    for (const record of records) {
      const alone = await evaluator.evaluate(record, NOW);
      expect(stored.get(record.id)).toEqual(JSON.parse(JSON.stringify(alone)));
    }
    expect(stored.get(records[0].id)?.budget.total).toBe(20 * 10 * 24 * 60);
    expect(stored.get(records[4].id)?.status).toBe('no-data');
  });

  it('evaluates the SLOs of a batch one at a time when the batch read fails, counting only failed SLOs', async () => {
    const { store, record, second, evaluator } = await setupTwo();
    jest
      .spyOn(store.sli, 'getCountsOfSlos')
      .mockRejectedValueOnce(new Error('connection reset'));
    const getCountsMany = store.sli.getCountsMany.bind(store.sli);
    jest
      .spyOn(store.sli, 'getCountsMany')
      .mockImplementation(async (sloId, ...rest) => {
        if (sloId === second.id) throw new Error('a chunk cannot be decoded');
        return getCountsMany(sloId, ...rest);
      });
    await expect(evaluator.evaluateAll(NOW)).resolves.toEqual({
      evaluated: 1,
      failed: 1,
      snapshots: 1,
    });
    const latest = await store.evaluations.latest([record.id, second.id]);
    expect([...latest.keys()]).toEqual([record.id]);
    expect(latest.get(record.id)?.budget.total).toBe(600);
  });

  it('leaves the SLOs it has not started for the next run once its task times out', async () => {
    const yaml = openSloYaml({ target: 0.99, duration: '1d' });
    const { store, record } = await setup(yaml);
    const second = await store.slos.upsert({
      ...toSloInput(
        parseSloYaml(yaml).slos[0],
        'component:default/binderhub',
        'api',
      ),
    });
    const evaluator = new BudgetEvaluator({
      store,
      logger: mockServices.logger.mock(),
      snapshotIntervalMs: HOUR,
      concurrency: 1,
      countsBatch: 1,
    });
    // The scheduler aborts the signal at the task's timeout: here, while the counts of the
    // SLO evaluated second are read (one at a time). The first, computed before, is stored.
    const timeout = new AbortController();
    const getCountsOfSlos = store.sli.getCountsOfSlos.bind(store.sli);
    const seen = new Set<string>();
    jest
      .spyOn(store.sli, 'getCountsOfSlos')
      .mockImplementation(async (...args) => {
        for (const request of args[0]) seen.add(request.sloId);
        if (seen.size > 1) timeout.abort();
        return getCountsOfSlos(...args);
      });

    await expect(
      evaluator.evaluateAll(NOW, { signal: timeout.signal }),
    ).resolves.toEqual({
      evaluated: 1,
      failed: 0,
      snapshots: 1,
    });
    const latest = await store.evaluations.latest([record.id, second.id]);
    expect(latest.size).toBe(1);
  });

  it('stores nothing it computed after its task timed out', async () => {
    const { store, record, evaluator } = await setup(
      openSloYaml({ target: 0.99, duration: '1d' }),
    );
    // The timeout comes while the SLO's counts are read.
    const timeout = new AbortController();
    const getCountsOfSlos = store.sli.getCountsOfSlos.bind(store.sli);
    jest
      .spyOn(store.sli, 'getCountsOfSlos')
      .mockImplementation(async (...args) => {
        timeout.abort();
        return getCountsOfSlos(...args);
      });
    await evaluator.evaluateAll(NOW, { signal: timeout.signal });
    expect((await store.evaluations.latest([record.id])).size).toBe(0);
  });

  it('stores a batch one SLO at a time when the batch fails, counting only failed SLOs', async () => {
    const { store, record, second, evaluator } = await setupTwo();
    const saveMany = jest
      .spyOn(store.evaluations, 'saveMany')
      .mockRejectedValueOnce(new Error('deadlock detected'));
    const save = jest.spyOn(store.evaluations, 'save');
    save.mockImplementation(async (sloId, ...rest) => {
      if (sloId === second.id) throw new Error('the disk is full');
      save.mockRestore();
      return store.evaluations.save(sloId, ...rest);
    });
    await expect(evaluator.evaluateAll(NOW)).resolves.toEqual({
      evaluated: 1,
      failed: 1,
      snapshots: 1,
    });
    // The batch held both SLOs; the single saves go through saveMany too.
    expect(saveMany.mock.calls[0][0]).toHaveLength(2);
    const latest = await store.evaluations.latest([record.id, second.id]);
    expect([...latest.keys()]).toEqual([record.id]);
  });
});

describe('BudgetEvaluator.evaluateFirstData', () => {
  it('evaluates at once the SLOs that show no figures yet, and leaves the others to the schedule', async () => {
    const { store, record, evaluator } = await setup(
      openSloYaml({ target: 0.99, duration: '1d' }),
    );
    const other = await store.slos.upsert(
      toSloInput(
        parseSloYaml(openSloYaml({ name: 'latency', duration: '1d' })).slos[0],
        'component:default/jupyterhub',
        'api',
      ),
    );
    // Evaluated before any data arrived: no figures.
    await evaluator.evaluateAll(NOW - HOUR);
    expect(
      (await store.evaluations.latest([record.id])).get(record.id)!.status,
    ).toBe('no-data');

    // The first collection stores data for one of them.
    await write(store, record.id, traffic(NOW - HOUR, NOW, 10));
    await expect(
      evaluator.evaluateFirstData([record.id], NOW),
    ).resolves.toMatchObject({ evaluated: 1, failed: 0 });
    const latest = await store.evaluations.latest([record.id, other.id]);
    expect(latest.get(record.id)).toMatchObject({
      status: 'ok',
      evaluatedAt: new Date(NOW).toISOString(),
      budget: { total: 600 },
    });
    // The other SLO was not named: its evaluation stays as it was.
    expect(latest.get(other.id)!.evaluatedAt).toBe(
      new Date(NOW - HOUR).toISOString(),
    );

    // Once it has figures, later runs leave it to the scheduled evaluation.
    await write(store, record.id, traffic(NOW, NOW + 10 * MINUTE, 10));
    await expect(
      evaluator.evaluateFirstData([record.id], NOW + 10 * MINUTE),
    ).resolves.toEqual({ evaluated: 0, failed: 0, snapshots: 0 });
    await expect(evaluator.evaluateFirstData([], NOW)).resolves.toEqual({
      evaluated: 0,
      failed: 0,
      snapshots: 0,
    });
  });
});

describe('statusOf', () => {
  it('puts no data first, then an exhausted budget, then alerts', () => {
    expect(statusOf(0, 1, 'page')).toBe('no-data');
    expect(statusOf(10, 0, null)).toBe('exhausted');
    expect(statusOf(10, -0.5, 'ticket')).toBe('exhausted');
    expect(statusOf(10, 0.5, 'page')).toBe('critical');
    expect(statusOf(10, 0.5, 'ticket')).toBe('warning');
    expect(statusOf(10, 0.5, null)).toBe('ok');
  });
});
