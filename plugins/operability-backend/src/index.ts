/**
 * The operability backend plugin.
 *
 * @packageDocumentation
 */

export { operabilityPlugin as default } from './plugin';
