/***/
/**
 * The demo backend module for the operability plugin.
 *
 * @packageDocumentation
 */

export { operabilityModuleDemo as default } from './module';
