import fc from 'fast-check';
import {
  burnRate,
  errorBudget,
  errorRatio,
  evaluateBudget,
  overspentBudgets,
  percentToRatio,
  sliValue,
  sumCounts,
  tidyNumber,
  timeToExhaustion,
} from './math';
import { TIME } from '../time';

const { DAY } = TIME;

describe('worked numbers', () => {
  it('99.9% over 30 days is 43.2 minutes of budget', () => {
    const report = evaluateBudget({
      target: 0.999,
      periodMs: 30 * DAY,
      counts: { good: 1, total: 1 },
    });
    expect(report.errorBudget).toBe(0.001);
    expect(tidyNumber(report.budgetMinutes)).toBe(43.2);
  });

  it('95% over two weeks is 1008 minutes (16h 48m)', () => {
    const report = evaluateBudget({
      target: 0.95,
      periodMs: 14 * DAY,
      counts: { good: 0, total: 0 },
    });
    expect(tidyNumber(report.budgetMinutes)).toBe(1008);
  });

  it('a full period with half the budget spent', () => {
    const report = evaluateBudget({
      target: 0.999,
      periodMs: 30 * DAY,
      counts: { good: 999_500, total: 1_000_000 },
    });
    expect(report.sli).toBe(0.9995);
    expect(report.errorRatio).toBe(0.0005);
    expect(tidyNumber(report.burnRate!)).toBe(0.5);
    expect(tidyNumber(report.budgetEvents)).toBe(1000);
    expect(report.consumedEvents).toBe(500);
    expect(tidyNumber(report.consumed)).toBe(0.5);
    expect(tidyNumber(report.remaining)).toBe(0.5);
    expect(tidyNumber(report.remainingEvents)).toBe(500);
    expect(tidyNumber(report.remainingMinutes)).toBe(21.6);
    // Half the budget left, burning at half the sustainable rate: 30 more days.
    expect(tidyNumber(report.timeToExhaustionMs!)).toBe(30 * DAY);
  });

  it('12 days into a 30-day period, the budget is that of the whole period', () => {
    const report = evaluateBudget({
      target: 0.999,
      periodMs: 30 * DAY,
      elapsedMs: 12 * DAY,
      counts: { good: 999_500, total: 1_000_000 },
    });
    // 1,000,000 events in 12 days is 2,500,000 in 30: a budget of 2,500 bad events.
    expect(tidyNumber(report.budgetEvents)).toBe(2500);
    expect(tidyNumber(report.consumed)).toBe(0.2);
    expect(tidyNumber(report.remaining)).toBe(0.8);
    expect(tidyNumber(report.burnRate!)).toBe(0.5);
    // 80% left at burn rate 0.5: 0.8 x 30 d / 0.5 = 48 days.
    expect(tidyNumber(report.timeToExhaustionMs!)).toBe(48 * DAY);
  });

  it('in a calendar window, budget is never regained before the period resets', () => {
    const early = evaluateBudget({
      target: 0.99,
      periodMs: 30 * DAY,
      elapsedMs: 3 * DAY,
      counts: { good: 9_900, total: 10_000 },
    });
    expect(tidyNumber(early.remaining)).toBe(0.9);
    // Traffic then grows tenfold without errors: counted alone, the same 100 bad events would
    // look like less of a (larger) budget...
    const later = {
      target: 0.99,
      periodMs: 30 * DAY,
      elapsedMs: 6 * DAY,
      counts: { good: 109_900, total: 110_000 },
    };
    expect(evaluateBudget(later).remaining).toBeGreaterThan(0.9);
    // ...but what was spent stays spent.
    const report = evaluateBudget({
      ...later,
      previousRemaining: early.remaining,
    });
    expect(report.remaining).toBe(early.remaining);
    expect(tidyNumber(report.consumed)).toBe(0.1);
  });

  it('answers null, not zero, without data', () => {
    const report = evaluateBudget({
      target: 0.99,
      periodMs: 28 * DAY,
      counts: { good: 0, total: 0 },
    });
    expect(report.sli).toBeNull();
    expect(report.errorRatio).toBeNull();
    expect(report.burnRate).toBeNull();
    expect(report.consumed).toBe(0);
    expect(report.remaining).toBe(1);
    expect(report.timeToExhaustionMs).toBeNull();
  });

  it('time to exhaustion is 0 once the budget is spent and uses the current burn rate', () => {
    const spent = evaluateBudget({
      target: 0.99,
      periodMs: 28 * DAY,
      counts: { good: 97, total: 100 },
    });
    expect(tidyNumber(spent.remaining)).toBe(-2);
    expect(spent.timeToExhaustionMs).toBe(0);
    const fast = evaluateBudget({
      target: 0.99,
      periodMs: 28 * DAY,
      counts: { good: 9_950, total: 10_000 },
      currentBurnRate: 14,
    });
    // 50% left at burn rate 14: 0.5 x 28 d / 14 = 1 day.
    expect(tidyNumber(fast.timeToExhaustionMs!)).toBe(DAY);
  });

  it('computes budgets in decimal', () => {
    expect(errorBudget(0.999)).toBe(0.001);
    expect(errorBudget(0.98)).toBe(0.02);
    expect(errorBudget(0.9995)).toBe(0.0005);
    expect(errorBudget(0)).toBe(1);
    expect(percentToRatio(99.95)).toBe(0.9995);
    expect(percentToRatio(99.9)).toBe(0.999);
    expect(percentToRatio(98)).toBe(0.98);
  });

  it('counts the budgets an overspent budget has used, once it is more than one', () => {
    // -2.5 left: 3.5 budgets spent.
    expect(overspentBudgets(-2.5)).toBe(3.5);
    expect(overspentBudgets(-0.2)).toBeCloseTo(1.2, 12);
    // Spent about once: "exhausted" says it all.
    expect(overspentBudgets(0)).toBeNull();
    expect(overspentBudgets(-0.004)).toBeNull();
    // Still lasting, or no number.
    expect(overspentBudgets(0.3)).toBeNull();
    expect(overspentBudgets(Number.NaN)).toBeNull();
  });
});

describe('properties', () => {
  const target = fc.integer({ min: 1, max: 99_999 }).map(n => n / 100_000); // (0, 1) with up to 5 decimals
  const counts = fc
    .tuple(fc.nat({ max: 1e9 }), fc.nat({ max: 1e9 }))
    .map(([a, b]) => ({ good: Math.min(a, b), total: Math.max(a, b) }));

  it('the error budget is 1 - target, printed with no more decimals than the target', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999_999 }), n => {
        const t = n / 1_000_000;
        const budget = errorBudget(t);
        expect(Math.abs(budget - (1 - t))).toBeLessThan(1e-15);
        expect((String(budget).split('.')[1] ?? '').length).toBeLessThanOrEqual(
          6,
        );
      }),
    );
  });

  it('burn rate x error budget is the error ratio; SLI + error ratio is 1', () => {
    fc.assert(
      fc.property(counts, target, (c, t) => {
        fc.pre(c.total > 0);
        expect(burnRate(c, t)! * errorBudget(t)).toBeCloseTo(errorRatio(c)!, 9);
        expect(sliValue(c)! + errorRatio(c)!).toBeCloseTo(1, 12);
      }),
    );
  });

  it('without events there is no ratio and no burn rate', () => {
    fc.assert(
      fc.property(target, t => {
        expect(errorRatio({ good: 0, total: 0 })).toBeNull();
        expect(burnRate({ good: 0, total: 0 }, t)).toBeNull();
      }),
    );
  });

  it('over a full period, consumed budget is the burn rate and remaining is 1 - consumed', () => {
    fc.assert(
      fc.property(counts, target, (c, t) => {
        fc.pre(c.total > 0);
        const report = evaluateBudget({
          target: t,
          periodMs: 30 * DAY,
          counts: c,
        });
        expect(report.consumed + report.remaining).toBeCloseTo(1, 9);
        expect(report.consumed).toBeCloseTo(report.burnRate!, 6);
      }),
    );
  });

  it('budget remains exactly when the SLI meets the target', () => {
    fc.assert(
      fc.property(counts, target, (c, t) => {
        fc.pre(c.total > 0 && Math.abs(c.good / c.total - t) > 1e-9);
        const report = evaluateBudget({
          target: t,
          periodMs: 30 * DAY,
          counts: c,
        });
        expect(report.remaining > 0).toBe(report.sli! > t);
      }),
    );
  });

  it('part of a period consumes burn rate x elapsed / period', () => {
    fc.assert(
      fc.property(
        counts,
        target,
        fc.integer({ min: 1, max: 30 }),
        (c, t, days) => {
          fc.pre(c.total > 0);
          const report = evaluateBudget({
            target: t,
            periodMs: 30 * DAY,
            elapsedMs: days * DAY,
            counts: c,
          });
          expect(report.consumed).toBeCloseTo(
            (report.burnRate! * days) / 30,
            6,
          );
        },
      ),
    );
  });

  it('with a previous value, the remaining budget never grows', () => {
    fc.assert(
      fc.property(
        counts,
        target,
        fc.double({ min: -5, max: 1, noNaN: true }),
        (c, t, previous) => {
          const report = evaluateBudget({
            target: t,
            periodMs: 30 * DAY,
            elapsedMs: 10 * DAY,
            counts: c,
            previousRemaining: previous,
          });
          expect(report.remaining).toBeLessThanOrEqual(previous);
        },
      ),
    );
  });

  it('combining windows sums counts: the result lies between the parts, weighted by traffic', () => {
    fc.assert(
      fc.property(
        fc.array(counts, { minLength: 1, maxLength: 20 }),
        buckets => {
          const withData = buckets.filter(b => b.total > 0);
          fc.pre(withData.length > 0);
          const combined = errorRatio(sumCounts(buckets))!;
          const ratios = withData.map(b => errorRatio(b)!);
          expect(combined).toBeGreaterThanOrEqual(Math.min(...ratios) - 1e-12);
          expect(combined).toBeLessThanOrEqual(Math.max(...ratios) + 1e-12);
          const bad = buckets.reduce((sum, b) => sum + b.total - b.good, 0);
          const total = buckets.reduce((sum, b) => sum + b.total, 0);
          expect(combined).toBeCloseTo(bad / total, 12);
        },
      ),
    );
  });

  it('time to exhaustion shrinks as the burn rate grows', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.001, max: 1, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (remaining, a, b) => {
          // Burn rates one rounding apart give the same time; a real difference must shrink it.
          fc.pre(b > a * (1 + 1e-9));
          expect(timeToExhaustion(remaining, a, 30 * DAY)!).toBeGreaterThan(
            timeToExhaustion(remaining, b, 30 * DAY)!,
          );
        },
      ),
    );
  });

  it('averaging ratios is not the same as dividing sums (spiky traffic)', () => {
    // A quiet hour with 1 request that failed, and a busy hour with 10,000 that all succeeded.
    const quiet = { good: 0, total: 1 };
    const busy = { good: 10_000, total: 10_000 };
    const averaged = (errorRatio(quiet)! + errorRatio(busy)!) / 2;
    expect(averaged).toBe(0.5);
    expect(errorRatio(sumCounts([quiet, busy]))).toBeCloseTo(1 / 10_001, 12);
  });
});
