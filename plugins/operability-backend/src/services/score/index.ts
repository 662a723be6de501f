/*
 * Operability scores: the scorer (checks over each entity's SLOs, incidents and readiness,
 * levels, daily snapshots and history), the default checks, exemptions, the portfolio of
 * every scored entity, and public badges.
 */
export { hasPublicBadge, renderScoreBadge } from './Badges';
export { Exemptions } from './Exemptions';
export { OperabilityScorer } from './OperabilityScorer';
export { Portfolio, type PortfolioSettings } from './Portfolio';
export { ScoreContextFactory } from './ScoreContext';
export { createDefaultScoreChecks } from './scoreChecks';
