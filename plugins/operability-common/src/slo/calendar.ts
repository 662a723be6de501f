import { DURATION_UNIT_MS, parseDuration } from './duration';

/** `YYYY-MM-DD HH:mm:ss`, the OpenSLO form of a calendar window's start. */
const START_TIME = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/** Wall-clock fields of a local date and time (month 1-12). */
interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/**
 * Whether a string is an IANA time zone name the runtime knows (`Europe/Berlin`, `UTC`).
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (!timeZone) return false;
  try {
    // eslint-disable-next-line no-new
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Parses `YYYY-MM-DD HH:mm:ss` into wall-clock fields; undefined when the text has another
 * form or names a date that does not exist (2023-02-30, 24:00:00).
 */
function parseWallClock(text: string): WallClock | undefined {
  const match = START_TIME.exec(text);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number);
  const probe = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    probe.getUTCFullYear() !== year ||
    probe.getUTCMonth() !== month - 1 ||
    probe.getUTCDate() !== day ||
    probe.getUTCHours() !== hour ||
    probe.getUTCMinutes() !== minute ||
    probe.getUTCSeconds() !== second
  ) {
    return undefined;
  }
  return { year, month, day, hour, minute, second };
}

/**
 * Whether a string is a calendar start time as OpenSLO writes it: `YYYY-MM-DD HH:mm:ss`,
 * 24-hour clock, no time zone, a date that exists.
 */
export function isValidCalendarStartTime(text: string): boolean {
  return parseWallClock(text) !== undefined;
}

/** Offset of a time zone from UTC at an instant, in milliseconds (local minus UTC). */
function zoneOffsetMs(instantMs: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instantMs));
  const field = (type: string) =>
    Number(parts.find(part => part.type === type)?.value);
  const asUtc = Date.UTC(
    field('year'),
    field('month') - 1,
    field('day'),
    field('hour'),
    field('minute'),
    field('second'),
  );
  return asUtc - Math.floor(instantMs / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time in a time zone. A time skipped by a daylight-saving
 * change resolves to the instant after the gap; a repeated time to its first occurrence.
 */
function wallClockToInstant(clock: WallClock, timeZone: string): number {
  const asUtc = Date.UTC(
    clock.year,
    clock.month - 1,
    clock.day,
    clock.hour,
    clock.minute,
    clock.second,
  );
  const first = asUtc - zoneOffsetMs(asUtc, timeZone);
  const second = asUtc - zoneOffsetMs(first, timeZone);
  if (first === second) return first;
  // The offset changed between the guesses: pick the earliest candidate that maps back.
  return Math.min(first, second);
}

function addToWallClock(
  clock: WallClock,
  count: number,
  unit: 'd' | 'w' | 'M' | 'Q' | 'Y',
): WallClock {
  if (unit === 'd' || unit === 'w') {
    const days = unit === 'w' ? count * 7 : count;
    const date = new Date(
      Date.UTC(clock.year, clock.month - 1, clock.day + days),
    );
    return {
      ...clock,
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
    };
  }
  const months = count * { M: 1, Q: 3, Y: 12 }[unit];
  const index = clock.year * 12 + (clock.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { ...clock, year, month, day: Math.min(clock.day, lastDay) };
}

/** A calendar-aligned period as two instants (epoch milliseconds, end exclusive). @public */
export interface CalendarPeriod {
  startMs: number;
  endMs: number;
}

/**
 * The calendar-aligned period that contains an instant. Periods start at `startTime` (local
 * wall-clock time in `timeZone`) and repeat every `duration`: minutes and hours as fixed lengths,
 * days and weeks by the local calendar (a day in which clocks change is 23 or 25 hours long),
 * months, quarters and years by the local calendar (a period that starts on the 31st starts on
 * the last day of shorter months). Instants before `startTime` belong to earlier periods.
 * Throws a RangeError for a duration, start time or time zone that validation would reject.
 * @public
 */
export function calendarPeriodAt(
  window: {
    duration: string;
    calendar: { startTime: string; timeZone: string };
  },
  instantMs: number,
): CalendarPeriod {
  const parsed = parseDuration(window.duration);
  const anchor = parseWallClock(window.calendar.startTime);
  if (!parsed || !anchor || !isValidTimeZone(window.calendar.timeZone)) {
    throw new RangeError(
      `not a valid calendar window: ${JSON.stringify(window)}`,
    );
  }
  const { count, unit } = parsed;
  const timeZone = window.calendar.timeZone;
  const anchorMs = wallClockToInstant(anchor, timeZone);
  const startOf = (index: number): number =>
    unit === 'm' || unit === 'h'
      ? anchorMs + index * count * DURATION_UNIT_MS[unit]
      : wallClockToInstant(
          addToWallClock(anchor, index * count, unit),
          timeZone,
        );
  let index = Math.floor((instantMs - anchorMs) / parsed.ms);
  while (startOf(index) > instantMs) index -= 1;
  while (startOf(index + 1) <= instantMs) index += 1;
  return { startMs: startOf(index), endMs: startOf(index + 1) };
}
