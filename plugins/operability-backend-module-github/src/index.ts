/***/
/**
 * The github backend module for the operability plugin.
 *
 * @packageDocumentation
 */

export { operabilityModuleGithub as default } from './module';
