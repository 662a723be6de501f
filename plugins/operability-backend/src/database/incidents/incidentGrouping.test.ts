import fc from 'fast-check';
import {
  groupRecords,
  summarizeIncident,
  type GroupingRecord,
  type SummarizedRecord,
} from './incidentGrouping';

const MIN = 60_000;
const HOUR = 60 * MIN;
const S = Date.parse('2026-11-11T20:00:00Z');
const SETTINGS = { gapMs: 5 * MIN, alertLinkWindowMs: 24 * HOUR };

function record(
  source: string,
  sourceKey: string,
  startedAt: number,
  resolvedAt: number | undefined,
  extra: Partial<GroupingRecord> = {},
): GroupingRecord {
  return {
    id: `${source}/${sourceKey}`,
    source,
    sourceKey,
    startedAt,
    resolvedAt,
    names: [`${source}:${sourceKey}`],
    references: [],
    ...extra,
  };
}

describe('groupRecords', () => {
  it('groups the Argo CD networking outage reported by three sources into one incident', () => {
    const alert = record('alertmanager', 'fp@1', S + 2 * MIN, S + 215 * MIN);
    const page = record('pagerduty', 'Q1', S + 5 * MIN, S + 4 * HOUR);
    const issue = record(
      'github',
      'operate-first/operations#428',
      S + 5 * MIN,
      S + 4 * HOUR,
    );
    const certificate = record(
      'alertmanager',
      'fp@2',
      S + 14 * 24 * HOUR,
      S + 14 * 24 * HOUR + 19 * HOUR,
    );
    expect(groupRecords([certificate, issue, page, alert], SETTINGS)).toEqual([
      [alert.id, issue.id, page.id],
      [certificate.id],
    ]);
  });

  it('joins records at most the gap apart, and an open record with every later one', () => {
    const a = record('alertmanager', 'a', S, S + 10 * MIN);
    const near = record('github', 'o/r#1', S + 15 * MIN, S + 20 * MIN);
    const far = record('pagerduty', 'P1', S + 26 * MIN, S + 30 * MIN);
    expect(groupRecords([a, near, far], SETTINGS)).toEqual([
      [a.id, near.id],
      [far.id],
    ]);
    const open = record('alertmanager', 'open', S, undefined);
    const later = record(
      'pagerduty',
      'P2',
      S + 30 * 24 * HOUR,
      S + 31 * 24 * HOUR,
    );
    expect(groupRecords([later, open], SETTINGS)).toEqual([
      [open.id, later.id],
    ]);
  });

  it('joins records that link each other, whatever the time between them', () => {
    const page = record('pagerduty', 'Q2W3', S, S + 20 * MIN);
    // Filed four hours later, linking the PagerDuty incident.
    const issue = record('github', 'o/r#7', S + 4 * HOUR, S + 5 * HOUR, {
      references: ['pagerduty:Q2W3'],
    });
    // Two alerts labelled with the same incident name.
    const first = record(
      'alertmanager',
      'x@1',
      S + 30 * 24 * HOUR,
      S + 30 * 24 * HOUR + MIN,
      {
        references: ['incident:inc-42'],
      },
    );
    const second = record(
      'alertmanager',
      'y@1',
      S + 31 * 24 * HOUR,
      S + 31 * 24 * HOUR + MIN,
      {
        references: ['incident:inc-42'],
      },
    );
    expect(groupRecords([second, issue, first, page], SETTINGS)).toEqual([
      [issue.id, page.id],
      [first.id, second.id],
    ]);
  });

  it('links a reference to an alert to its firing nearest in time, within the window', () => {
    const names = ['alert:5ef77f1f8a3ecfa4'];
    const morning = record(
      'alertmanager',
      'fp@08',
      S - 12 * HOUR,
      S - 11 * HOUR,
      { names },
    );
    const evening = record('alertmanager', 'fp@20', S, S + 10 * MIN, { names });
    // Opened 30 minutes after the evening firing ended, with the alert's fingerprint as key.
    const page = record('pagerduty', 'P9', S + 40 * MIN, S + 2 * HOUR, {
      references: ['alert:5ef77f1f8a3ecfa4'],
    });
    expect(groupRecords([morning, evening, page], SETTINGS)).toEqual([
      [morning.id],
      [evening.id, page.id],
    ]);
    // Beyond the window the link reaches nothing; two firings are never joined by their name.
    expect(
      groupRecords([morning, evening, page], {
        ...SETTINGS,
        alertLinkWindowMs: 20 * MIN,
      }),
    ).toEqual([[morning.id], [evening.id], [page.id]]);
  });

  it('keeps pinned records as people decided, and lets an unpinned record join one side', () => {
    const a = record('alertmanager', 'a', S, S + HOUR, { pin: 'one' });
    const b = record('github', 'o/r#2', S + 10 * MIN, S + 50 * MIN, {
      pin: 'two',
    });
    const far = record(
      'pagerduty',
      'P3',
      S + 10 * 24 * HOUR,
      S + 10 * 24 * HOUR + MIN,
      {
        pin: 'one',
      },
    );
    // Overlaps both, nearer to neither: joins the first side in record order.
    const late = record('manual', 'm', S + 20 * MIN, S + 30 * MIN);
    expect(groupRecords([far, late, b, a], SETTINGS)).toEqual([
      [a.id, late.id, far.id],
      [b.id],
    ]);
  });

  it('gives the same incidents whatever order the records come in', () => {
    const sources = ['alertmanager', 'github', 'pagerduty', 'manual'];
    const arbRecord = fc.record({
      source: fc.constantFrom(...sources),
      key: fc.integer({ min: 0, max: 30 }),
      start: fc.integer({ min: 0, max: 600 }),
      length: fc.option(fc.integer({ min: 0, max: 120 }), { nil: undefined }),
      name: fc.option(fc.constantFrom('alert:a', 'alert:b'), {
        nil: undefined,
      }),
      reference: fc.option(
        fc.constantFrom('alert:a', 'alert:b', 'incident:x', 'pagerduty:3'),
        { nil: undefined },
      ),
      pin: fc.option(fc.constantFrom('p', 'q'), { nil: undefined }),
    });
    const arbRecords = fc
      .uniqueArray(arbRecord, {
        maxLength: 14,
        selector: r => `${r.source}:${r.key}`,
      })
      .map(rs =>
        rs.map(r =>
          record(
            r.source,
            String(r.key),
            S + r.start * MIN,
            r.length === undefined ? undefined : S + (r.start + r.length) * MIN,
            {
              names: [`${r.source}:${r.key}`, ...(r.name ? [r.name] : [])],
              references: r.reference ? [r.reference] : [],
              pin: r.pin,
            },
          ),
        ),
      );
    fc.assert(
      fc.property(arbRecords, fc.func(fc.integer()), (records, shuffleKey) => {
        const shuffled = records
          .map((r, i) => ({ r, k: shuffleKey(i) }))
          .sort((x, y) => x.k - y.k)
          .map(({ r }) => r);
        const groups = groupRecords(records, SETTINGS);
        expect(groupRecords(shuffled, SETTINGS)).toEqual(groups);
        // Every record in exactly one incident; pins never split nor joined.
        expect(groups.flat().sort()).toEqual(records.map(r => r.id).sort());
        for (const group of groups) {
          const pins = new Set(
            group.flatMap(id => {
              const pin = records.find(r => r.id === id)!.pin;
              return pin ? [pin] : [];
            }),
          );
          expect(pins.size).toBeLessThanOrEqual(1);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('summarizeIncident', () => {
  const base: SummarizedRecord = {
    source: 'alertmanager',
    sourceKey: 'fp@1',
    title: 'ArgocdErrorBudgetBurn: Networking issues (argocd)',
    severity: 'critical',
    status: 'resolved',
    startedAt: S + 2 * MIN,
    detectedAt: S + 2 * MIN,
    resolvedAt: S + 215 * MIN,
    links: {
      issue: 'https://prometheus.example/graph?g0.expr=x',
      runbook: 'https://runbooks.example/argocd',
    },
    postMortem: false,
    labels: ['alertname=ArgocdErrorBudgetBurn'],
  };

  it('takes the earliest start and detection, the first acknowledgement, the latest end and a person’s title', () => {
    const summary = summarizeIncident([
      base,
      {
        ...base,
        source: 'pagerduty',
        sourceKey: 'Q1',
        title: 'Networking issues on the MOC clusters infra and smaug (argocd)',
        severity: 'critical',
        startedAt: S + 5 * MIN,
        detectedAt: S + 5 * MIN,
        acknowledgedAt: S + 12 * MIN,
        resolvedAt: S + 4 * HOUR,
        links: { issue: 'https://x.pagerduty.com/incidents/Q1' },
        labels: ['urgency=high'],
      },
      {
        ...base,
        source: 'github',
        sourceKey: 'operate-first/operations#428',
        title: '[INCIDENT][smaug/argocd] Networking issues on the MOC clusters',
        severity: 'warning',
        startedAt: S + 5 * MIN,
        detectedAt: S + 5 * MIN,
        acknowledgedAt: S + 13 * MIN,
        resolvedAt: S + 4 * HOUR + MIN,
        links: {
          issue: 'https://github.com/operate-first/operations/issues/428',
          postMortem:
            'https://github.com/operate-first/operations/blob/main/pm.md',
        },
        postMortem: true,
        labels: ['incident'],
      },
    ]);
    expect(summary).toEqual({
      title: '[INCIDENT][smaug/argocd] Networking issues on the MOC clusters',
      description: undefined,
      severity: 'critical',
      status: 'resolved',
      startedAt: S + 2 * MIN,
      detectedAt: S + 2 * MIN,
      acknowledgedAt: S + 12 * MIN,
      resolvedAt: S + 4 * HOUR + MIN,
      links: {
        issue: 'https://github.com/operate-first/operations/issues/428',
        postMortem:
          'https://github.com/operate-first/operations/blob/main/pm.md',
        runbook: 'https://runbooks.example/argocd',
      },
      postMortem: true,
      labels: ['alertname=ArgocdErrorBudgetBurn', 'incident', 'urgency=high'],
      sources: ['alertmanager', 'github', 'pagerduty'],
      recordCount: 3,
    });
  });

  it('stays open while any record is, acknowledged once any source acknowledged it', () => {
    const open = { ...base, status: 'open' as const, resolvedAt: undefined };
    expect(summarizeIncident([base, open])).toMatchObject({
      status: 'open',
      resolvedAt: undefined,
      title: base.title,
    });
    expect(
      summarizeIncident([
        open,
        {
          ...base,
          source: 'pagerduty',
          sourceKey: 'Q2',
          title: 'Kafka produce errors',
          status: 'acknowledged',
          acknowledgedAt: S + 4 * HOUR,
          resolvedAt: undefined,
        },
      ]),
    ).toMatchObject({
      status: 'acknowledged',
      acknowledgedAt: S + 4 * HOUR,
      title: 'Kafka produce errors',
    });
  });

  it('prefers a manual title to an issue’s, and another source’s to an alert’s', () => {
    const titled = (source: string, title: string) => ({
      ...base,
      source,
      sourceKey: source,
      title,
    });
    expect(
      summarizeIncident([
        titled('github', 'issue'),
        titled('manual', 'typed in Airworthy'),
      ]).title,
    ).toBe('typed in Airworthy');
    expect(
      summarizeIncident([
        titled('alertmanager', 'alert'),
        titled('opsgenie', 'page'),
      ]).title,
    ).toBe('page');
  });
});
