/**
 * The demo backend module for the operability plugin.
 *
 * @packageDocumentation
 */

export { operabilityModuleDemo as default } from './module';
export {
  DemoMetricsExporter,
  type DemoMetricsExporterOptions,
  writeDemoOpenMetrics,
  DEMO_METRICS,
  type DemoMetric,
  type DemoOpenMetricsOptions,
  type DemoOpenMetricsStats,
} from './openmetrics';
export { DemoSliSource } from './DemoSliSource';
export { readDemoSlos } from './exampleSlos';
