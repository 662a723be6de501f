/**
 * Incidents from GitHub issues for the Airworthy operability plugin.
 *
 * @packageDocumentation
 */

export { operabilityModuleGithub as default } from './module';
