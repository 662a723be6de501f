import fc from 'fast-check';
import {
  computeScore,
  levelOf,
  nextLevelOf,
  scoreLevelErrors,
  type ScoreCheckOutcomeInput,
} from './compute';
import {
  DEFAULT_SCORE_CHECKS,
  DEFAULT_SCORE_LEVELS,
  type ScoreCheckDefinition,
} from './model';

const check = (
  id: string,
  weight: number,
  category = 'operational-readiness',
): ScoreCheckDefinition => ({
  id,
  category,
  title: id,
  weight,
  description: `${id} description`,
  remediation: `fix ${id}`,
});

const outcome = (
  definition: ScoreCheckDefinition,
  credit: number | null,
  extra: Partial<ScoreCheckOutcomeInput> = {},
): ScoreCheckOutcomeInput => ({
  definition,
  credit,
  detail: 'measured',
  ...extra,
});

describe('the default checks', () => {
  it('weigh 100 in all, 40 / 25 / 35 by category, with unique ids', () => {
    const weights = (category?: string) =>
      DEFAULT_SCORE_CHECKS.filter(c => !category || c.category === category)
        .map(c => c.weight)
        .reduce((a, b) => a + b, 0);
    expect(weights()).toBe(100);
    expect(weights('service-level')).toBe(40);
    expect(weights('incident-response')).toBe(25);
    expect(weights('operational-readiness')).toBe(35);
    const ids = DEFAULT_SCORE_CHECKS.map(c => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(16);
  });

  it('give every check a remediation and every thresholded check a unit', () => {
    for (const c of DEFAULT_SCORE_CHECKS) {
      expect(c.remediation.length).toBeGreaterThan(20);
      expect(c.threshold === undefined).toBe(c.thresholdUnit === undefined);
    }
  });
});

describe('computeScore', () => {
  const a = check('a', 6);
  const b = check('b', 4);
  const c = check('c', 10, 'service-level');

  it('is the weighted mean of the credits, with points and gains per check', () => {
    const { score, checks, categories } = computeScore([
      outcome(a, 1),
      outcome(b, 0.5),
      outcome(c, 0),
    ]);
    // (6 x 1 + 4 x 0.5 + 10 x 0) / 20 = 0.4
    expect(score).toBe(40);
    expect(checks.map(x => [x.id, x.status, x.points, x.gain])).toEqual([
      ['a', 'met', 30, 0],
      ['b', 'partial', 10, 10],
      ['c', 'not-met', 0, 50],
    ]);
    expect(categories).toEqual([
      {
        id: 'operational-readiness',
        title: 'Operational readiness',
        score: 80,
        weight: 10,
      },
      { id: 'service-level', title: 'Service level', score: 0, weight: 10 },
    ]);
  });

  it('gives the remediation only to checks not fully met', () => {
    const { checks } = computeScore([outcome(a, 1), outcome(b, 0.25)]);
    expect(checks[0].remediation).toBeUndefined();
    expect(checks[1].remediation).toBe('fix b');
  });

  it("prefers the outcome's own remediation, and says which check blocks one", () => {
    const { checks } = computeScore([
      outcome(check('a', 1), 0),
      outcome(check('b', 1), 0, {
        remediation: 'do a first',
        blockedBy: 'a',
      }),
      outcome(check('c', 1), 1, { remediation: 'unused', blockedBy: 'a' }),
    ]);
    expect(checks[0]).toMatchObject({ remediation: 'fix a' });
    expect(checks[0].blockedBy).toBeUndefined();
    expect(checks[1]).toMatchObject({
      remediation: 'do a first',
      blockedBy: 'a',
    });
    // A met check needs nothing done.
    expect(checks[2].remediation).toBeUndefined();
    expect(checks[2].blockedBy).toBeUndefined();
  });

  it('leaves exempt and not-applicable checks out of both sums', () => {
    const exemption = {
      check: 'c',
      reason: 'static site',
      author: 'user:default/alice',
      expiresAt: '2027-01-01T00:00:00.000Z',
      source: 'api' as const,
      active: true,
    };
    const { score, checks } = computeScore([
      outcome(a, 1),
      outcome(b, null),
      outcome(c, 0, { status: 'exempt', exemption }),
    ]);
    expect(score).toBe(100);
    expect(checks[1]).toMatchObject({
      status: 'not-applicable',
      credit: null,
      points: 0,
    });
    expect(checks[2]).toMatchObject({
      status: 'exempt',
      credit: null,
      exemption,
    });
    expect(checks[2].remediation).toBeUndefined();
  });

  it('counts a check that failed to run as not met', () => {
    const { score, checks } = computeScore([
      outcome(a, 1),
      outcome(b, 1, { status: 'error' }),
    ]);
    expect(score).toBe(60);
    expect(checks[1]).toMatchObject({
      status: 'error',
      credit: 0,
      remediation: 'fix b',
    });
  });

  it('is null when no check applies, and ignores checks of weight 0', () => {
    expect(computeScore([outcome(a, null)]).score).toBeNull();
    const { score, checks } = computeScore([
      outcome(a, 1),
      outcome(check('z', 0), 0),
    ]);
    expect(score).toBe(100);
    expect(checks.map(x => x.id)).toEqual(['a']);
  });

  it('clamps credits to [0, 1] and rounds to one decimal', () => {
    expect(computeScore([outcome(a, 2), outcome(b, -1)]).score).toBe(60);
    // 1/3 of 100
    expect(
      computeScore([
        outcome(a, 1),
        outcome(check('d', 6), 0),
        outcome(check('e', 6), 0),
      ]).score,
    ).toBe(33.3);
  });

  it('always lies in [0, 100] and points add up to the score', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            weight: fc.integer({ min: 1, max: 20 }),
            credit: fc.option(fc.double({ min: 0, max: 1, noNaN: true })),
          }),
          { minLength: 1, maxLength: 16 },
        ),
        items => {
          const result = computeScore(
            items.map((item, i) =>
              outcome(check(`c${i}`, item.weight), item.credit),
            ),
          );
          const allLeftOut = items.every(i => i.credit === null);
          expect(result.score === null).toBe(allLeftOut);
          const score = result.score ?? 0;
          expect(score).toBeGreaterThanOrEqual(0);
          expect(score).toBeLessThanOrEqual(100);
          const points = result.checks.reduce((s, x) => s + x.points, 0);
          expect(Math.abs(points - score)).toBeLessThanOrEqual(
            0.05 * result.checks.length + 0.05,
          );
        },
      ),
    );
  });
});

describe('levels', () => {
  const levels = DEFAULT_SCORE_LEVELS;

  it.each([
    [0, 'crawl'],
    [49.9, 'crawl'],
    [50, 'walk'],
    [79.9, 'walk'],
    [80, 'run'],
    [100, 'run'],
  ])('score %d is %s', (score, level) => {
    expect(levelOf(score, levels)?.id).toBe(level);
  });

  it('has no level without a score', () => {
    expect(levelOf(null, levels)).toBeNull();
    expect(nextLevelOf(null, levels)).toBeNull();
  });

  it('names the next level and the points missing', () => {
    expect(nextLevelOf(42.5, levels)).toEqual({
      id: 'walk',
      title: 'Walk',
      threshold: 50,
      pointsNeeded: 7.5,
    });
    expect(nextLevelOf(50, levels)?.id).toBe('run');
    expect(nextLevelOf(80, levels)).toBeNull();
  });

  it('validates configured levels', () => {
    expect(scoreLevelErrors(levels)).toEqual([]);
    expect(scoreLevelErrors([])).toEqual(['must list at least one level']);
    expect(
      scoreLevelErrors([
        { id: 'low', title: 'Low', threshold: 10 },
        { id: 'High', title: 'High', threshold: 5 },
        { id: 'top', title: 'Top', threshold: 120 },
      ]),
    ).toEqual([
      'the first level (low) must have threshold 0, so that every score has a level',
      '[1].id: "High" must be lower-case letters, digits and "-"',
      '[1].threshold: must be higher than the threshold of low (10)',
      '[2].threshold: must be a number from 0 to 100',
    ]);
  });
});
