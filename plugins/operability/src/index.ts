export { operabilityPlugin, OperabilityPage } from './plugin';
