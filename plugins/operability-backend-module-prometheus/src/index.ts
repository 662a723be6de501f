/**
 * Collects SLI data for the operability plugin from Prometheus.
 *
 * @packageDocumentation
 */

export { operabilityModulePrometheus as default } from './module';
