import type {
  EntityIncidentsResponse,
  SloSummary,
} from '@airworthy/plugin-operability-common';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useMemo, useState } from 'react';
import { operabilityApiRef } from '../../api';
import { useAsyncContent } from '../../hooks/useAsyncContent';
import {
  formatBudgetLeft,
  formatPercent,
  formatTarget,
  plural,
} from '../../lib/format';
import { incidentSpans } from '../../lib/incidents';
import {
  burnRateWindows,
  DEFAULT_BURN_RATE_WINDOW,
  describeForecast,
  type RangeBounds,
  type SeriesRange,
} from '../../lib/series';
import { SloStatusChip } from '../common';
import { BudgetChart } from './BudgetChart';
import { BurnRateChart } from './BurnRateChart';
import { IncidentRows } from './IncidentRows';
import type { SloChartProps } from './types';

/** One SLO over the range: budget burn-down and forecast, burn rate and alert lines, incidents. */
export function SloPanel(props: {
  slo: SloSummary;
  range: SeriesRange;
  bounds: RangeBounds;
  incidents: EntityIncidentsResponse | undefined;
}) {
  const { slo, range, bounds } = props;
  const api = useApi(operabilityApiRef);
  const title = slo.displayName ?? slo.name;
  const windows = useMemo(() => burnRateWindows(slo.period), [slo.period]);
  const [chosenWindow, setChosenWindow] = useState<string | undefined>();
  const defaultWindow = windows.includes(DEFAULT_BURN_RATE_WINDOW[range])
    ? DEFAULT_BURN_RATE_WINDOW[range]
    : windows[windows.length - 1];
  const burnWindow = chosenWindow ?? defaultWindow;

  const series = useAsyncContent(
    () =>
      api.getSloSeries(slo.id, {
        from: bounds.from,
        to: bounds.to,
        window: burnWindow,
      }),
    [api, slo.id, bounds.from, bounds.to, burnWindow],
  );

  const spans = useMemo(
    () =>
      incidentSpans(
        props.incidents?.items ?? [],
        { from: bounds.fromMs, to: bounds.toMs },
        { sloId: slo.id, nowMs: bounds.toMs },
      ),
    [props.incidents, bounds, slo.id],
  );

  return (
    <InfoCard
      title={
        <Box display="flex" alignItems="center" style={{ gap: 8 }}>
          <SloStatusChip status={slo.status} />
          <span>{title}</span>
        </Box>
      }
      subheader={`${formatTarget(slo.target)} over ${slo.period}${
        slo.budget
          ? ` · ${
              slo.budget.remaining > 0
                ? `${formatPercent(slo.budget.remaining, 1)} of the budget left`
                : formatBudgetLeft(slo.budget.remaining)
            }`
          : ''
      }`}
    >
      <Box component="section" aria-label={title}>
        {slo.budget && (
          <Typography variant="body2" gutterBottom>
            {describeForecast(slo.budget)}
          </Typography>
        )}
        {series.render(
          value => {
            // What both charts draw.
            const chart: SloChartProps = {
              slo,
              title,
              series: value,
              range,
              bounds,
              spans,
            };
            return (
              <Grid container spacing={2}>
                <Grid item xs={12} lg={6}>
                  <BudgetChart {...chart} />
                </Grid>
                <Grid item xs={12} lg={6}>
                  <BurnRateChart
                    {...chart}
                    windows={windows}
                    window={burnWindow}
                    onWindowChange={setChosenWindow}
                  />
                </Grid>
              </Grid>
            );
          },
          // While another window loads, the charts of the last stay under the progress bar.
          { layout: 'stack' },
        )}
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3" gutterBottom>
            Incidents ({plural(spans.length, 'incident')}, shaded in the charts)
          </Typography>
          <IncidentRows spans={spans} sloTitle={`the budget of ${title}`} />
        </Box>
      </Box>
    </InfoCard>
  );
}
