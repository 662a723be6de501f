import {
  budgetForecast,
  budgetAxis,
  burnRateAxis,
  burnRateWindows,
  chartPoints,
  describeForecast,
  describeSeries,
  forecastHorizonMs,
  rangeBounds,
  sparkline,
  thresholdLines,
  timeTick,
  timeTicks,
} from './series';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR, DAY } = TIME;

const NOW = Date.parse('2026-11-25T12:00:00Z');

describe('series shaping', () => {
  it('computes the bounds of a range ending now', () => {
    expect(rangeBounds('7d', NOW)).toEqual({
      from: '2026-11-18T12:00:00.000Z',
      to: '2026-11-25T12:00:00.000Z',
      fromMs: NOW - 7 * DAY,
      toMs: NOW,
    });
  });

  it('drops points without data and converts ratios to percent', () => {
    expect(
      chartPoints(
        [
          { t: 1, v: 0.5 },
          { t: 2, v: null },
          { t: 3, v: -0.25 },
        ],
        { percent: true },
      ),
    ).toEqual([
      { t: 1, v: 50 },
      { t: 3, v: -25 },
    ]);
  });

  it('gives the alert thresholds that apply to a burn-rate window of a 28-day SLO', () => {
    expect(thresholdLines(0.98, '28d', '1h')).toEqual([
      { severity: 'page', burnRate: 13.44, label: 'page 13.44× (1h and 5m)' },
    ]);
    expect(thresholdLines(0.98, '28d', '6h').map(l => l.label)).toEqual([
      'page 5.6× (6h and 30m)',
      'ticket 0.93× (3d and 6h)',
    ]);
    expect(thresholdLines(0.98, '28d', '15m')).toEqual([]);
    expect(burnRateWindows('28d')).toEqual([
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
      '3d',
    ]);
    // A 1-day period has no room for the 3-day window.
    expect(burnRateWindows('1d')).toEqual([
      '5m',
      '30m',
      '1h',
      '2h',
      '6h',
      '1d',
    ]);
  });

  it('forecasts when the budget runs out at the current burn rate', () => {
    const budget = {
      to: '2026-11-25T12:00:00Z',
      remaining: 0.5,
      timeToExhaustionMs: 10 * HOUR,
    };
    expect(budgetForecast(budget, NOW + 24 * HOUR)).toEqual({
      exhausted: false,
      exhaustsAtMs: NOW + 10 * HOUR,
      line: [
        { t: NOW, v: 50 },
        { t: NOW + 10 * HOUR, v: 0 },
      ],
    });
    // Cut at the chart's end: halfway to exhaustion, half the budget is left.
    expect(budgetForecast(budget, NOW + 5 * HOUR).line[1]).toEqual({
      t: NOW + 5 * HOUR,
      v: 25,
    });
    expect(
      budgetForecast({ ...budget, timeToExhaustionMs: null }, NOW + HOUR),
    ).toEqual({ exhausted: false, line: [] });
    expect(
      budgetForecast(
        { ...budget, remaining: -0.1, timeToExhaustionMs: 0 },
        NOW,
      ),
    ).toEqual({ exhausted: true, exhaustsAtMs: NOW, line: [] });
  });

  it('keeps at most the points a sparkline needs, with the extremes', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({
      t: i * MINUTE,
      v: i === 500 ? 0.2 : 0.9,
    }));
    const line = sparkline(points, 48);
    expect(line).toHaveLength(48);
    expect(line[0]).toEqual({ t: 0, v: 90 });
    expect(line.at(-1)).toEqual({ t: 999 * MINUTE, v: 90 });
    expect(line.some(p => p.v === 20)).toBe(true);
  });

  it('labels time ticks by the hour within a day, else by date', () => {
    expect(timeTick('1d')(NOW)).toBe('12:00');
    expect(timeTick('28d')(NOW)).toBe('11-25');
  });

  it('reaches past now by a quarter of the range to show the forecast', () => {
    expect(forecastHorizonMs('1d')).toBe(6 * HOUR);
    expect(forecastHorizonMs('28d')).toBe(7 * DAY);
  });

  it('tops the burn-rate axis above the highest point or alert line, cutting lone spikes', () => {
    const lines = thresholdLines(0.98, '28d', '1h');
    // The 1h page line (13.44x) is above the points: 13.44 x 1.15 = 15.456, to 2 digits.
    expect(burnRateAxis([{ t: NOW, v: 2 }], lines)).toEqual({
      max: 15,
      clipped: false,
      peak: 2,
    });
    expect(burnRateAxis([{ t: NOW, v: 20 }], lines).max).toBe(23);
    // One spike of 400x among quiet points: the scale stops at twice the page line.
    const spiky = [
      ...Array.from({ length: 99 }, (_, i) => ({ t: NOW + i, v: 0.5 })),
      { t: NOW + 100, v: 400 },
    ];
    expect(burnRateAxis(spiky, lines)).toEqual({
      max: 31,
      clipped: true,
      peak: 400,
    });
    // Nothing burns and no line applies: the axis still shows burn rate 1.
    expect(burnRateAxis([], []).max).toBe(1.1);
  });

  it('puts the budget axis at round ticks, with room below an overspent budget', () => {
    expect(budgetAxis(40)).toEqual({
      domain: [0, 100],
      ticks: [0, 25, 50, 75, 100],
    });
    // -251.8% lowest: ticks 100 apart down to -300%, zero among them, room below.
    expect(budgetAxis(-251.8)).toEqual({
      domain: [-300, 100],
      ticks: [-300, -200, -100, 0, 100],
    });
    const deep = budgetAxis(-2400);
    expect(deep.ticks).toContain(0);
    expect(deep.ticks.length).toBeLessThanOrEqual(8);
    expect(deep.domain[0]).toBeLessThan(-2400);
    expect(deep.ticks.slice(0, -1).every(t => t % 500 === 0)).toBe(true);
    expect(deep.ticks[deep.ticks.length - 1]).toBe(100);
  });

  it('ticks the time axis once per day (or hour step) of the range', () => {
    const from = Date.UTC(2026, 10, 18, 12, 34);
    const ticks = timeTicks('7d', from, from + 7 * DAY);
    expect(ticks).toHaveLength(7);
    expect(ticks.every(t => t % DAY === 0)).toBe(true);
    const labels = ticks.map(timeTick('7d'));
    expect(new Set(labels).size).toBe(labels.length);
    expect(timeTicks('1d', from, from + DAY).map(timeTick('1d'))[0]).toBe(
      '15:00',
    );
  });

  it('says the forecast in words', () => {
    const budget = {
      to: '2026-11-25T12:00:00Z',
      remaining: 0.48,
      timeToExhaustionMs: 26 * HOUR + 30 * MINUTE,
    };
    expect(describeForecast(budget)).toBe(
      "At the last hour's burn rate the budget runs out in 1d 2h 30m (2026-11-26 14:30 UTC).",
    );
    expect(describeForecast({ ...budget, timeToExhaustionMs: null })).toBe(
      'The budget is not burning: no bad events in the last hour.',
    );
    expect(describeForecast({ ...budget, remaining: -0.2 })).toBe(
      'The error budget is spent.',
    );
  });

  it('sums a series up for screen readers', () => {
    const points = [
      { t: NOW - 2 * HOUR, v: 80 },
      { t: NOW - HOUR, v: 40 },
      { t: NOW, v: 52 },
    ];
    expect(describeSeries('Budget remaining', points, v => `${v}%`)).toBe(
      'Budget remaining: 80% at 2026-11-25T10:00Z, now 52%; lowest 40% at 2026-11-25T11:00Z, highest 80% at 2026-11-25T10:00Z',
    );
    expect(describeSeries('Burn rate', [], String)).toBe(
      'Burn rate: no data in this range',
    );
  });
});
