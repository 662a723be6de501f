export { EntityOperabilityScoreCard } from './EntityOperabilityScoreCard';
