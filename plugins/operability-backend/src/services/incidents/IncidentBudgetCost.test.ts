import { exampleSlos, sloInput } from '../../__testUtils__/slos';
import { createTestStores } from '../../__testUtils__/stores';
import { IncidentBudgetCostCalculator } from './IncidentBudgetCost';
import { IncidentHistory } from './IncidentHistory';

jest.setTimeout(60_000);

const createStores = createTestStores();

const HUB = 'component:default/jupyterhub';
const MIN = 60_000;
const t = (iso: string) => Date.parse(iso);
const NOW = t('2026-11-20T12:00:00Z');

/**
 * The worked example of docs/incidents.md: JupyterHub's availability SLO over a 1-day
 * rolling period with two objectives (98% and 99%), 100 probe results a minute, and an
 * incident from 10:00 to 10:30 during which 40 of every 100 failed.
 */
async function setUp() {
  const { store } = await createStores();
  const [first, second] = exampleSlos({
    duration: '1d',
    target: 0.98,
    extraObjective: 0.99,
  });
  const slos = [];
  for (const [slo, displayName] of [
    [first, 'Hub availability'],
    [second, 'Hub availability: 99%'],
  ] as const) {
    slos.push(
      await store.slos.upsert(
        sloInput({
          ref: slo.ref,
          displayName,
          target: slo.target,
          period: slo.timeWindow.duration,
          definition: slo,
        }),
        NOW,
      ),
    );
  }
  const incidentStart = t('2026-11-20T10:00:00Z');
  const incidentEnd = t('2026-11-20T10:30:00Z');
  const buckets = [];
  for (let start = NOW - 2 * 1440 * MIN; start < NOW; start += MIN) {
    const bad = start >= incidentStart && start < incidentEnd ? 40 : 0;
    buckets.push({ start, good: 100 - bad, total: 100 });
  }
  for (const slo of slos) {
    await store.sli.writeBuckets(slo.id, buckets, NOW);
  }
  const history = new IncidentHistory(
    store,
    {
      statsPeriodDays: 28,
      postMortemSeverities: ['critical'],
      maxFutureMs: 300_000,
      now: () => NOW,
    },
    new IncidentBudgetCostCalculator(store),
  );
  await store.incidents.recordDelivery('alertmanager', {
    observations: [
      {
        sourceKey: 'outage',
        entityRefs: [HUB],
        title: 'JupyterHubDown',
        severity: 'critical',
        status: 'resolved',
        startedAt: incidentStart,
        resolvedAt: incidentEnd,
        observedAt: incidentEnd,
      },
      {
        sourceKey: 'ongoing',
        entityRefs: [HUB],
        title: 'Slow spawns',
        severity: 'warning',
        status: 'open',
        startedAt: t('2026-11-20T11:50:00Z'),
        observedAt: t('2026-11-20T11:50:00Z'),
      },
      {
        sourceKey: 'before-data',
        entityRefs: [HUB],
        title: 'Before any SLI data',
        severity: 'info',
        status: 'resolved',
        startedAt: t('2026-11-01T10:00:00Z'),
        resolvedAt: t('2026-11-01T11:00:00Z'),
        observedAt: t('2026-11-01T11:00:00Z'),
      },
    ],
  });
  return { history, slos, store };
}

describe('IncidentBudgetCostCalculator', () => {
  it('gives each incident the share of each objective’s period budget it burned', async () => {
    const { history, slos } = await setUp();
    const { items } = await history.list(HUB, {
      view: 'incidents',
      limit: 10,
      offset: 0,
    });
    const byTitle = Object.fromEntries(items.map(i => [i.title, i.budgetCost]));

    // 30 minutes x 40 bad events = 1,200 bad events. The 1-day period ending at 10:30
    // holds 1,440 minutes x 100 = 144,000 events: a 98% objective allows 2,880 bad
    // events (1,200 / 2,880 = 5/12), a 99% objective 1,440 (1,200 / 1,440 = 5/6).
    expect(byTitle.JupyterHubDown).toEqual([
      {
        sloId: slos[0].id,
        sloRef: 'availability',
        sloDisplayName: 'Hub availability',
        name: slos[0].name,
        target: 0.98,
        period: '1d',
        from: '2026-11-20T10:00:00.000Z',
        to: '2026-11-20T10:30:00.000Z',
        good: 1_800,
        total: 3_000,
        share: expect.closeTo(5 / 12, 12),
      },
      {
        sloId: slos[1].id,
        sloRef: 'availability/1',
        sloDisplayName: 'Hub availability: 99%',
        name: slos[1].name,
        target: 0.99,
        period: '1d',
        from: '2026-11-20T10:00:00.000Z',
        to: '2026-11-20T10:30:00.000Z',
        good: 1_800,
        total: 3_000,
        share: expect.closeTo(5 / 6, 12),
      },
    ]);
    // Still open: measured up to now, no bad events since 11:50.
    expect(byTitle['Slow spawns']![0]).toMatchObject({
      from: '2026-11-20T11:50:00.000Z',
      to: '2026-11-20T12:00:00.000Z',
      good: 1_000,
      total: 1_000,
      share: 0,
    });
    // No events in the store for that time: no share rather than a share of 0.
    expect(byTitle['Before any SLI data']![0]).toMatchObject({
      good: 0,
      total: 0,
      share: undefined,
    });
  });

  it('lists the budget cost of the incidents of a statistics period', async () => {
    const { history } = await setUp();
    const stats = await history.stats(HUB, {
      from: t('2026-11-20T00:00:00Z'),
      to: NOW,
    });
    expect(
      stats.budgetCost.map(c => [
        c.title,
        c.budgetCost.map(b => Number(b.share?.toFixed(4))),
      ]),
    ).toEqual([
      ['JupyterHubDown', [0.4167, 0.8333]],
      ['Slow spawns', [0, 0]],
    ]);
  });
  it('charges one outage reported by three sources once, over the span of its records', async () => {
    const { history, store } = await setUp();
    // PagerDuty pages at 10:02 and resolves at 10:30; the GitHub issue is filed at 10:05 and
    // closed at 10:40: the same outage as the alert of 10:00 to 10:30.
    await store.incidents.recordDelivery('pagerduty', {
      observations: [
        {
          sourceKey: 'Q1HUB',
          entityRefs: [HUB],
          title: 'JupyterHub is down',
          severity: 'critical',
          status: 'resolved',
          startedAt: t('2026-11-20T10:02:00Z'),
          acknowledgedAt: t('2026-11-20T10:04:00Z'),
          resolvedAt: t('2026-11-20T10:30:00Z'),
          observedAt: t('2026-11-20T10:30:00Z'),
        },
      ],
    });
    await store.incidents.recordDelivery('github', {
      observations: [
        {
          sourceKey: 'operate-first/operations#500',
          entityRefs: [HUB],
          title: '[INCIDENT] JupyterHub down',
          severity: 'critical',
          status: 'resolved',
          startedAt: t('2026-11-20T10:05:00Z'),
          resolvedAt: t('2026-11-20T10:40:00Z'),
          observedAt: t('2026-11-20T10:40:00Z'),
        },
      ],
    });
    const stats = await history.stats(HUB, {
      from: t('2026-11-20T00:00:00Z'),
      to: NOW,
    });
    // One incident of three records, 10:00 to 10:40 (no failures after 10:30): 1,200 bad
    // events once, not three times 5/12 of the 98% objective's budget.
    expect(stats).toMatchObject({ count: 2, records: 4 });
    expect(
      stats.budgetCost.map(c => [
        c.title,
        c.budgetCost.map(b => [b.from, b.to, Number(b.share?.toFixed(4))]),
      ]),
    ).toEqual([
      [
        '[INCIDENT] JupyterHub down',
        [
          ['2026-11-20T10:00:00.000Z', '2026-11-20T10:40:00.000Z', 0.4167],
          ['2026-11-20T10:00:00.000Z', '2026-11-20T10:40:00.000Z', 0.8333],
        ],
      ],
      [
        'Slow spawns',
        [
          ['2026-11-20T11:50:00.000Z', '2026-11-20T12:00:00.000Z', 0],
          ['2026-11-20T11:50:00.000Z', '2026-11-20T12:00:00.000Z', 0],
        ],
      ],
    ]);
    const { items } = await history.list(HUB, {
      view: 'incidents',
      limit: 10,
      offset: 0,
    });
    expect(items).toHaveLength(3);
  });
});
