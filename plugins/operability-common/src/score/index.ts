export {
  type ComputedScore,
  computeScore,
  levelOf,
  nextLevelOf,
  type ScoreCheckOutcomeInput,
  scoreLevelErrors,
} from './compute';
export {
  type AnnotationExemption,
  parseExemptionsAnnotation,
} from './exemptions';
export {
  DEFAULT_SCORE_CHECKS,
  DEFAULT_SCORE_LEVELS,
  type EntityScoreFacts,
  type ScoreCategoryResult,
  type ScoreCheckDefinition,
  type ScoreCheckResult,
  type ScoreCheckStatus,
  type ScoreExemption,
  type ScoreExemptionSource,
  type ScoreLevelDefinition,
  type ScoreThresholdUnit,
} from './model';
