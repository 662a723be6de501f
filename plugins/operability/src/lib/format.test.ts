import { TIME } from '@airworthy/plugin-operability-common';
import {
  formatBurnRate,
  formatDuration,
  formatInstant,
  formatMinutes,
  formatNumber,
  formatPercent,
  formatRelative,
  formatSeconds,
  formatTarget,
  plural,
  wrapPieces,
} from './format';

const { SECOND, MINUTE, HOUR, DAY } = TIME;

describe('format', () => {
  it('writes ratios as percentages without float noise or trailing zeros', () => {
    expect(formatPercent(0.98)).toBe('98%');
    expect(formatPercent(0.9995)).toBe('99.95%');
    expect(formatPercent(0.123456)).toBe('12.35%');
    expect(formatPercent(14.4 * 0.001, 3)).toBe('1.44%');
    expect(formatPercent(-0.25)).toBe('-25%');
    expect(formatPercent(null)).toBe('–');
    expect(formatPercent(Number.NaN)).toBe('–');
  });

  it('writes targets with up to four decimals of a percent', () => {
    expect(formatTarget(0.999)).toBe('99.9%');
    expect(formatTarget(0.99995)).toBe('99.995%');
    expect(formatTarget(0.98)).toBe('98%');
  });

  it('writes numbers and burn rates', () => {
    expect(formatNumber(1234.5)).toBe('1,234.5');
    expect(formatNumber(0.1 + 0.2)).toBe('0.3');
    expect(formatBurnRate(14.4)).toBe('14.4×');
    expect(formatBurnRate(0.9333333)).toBe('0.93×');
    expect(formatBurnRate(123.456)).toBe('123.5×');
    expect(formatBurnRate(null)).toBe('–');
  });

  it('writes durations with the precision that matters', () => {
    expect(formatDuration(806.4 * MINUTE)).toBe('13h 26m');
    expect(formatDuration(43 * MINUTE + 12 * SECOND)).toBe('43m 12s');
    expect(formatDuration(12 * DAY + 3 * HOUR + 59 * SECOND)).toBe('12d 3h');
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(Infinity)).toBe('never');
    expect(formatMinutes(806.4)).toBe('13h 26m');
    expect(formatSeconds(3400)).toBe('56m 40s');
    expect(formatSeconds(undefined)).toBe('–');
  });

  it('writes instants in UTC and relative to now', () => {
    expect(formatInstant('2026-11-03T10:05:30+01:00')).toBe(
      '2026-11-03 09:05 UTC',
    );
    expect(formatInstant('not a date')).toBe('–');
    const now = Date.parse('2026-11-25T12:00:00Z');
    expect(formatRelative(now + 3 * DAY + 4 * HOUR, now)).toBe('in 3d 4h');
    expect(formatRelative(now - 125 * MINUTE, now)).toBe('2h 5m ago');
    expect(formatRelative(now + 10 * SECOND, now)).toBe('now');
  });

  it('counts things', () => {
    expect(plural(1, 'incident')).toBe('1 incident');
    expect(plural(1200, 'incident')).toBe('1,200 incidents');
  });

  it('cuts names where they may wrap without breaking a word', () => {
    expect(wrapPieces('JupyterhubErrorBudgetBurn')).toEqual([
      'Jupyterhub',
      'Error',
      'Budget',
      'Burn',
    ]);
    expect(wrapPieces('HTTPErrors on hub_proxy-v2.svc')).toEqual([
      'HTTP',
      'Errors on hub_',
      'proxy-',
      'v2.',
      'svc',
    ]);
    expect(wrapPieces('')).toEqual([]);
    expect(wrapPieces('Hub down').join('')).toBe('Hub down');
  });
});
