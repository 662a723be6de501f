/**
 * The score arithmetic: weighted mean of credits, levels and what the next level needs.
 */
import type {
  ScoreCategoryResult,
  ScoreCheckDefinition,
  ScoreCheckResult,
  ScoreCheckStatus,
  ScoreLevelDefinition,
} from './model';
import { SCORE_CATEGORY_TITLES } from './model';

/** A check's outcome before it is weighed: credit in [0, 1], or null when left out. @public */
export interface ScoreCheckOutcomeInput {
  definition: ScoreCheckDefinition;
  credit: number | null;
  /** Set when the check failed to run (no credit) or an exemption applies (left out). */
  status?: Extract<ScoreCheckStatus, 'error' | 'exempt' | 'not-applicable'>;
  detail: string;
  /** What to do in this entity's situation, instead of the definition's remediation. */
  remediation?: string;
  /** The check that has to be met before this one can be. */
  blockedBy?: string;
  exemption?: ScoreCheckResult['exemption'];
}

/** A weighed score: 0-100 with one decimal, per category and per check. @public */
export interface ComputedScore {
  /** Null when no check applies (every check exempt or not applicable). */
  score: number | null;
  categories: ScoreCategoryResult[];
  checks: ScoreCheckResult[];
}

/** Rounds to one decimal, the precision scores are stored and compared at. */
function roundScore(value: number): number {
  return Math.round(value * 10) / 10;
}

/** `met` at full credit, `not-met` at none, `partial` in between. */
function creditStatus(credit: number): ScoreCheckStatus {
  if (credit >= 1) return 'met';
  if (credit <= 0) return 'not-met';
  return 'partial';
}

/** The credit an outcome counts with: 0 when it failed, null when left out, else clamped. */
function weighedCredit(o: ScoreCheckOutcomeInput): number | null {
  if (o.status === 'error') return 0;
  if (o.credit === null || o.status === 'exempt') return null;
  return Math.min(1, Math.max(0, o.credit));
}

/**
 * Weighs check outcomes into a score: `100 × Σ(weight × credit) / Σ weight` over the checks
 * whose credit is not null (exempt and not-applicable checks are left out of both sums; a
 * check that failed to run counts with credit 0). Each check gets its points (its share of
 * the score) and its gain (what full credit would add); each category its own weighted mean.
 * Credits are clamped to [0, 1]; checks of weight 0 are left out.
 * @public
 */
export function computeScore(
  outcomes: ReadonlyArray<ScoreCheckOutcomeInput>,
): ComputedScore {
  const weighed = outcomes
    .filter(o => o.definition.weight > 0)
    .map(o => ({ ...o, credit: weighedCredit(o) }));
  const totalWeight = weighed.reduce(
    (sum, o) => sum + (o.credit === null ? 0 : o.definition.weight),
    0,
  );
  const earned = weighed.reduce(
    (sum, o) => sum + (o.credit === null ? 0 : o.definition.weight * o.credit),
    0,
  );
  const score =
    totalWeight > 0 ? roundScore((100 * earned) / totalWeight) : null;

  const checks: ScoreCheckResult[] = weighed.map(o => {
    const { definition: d, credit } = o;
    const share = totalWeight > 0 ? (100 * d.weight) / totalWeight : 0;
    let status: ScoreCheckStatus = 'not-applicable';
    if (o.status === 'exempt' || o.status === 'error') status = o.status;
    else if (credit !== null) status = creditStatus(credit);
    const result: ScoreCheckResult = {
      id: d.id,
      category: d.category,
      title: d.title,
      weight: d.weight,
      ...(d.threshold === undefined
        ? {}
        : { threshold: d.threshold, thresholdUnit: d.thresholdUnit }),
      status,
      credit,
      points: credit === null ? 0 : roundScore(share * credit),
      gain: credit === null ? 0 : roundScore(share * (1 - credit)),
      detail: o.detail,
    };
    if (status === 'partial' || status === 'not-met' || status === 'error') {
      result.remediation = o.remediation ?? d.remediation;
      if (o.blockedBy) result.blockedBy = o.blockedBy;
    }
    if (o.exemption) result.exemption = o.exemption;
    return result;
  });

  const categoryIds = [...new Set(weighed.map(o => o.definition.category))];
  const categories = categoryIds.map(id => {
    const inCategory = weighed.filter(
      o => o.definition.category === id && o.credit !== null,
    );
    const weight = inCategory.reduce((s, o) => s + o.definition.weight, 0);
    const sum = inCategory.reduce(
      (s, o) => s + o.definition.weight * (o.credit ?? 0),
      0,
    );
    return {
      id,
      title: SCORE_CATEGORY_TITLES[id] ?? id,
      score: weight > 0 ? roundScore((100 * sum) / weight) : null,
      weight,
    };
  });

  return { score, categories, checks };
}

/**
 * Problems of a list of levels, as messages: ids must be unique lower-case words, thresholds
 * rise strictly from 0 and stay within 0-100. Empty when the list is valid.
 * @public
 */
export function scoreLevelErrors(
  levels: ReadonlyArray<ScoreLevelDefinition>,
): string[] {
  const errors: string[] = [];
  if (levels.length === 0) {
    errors.push('must list at least one level');
    return errors;
  }
  if (levels[0].threshold !== 0) {
    errors.push(
      `the first level (${levels[0].id}) must have threshold 0, so that every score has a level`,
    );
  }
  const seen = new Set<string>();
  levels.forEach((level, i) => {
    if (!/^[a-z0-9][a-z0-9-]{0,31}$/.test(level.id)) {
      errors.push(
        `[${i}].id: "${level.id}" must be lower-case letters, digits and "-"`,
      );
    }
    if (seen.has(level.id)) {
      errors.push(`[${i}].id: "${level.id}" is listed twice`);
    }
    seen.add(level.id);
    if (
      !Number.isFinite(level.threshold) ||
      level.threshold < 0 ||
      level.threshold > 100
    ) {
      errors.push(`[${i}].threshold: must be a number from 0 to 100`);
    } else if (i > 0 && level.threshold <= levels[i - 1].threshold) {
      errors.push(
        `[${i}].threshold: must be higher than the threshold of ${
          levels[i - 1].id
        } (${levels[i - 1].threshold})`,
      );
    }
  });
  return errors;
}

/**
 * The level of a score: the last level whose threshold the score reaches (levels in rising
 * order of threshold). A score exactly at a threshold reaches it: 50 is `walk` by default,
 * 49.9 is `crawl`. Null for a null score.
 * @public
 */
export function levelOf(
  score: number | null,
  levels: ReadonlyArray<ScoreLevelDefinition>,
): ScoreLevelDefinition | null {
  if (score === null) return null;
  let reached: ScoreLevelDefinition | null = null;
  for (const level of levels) {
    if (score >= level.threshold) reached = level;
  }
  return reached ?? levels[0] ?? null;
}

/** The level after the score's level, and the points missing to reach it. @public */
export function nextLevelOf(
  score: number | null,
  levels: ReadonlyArray<ScoreLevelDefinition>,
): {
  id: string;
  title: string;
  threshold: number;
  pointsNeeded: number;
} | null {
  if (score === null) return null;
  const next = levels.find(level => level.threshold > score);
  if (!next) return null;
  return {
    id: next.id,
    title: next.title,
    threshold: next.threshold,
    pointsNeeded: roundScore(next.threshold - score),
  };
}
