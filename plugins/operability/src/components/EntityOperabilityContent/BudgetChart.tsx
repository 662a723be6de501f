import Typography from '@material-ui/core/Typography';
import {
  budgetAxis,
  budgetForecast,
  chartPoints,
  describeForecast,
  describeSeries,
  forecastHorizonMs,
  timeTick,
  timeTicks,
} from '../../lib/series';
import { TimeChart } from '../charts/TimeChart';
import type { SloChartProps } from './types';

const percent = (v: number) => `${Number(v.toFixed(1))}%`;

/**
 * The error budget remaining of an SLO over the range, with the forecast of its exhaustion
 * (dashed, past the end of the range) and the incidents shaded.
 */
export function BudgetChart(props: SloChartProps) {
  const { slo, title, range, bounds } = props;
  const domainEnd = bounds.toMs + forecastHorizonMs(range);
  const forecast = slo.budget
    ? budgetForecast(slo.budget, domainEnd)
    : undefined;
  const points = chartPoints(props.series.budgetRemaining, { percent: true });
  const lowest = Math.min(0, ...points.map(p => p.v));
  const axis = budgetAxis(lowest);
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        Error budget remaining
      </Typography>
      <TimeChart
        points={points}
        dashed={forecast?.line}
        domain={[bounds.fromMs, domainEnd]}
        yDomain={axis.domain}
        yTicks={axis.ticks}
        yFormat={percent}
        xFormat={timeTick(range)}
        xTicks={timeTicks(range, bounds.fromMs, domainEnd)}
        bands={
          axis.domain[0] < 0
            ? [
                {
                  y1: axis.domain[0],
                  y2: 0,
                  label: 'overspent',
                  tone: 'error',
                },
              ]
            : []
        }
        seriesName="Budget remaining"
        spans={props.spans}
        lines={[
          {
            y: 0,
            label: 'budget spent',
            tone: 'error',
            labelPosition: 'insideBottomLeft',
          },
        ]}
        nowMs={bounds.toMs}
        description={`${describeSeries(
          `Error budget remaining of ${title}`,
          points,
          percent,
        )}. ${slo.budget ? describeForecast(slo.budget) : ''}`}
      />
    </>
  );
}
