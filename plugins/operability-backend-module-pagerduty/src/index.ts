/**
 * Incidents from PagerDuty v3 webhooks for the Airworthy operability plugin.
 *
 * @packageDocumentation
 */

export { operabilityModulePagerduty as default } from './module';
