import {
  calendarPeriodAt,
  isValidCalendarStartTime,
  isValidTimeZone,
} from './calendar';

const at = (iso: string) => Date.parse(iso);

describe('calendar-aligned periods', () => {
  it('validates start times and time zones', () => {
    expect(isValidCalendarStartTime('2024-01-01 00:00:00')).toBe(true);
    expect(isValidCalendarStartTime('2024-02-29 23:59:59')).toBe(true);
    expect(isValidCalendarStartTime('2023-02-29 00:00:00')).toBe(false);
    expect(isValidCalendarStartTime('2024-01-01T00:00:00')).toBe(false);
    expect(isValidCalendarStartTime('2024-01-01 24:00:00')).toBe(false);
    expect(isValidCalendarStartTime('2024-01-01')).toBe(false);
    expect(isValidTimeZone('UTC')).toBe(true);
    expect(isValidTimeZone('America/New_York')).toBe(true);
    expect(isValidTimeZone('Mars/Olympus_Mons')).toBe(false);
    expect(isValidTimeZone('')).toBe(false);
  });

  it('finds the month containing an instant, in the window time zone', () => {
    const window = {
      duration: '1M',
      calendar: { startTime: '2024-01-01 00:00:00', timeZone: 'Europe/Berlin' },
    };
    // 2024-03-15 in Berlin: March started at 2024-02-29T23:00Z (UTC+1)
    // and April starts at 2024-03-31T22:00Z (UTC+2 after the clock change).
    expect(calendarPeriodAt(window, at('2024-03-15T12:00:00Z'))).toEqual({
      startMs: at('2024-02-29T23:00:00Z'),
      endMs: at('2024-03-31T22:00:00Z'),
    });
    // Just before midnight of 1 March local time still belongs to February.
    expect(calendarPeriodAt(window, at('2024-02-29T22:59:59Z')).startMs).toBe(
      at('2024-01-31T23:00:00Z'),
    );
    // Instants before the start time belong to earlier periods.
    expect(calendarPeriodAt(window, at('2023-12-10T00:00:00Z'))).toEqual({
      startMs: at('2023-11-30T23:00:00Z'),
      endMs: at('2023-12-31T23:00:00Z'),
    });
  });

  it('clamps month periods that start on the 31st to the end of shorter months', () => {
    const window = {
      duration: '1M',
      calendar: { startTime: '2024-01-31 00:00:00', timeZone: 'UTC' },
    };
    expect(calendarPeriodAt(window, at('2024-03-01T00:00:00Z'))).toEqual({
      startMs: at('2024-02-29T00:00:00Z'),
      endMs: at('2024-03-31T00:00:00Z'),
    });
  });

  it('counts weeks, quarters and years by the calendar', () => {
    const tz = 'UTC';
    const weeks = {
      duration: '2w',
      calendar: { startTime: '2024-01-01 00:00:00', timeZone: tz },
    };
    expect(calendarPeriodAt(weeks, at('2024-01-20T00:00:00Z'))).toEqual({
      startMs: at('2024-01-15T00:00:00Z'),
      endMs: at('2024-01-29T00:00:00Z'),
    });
    const quarters = {
      duration: '1Q',
      calendar: { startTime: '2024-01-01 00:00:00', timeZone: tz },
    };
    expect(calendarPeriodAt(quarters, at('2024-05-05T00:00:00Z'))).toEqual({
      startMs: at('2024-04-01T00:00:00Z'),
      endMs: at('2024-07-01T00:00:00Z'),
    });
    const years = {
      duration: '1Y',
      calendar: { startTime: '2020-01-01 00:00:00', timeZone: tz },
    };
    expect(calendarPeriodAt(years, at('2024-12-31T23:59:59Z')).startMs).toBe(
      at('2024-01-01T00:00:00Z'),
    );
  });

  it('makes the day of a clock change 23 hours long', () => {
    const days = {
      duration: '1d',
      calendar: {
        startTime: '2024-01-01 00:00:00',
        timeZone: 'America/New_York',
      },
    };
    const period = calendarPeriodAt(days, at('2024-03-10T12:00:00Z'));
    expect(period.startMs).toBe(at('2024-03-10T05:00:00Z'));
    expect(period.endMs - period.startMs).toBe(23 * 3_600_000);
  });

  it('rejects windows that validation rejects', () => {
    expect(() =>
      calendarPeriodAt(
        {
          duration: '1M',
          calendar: { startTime: '2024-01-01', timeZone: 'UTC' },
        },
        0,
      ),
    ).toThrow(RangeError);
  });
});
