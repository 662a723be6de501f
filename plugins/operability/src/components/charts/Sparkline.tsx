import { useTheme } from '@material-ui/core/styles';
import { Line, LineChart, YAxis } from 'recharts';
import type { ChartPoint } from '../../lib/series';
import { formatPercent } from '../../lib/format';

/** A small line of a series (budget remaining in percent), described for screen readers. */
export function Sparkline(props: {
  points: ChartPoint[];
  label: string;
  width?: number;
  height?: number;
  /** How values are said (default: percent, the budget). */
  format?: (v: number) => string;
}) {
  const theme = useTheme();
  const { points } = props;
  if (points.length < 2) return null;
  const first = points[0].v;
  const last = points[points.length - 1].v;
  const format = props.format ?? ((v: number) => formatPercent(v / 100, 1));
  const description = `${props.label}: from ${format(first)} to ${format(
    last,
  )}`;
  return (
    <div role="img" aria-label={description} title={description}>
      <LineChart
        width={props.width ?? 120}
        height={props.height ?? 32}
        data={points}
        margin={{ top: 2, right: 2, bottom: 2, left: 2 }}
      >
        <YAxis hide domain={['dataMin', 'dataMax']} />
        <Line
          type="monotone"
          dataKey="v"
          dot={false}
          isAnimationActive={false}
          stroke={
            last <= 0 ? theme.palette.error.main : theme.palette.primary.main
          }
          strokeWidth={1.5}
        />
      </LineChart>
    </div>
  );
}
