import type { IncidentRecord } from '../../database/incidents/IncidentStore';
import {
  computeIncidentStats,
  countOutages,
  coveredMs,
  durationStats,
} from './incidentStats';

const t = (iso: string) => Date.parse(iso);

function incident(
  overrides: Partial<IncidentRecord> &
    Pick<IncidentRecord, 'startedAt' | 'severity' | 'source'>,
): IncidentRecord {
  return {
    id: `${overrides.source}-${overrides.startedAt}`,
    sourceKey: String(overrides.startedAt),
    entityRefs: ['component:default/jupyterhub'],
    title: 'x',
    status: overrides.resolvedAt ? 'resolved' : 'open',
    detectedAt: overrides.startedAt,
    links: {},
    postMortem: false,
    labels: [],
    observedAt: overrides.startedAt,
    createdAt: overrides.startedAt,
    updatedAt: overrides.startedAt,
    ...overrides,
  };
}

// The worked example of docs/incidents.md.
const incidents = [
  incident({
    source: 'alertmanager',
    severity: 'critical',
    startedAt: t('2026-10-31T23:30:00Z'),
    acknowledgedAt: t('2026-10-31T23:40:00Z'),
    resolvedAt: t('2026-11-01T00:30:00Z'),
  }),
  incident({
    source: 'github',
    severity: 'critical',
    startedAt: t('2026-11-03T10:00:00Z'),
    detectedAt: t('2026-11-03T10:05:00Z'),
    acknowledgedAt: t('2026-11-03T10:12:00Z'),
    resolvedAt: t('2026-11-03T11:05:00Z'),
    postMortem: true,
  }),
  incident({
    source: 'alertmanager',
    severity: 'warning',
    startedAt: t('2026-11-03T10:30:00Z'),
    resolvedAt: t('2026-11-03T10:50:00Z'),
  }),
  incident({
    source: 'pagerduty',
    severity: 'critical',
    startedAt: t('2026-11-10T08:00:00Z'),
    acknowledgedAt: t('2026-11-10T08:03:00Z'),
    resolvedAt: t('2026-11-10T09:30:00Z'),
  }),
  incident({
    source: 'manual',
    severity: 'info',
    startedAt: t('2026-11-20T12:00:00Z'),
  }),
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
      count: 4,
      // The alert of 10:30-10:50 on 3 November fired during the GitHub incident of 10:00.
      outages: 3,
      countsBySeverity: { critical: 2, warning: 1, info: 1, unknown: 0 },
      countsByStatus: { open: 1, acknowledged: 0, resolved: 3 },
      countsBySource: { github: 1, alertmanager: 1, pagerduty: 1, manual: 1 },
      mtta: { count: 2, meanSeconds: 300, medianSeconds: 300 },
      mttr: { count: 3, meanSeconds: 3400, medianSeconds: 3600 },
      incidentMinutes: 245,
      timeBetweenIncidents: {
        count: 3,
        meanSeconds: 492_000,
        medianSeconds: 595_800,
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

describe('countOutages', () => {
  it('counts overlapping or touching spans once, in any order', () => {
    expect(countOutages([])).toBe(0);
    expect(
      countOutages([
        [50, 60],
        [0, 10],
        [5, 20],
        [20, 30],
        [31, 40],
        [32, 35],
      ]),
    ).toBe(3);
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
