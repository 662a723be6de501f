/***/
/**
 * The pagerduty backend module for the operability plugin.
 *
 * @packageDocumentation
 */

export { operabilityModulePagerduty as default } from './module';
