import { useTheme } from '@material-ui/core/styles';
import type { ReactNode } from 'react';
import useMeasure from 'react-use/esm/useMeasure';
import {
  CartesianGrid,
  ComposedChart,
  Line,
  ReferenceArea,
  ReferenceLine,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { IncidentSpan } from '../../lib/incidents';
import type { ChartPoint } from '../../lib/series';

/** Used until the container is measured (and in jsdom, which does not lay out). */
const FALLBACK_WIDTH = 720;

/** A horizontal line drawn across a time chart (an alert threshold, the zero of a budget). */
export interface HorizontalLine {
  y: number;
  label: string;
  tone: 'error' | 'warning' | 'neutral';
}

/**
 * A line chart over time in the theme's colors, with incidents shaded and horizontal lines;
 * `description` is what screen readers get (the chart itself is an image to them).
 */
export function TimeChart(props: {
  points: ChartPoint[];
  /** Drawn dashed after the points (a forecast). */
  dashed?: ChartPoint[];
  domain: [number, number];
  yDomain: [number | 'auto', number | 'auto'];
  yFormat: (v: number) => string;
  xFormat: (t: number) => string;
  seriesName: string;
  spans?: IncidentSpan[];
  lines?: HorizontalLine[];
  nowMs?: number;
  description: string;
  height?: number;
  children?: ReactNode;
}) {
  const theme = useTheme();
  const [ref, { width }] = useMeasure<HTMLDivElement>();
  const toneColor = (tone: HorizontalLine['tone']) => {
    if (tone === 'error') return theme.palette.error.main;
    if (tone === 'warning') return theme.palette.warning.main;
    return theme.palette.text.secondary;
  };
  const axisTick = { fill: theme.palette.text.secondary, fontSize: 12 };
  return (
    <div ref={ref} role="img" aria-label={props.description}>
      <ComposedChart
        width={width > 0 ? width : FALLBACK_WIDTH}
        height={props.height ?? 220}
        margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
      >
        <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={props.domain}
          allowDataOverflow
          tickFormatter={props.xFormat}
          tick={axisTick}
          stroke={theme.palette.divider}
        />
        <YAxis
          domain={props.yDomain}
          allowDataOverflow
          tickFormatter={props.yFormat}
          tick={axisTick}
          stroke={theme.palette.divider}
          width={56}
        />
        {(props.spans ?? []).map(span => (
          <ReferenceArea
            key={span.id}
            x1={span.x1}
            x2={Math.max(span.x2, span.x1 + 1)}
            fill={theme.palette.error.main}
            fillOpacity={0.15}
            stroke={theme.palette.error.main}
            strokeOpacity={0.4}
            ifOverflow="hidden"
          />
        ))}
        {(props.lines ?? []).map(line => (
          <ReferenceLine
            key={line.label}
            y={line.y}
            stroke={toneColor(line.tone)}
            strokeDasharray="6 3"
            ifOverflow="extendDomain"
            label={{
              value: line.label,
              position: 'insideTopRight',
              fill: toneColor(line.tone),
              fontSize: 11,
            }}
          />
        ))}
        {props.nowMs !== undefined && (
          <ReferenceLine
            x={props.nowMs}
            stroke={theme.palette.text.secondary}
            label={{
              value: 'now',
              position: 'insideTopLeft',
              fill: theme.palette.text.secondary,
              fontSize: 11,
            }}
          />
        )}
        <Tooltip
          labelFormatter={label =>
            typeof label === 'number' ? props.xFormat(label) : String(label)
          }
          formatter={(value, name) => [
            typeof value === 'number' ? props.yFormat(value) : String(value),
            name,
          ]}
          contentStyle={{
            background: theme.palette.background.paper,
            borderColor: theme.palette.divider,
            color: theme.palette.text.primary,
          }}
        />
        <Line
          data={props.points}
          dataKey="v"
          name={props.seriesName}
          type="monotone"
          dot={false}
          isAnimationActive={false}
          stroke={theme.palette.primary.main}
          strokeWidth={2}
        />
        {props.dashed && props.dashed.length > 1 && (
          <Line
            data={props.dashed}
            dataKey="v"
            name="Forecast"
            type="linear"
            dot={false}
            isAnimationActive={false}
            stroke={theme.palette.text.secondary}
            strokeDasharray="4 4"
            strokeWidth={2}
          />
        )}
        {props.children}
      </ComposedChart>
    </div>
  );
}
