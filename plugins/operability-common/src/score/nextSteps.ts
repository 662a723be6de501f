import type { ScoreCheckResult } from './model';

/**
 * A next step: a check to meet, and the checks it unblocks (with their points).
 * @public
 */
export interface NextStep extends ScoreCheckResult {
  /** Checks that wait for this one (their `blockedBy`), whose points it opens the way to. */
  unblocks: ScoreCheckResult[];
}

/**
 * What would raise a score most, at most `max` steps, largest gain first: the advice the
 * score card shows and the `get-operability-score` action returns. A check blocked by
 * another one that is not met yet (the SLO checks of an entity without an SLO) is not a step
 * of its own: it is folded into the check that blocks it, whose gain then counts its points.
 * @public
 */
export function nextSteps(
  score: { checks: ReadonlyArray<ScoreCheckResult> },
  max = 3,
): NextStep[] {
  const open = score.checks.filter(
    check => check.gain > 0 && check.status !== 'exempt',
  );
  const ids = new Set(open.map(c => c.id));
  const blockedBy = (check: ScoreCheckResult) =>
    check.blockedBy && ids.has(check.blockedBy) ? check.blockedBy : undefined;
  const total = (step: NextStep) =>
    step.gain + step.unblocks.reduce((sum, c) => sum + c.gain, 0);
  return open
    .filter(check => !blockedBy(check))
    .map(check => ({
      ...check,
      unblocks: open.filter(c => blockedBy(c) === check.id),
    }))
    .sort((a, b) => total(b) - total(a))
    .slice(0, max);
}
