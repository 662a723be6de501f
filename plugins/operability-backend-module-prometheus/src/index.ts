/***/
/**
 * The prometheus backend module for the operability plugin.
 *
 * @packageDocumentation
 */

export { operabilityModulePrometheus as default } from './module';
