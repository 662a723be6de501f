/**
 * The alertmanager backend module for the operability plugin.
 *
 * @packageDocumentation
 */

export { operabilityModuleAlertmanager as default } from './module';
