import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import {
  parseSloYaml,
  TIME,
  type SloEvaluation,
  type SloStatus,
} from '@airworthy/plugin-operability-common';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { ConfigReader } from '@backstage/config';
import { sloEvaluation } from '../../__testUtils__/evaluations';
import { openSloYaml } from '../../__testUtils__/slos';
import { readIncidentSettings, readSliConfig } from '../../config';
import { applyDatabaseMigrations } from '../../database/migrations';
import {
  createKnexStores,
  type OperabilityStore,
} from '../../database/OperabilityStore';
import type { ScoreRecord } from '../../database/score/ScoreStore';
import type { SloRecord } from '../../database/slo/SloStore';
import { toSloInput } from '../slo/SloRegistry';
import { MonthlyReview } from './MonthlyReview';
import { NotificationOutbox } from './NotificationOutbox';
import { SloTransitionNotifier } from './SloTransitionNotifier';
import { evaluatedBudgets, WeeklyDigest } from './WeeklyDigest';
import { BudgetEvaluator } from '../slo/BudgetEvaluator';

const { MINUTE, HOUR, DAY } = TIME;

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['SQLITE_3', 'POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});

const HUB = 'component:default/jupyterhub';
const BINDER = 'component:default/binderhub';
// Monday 2026-12-07 08:00 UTC: the digest covers 2026-11-30 .. 2026-12-06.
const NOW = Date.UTC(2026, 11, 7, 8);
const WEEK_START = Date.UTC(2026, 10, 30);

/** The notification service at our output boundary: records what it is asked to send. */
class RecordingNotifications {
  sent: NotificationSendOptions[] = [];
  failure?: Error;

  async send(options: NotificationSendOptions) {
    if (this.failure) throw this.failure;
    this.sent.push(JSON.parse(JSON.stringify(options)));
  }
}

const SETTINGS = {
  maxPendingMs: 2 * DAY,
  claimTimeoutMs: 5 * MINUTE,
  keepSentMs: 90 * DAY,
};

function evaluation(
  status: SloStatus,
  remaining: number,
  hourBurnRate = 2,
): SloEvaluation {
  return sloEvaluation(status, remaining, {
    at: NOW,
    burnRates: [
      {
        window: '1h',
        windowMs: HOUR,
        good: 59,
        total: 60,
        errorRatio: 1 / 60,
        burnRate: hourBurnRate,
      },
      {
        window: 'period',
        windowMs: 28 * DAY,
        good: 990,
        total: 1000,
        errorRatio: 0.01,
        burnRate: 0.5,
      },
    ],
  });
}

function scoreRecord(
  entityRef: string,
  score: number,
  level: string,
  computedAt: number,
): ScoreRecord {
  const facts = {
    sloCount: 1,
    worstBudgetRemaining: 0.5,
    sloCompliance: 1,
    incidents: 0,
    mttrSeconds: null,
    periodFrom: new Date(computedAt - 28 * DAY).toISOString(),
    periodTo: new Date(computedAt).toISOString(),
  };
  return {
    entityRef,
    score,
    level,
    computedAt,
    sloCount: 1,
    worstBudgetRemaining: 0.5,
    sloCompliance: 1,
    incidents: 0,
    mttrSeconds: null,
    facts,
    detail: { categories: [], checks: [], exemptions: [], exemptionErrors: [] },
  };
}

describe.each(databases.eachSupportedId())(
  'notifications on %s',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      await applyDatabaseMigrations(knex);
      const config = new ConfigReader({});
      const store = createKnexStores(knex, {
        sliLevels: readSliConfig(config).levels,
        incidentGrouping: readIncidentSettings(config).grouping,
      });
      return { knex, store };
    }

    async function addSlo(
      store: OperabilityStore,
      entityRef: string,
      name = 'availability',
    ): Promise<SloRecord> {
      const { slos } = parseSloYaml(openSloYaml({ name }));
      return store.slos.upsert(toSloInput(slos[0], entityRef, 'api'));
    }

    /** A fresh notifier over the store, as after a restart or on another replica. */
    function instance(
      store: OperabilityStore,
      notifications = new RecordingNotifications(),
    ) {
      const logger = mockServices.logger.mock();
      const outbox = new NotificationOutbox({
        store,
        notifications,
        logger,
        settings: SETTINGS,
      });
      const notifier = new SloTransitionNotifier({ store, outbox, logger });
      return { notifications, outbox, notifier, logger };
    }

    describe('SLO transitions', () => {
      it('sends nothing while an SLO stays ok, starting with its first evaluation', async () => {
        const { store } = await setup();
        const record = await addSlo(store, HUB);
        const { notifier, notifications } = instance(store);
        for (let i = 0; i < 3; i++) {
          await notifier.afterEvaluation(
            [{ record, evaluation: evaluation('ok', 0.9) }],
            NOW + i * MINUTE,
          );
        }
        expect(notifications.sent).toEqual([]);
      });

      it('sends once per transition: warning, critical, critical, ok gives 3', async () => {
        const { store } = await setup();
        const record = await addSlo(store, HUB);
        const { notifier, notifications } = instance(store);
        const steps: Array<[SloStatus, number]> = [
          ['warning', 0.4],
          ['critical', 0.12],
          ['critical', 0.1],
          ['ok', 0.1],
          ['no-data', 0.1],
          ['ok', 0.1],
        ];
        for (const [i, [status, remaining]] of steps.entries()) {
          await notifier.afterEvaluation(
            [{ record, evaluation: evaluation(status, remaining, 14.4) }],
            NOW + i * 5 * MINUTE,
          );
        }
        expect(notifications.sent).toHaveLength(3);
        expect(notifications.sent.map(n => n.payload.title)).toEqual([
          'Hub availability: warning (budget 40% left)',
          'Hub availability: critical (budget 12% left)',
          'Hub availability: recovered (budget 10% left)',
        ]);
        expect(notifications.sent.map(n => n.payload.severity)).toEqual([
          'normal',
          'high',
          'low',
        ]);
        expect(notifications.sent[1]).toEqual({
          recipients: { type: 'entity', entityRef: HUB },
          payload: {
            title: 'Hub availability: critical (budget 12% left)',
            description: `SLO Hub availability of ${HUB} is critical. Burn rate: 14.4× over the last hour, 0.5× over the period; 12% of the error budget left (97 min). The budget burns fast enough to page. Find the cause now (recent deploys, open incidents); the deploy gate warns on enforcing SLOs in this state.`,
            link: '/catalog/default/component/jupyterhub/operability',
            severity: 'high',
            topic: `airworthy:slo:${record.id}`,
            scope: `airworthy:slo:${record.id}:2`,
          },
        });
      });

      it('notifies a new SLO that starts exhausted, with the critical severity', async () => {
        const { store } = await setup();
        const record = await addSlo(store, HUB);
        const { notifier, notifications } = instance(store);
        await notifier.afterEvaluation(
          [{ record, evaluation: evaluation('exhausted', -0.2) }],
          NOW,
        );
        expect(notifications.sent.map(n => n.payload)).toEqual([
          expect.objectContaining({
            // The SLO card's words and unit: budgets spent, as a multiple.
            title: 'Hub availability: exhausted (overspent 1.2×)',
            description: expect.stringContaining(
              'the error budget is exhausted, overspent 1.2×',
            ),
            severity: 'critical',
          }),
        ]);
      });

      it('does not send again after a restart while the state holds', async () => {
        const { store } = await setup();
        const record = await addSlo(store, HUB);
        const first = instance(store);
        await first.notifier.afterEvaluation(
          [{ record, evaluation: evaluation('critical', 0.2) }],
          NOW,
        );
        expect(first.notifications.sent).toHaveLength(1);

        const restarted = instance(store);
        await restarted.notifier.afterEvaluation(
          [{ record, evaluation: evaluation('critical', 0.19) }],
          NOW + 5 * MINUTE,
        );
        expect(restarted.notifications.sent).toEqual([]);
      });

      it('sends a transition left pending by a crash on the next run', async () => {
        const { store } = await setup();
        const record = await addSlo(store, HUB);
        // Detected and recorded, then the process died before sending.
        const crashed = instance(store);
        await store.notifications.recordTransitions(
          await crashed.notifier.detect([
            { record, evaluation: evaluation('exhausted', 0) },
          ]),
          NOW,
        );
        expect(crashed.notifications.sent).toEqual([]);

        const next = instance(store);
        await next.notifier.afterEvaluation(
          [{ record, evaluation: evaluation('exhausted', 0) }],
          NOW + 5 * MINUTE,
        );
        expect(next.notifications.sent.map(n => n.payload.scope)).toEqual([
          `airworthy:slo:${record.id}:1`,
        ]);
      });

      it('keeps a notification pending while sending fails, logging once, and sends it later', async () => {
        const { store } = await setup();
        const record = await addSlo(store, HUB);
        const notifications = new RecordingNotifications();
        notifications.failure = new Error(
          'Failed to send notifications: Error: Request failed with status 404',
        );
        const { notifier, logger, outbox } = instance(store, notifications);
        await notifier.afterEvaluation(
          [{ record, evaluation: evaluation('warning', 0.5) }],
          NOW,
        );
        await outbox.deliver(NOW + MINUTE);
        expect(logger.warn).toHaveBeenCalledTimes(1);
        expect(logger.warn.mock.calls[0][0]).toMatch(
          /Could not send 1 notification\(s\); they stay pending .*status 404/,
        );

        notifications.failure = undefined;
        await outbox.deliver(NOW + 2 * MINUTE);
        await outbox.deliver(NOW + 3 * MINUTE);
        expect(notifications.sent.map(n => n.payload.title)).toEqual([
          'Hub availability: warning (budget 50% left)',
        ]);
      });

      it('sends once when two replicas evaluate the same transition at the same time', async () => {
        const { store } = await setup();
        const records = await Promise.all(
          ['a', 'b', 'c'].map(name => addSlo(store, HUB, name)),
        );
        const shared = new RecordingNotifications();
        const one = instance(store, shared);
        const two = instance(store, shared);
        const items = records.map(record => ({
          record,
          evaluation: evaluation('critical', 0.3),
        }));
        await Promise.all([
          one.notifier.afterEvaluation(items, NOW),
          two.notifier.afterEvaluation(items, NOW),
        ]);
        await Promise.all([
          one.outbox.deliver(NOW + MINUTE),
          two.outbox.deliver(NOW + MINUTE),
        ]);
        expect(shared.sent.map(n => n.payload.scope).sort()).toEqual(
          records.map(r => `airworthy:slo:${r.id}:1`).sort(),
        );
      });

      it('sends a row whose sender died after claiming it, once the claim is stale', async () => {
        const { store } = await setup();
        await store.notifications.enqueue(
          'slo:x:1',
          'transition',
          { recipients: { type: 'broadcast' }, payload: { title: 'x' } },
          NOW,
        );
        expect(
          await store.notifications.claim('slo:x:1', 'dead', NOW, NOW),
        ).toBe(true);
        const { outbox, notifications } = instance(store);
        await outbox.deliver(NOW + MINUTE);
        expect(notifications.sent).toEqual([]);
        await outbox.deliver(NOW + 6 * MINUTE);
        expect(notifications.sent.map(n => n.payload.title)).toEqual(['x']);
      });
    });

    describe('weekly digest', () => {
      it('sends each owner group one digest of the last week, once', async () => {
        const { store } = await setup();
        const hub = await addSlo(store, HUB);
        const binder = await addSlo(store, BINDER);
        // Snapshots through the week: the hub burns 30 points of budget, binder 5.
        await store.evaluations.saveMany(
          [
            { sloId: hub.id, evaluation: evaluation('ok', 0.9) },
            { sloId: binder.id, evaluation: evaluation('ok', 0.8) },
          ],
          WEEK_START + HOUR,
          HOUR,
        );
        await store.evaluations.saveMany(
          [
            { sloId: hub.id, evaluation: evaluation('critical', 0.6) },
            { sloId: binder.id, evaluation: evaluation('ok', 0.75) },
          ],
          WEEK_START + 6 * DAY + 23 * HOUR,
          HOUR,
        );
        // After the week: not in the digest.
        await store.evaluations.saveMany(
          [{ sloId: hub.id, evaluation: evaluation('exhausted', 0) }],
          NOW - HOUR,
          HOUR,
        );
        // Two incidents started in the week (the first of two overlapping records), one
        // before it.
        for (const [title, startedAt] of [
          ['Spawner down', WEEK_START - DAY],
          ['Proxy answers 502', WEEK_START + 2 * DAY],
          ['Proxy times out', WEEK_START + 2 * DAY + 30 * MINUTE],
          ['Hub out of memory', WEEK_START + 3 * DAY],
        ] as const) {
          await store.incidents.createManual(
            HUB,
            {
              title,
              severity: 'critical',
              startedAt,
              resolvedAt: startedAt + HOUR,
            },
            startedAt + HOUR,
          );
        }
        await store.scores.save(
          scoreRecord(HUB, 72, 'walk', WEEK_START - DAY + HOUR),
          WEEK_START - DAY,
        );
        await store.scores.save(
          scoreRecord(HUB, 64.5, 'walk', WEEK_START + 6 * DAY + HOUR),
          WEEK_START + 6 * DAY,
        );
        for (const [decision, at] of [
          ['allow', WEEK_START + HOUR],
          ['warn', WEEK_START + 5 * DAY],
          ['block', WEEK_START - HOUR],
          ['warn', WEEK_START + 6 * DAY + 2 * HOUR],
        ] as const) {
          await store.notifications.recordGateDecision(
            HUB,
            decision,
            'service',
            at,
          );
        }

        const owners = async (refs: readonly string[]) =>
          new Map(
            refs.map(ref => [
              ref,
              ref === HUB
                ? ['group:default/jupyter-team', 'group:default/sre']
                : ['group:default/sre'],
            ]),
          );
        const { outbox, notifications } = instance(store);
        const digest = new WeeklyDigest({ store, owners, outbox });
        expect(await digest.run(NOW)).toEqual({ groups: 2, sent: 2 });
        // Again, here and on a second replica: nothing more.
        const replica = instance(store);
        await new WeeklyDigest({ store, owners, outbox: replica.outbox }).run(
          NOW + HOUR,
        );
        await digest.run(NOW + 2 * HOUR);
        expect(replica.notifications.sent).toEqual([]);
        expect(notifications.sent).toHaveLength(2);

        const hubLine = `${HUB}: SLO Hub availability critical, budget left 90% → 60% (30 pts used); 2 incident(s) started; score 72 → 64.5 (-7.5); deploy gate 1 allow, 2 warn, 0 block, last warn at 2026-12-06T02:00:00.000Z.`;
        expect(notifications.sent).toEqual([
          {
            recipients: {
              type: 'entity',
              entityRef: 'group:default/jupyter-team',
            },
            payload: {
              title:
                'Operability week 2026-11-30 to 2026-12-06: 1 entity, 1 SLO(s) not ok',
              description: hubLine,
              link: '/catalog/default/component/jupyterhub/operability',
              severity: 'normal',
              topic: 'airworthy:weekly-digest',
              scope: 'airworthy:digest:group:default/jupyter-team:2026-11-30',
            },
          },
          {
            recipients: { type: 'entity', entityRef: 'group:default/sre' },
            payload: {
              title:
                'Operability week 2026-11-30 to 2026-12-06: 2 entities, 1 SLO(s) not ok',
              description: [
                `${BINDER}: SLO Hub availability ok, budget left 80% → 75% (5 pts used); 0 incident(s) started; score n/a → n/a; deploy gate 0 allow, 0 warn, 0 block.`,
                hubLine,
              ].join('\n'),
              link: '/operability',
              severity: 'normal',
              topic: 'airworthy:weekly-digest',
              scope: 'airworthy:digest:group:default/sre:2026-11-30',
            },
          },
        ]);
      });
      it('evaluates the budget at the start and end of a week without snapshots from SLI data', async () => {
        const { store } = await setup();
        const hub = await addSlo(store, HUB);
        // An event a minute each hour for 36 days: all good before the week, 1% bad in it.
        const buckets = [];
        for (
          let t = WEEK_START - 29 * DAY;
          t < WEEK_START + 7 * DAY;
          t += HOUR
        ) {
          buckets.push({
            start: t,
            good: t < WEEK_START ? 100 : 99,
            total: 100,
          });
        }
        await store.sli.writeBuckets(hub.id, buckets, NOW);
        const { outbox, notifications } = instance(store);
        const evaluator = new BudgetEvaluator({
          store,
          logger: mockServices.logger.mock(),
          snapshotIntervalMs: HOUR,
        });
        await new WeeklyDigest({
          store,
          owners: async refs =>
            new Map(refs.map(ref => [ref, ['group:default/hub']])),
          outbox,
          budgetAt: evaluatedBudgets(evaluator, () => NOW),
        }).run(NOW);
        // 168 bad of 67,200 events against a 2% budget (1,344): 12.5% used.
        expect(notifications.sent.map(n => n.payload.description)).toEqual([
          `${HUB}: SLO Hub availability ok, budget left 100% → 87.5% (12.5 pts used); 0 incident(s) started; score n/a → n/a; deploy gate 0 allow, 0 warn, 0 block.`,
        ]);
      });
    });

    describe('monthly review', () => {
      it('summarises the previous month once: levels, moves, gains and losses', async () => {
        const { store } = await setup();
        const nov1 = Date.UTC(2026, 10, 1);
        const nov30 = Date.UTC(2026, 10, 30);
        const save = (ref: string, score: number, level: string, day: number) =>
          store.scores.save(scoreRecord(ref, score, level, day + HOUR), day);
        await save(HUB, 45, 'crawl', Date.UTC(2026, 9, 20));
        await save(HUB, 60, 'walk', nov30);
        await save(BINDER, 85, 'run', nov1);
        await save(BINDER, 70, 'walk', nov30);
        await save('component:default/repo2docker', 50, 'walk', nov1);
        await save('component:default/repo2docker', 50, 'walk', nov30);
        await save(
          'component:default/tljh',
          30,
          'crawl',
          Date.UTC(2026, 10, 10),
        );
        // Scored last in September: no longer in the portfolio.
        await save('component:default/gone', 40, 'crawl', Date.UTC(2026, 8, 3));
        // December: not part of November's review.
        await save(HUB, 90, 'run', Date.UTC(2026, 11, 2));

        const { outbox, notifications } = instance(store);
        const review = new MonthlyReview({
          store,
          outbox,
          recipients: {
            type: 'entity',
            entityRef: ['group:default/foundation-sre'],
          },
          levels: ['crawl', 'walk', 'run'],
        });
        // A run late in the month still reviews the month before.
        const now = Date.UTC(2026, 11, 31, 8);
        expect(await review.run(now)).toEqual({ enqueued: true, sent: 1 });
        expect(await review.run(now + HOUR)).toEqual({
          enqueued: false,
          sent: 0,
        });
        expect(notifications.sent).toEqual([
          {
            recipients: {
              type: 'entity',
              entityRef: ['group:default/foundation-sre'],
            },
            payload: {
              title:
                'Operability review 2026-11: 3 entities moved between levels',
              description: [
                'Entities per level at the end of 2026-11: crawl 1, walk 3.',
                'Moved between levels (3): component:default/binderhub run → walk; component:default/jupyterhub crawl → walk; component:default/tljh new, crawl.',
                'Biggest gains: component:default/jupyterhub 45 → 60 (+15).',
                'Biggest losses: component:default/binderhub 85 → 70 (-15).',
              ].join('\n'),
              link: '/operability',
              severity: 'low',
              topic: 'airworthy:monthly-review',
              scope: 'airworthy:review:2026-11',
            },
          },
        ]);
      });
    });

    describe('deploy gate log', () => {
      it('counts answers per entity in a period and trims old ones', async () => {
        const { store } = await setup();
        const log = store.notifications;
        await log.recordGateDecision(HUB, 'block', 'service', NOW - 100 * DAY);
        await log.recordGateDecision(HUB, 'allow', 'user', NOW - DAY);
        await log.recordGateDecision(HUB, 'block', 'service', NOW - HOUR);
        expect(
          await log.gateDecisions([HUB, BINDER], NOW - 7 * DAY, NOW),
        ).toEqual(
          new Map([
            [
              HUB,
              {
                allow: 1,
                warn: 0,
                block: 1,
                last: { decision: 'block', decidedAt: NOW - HOUR },
              },
            ],
          ]),
        );
        expect(await log.expireGateDecisions(NOW - 90 * DAY)).toBe(1);
      });
    });
  },
);
