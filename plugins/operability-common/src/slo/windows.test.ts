import fc from 'fast-check';
import { durationToMs } from './duration';
import { alertWindows, decideAlert, multiwindowTable } from './windows';
import { TIME } from '../time';

const { DAY } = TIME;

describe('multiwindow, multi-burn-rate table', () => {
  it('30 days: 14.4, 6, 3, 1', () => {
    const table = multiwindowTable(30 * DAY, 0.999);
    expect(
      table.map(
        ({
          severity,
          longWindow,
          shortWindow,
          budgetConsumed,
          burnRateFactor,
          errorRatioThreshold,
        }) => ({
          severity,
          longWindow,
          shortWindow,
          budgetConsumed,
          burnRateFactor,
          errorRatioThreshold,
        }),
      ),
    ).toEqual([
      {
        severity: 'page',
        longWindow: '1h',
        shortWindow: '5m',
        budgetConsumed: 0.02,
        burnRateFactor: 14.4,
        errorRatioThreshold: 0.0144,
      },
      {
        severity: 'page',
        longWindow: '6h',
        shortWindow: '30m',
        budgetConsumed: 0.05,
        burnRateFactor: 6,
        errorRatioThreshold: 0.006,
      },
      {
        severity: 'ticket',
        longWindow: '1d',
        shortWindow: '2h',
        budgetConsumed: 0.1,
        burnRateFactor: 3,
        errorRatioThreshold: 0.003,
      },
      {
        severity: 'ticket',
        longWindow: '3d',
        shortWindow: '6h',
        budgetConsumed: 0.1,
        burnRateFactor: 1,
        errorRatioThreshold: 0.001,
      },
    ]);
  });

  it('28 days: 13.44, 5.6, 2.8, 0.933...; the JupyterHub 98% thresholds', () => {
    const table = multiwindowTable(28 * DAY, 0.98);
    expect(table.map(r => r.burnRateFactor)).toEqual([
      13.44, 5.6, 2.8, 0.933333333333,
    ]);
    expect(table.map(r => r.errorRatioThreshold)).toEqual([
      0.2688, 0.112, 0.056, 0.0186666666667,
    ]);
    expect(table.map(r => r.alertAfter)).toEqual(['0m', '0m', '0m', '0m']);
  });

  it('has no thresholds without a target and drops windows longer than the period', () => {
    const table = multiwindowTable(2 * DAY);
    expect(table.map(r => r.longWindow)).toEqual(['1h', '6h', '1d']);
    expect(table.every(r => r.errorRatioThreshold === undefined)).toBe(true);
  });

  it('lists the distinct windows shortest first', () => {
    expect(alertWindows(multiwindowTable(30 * DAY)).map(w => w.window)).toEqual(
      ['5m', '30m', '1h', '2h', '6h', '1d', '3d'],
    );
  });

  it('factor x long window / period is the budget share, for any period', () => {
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 400 }), days => {
        for (const row of multiwindowTable(days * DAY)) {
          expect(
            (row.burnRateFactor * row.longWindowMs) / (days * DAY),
          ).toBeCloseTo(row.budgetConsumed, 9);
          expect(row.shortWindowMs * 12).toBe(row.longWindowMs);
        }
      }),
    );
  });
});

describe('alert decision', () => {
  const table = multiwindowTable(30 * DAY, 0.999);
  const ratios = (values: Record<string, number | null>) => (window: string) =>
    values[window] ?? 0;

  it('fires when both windows exceed factor x budget', () => {
    const decision = decideAlert(
      0.999,
      table,
      ratios({ '1h': 0.02, '5m': 0.015 }),
    );
    expect(decision.severity).toBe('page');
    expect(decision.windows[0]).toMatchObject({
      longWindow: '1h',
      longErrorRatio: 0.02,
      shortErrorRatio: 0.015,
      errorRatioThreshold: 0.0144,
      firing: true,
    });
  });

  it('does not fire when only the long window exceeds (the burn has stopped)', () => {
    const decision = decideAlert(
      0.999,
      table,
      ratios({ '1h': 0.02, '5m': 0.0001 }),
    );
    expect(decision.severity).toBeNull();
    expect(decision.windows.every(w => !w.firing)).toBe(true);
  });

  it('does not fire at exactly the threshold, nor without data', () => {
    expect(
      decideAlert(0.999, table, ratios({ '1h': 0.0144, '5m': 0.0144 }))
        .severity,
    ).toBeNull();
    expect(decideAlert(0.999, table, () => null).severity).toBeNull();
  });

  it('opens a ticket for a slow burn and pages when a fast one joins', () => {
    const slow = { '1d': 0.004, '2h': 0.004, '3d': 0.004, '6h': 0.004 };
    expect(decideAlert(0.999, table, ratios(slow)).severity).toBe('ticket');
    expect(
      decideAlert(0.999, table, ratios({ ...slow, '6h': 0.007, '30m': 0.007 }))
        .severity,
    ).toBe('page');
  });

  it('passes each window length to the lookup', () => {
    const seen: Array<[string, number]> = [];
    decideAlert(0.999, table, (w, ms) => {
      seen.push([w, ms]);
      return null;
    });
    expect(seen).toContainEqual(['3d', durationToMs('3d')]);
    expect(seen).toContainEqual(['5m', durationToMs('5m')]);
  });
});
