export { EntityOperabilityContent } from './EntityOperabilityContent';
