import {
  type EntityScoreResponse,
  nextSteps,
  type ScoreCheckResult,
} from '@airworthy/plugin-operability-common';
import {
  checkGroups,
  describeGain,
  describeScore,
  describeTrend,
  describeStepGain,
} from './score';

function check(
  id: string,
  category: string,
  status: ScoreCheckResult['status'],
  gain: number,
): ScoreCheckResult {
  return {
    id,
    category,
    title: id,
    weight: 10,
    status,
    credit: status === 'met' ? 1 : 0,
    points: 10 - gain,
    gain,
    detail: '',
  };
}

const score = {
  entityRef: 'component:default/jupyterhub',
  score: 62.5,
  level: { id: 'walk', title: 'Walk', threshold: 50 },
  nextLevel: { id: 'run', title: 'Run', threshold: 75, pointsNeeded: 12.5 },
  computedAt: '2026-11-25T12:00:00Z',
  categories: [
    { id: 'service-level', title: 'Service level', score: 50, weight: 40 },
    {
      id: 'incident-response',
      title: 'Incident response',
      score: 75,
      weight: 30,
    },
  ],
  checks: [
    check('slo-defined', 'service-level', 'met', 0),
    check('sli-data', 'service-level', 'partial', 4),
    check('budget', 'service-level', 'not-met', 10),
    check('mtta', 'incident-response', 'not-applicable', 0),
    check('runbook', 'incident-response', 'exempt', 0),
    check('post-mortems', 'incident-response', 'not-met', 7.5),
  ],
  exemptions: [],
  exemptionErrors: [],
  facts: {} as EntityScoreResponse['facts'],
  trends: [],
} as EntityScoreResponse;

describe('score shaping', () => {
  it('groups checks by category, what can be gained first', () => {
    expect(
      checkGroups(score).map(g => [g.title, g.checks.map(c => c.id)]),
    ).toEqual([
      ['Service level', ['budget', 'sli-data', 'slo-defined']],
      ['Incident response', ['post-mortems', 'runbook', 'mtta']],
    ]);
  });

  it('names the checks that would raise the score most', () => {
    expect(nextSteps(score, 2).map(c => c.id)).toEqual([
      'budget',
      'post-mortems',
    ]);
    expect(describeGain(score.checks[2])).toBe('+10 points');
  });

  it('folds the checks blocked by an unmet check into that one, never claiming their state', () => {
    const blocked = (id: string, gain: number): ScoreCheckResult => ({
      ...check(id, 'service-level', 'not-met', gain),
      remediation: 'Define an SLO first',
      blockedBy: 'slo-defined',
    });
    const seldon = {
      ...score,
      checks: [
        check('slo-defined', 'service-level', 'not-met', 10),
        blocked('error-budget', 10),
        blocked('sli-data', 8),
        check('runbook', 'operational-readiness', 'not-met', 6),
      ],
    };
    const steps = nextSteps(seldon);
    expect(steps.map(s => s.id)).toEqual(['slo-defined', 'runbook']);
    expect(steps[0].unblocks.map(c => c.id)).toEqual([
      'error-budget',
      'sli-data',
    ]);
    expect(describeStepGain(steps[0])).toBe(
      '+10 points, then up to +18 more from error-budget, sli-data',
    );
    // Once the blocking check is met, the others are steps of their own.
    const met = {
      ...seldon,
      checks: [
        check('slo-defined', 'service-level', 'met', 0),
        ...seldon.checks.slice(1),
      ],
    };
    expect(nextSteps(met).map(s => s.id)).toEqual([
      'error-budget',
      'sli-data',
      'runbook',
    ]);
  });

  it('says the score, level and distance to the next level', () => {
    expect(describeScore(score)).toBe('62.5 / 100 · Walk · 12.5 points to Run');
    expect(describeScore({ ...score, nextLevel: null })).toBe(
      '62.5 / 100 · Walk',
    );
    expect(describeScore({ ...score, score: null })).toBe(
      'No check applies to this entity yet.',
    );
    expect(describeTrend({ days: 28, delta: 3.21 })).toBe('+3.2 over 28 days');
    expect(describeTrend({ days: 90, delta: null })).toBe(
      'no score 90 days old yet',
    );
  });
});
