import {
  instantRangeProblem,
  isValidSliCounts,
  sliPushRequestSchema,
  type SliPushRequest,
} from '@airworthy/plugin-operability-common';
import { parseInput } from '../../lib/validation';
import type { SliBucket } from '../../database/sli/SliStore';

const ZERO = 48;

/** The number written by the ASCII digits of `s` from `at` to `at + length`, or -1. */
function digits(s: string, at: number, length: number): number {
  let value = 0;
  for (let i = at; i < at + length; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) {
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    return leap ? 29 : 28;
  }
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Epoch ms of a UTC date-time written the way `Date.prototype.toISOString` writes it
 * (`2026-11-25T10:00:00Z` or `2026-11-25T10:00:00.000Z`) and inside the API's range of
 * instants, or undefined for anything else, which the schema then judges.
 */
export function canonicalUtcInstant(s: string): number | undefined {
  if (s.length !== 20 && s.length !== 24) return undefined;
  if (
    s.charCodeAt(4) !== 45 || // -
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 || // T
    s.charCodeAt(13) !== 58 || // :
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(s.length - 1) !== 90 // Z
  ) {
    return undefined;
  }
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 2);
  const day = digits(s, 8, 2);
  const hour = digits(s, 11, 2);
  const minute = digits(s, 14, 2);
  const second = digits(s, 17, 2);
  let ms = 0;
  if (s.length === 24) {
    if (s.charCodeAt(19) !== 46) return undefined; // .
    ms = digits(s, 20, 3);
  }
  if (
    year < 0 ||
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour < 0 ||
    hour > 23 ||
    minute < 0 ||
    minute > 59 ||
    second < 0 ||
    second > 59 ||
    ms < 0
  ) {
    return undefined;
  }
  const t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  return instantRangeProblem(t) === undefined ? t : undefined;
}

/**
 * The buckets of a `POST /slos/{id}/sli` body, their starts as epoch ms. A body holds up to
 * 10,000 buckets, and checking them with the schema (sliPushRequestSchema) took a third of
 * the ingest path's CPU: a body whose every bucket is an object of exactly `start`, `good`
 * and `total`, with canonical UTC starts and valid counts, is taken as it is; any other
 * body is judged by the schema itself, so a refused body gets the schema's messages and a
 * body the schema accepts in another form (time zone offsets, other fractions of a second)
 * is still accepted. A test holds the fast path to the schema.
 */
export function parseSliPushBody(body: unknown): SliBucket[] {
  return fastSliPushBody(body) ?? schemaSliPushBody(body);
}

/** The schema's reading of a push body; InputError with its messages. */
export function schemaSliPushBody(body: unknown): SliBucket[] {
  return bucketsOfPush(parseInput(sliPushRequestSchema, body, 'body'));
}

/** The buckets of a push the schema accepted, their starts as epoch ms. */
export function bucketsOfPush(request: SliPushRequest): SliBucket[] {
  return request.buckets.map(b => ({
    start: Date.parse(b.start),
    good: b.good,
    total: b.total,
  }));
}

/** The fast path of parseSliPushBody: the buckets, or undefined to ask the schema. */
export function fastSliPushBody(body: unknown): SliBucket[] | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return undefined;
  }
  const input = (body as { buckets?: unknown }).buckets;
  if (
    Object.keys(body).length !== 1 ||
    !Array.isArray(input) ||
    input.length === 0
  ) {
    return undefined;
  }
  const buckets: SliBucket[] = new Array(input.length);
  for (let i = 0; i < input.length; i++) {
    const b = input[i];
    if (typeof b !== 'object' || b === null || Array.isArray(b)) {
      return undefined;
    }
    const { start, good, total } = b as Record<string, unknown>;
    if (
      Object.keys(b).length !== 3 ||
      typeof start !== 'string' ||
      !isValidSliCounts(good, total)
    ) {
      return undefined;
    }
    const t = canonicalUtcInstant(start);
    if (t === undefined) return undefined;
    buckets[i] = { start: t, good: good as number, total: total as number };
  }
  return buckets;
}
