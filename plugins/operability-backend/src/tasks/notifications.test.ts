import type {
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { readNotificationSettings } from '../config';
import type {
  MonthlyReview,
  NotificationOutbox,
  WeeklyDigest,
} from '../services/notifications';
import { scheduleNotificationTasks } from './notifications';

const NOW = Date.UTC(2026, 11, 7, 8);

async function schedule(config: object) {
  const tasks: SchedulerServiceTaskInvocationDefinition[] = [];
  const scheduler = {
    scheduleTask: async (task: SchedulerServiceTaskInvocationDefinition) => {
      tasks.push(task);
    },
  } as unknown as SchedulerService;
  const calls: string[] = [];
  const expired: number[] = [];
  await scheduleNotificationTasks({
    scheduler,
    logger: mockServices.logger.mock(),
    store: {
      notifications: {
        expireGateDecisions: async (before: number) => {
          expired.push(before);
          return 3;
        },
      },
    } as unknown as Parameters<typeof scheduleNotificationTasks>[0]['store'],
    outbox: {
      deliver: async (now: number) => {
        calls.push(`deliver ${now}`);
        return { sent: 1, failed: 0, dropped: 0 };
      },
    } as unknown as NotificationOutbox,
    digest: {
      run: async (now: number) => {
        calls.push(`digest ${now}`);
        return { groups: 2, sent: 2 };
      },
    } as unknown as WeeklyDigest,
    review: {
      run: async (now: number) => {
        calls.push(`review ${now}`);
        return { enqueued: true, sent: 1 };
      },
    } as unknown as MonthlyReview,
    settings: readNotificationSettings(
      new ConfigReader({ operability: { notifications: config } }),
    ),
    now: () => NOW,
  });
  const run = async (id: string) =>
    tasks.find(t => t.id === id)!.fn(new AbortController().signal);
  return { ids: tasks.map(t => t.id), tasks, run, calls, expired };
}

describe('scheduleNotificationTasks', () => {
  it('schedules only delivery unless the digest and the review are enabled', async () => {
    const { ids, run, calls, expired } = await schedule({});
    expect(ids).toEqual(['operability-notification-delivery']);
    await run('operability-notification-delivery');
    expect(calls).toEqual([`deliver ${NOW}`]);
    // The gate's answers are kept 90 days.
    expect(expired).toEqual([NOW - 90 * 86_400_000]);
  });

  it('runs the digest and the review on their schedules when enabled', async () => {
    const { ids, tasks, run, calls } = await schedule({
      weeklyDigest: { enabled: true },
      monthlyReview: { enabled: true, broadcast: true },
    });
    expect(ids).toEqual([
      'operability-notification-delivery',
      'operability-weekly-digest',
      'operability-monthly-review',
    ]);
    // Global tasks, Monday 08:00 UTC and the 1st 08:00 UTC by default.
    expect(tasks.slice(1)).toEqual([
      expect.objectContaining({
        scope: 'global',
        frequency: { cron: '0 8 * * 1' },
      }),
      expect.objectContaining({
        scope: 'global',
        frequency: { cron: '0 8 1 * *' },
      }),
    ]);
    await run('operability-weekly-digest');
    await run('operability-monthly-review');
    expect(calls).toEqual([`digest ${NOW}`, `review ${NOW}`]);
  });
});
