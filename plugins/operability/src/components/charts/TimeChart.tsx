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
  /** Where the label sits: above the line at the right (default) or below it at the left. */
  labelPosition?: 'insideTopRight' | 'insideBottomLeft';
}

/** A horizontal band shaded across the chart (the overspent region of a budget). */
export interface HorizontalBand {
  y1: number;
  y2: number;
  label: string;
  tone: 'error' | 'warning';
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
  /** Explicit ticks of the value axis (round values); recharts picks them otherwise. */
  yTicks?: number[];
  /** Explicit ticks of the time axis (each label once). */
  xTicks?: number[];
  bands?: HorizontalBand[];
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
  // Wide enough for the longest tick label (about 7 px a character at 12 px).
  const yWidth = Math.max(
    48,
    12 +
      7 *
        Math.max(
          ...(props.yTicks ?? [props.yDomain[0], props.yDomain[1]]).map(v =>
            typeof v === 'number' ? props.yFormat(v).length : 4,
          ),
        ),
  );
  return (
    <div ref={ref} role="img" aria-label={props.description}>
      <ComposedChart
        width={width > 0 ? width : FALLBACK_WIDTH}
        height={props.height ?? 220}
        margin={{
          top: props.nowMs === undefined ? 8 : 20,
          right: 16,
          bottom: 0,
          left: 0,
        }}
      >
        <CartesianGrid stroke={theme.palette.divider} strokeDasharray="3 3" />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={props.domain}
          allowDataOverflow
          ticks={props.xTicks}
          tickFormatter={props.xFormat}
          tick={axisTick}
          stroke={theme.palette.divider}
        />
        <YAxis
          domain={props.yDomain}
          allowDataOverflow
          ticks={props.yTicks}
          interval={props.yTicks ? 0 : undefined}
          tickFormatter={props.yFormat}
          tick={axisTick}
          stroke={theme.palette.divider}
          width={yWidth}
        />
        {(props.bands ?? []).map(band => (
          <ReferenceArea
            key={band.label}
            y1={band.y1}
            y2={band.y2}
            fill={toneColor(band.tone)}
            fillOpacity={0.08}
            stroke="none"
            ifOverflow="hidden"
            label={{
              value: band.label,
              position: 'insideBottomRight',
              fill: toneColor(band.tone),
              fontSize: 11,
            }}
          />
        ))}
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
            ifOverflow={props.yTicks ? 'hidden' : 'extendDomain'}
            label={{
              value: line.label,
              position: line.labelPosition ?? 'insideTopRight',
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
              // Above the plot, where no line label sits.
              position: 'top',
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
