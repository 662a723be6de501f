import type { SloIndicator, SloMetricSource } from './model';

/**
 * The metric sources of an indicator, in the order good, bad, total (ratio), raw, or the
 * threshold metric: what a collector queries.
 * @public
 */
export function metricSourcesOf(indicator: SloIndicator): SloMetricSource[] {
  switch (indicator.type) {
    case 'threshold':
      return [indicator.metric];
    case 'raw':
      return [indicator.raw];
    default:
      return [indicator.good, indicator.bad, indicator.total].filter(
        (source): source is SloMetricSource => source !== undefined,
      );
  }
}
