import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { formatBurnRate } from '../../lib/format';
import {
  burnRateAxis,
  chartPoints,
  describeSeries,
  thresholdLines,
  timeTick,
  timeTicks,
} from '../../lib/series';
import { TimeChart } from '../charts/TimeChart';
import type { SloChartProps } from './types';

/**
 * The burn rate of an SLO over the chosen window, with the thresholds of the alerts that use
 * that window and the incidents shaded.
 */
export function BurnRateChart(
  props: SloChartProps & {
    /** The burn-rate windows to choose from, and the one chosen. */
    windows: string[];
    window: string;
    onWindowChange: (window: string) => void;
  },
) {
  const { slo, title, bounds, windows, window: burnWindow } = props;
  const points = chartPoints(props.series.burnRate);
  const lines = thresholdLines(slo.target, slo.period, burnWindow);
  const axis = burnRateAxis(points, lines);
  return (
    <>
      <Box display="flex" alignItems="center" style={{ gap: 16 }}>
        <Typography variant="subtitle2" component="h3">
          Burn rate
        </Typography>
        <TextField
          select
          size="small"
          label="Burn-rate window"
          style={{ minWidth: 150 }}
          value={burnWindow}
          onChange={e => props.onWindowChange(e.target.value)}
          inputProps={{ 'aria-label': `Burn-rate window of ${title}` }}
        >
          {windows.map(w => (
            <MenuItem key={w} value={w}>
              {w}
            </MenuItem>
          ))}
        </TextField>
      </Box>
      <TimeChart
        points={points}
        domain={[bounds.fromMs, bounds.toMs]}
        yDomain={[0, axis.max]}
        yFormat={v => formatBurnRate(v)}
        xFormat={timeTick(props.range)}
        xTicks={timeTicks(props.range, bounds.fromMs, bounds.toMs)}
        seriesName={`Burn rate (${burnWindow})`}
        spans={props.spans}
        lines={lines.map(line => ({
          y: line.burnRate,
          label: line.label,
          tone: line.severity === 'page' ? 'error' : 'warning',
        }))}
        description={`${describeSeries(
          `Burn rate over ${burnWindow} of ${title}`,
          points,
          formatBurnRate,
        )}. Alerts: ${
          lines.length > 0
            ? lines.map(l => l.label).join(', ')
            : `none use the ${burnWindow} window`
        }.`}
      />
      {axis.clipped && (
        <Typography variant="caption" color="textSecondary" component="p">
          The scale is cut at {formatBurnRate(axis.max)} so that the thresholds
          stay readable: the burn rate peaked at {formatBurnRate(axis.peak)}.
        </Typography>
      )}
      <Typography variant="caption" color="textSecondary">
        {lines.length > 0
          ? `Dashed lines: the burn rates at which the alerts that use the ${burnWindow} window fire.`
          : `No alert uses the ${burnWindow} window; choose ${windows
              .filter(w => thresholdLines(slo.target, slo.period, w).length)
              .join(', ')} to see alert thresholds.`}
      </Typography>
    </>
  );
}
