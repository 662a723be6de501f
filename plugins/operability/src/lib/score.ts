/**
 * The score card's data shaping: checks by category, what to do next first, and the words
 * said about the score. Pure functions, no DOM.
 */
import type {
  EntityScoreResponse,
  NextStep,
  ScoreCheckResult,
  ScoreCheckStatus,
} from '@airworthy/plugin-operability-common';
import { formatNumber } from './format';
import { formatScore, formatTrend } from './portfolio';

/** The tone a check's status is shown in. */
export const CHECK_STATUS_TONE: Record<
  ScoreCheckStatus,
  'success' | 'warning' | 'error' | 'neutral' | 'info'
> = {
  met: 'success',
  partial: 'warning',
  'not-met': 'error',
  error: 'error',
  exempt: 'info',
  'not-applicable': 'neutral',
};

/** The checks of one category, the ones worth most points to fix first. */
export interface CheckGroup {
  id: string;
  title: string;
  score: number | null;
  checks: ScoreCheckResult[];
}

const STATUS_ORDER: ScoreCheckStatus[] = [
  'error',
  'not-met',
  'partial',
  'met',
  'exempt',
  'not-applicable',
];

/**
 * The checks grouped by category (in the response's category order); within a category,
 * what can still be gained first (by points), then met, exempt and not applicable checks.
 */
export function checkGroups(score: EntityScoreResponse): CheckGroup[] {
  return score.categories.map(category => ({
    id: category.id,
    title: category.title,
    score: category.score,
    checks: score.checks
      .filter(check => check.category === category.id)
      .sort(
        (a, b) =>
          STATUS_ORDER.indexOf(a.status) - STATUS_ORDER.indexOf(b.status) ||
          b.gain - a.gain,
      ),
  }));
}

/** `+10 points, and up to +30 with SLI data flowing, Error budget remaining` */
export function describeStepGain(step: NextStep): string {
  if (step.unblocks.length === 0) return describeGain(step);
  const more = step.unblocks.reduce((sum, c) => sum + c.gain, 0);
  return `${describeGain(step)}, then up to +${formatNumber(
    more,
    1,
  )} more from ${step.unblocks.map(c => c.title).join(', ')}`;
}

/** `72.5 / 100 · Walk · 7.5 points to Run` */
export function describeScore(score: EntityScoreResponse): string {
  if (score.score === null) return 'No check applies to this entity yet.';
  const parts = [`${formatScore(score.score)} / 100`];
  if (score.level) parts.push(score.level.title);
  if (score.nextLevel) {
    parts.push(
      `${formatNumber(score.nextLevel.pointsNeeded, 1)} points to ${
        score.nextLevel.title
      }`,
    );
  }
  return parts.join(' · ');
}

/** `+3.2 over 28 days`, `no snapshot 90 days old yet`. */
export function describeTrend(trend: {
  days: number;
  delta: number | null;
}): string {
  return trend.delta === null
    ? `no score ${trend.days} days old yet`
    : `${formatTrend(trend.delta)} over ${trend.days} days`;
}

/** `+10 points` for a check's gain. */
export function describeGain(check: ScoreCheckResult): string {
  return `+${formatNumber(check.gain, 1)} ${
    check.gain === 1 ? 'point' : 'points'
  }`;
}
