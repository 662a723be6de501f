import type { PortfolioResponse } from '@airworthy/plugin-operability-common';
import { useTheme } from '@material-ui/core/styles';
import useMeasure from 'react-use/esm/useMeasure';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { formatPercent } from '../../lib/format';
import { levelDistribution } from '../../lib/portfolio';

/** The portfolio's entities by level, as bars, described in words for screen readers. */
export function LevelChart(props: { response: PortfolioResponse }) {
  const theme = useTheme();
  const [ref, { width }] = useMeasure<HTMLDivElement>();
  const bars = levelDistribution(props.response.summary, props.response.levels);
  const description = `Entities by level: ${bars
    .map(b => `${b.title} ${b.count} (${formatPercent(b.share, 1)})`)
    .join(', ')}`;
  return (
    <div ref={ref} role="img" aria-label={description}>
      <BarChart
        width={width > 0 ? width : 480}
        height={200}
        data={bars}
        margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
      >
        <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
        <XAxis
          dataKey="title"
          tick={{ fill: theme.palette.text.secondary, fontSize: 12 }}
          stroke={theme.palette.divider}
        />
        <YAxis
          allowDecimals={false}
          tick={{ fill: theme.palette.text.secondary, fontSize: 12 }}
          stroke={theme.palette.divider}
          width={48}
        />
        <Tooltip
          cursor={{ fill: theme.palette.action.hover }}
          contentStyle={{
            background: theme.palette.background.paper,
            borderColor: theme.palette.divider,
            color: theme.palette.text.primary,
          }}
        />
        <Bar
          dataKey="count"
          name="Entities"
          fill={theme.palette.primary.main}
          isAnimationActive={false}
        />
      </BarChart>
    </div>
  );
}
