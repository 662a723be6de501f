export { operabilityPlugin as default } from './plugin';
