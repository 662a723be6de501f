import { ConfigReader } from '@backstage/config';
import {
  readIncidentSettings,
  readNotificationSettings,
  readSliConfig,
} from '.';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR, DAY } = TIME;

describe('readSliConfig', () => {
  it('defaults to minutes for 8 days, hours for 120 days and days for 400 days', () => {
    const config = readSliConfig(new ConfigReader({}));
    expect(config.levels).toEqual([
      { widthMs: MINUTE, retentionMs: 8 * DAY },
      { widthMs: HOUR, retentionMs: 120 * DAY },
      { widthMs: DAY, retentionMs: 400 * DAY },
    ]);
    expect(config.push).toEqual({ maxBuckets: 10_000, maxFutureMs: MINUTE });
    expect(config.retentionSchedule.frequency).toEqual({ hours: 1 });
  });

  it('reads durations as strings, ISO 8601 or objects, and a schedule', () => {
    const config = readSliConfig(
      new ConfigReader({
        operability: {
          sli: {
            bucket: '30s',
            retention: 'P2D',
            rollups: [{ bucket: { minutes: 5 }, retention: '30d' }],
            push: { maxBuckets: 50, maxFuture: '0.5m' },
            retentionSchedule: { frequency: { minutes: 10 }, timeout: '1m' },
          },
        },
      }),
    );
    expect(config.levels).toEqual([
      { widthMs: 30_000, retentionMs: 2 * DAY },
      { widthMs: 5 * MINUTE, retentionMs: 30 * DAY },
    ]);
    expect(config.push).toEqual({ maxBuckets: 50, maxFutureMs: 30_000 });
    expect(config.retentionSchedule.frequency).toEqual({ minutes: 10 });
  });

  it('refuses a roll-up ladder that cannot work, naming the key', () => {
    expect(() =>
      readSliConfig(
        new ConfigReader({
          operability: {
            sli: { rollups: [{ bucket: '90s', retention: '30d' }] },
          },
        }),
      ),
    ).toThrow(/operability\.sli.*multiple of 60000 ms/);
    expect(() =>
      readSliConfig(
        new ConfigReader({ operability: { sli: { bucket: 'soon' } } }),
      ),
    ).toThrow(/Invalid duration 'soon'/);
  });
});

describe('readIncidentSettings', () => {
  it('groups records 5 minutes apart, links alerts a day apart, unless configured', () => {
    expect(readIncidentSettings(new ConfigReader({})).grouping).toEqual({
      gapMs: 5 * MINUTE,
      alertLinkWindowMs: DAY,
    });
    expect(
      readIncidentSettings(
        new ConfigReader({
          operability: {
            incidents: { groupingGap: '15m', alertLinkWindow: { hours: 6 } },
          },
        }),
      ).grouping,
    ).toEqual({ gapMs: 15 * MINUTE, alertLinkWindowMs: 6 * HOUR });
  });

  it('refuses a gap that is not a duration, naming the key', () => {
    expect(() =>
      readIncidentSettings(
        new ConfigReader({
          operability: { incidents: { groupingGap: 'a while' } },
        }),
      ),
    ).toThrow(/groupingGap/);
  });
});

describe('readNotificationSettings', () => {
  it('sends SLO changes by default; the digest and the review only when enabled', () => {
    const settings = readNotificationSettings(new ConfigReader({}));
    expect(settings).toMatchObject({
      enabled: true,
      maxPendingMs: 2 * 24 * 3_600_000,
      weeklyDigest: {
        enabled: false,
        schedule: { frequency: { cron: '0 8 * * 1' } },
      },
      monthlyReview: { enabled: false, recipients: [], broadcast: false },
    });
  });

  it('reads schedules and recipients (kind group by default)', () => {
    const settings = readNotificationSettings(
      new ConfigReader({
        operability: {
          notifications: {
            maxPendingAge: '6h',
            weeklyDigest: {
              enabled: true,
              schedule: { frequency: { cron: '0 6 * * 1' }, timeout: '5m' },
            },
            monthlyReview: {
              enabled: true,
              recipients: ['foundation-sre', 'user:default/sam'],
            },
          },
        },
      }),
    );
    expect(settings.maxPendingMs).toBe(6 * 3_600_000);
    expect(settings.weeklyDigest).toMatchObject({
      enabled: true,
      schedule: { frequency: { cron: '0 6 * * 1' } },
    });
    expect(settings.monthlyReview.recipients).toEqual([
      'group:default/foundation-sre',
      'user:default/sam',
    ]);
  });

  it('refuses a review without recipients and a bad duration, naming the key', () => {
    expect(() =>
      readNotificationSettings(
        new ConfigReader({
          operability: { notifications: { monthlyReview: { enabled: true } } },
        }),
      ),
    ).toThrow(
      "Invalid config at 'operability.notifications.monthlyReview': enabled needs recipients or broadcast: true",
    );
    expect(() =>
      readNotificationSettings(
        new ConfigReader({
          operability: { notifications: { claimTimeout: 'soon' } },
        }),
      ),
    ).toThrow(/claimTimeout/);
  });
});
