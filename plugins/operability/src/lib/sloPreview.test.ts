import { parseSloYaml, TIME } from '@airworthy/plugin-operability-common';
import { applySloFormChange, newSloTemplate } from './sloDocument';
import { previewSlos, type PeriodData } from './sloPreview';

const NOW = Date.parse('2026-11-25T12:00:00Z');
// JupyterHub as the community cloud ran it: 98% of probes over 28 days.
const hub = applySloFormChange(
  newSloTemplate({ name: 'jupyterhub' }),
  'target',
  '98',
);

function preview(yaml: string, data?: PeriodData) {
  const { slos, errors } = parseSloYaml(yaml);
  expect(errors).toEqual([]);
  return previewSlos(slos, { nowMs: NOW, data });
}

describe('previewSlos', () => {
  it('gives the budget in minutes and the multiwindow thresholds of a 28-day period', () => {
    const [p] = preview(hub);
    expect(p.errorBudget).toBe(0.02);
    // 2% of 28 x 24 x 60 = 40,320 minutes
    expect(p.budgetMinutes).toBe(806.4);
    expect(
      p.alerts.map(a => [
        a.severity,
        a.longWindow,
        a.shortWindow,
        a.burnRate,
        a.errorRatioThreshold,
      ]),
    ).toEqual([
      ['page', '1h', '5m', 13.44, 0.2688],
      ['page', '6h', '30m', 5.6, 0.112],
      ['ticket', '1d', '2h', 2.8, 0.056],
      ['ticket', '3d', '6h', 0.933333333333, 0.0186666666667],
    ]);
    // At 13.44x the 28-day budget lasts 50 hours.
    expect(p.alerts[0].exhaustsInMs).toBe(50 * TIME.HOUR);
    expect(p.alerts[0].budgetConsumed).toBe(0.02);
    expect(p.history).toBeUndefined();
  });

  it('shows what the budget would have been with the SLI data of the last period', () => {
    const data = {
      from: '2026-10-28T12:00:00Z',
      to: '2026-11-25T12:00:00Z',
      period: '28d',
      good: 39_900,
      total: 40_320,
    };
    const [at98] = preview(hub, data);
    // 420 bad probes of 806.4 allowed: 52.08% spent, 386.4 minutes left.
    expect(at98.history?.consumed).toBeCloseTo(420 / 806.4, 12);
    expect(at98.history?.remainingMinutes).toBeCloseTo(386.4, 9);
    expect(at98.history?.periodDiffers).toBe(false);

    const [at99] = preview(applySloFormChange(hub, 'target', '99'), data);
    // At 99% only 403.2 bad probes are allowed: the budget would have run out.
    expect(at99.history?.remaining).toBeCloseTo(1 - 420 / 403.2, 12);
    expect(at99.history!.remaining).toBeLessThan(0);

    const [weekly] = preview(applySloFormChange(hub, 'period', '7d'), data);
    expect(weekly.history?.periodDiffers).toBe(true);
    expect(weekly.history?.consumed).toBeCloseTo(420 / 806.4, 12);
  });

  it('uses the real length of the current calendar period for the budget', () => {
    const monthly = applySloFormChange(
      applySloFormChange(hub, 'period', '1M'),
      'rolling',
      false,
    );
    const [p] = preview(monthly);
    // November 2026 has 30 days: 2% of 43,200 minutes.
    expect(p.calendarPeriod).toEqual({
      startMs: Date.parse('2026-11-01T00:00:00Z'),
      endMs: Date.parse('2026-12-01T00:00:00Z'),
    });
    expect(p.budgetMinutes).toBe(864);
  });

  it('counts the budget of timeslice SLOs in slices', () => {
    const [p] = preview(
      applySloFormChange(hub, 'budgetingMethod', 'Timeslices'),
    );
    expect(p.slices).toEqual({
      sliceWindow: '1m',
      inPeriod: 40_320,
      budget: 806.4,
    });
  });

  it('lists the conditions of an alert policy instead of the default windows', () => {
    const withPolicy = hub.replace(
      'objectives:',
      `alertPolicies:
    - kind: AlertPolicy
      metadata: { name: fast-burn }
      spec:
        conditions:
          - kind: AlertCondition
            metadata: { name: fast, displayName: Fast burn }
            spec:
              severity: page
              condition: { kind: burnrate, op: gte, threshold: 14.4, lookbackWindow: 1h, alertAfter: 5m }
        notificationTargets:
          - kind: AlertNotificationTarget
            metadata: { name: on-call }
            spec: { target: "#hub-oncall" }
  objectives:`,
    );
    const [p] = preview(withPolicy);
    expect(p.alerts).toEqual([
      {
        severity: 'page',
        origin: 'policy',
        name: 'Fast burn',
        longWindow: '1h',
        burnRate: 14.4,
        errorRatioThreshold: 0.288,
        exhaustsInMs: (28 * TIME.DAY) / 14.4,
        alertAfter: '5m',
      },
    ]);
  });
});
