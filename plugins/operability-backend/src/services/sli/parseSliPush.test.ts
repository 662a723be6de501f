import { sliPushRequestSchema } from '@airworthy/plugin-operability-common';
import fc from 'fast-check';
import {
  canonicalUtcInstant,
  fastSliPushBody,
  parseSliPushBody,
  schemaSliPushBody,
} from './parseSliPush';

const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Date-times shaped like toISOString's, with fields that may be out of range. */
const dateTimeText = fc
  .record({
    year: fc.integer({ min: 0, max: 2400 }),
    month: fc.integer({ min: 0, max: 13 }),
    day: fc.integer({ min: 0, max: 32 }),
    hour: fc.integer({ min: 0, max: 25 }),
    minute: fc.integer({ min: 0, max: 61 }),
    second: fc.integer({ min: 0, max: 61 }),
    ms: fc.option(fc.integer({ min: 0, max: 999 })),
    zone: fc.constantFrom('Z', 'Z', 'Z', '+00:00', '+02:00', 'z', ''),
  })
  .map(
    f =>
      `${pad(f.year, 4)}-${pad(f.month, 2)}-${pad(f.day, 2)}T${pad(
        f.hour,
        2,
      )}:${pad(f.minute, 2)}:${pad(f.second, 2)}${
        f.ms === null ? '' : `.${pad(f.ms, 3)}`
      }${f.zone}`,
  );

const count = fc.oneof(
  fc.integer({ min: -2, max: 2_000_000_000 }),
  fc.double(),
  fc.constantFrom(0, 1, 1_000_000_000, 1_000_000_001, -0),
);

const bucket = fc.oneof(
  fc.record({ start: dateTimeText, good: count, total: count }),
  fc.record({
    start: fc.oneof(dateTimeText, fc.string(), fc.integer()),
    good: fc.oneof(count, fc.string()),
    total: count,
    extra: fc.anything(),
  }),
  fc.record({ start: dateTimeText, good: count }),
  fc.anything(),
);

/** A parser's verdict on a body: its buckets with epoch-ms starts, or its message. */
function verdict(parse: (body: unknown) => unknown, body: unknown) {
  try {
    return { buckets: parse(body) };
  } catch (error) {
    return { message: (error as Error).message };
  }
}

describe('parseSliPushBody', () => {
  it('reads canonical UTC date-times exactly as Date.parse does, and only valid ones', () => {
    fc.assert(
      fc.property(dateTimeText, text => {
        const schema = sliPushRequestSchema.safeParse({
          buckets: [{ start: text, good: 0, total: 0 }],
        });
        // The fast path takes the canonical form whenever the schema takes it, and only then.
        const canonical = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/.test(
          text,
        );
        expect(canonicalUtcInstant(text)).toBe(
          canonical && schema.success ? Date.parse(text) : undefined,
        );
      }),
      { numRuns: 20_000 },
    );
  });

  it('accepts exactly what the schema accepts, with the same buckets, and refuses with its messages', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.record({ buckets: fc.array(bucket, { maxLength: 4 }) }),
          fc.record({
            buckets: fc.array(bucket, { maxLength: 2 }),
            other: fc.anything(),
          }),
          fc.anything(),
        ),
        body => {
          const fast = fastSliPushBody(body);
          const schema = verdict(schemaSliPushBody, body);
          // What the fast path takes, the schema takes the same.
          expect(fast === undefined ? schema : { buckets: fast }).toEqual(
            schema,
          );
          expect(verdict(parseSliPushBody, body)).toEqual(schema);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('takes a body of canonical buckets without the schema', () => {
    const body = {
      buckets: [
        { start: '2026-11-25T10:00:00Z', good: 5, total: 10 },
        { start: '2026-11-25T10:01:00.000Z', good: 0, total: 0 },
        { start: '2024-02-29T23:59:00Z', good: 1_000_000_000, total: 1e9 },
      ],
    };
    expect(fastSliPushBody(body)).toEqual([
      { start: Date.UTC(2026, 10, 25, 10), good: 5, total: 10 },
      { start: Date.UTC(2026, 10, 25, 10, 1), good: 0, total: 0 },
      { start: Date.UTC(2024, 1, 29, 23, 59), good: 1e9, total: 1e9 },
    ]);
  });

  it.each([
    ['an offset', '2026-11-25T11:00:00+01:00', Date.UTC(2026, 10, 25, 10)],
    ['microseconds', '2026-11-25T10:00:00.000000Z', Date.UTC(2026, 10, 25, 10)],
  ])(
    'leaves a start with %s to the schema, which accepts it',
    (_, start, ms) => {
      const body = { buckets: [{ start, good: 1, total: 2 }] };
      expect(fastSliPushBody(body)).toBeUndefined();
      expect(parseSliPushBody(body)).toEqual([
        { start: ms, good: 1, total: 2 },
      ]);
    },
  );

  it.each([
    [
      'a 29 February of a year that is not a leap year',
      { start: '2100-02-29T00:00:00Z', good: 1, total: 1 },
      /^Invalid request body: body\.buckets\.0\.start: must be an ISO 8601 date-time/,
    ],
    [
      'an instant outside the API range',
      { start: '1999-12-31T23:59:00Z', good: 1, total: 1 },
      /^Invalid request body: body\.buckets\.0\.start: must be from 2000-01-01T00:00:00\.000Z/,
    ],
    [
      'good above total',
      { start: '2026-11-25T10:00:00Z', good: 2, total: 1 },
      /^Invalid request body: body\.buckets\.0\.good: good must not exceed total$/,
    ],
    [
      'an unknown field',
      { start: '2026-11-25T10:00:00Z', good: 1, total: 1, bad: 0 },
      /^Invalid request body: body\.buckets\.0: Unrecognized key/,
    ],
  ])('refuses %s with the schema message', (_, b, message) => {
    expect(() => parseSliPushBody({ buckets: [b] })).toThrow(message);
  });
});
