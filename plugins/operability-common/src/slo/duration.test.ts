import {
  durationToMs,
  formatDurationHuman,
  formatDurationShorthand,
  parseDuration,
} from './duration';

describe('duration shorthands', () => {
  it.each([
    ['5m', 5 * 60_000],
    ['1h', 3_600_000],
    ['28d', 28 * 86_400_000],
    ['4w', 28 * 86_400_000],
    ['1M', 30 * 86_400_000],
    ['1Q', 90 * 86_400_000],
    ['1Y', 365 * 86_400_000],
  ])('%s is %d ms', (text, ms) => {
    expect(durationToMs(text)).toBe(ms);
  });

  it.each([
    '',
    '28',
    'd',
    '0d',
    '-1d',
    '1.5h',
    '28D',
    '1s',
    ' 28d',
    '28d ',
    '1mo',
  ])('rejects %j', text => {
    expect(parseDuration(text)).toBeUndefined();
    expect(() => durationToMs(text)).toThrow(
      /is not a duration: use a positive whole number/,
    );
  });

  it('is case-sensitive: m is minutes, M months', () => {
    expect(parseDuration('1m')).toEqual({ count: 1, unit: 'm', ms: 60_000 });
    expect(parseDuration('1M')?.unit).toBe('M');
  });

  it('formats lengths as the shortest exact d/h/m shorthand', () => {
    expect(formatDurationShorthand(300_000)).toBe('5m');
    expect(formatDurationShorthand(3_600_000)).toBe('1h');
    expect(formatDurationShorthand(90 * 60_000)).toBe('90m');
    expect(formatDurationShorthand(86_400_000)).toBe('1d');
    expect(formatDurationShorthand(30 * 86_400_000)).toBe('30d');
    expect(formatDurationShorthand(36 * 3_600_000)).toBe('36h');
    expect(formatDurationShorthand(90_000)).toBe('90s');
    expect(formatDurationShorthand(1000)).toBe('1s');
    expect(() => formatDurationShorthand(1500)).toThrow(RangeError);
    expect(() => formatDurationShorthand(0)).toThrow(RangeError);
  });

  it('formats lengths for people', () => {
    expect(formatDurationHuman(1008 * 60_000)).toBe('16h 48m');
    expect(formatDurationHuman(43.2 * 60_000)).toBe('43m 12s');
    expect(formatDurationHuman(30 * 86_400_000)).toBe('30d');
    expect(formatDurationHuman(86_400_000 + 5000)).toBe('1d 5s');
    expect(formatDurationHuman(-90_000)).toBe('-1m 30s');
    expect(formatDurationHuman(200)).toBe('0s');
    expect(formatDurationHuman(Infinity)).toBe('never');
  });
});
