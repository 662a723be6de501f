import { TIME, type Incident } from '@airworthy/plugin-operability-common';
import {
  describeBudgetCost,
  incidentDurationMs,
  incidentFilterChoices,
  incidentLinks,
  incidentSpans,
  safeHref,
} from './incidents';
import { testIncident } from '../__testUtils__';

/** A script URL, which must never become a link. */
const SCRIPT_URL = `${'javascript'}:alert(1)`;

const incident = (overrides: Partial<Incident>) => testIncident(1, overrides);

const NOW = Date.parse('2026-11-20T13:00:00Z');

describe('incident shaping', () => {
  it('renders only absolute http(s) links', () => {
    expect(safeHref('https://github.com/a/b/issues/1')).toBe(
      'https://github.com/a/b/issues/1',
    );
    expect(safeHref(SCRIPT_URL)).toBeUndefined();
    expect(safeHref(SCRIPT_URL.toUpperCase())).toBeUndefined();
    expect(safeHref('data:text/html,<b>x</b>')).toBeUndefined();
    expect(safeHref('/relative')).toBeUndefined();
    expect(safeHref(undefined)).toBeUndefined();
    expect(
      incidentLinks(
        incident({
          links: {
            postMortem: 'https://docs.example/pm/1',
            issue: SCRIPT_URL,
            runbook: 'http://runbooks.example/hub',
          },
        }),
      ),
    ).toEqual([
      {
        kind: 'postMortem',
        label: 'Post-mortem',
        href: 'https://docs.example/pm/1',
      },
      {
        kind: 'runbook',
        label: 'Runbook',
        href: 'http://runbooks.example/hub',
      },
    ]);
  });

  it('measures incidents until their resolution, or until now while open', () => {
    expect(incidentDurationMs(incident({}), NOW)).toBe(65 * TIME.MINUTE);
    expect(
      incidentDurationMs(
        incident({ resolvedAt: undefined, startedAt: '2026-11-20T12:00:00Z' }),
        NOW,
      ),
    ).toBe(TIME.HOUR);
  });

  it('offers every severity and status and the sources seen', () => {
    const choices = incidentFilterChoices({ github: 3, 'my-source': 1 });
    expect(choices.severity).toEqual([
      'critical',
      'warning',
      'info',
      'unknown',
    ]);
    expect(choices.status).toEqual(['open', 'acknowledged', 'resolved']);
    expect(choices.source).toEqual([
      'alertmanager',
      'github',
      'manual',
      'my-source',
      'pagerduty',
    ]);
  });

  it('describes the budget an incident cost', () => {
    expect(
      describeBudgetCost([
        {
          sloId: 's',
          sloRef: 'availability',
          sloDisplayName: 'Hub availability',
          name: 'availability',
          target: 0.99,
          from: '2026-11-10T00:00:00Z',
          to: '2026-11-10T01:00:00Z',
          period: '28d',
          good: 1,
          total: 2,
          share: 0.123,
        },
        {
          sloId: 't',
          sloRef: 'latency',
          name: 'latency',
          target: 0.99,
          from: '2026-11-10T00:00:00Z',
          to: '2026-11-10T01:00:00Z',
          period: '28d',
          good: 0,
          total: 0,
        },
      ]),
    ).toEqual(['12.3% of Hub availability\u00a0(28d)']);
    // Without a display name, the SLO's ref.
    expect(
      describeBudgetCost([
        {
          sloId: 's',
          sloRef: 'availability/1',
          name: 'availability',
          target: 0.995,
          from: '2026-11-10T00:00:00Z',
          to: '2026-11-10T01:00:00Z',
          period: '7d',
          good: 1,
          total: 2,
          share: 1.5,
        },
      ]),
    ).toEqual(['150% of availability/1\u00a0(7d)']);
  });

  it('clips incidents to the range and carries the budget each cost', () => {
    const range = {
      from: Date.parse('2026-11-03T10:30:00Z'),
      to: Date.parse('2026-11-20T12:30:00Z'),
    };
    const spans = incidentSpans(
      [
        incident({
          id: 'open',
          resolvedAt: undefined,
          status: 'open',
          startedAt: '2026-11-20T12:00:00Z',
        }),
        incident({
          id: 'b',
          budgetCost: [
            {
              sloId: 'avail',
              sloRef: 'availability',
              name: 'availability',
              target: 0.99,
              from: '2026-11-10T00:00:00Z',
              to: '2026-11-10T01:00:00Z',
              period: '28d',
              good: 0,
              total: 60,
              share: 0.07,
            },
          ],
        }),
        incident({
          id: 'before',
          startedAt: '2026-11-01T00:00:00Z',
          resolvedAt: '2026-11-01T01:00:00Z',
        }),
      ],
      range,
      { sloId: 'avail', nowMs: NOW },
    );
    expect(spans).toEqual([
      {
        id: 'b',
        title: 'Incident 1',
        sources: ['github'],
        severity: 'critical',
        x1: range.from,
        x2: Date.parse('2026-11-03T11:05:00Z'),
        open: false,
        budgetShare: 0.07,
      },
      {
        id: 'open',
        title: 'Incident 1',
        sources: ['github'],
        severity: 'critical',
        x1: Date.parse('2026-11-20T12:00:00Z'),
        x2: range.to,
        open: true,
      },
    ]);
  });
});
