import type {
  SloSeriesResponse,
  SloSummary,
} from '@airworthy/plugin-operability-common';
import type { IncidentSpan } from '../../lib/incidents';
import type { RangeBounds, SeriesRange } from '../../lib/series';

/** What each chart of an SLO panel draws: the SLO, its series over the range, the incidents. */
export interface SloChartProps {
  slo: SloSummary;
  /** The SLO's name for people. */
  title: string;
  series: SloSeriesResponse;
  range: SeriesRange;
  bounds: RangeBounds;
  spans: IncidentSpan[];
}
