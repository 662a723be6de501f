import {
  summarizeIncident,
  type SummarizedRecord,
} from '../../database/incidents/incidentGrouping';
import type { StoredIncident } from '../../database/incidents/IncidentStore';
import {
  computeIncidentStats,
  coveredMs,
  durationStats,
} from './incidentStats';

const t = (iso: string) => Date.parse(iso);

function record(
  overrides: Partial<SummarizedRecord> &
    Pick<SummarizedRecord, 'startedAt' | 'severity' | 'source'>,
): SummarizedRecord {
  return {
    sourceKey: String(overrides.startedAt),
    title: overrides.source,
    status: overrides.resolvedAt ? 'resolved' : 'open',
    detectedAt: overrides.startedAt,
    links: {},
    postMortem: false,
    labels: [],
    ...overrides,
  };
}

/** An incident of its records, as the store groups them. */
function incident(id: string, records: SummarizedRecord[]): StoredIncident {
  const summary = summarizeIncident(records);
  return {
    id,
    entityRef: 'component:default/jupyterhub',
    ...summary,
    records: [],
    createdAt: summary.startedAt,
    updatedAt: summary.startedAt,
  };
}

// The worked example of docs/incidents.md.
const incidents = [
  incident('A', [
    record({
      source: 'pagerduty',
      severity: 'critical',
      startedAt: t('2026-10-31T23:30:00Z'),
      acknowledgedAt: t('2026-10-31T23:40:00Z'),
      resolvedAt: t('2026-11-01T00:30:00Z'),
    }),
  ]),
  incident('B', [
    record({
      source: 'github',
      severity: 'critical',
      startedAt: t('2026-11-03T10:00:00Z'),
      detectedAt: t('2026-11-03T10:05:00Z'),
      acknowledgedAt: t('2026-11-03T10:12:00Z'),
      resolvedAt: t('2026-11-03T11:05:00Z'),
      postMortem: true,
    }),
    record({
      source: 'alertmanager',
      severity: 'warning',
      startedAt: t('2026-11-03T10:30:00Z'),
      resolvedAt: t('2026-11-03T10:50:00Z'),
    }),
  ]),
  incident('C', [
    record({
      source: 'alertmanager',
      severity: 'critical',
      startedAt: t('2026-11-10T08:00:00Z'),
      resolvedAt: t('2026-11-10T09:10:00Z'),
    }),
    record({
      source: 'pagerduty',
      severity: 'critical',
      startedAt: t('2026-11-10T08:02:00Z'),
      acknowledgedAt: t('2026-11-10T08:03:00Z'),
      resolvedAt: t('2026-11-10T09:30:00Z'),
    }),
  ]),
  incident('D', [
    record({
      source: 'manual',
      severity: 'info',
      startedAt: t('2026-11-20T12:00:00Z'),
    }),
  ]),
];

describe('computeIncidentStats', () => {
  it('computes the worked example', () => {
    const stats = computeIncidentStats({
      entityRef: 'component:default/jupyterhub',
      incidents,
      from: t('2026-11-01T00:00:00Z'),
      to: t('2026-11-29T00:00:00Z'),
      now: t('2026-11-20T13:00:00Z'),
      postMortemSeverities: ['critical'],
    });
    expect(stats).toEqual({
      entityRef: 'component:default/jupyterhub',
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-11-29T00:00:00.000Z',
      // B, C and D started in the period; A before it.
      count: 3,
      records: 5,
      countsBySeverity: { critical: 2, warning: 0, info: 1, unknown: 0 },
      countsByStatus: { open: 1, acknowledged: 0, resolved: 2 },
      countsBySource: { github: 1, alertmanager: 2, pagerduty: 1, manual: 1 },
      // B: 10:05 to 10:12; C: 08:00 (the alert) to 08:03 (PagerDuty).
      mtta: { count: 2, meanSeconds: 300, medianSeconds: 300 },
      // B: 10:05 to 11:05; C: 08:00 to 09:30 (the last record resolved).
      mttr: { count: 2, meanSeconds: 4500, medianSeconds: 4500 },
      incidentMinutes: 245,
      timeBetweenIncidents: {
        count: 2,
        meanSeconds: 738_000,
        medianSeconds: 738_000,
      },
      postMortemCoverage: {
        severities: ['critical'],
        eligible: 2,
        covered: 1,
        ratio: 0.5,
      },
    });
  });

  it('has no means, medians or ratio for an empty period', () => {
    const stats = computeIncidentStats({
      entityRef: 'component:default/x',
      incidents: [],
      from: 0,
      to: 1000,
      now: 1000,
      postMortemSeverities: ['critical', 'warning'],
    });
    expect(stats.mtta).toEqual({ count: 0 });
    expect(stats.mttr).toEqual({ count: 0 });
    expect(stats.timeBetweenIncidents).toEqual({ count: 0 });
    expect(stats.incidentMinutes).toBe(0);
    expect(stats.postMortemCoverage).toEqual({
      severities: ['critical', 'warning'],
      eligible: 0,
      covered: 0,
      ratio: undefined,
    });
  });
});

describe('durationStats', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even one', () => {
    expect(durationStats([3000, 1000, 2000])).toEqual({
      count: 3,
      meanSeconds: 2,
      medianSeconds: 2,
    });
    expect(durationStats([1000, 4000, 2000, 9000])).toEqual({
      count: 4,
      meanSeconds: 4,
      medianSeconds: 3,
    });
  });
});

describe('coveredMs', () => {
  it('counts overlapping intervals once and clips them to the range', () => {
    expect(
      coveredMs(
        [
          [0, 10],
          [5, 20],
          [30, 40],
          [35, 38],
          [-5, 2],
          [90, 200],
        ],
        0,
        100,
      ),
    ).toBe(20 + 10 + 10);
  });
});
