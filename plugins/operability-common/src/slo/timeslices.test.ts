import fc from 'fast-check';
import { evaluateBudget, tidyNumber } from './math';
import { evaluateTimeslices, meetsThreshold } from './timeslices';
import { TIME } from '../time';

const { MINUTE, DAY } = TIME;

describe('Timeslices', () => {
  it('two weeks of 1-minute slices: 20160 slices, 5% of them is 1008 slices = 16h 48m', () => {
    const report = evaluateTimeslices({
      method: 'Timeslices',
      target: 0.95,
      timeSliceTarget: 0.99,
      periodMs: 14 * DAY,
      sliceMs: MINUTE,
      slices: [],
    });
    expect(report.slicesInPeriod).toBe(20160);
    expect(tidyNumber(report.budgetSlices)).toBe(1008);
    expect(tidyNumber(report.budgetMinutes)).toBe(1008);
    expect(report.remaining).toBe(1);
    expect(report.sli).toBeNull();
    expect(report.timeToExhaustionMs).toBeNull();
  });

  it('counts slices below timeSliceTarget as bad, and slices without data as neither', () => {
    const slices = [
      ...Array.from({ length: 90 }, () => ({ good: 100, total: 100 })),
      ...Array.from({ length: 10 }, () => ({ good: 98, total: 100 })), // 98% < 99%: bad
      { good: 0, total: 0 }, // no data
    ];
    const report = evaluateTimeslices({
      method: 'Timeslices',
      target: 0.95,
      timeSliceTarget: 0.99,
      periodMs: 14 * DAY,
      sliceMs: MINUTE,
      slices,
    });
    expect(report.slicesObserved).toBe(100);
    expect(report.goodSlices).toBe(90);
    expect(report.badSlices).toBe(10);
    expect(report.sli).toBe(0.9);
    // 10 of 1008 allowed bad slices.
    expect(tidyNumber(report.consumed)).toBe(tidyNumber(10 / 1008));
    expect(tidyNumber(report.burnRate!)).toBe(2);
  });

  it('a slice exactly at timeSliceTarget is good', () => {
    const report = evaluateTimeslices({
      method: 'Timeslices',
      target: 0.9,
      timeSliceTarget: 0.99,
      periodMs: DAY,
      sliceMs: MINUTE,
      slices: [{ good: 99, total: 100 }],
    });
    expect(report.badSlices).toBe(0);
  });

  it('requires timeSliceTarget', () => {
    expect(() =>
      evaluateTimeslices({
        method: 'Timeslices',
        target: 0.9,
        periodMs: DAY,
        sliceMs: MINUTE,
        slices: [],
      }),
    ).toThrow(/timeSliceTarget/);
  });

  it('compares threshold values with op', () => {
    expect(meetsThreshold(0.4, 'lte', 0.5)).toBe(true);
    expect(meetsThreshold(0.5, 'lte', 0.5)).toBe(true);
    expect(meetsThreshold(0.5, 'lt', 0.5)).toBe(false);
    expect(meetsThreshold(0.6, 'gt', 0.5)).toBe(true);
    expect(meetsThreshold(0.5, 'gte', 0.5)).toBe(true);
    expect(meetsThreshold(0.4, 'gte', 0.5)).toBe(false);
  });
});

describe('RatioTimeslices', () => {
  it('averages slice ratios: a quiet failing slice weighs as much as a busy one', () => {
    const report = evaluateTimeslices({
      method: 'RatioTimeslices',
      target: 0.99,
      periodMs: 28 * DAY,
      sliceMs: 5 * MINUTE,
      slices: [
        { good: 0, total: 1 },
        { good: 10_000, total: 10_000 },
      ],
    });
    expect(report.sli).toBe(0.5);
    expect(report.badSlices).toBe(1);
    expect(report.slicesInPeriod).toBe(8064);
    expect(tidyNumber(report.budgetSlices)).toBe(80.64);
  });
});

describe('properties', () => {
  const slice = fc
    .tuple(fc.nat({ max: 1000 }), fc.nat({ max: 1000 }))
    .map(([a, b]) => ({ good: Math.min(a, b), total: Math.max(a, b) }));
  const target = fc.integer({ min: 1, max: 999 }).map(n => n / 1000);

  it('adding slices never gives budget back', () => {
    fc.assert(
      fc.property(
        fc.array(slice, { maxLength: 50 }),
        fc.array(slice, { maxLength: 50 }),
        target,
        fc.constantFrom('Timeslices' as const, 'RatioTimeslices' as const),
        (before, after, t, method) => {
          const input = {
            method,
            target: t,
            timeSliceTarget: 0.95,
            periodMs: DAY,
            sliceMs: MINUTE,
          };
          const first = evaluateTimeslices({ ...input, slices: before });
          const second = evaluateTimeslices({
            ...input,
            slices: [...before, ...after],
          });
          expect(second.remaining).toBeLessThanOrEqual(first.remaining + 1e-12);
        },
      ),
    );
  });

  it('with equal traffic in every slice, RatioTimeslices equals Occurrences over a full period', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 100 }), { minLength: 1, maxLength: 48 }),
        target,
        (goods, t) => {
          const slices = goods.map(good => ({ good, total: 100 }));
          const periodMs = slices.length * 30 * MINUTE;
          const ratio = evaluateTimeslices({
            method: 'RatioTimeslices',
            target: t,
            periodMs,
            sliceMs: 30 * MINUTE,
            slices,
          });
          const occurrences = evaluateBudget({
            target: t,
            periodMs,
            counts: {
              good: goods.reduce((a, b) => a + b, 0),
              total: 100 * goods.length,
            },
          });
          expect(ratio.sli).toBeCloseTo(occurrences.sli!, 9);
          expect(ratio.remaining).toBeCloseTo(occurrences.remaining, 6);
        },
      ),
    );
  });

  it('Timeslices: consumed is bad slices over (1 - target) x slices in the period', () => {
    fc.assert(
      fc.property(fc.array(slice, { maxLength: 100 }), target, (slices, t) => {
        const report = evaluateTimeslices({
          method: 'Timeslices',
          target: t,
          timeSliceTarget: 0.9,
          periodMs: DAY,
          sliceMs: MINUTE,
          slices,
        });
        const bad = slices.filter(
          s => s.total > 0 && s.good / s.total < 0.9,
        ).length;
        expect(report.badSlices).toBe(bad);
        expect(report.consumed).toBeCloseTo(bad / ((1 - t) * 1440), 9);
      }),
    );
  });
});
