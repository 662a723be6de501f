import type {
  EntityIncidentsResponse,
  SloSummary,
} from '@airworthy/plugin-operability-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';
import { useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { operabilityApiRef } from '../../api';
import { useOptionalRouteRef } from '../../hooks/useOptionalRouteRef';
import {
  formatBurnRate,
  formatDuration,
  formatInstant,
  formatPercent,
  formatTarget,
  plural,
} from '../../lib/format';
import { incidentSpans, type IncidentSpan } from '../../lib/incidents';
import {
  budgetForecast,
  burnRateAxisMax,
  burnRateWindows,
  chartPoints,
  DEFAULT_BURN_RATE_WINDOW,
  describeForecast,
  describeSeries,
  forecastHorizonMs,
  rangeBounds,
  SERIES_RANGES,
  thresholdLines,
  timeTick,
  type SeriesRange,
} from '../../lib/series';
import { sloCreateRouteRef } from '../../routes';
import { TimeChart } from '../charts/TimeChart';
import { SeverityChip, SloFileErrors, SloStatusChip } from '../common';
import { SloEmptyState } from '../SloEmptyState';

/** The incidents fetched for the range: the API's largest page. */
const INCIDENT_LIMIT = 100;

const percent = (v: number) => `${Number(v.toFixed(1))}%`;

type Bounds = ReturnType<typeof rangeBounds>;

function IncidentRows(props: { spans: IncidentSpan[]; sloTitle: string }) {
  if (props.spans.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No incidents in this range.
      </Typography>
    );
  }
  return (
    <Table size="small" aria-label={`Incidents and ${props.sloTitle}`}>
      <TableHead>
        <TableRow>
          <TableCell>Incident</TableCell>
          <TableCell>Severity</TableCell>
          <TableCell>Started</TableCell>
          <TableCell align="right">Lasted</TableCell>
          <TableCell align="right">Budget it cost</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {props.spans.map(span => (
          <TableRow key={span.id}>
            {/* Untrusted text: rendered as text, never as markup. */}
            <TableCell>{span.title}</TableCell>
            <TableCell>
              <SeverityChip severity={span.severity} />
            </TableCell>
            <TableCell>{formatInstant(span.x1)}</TableCell>
            <TableCell align="right">
              {formatDuration(span.x2 - span.x1)}
              {span.open ? ' (open)' : ''}
            </TableCell>
            <TableCell align="right">
              {span.budgetShare === undefined
                ? 'not measured'
                : formatPercent(span.budgetShare, 1)}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

/** One SLO over the range: budget burn-down and forecast, burn rate and alert lines, incidents. */
function SloPanel(props: {
  slo: SloSummary;
  range: SeriesRange;
  bounds: Bounds;
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

  const series = useAsync(
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

  const domainEnd = bounds.toMs + forecastHorizonMs(range);
  const forecast = slo.budget
    ? budgetForecast(slo.budget, domainEnd)
    : undefined;
  const budgetPoints = series.value
    ? chartPoints(series.value.budgetRemaining, { percent: true })
    : [];
  const burnPoints = series.value ? chartPoints(series.value.burnRate) : [];
  const lines = thresholdLines(slo.target, slo.period, burnWindow);
  const xFormat = timeTick(range);
  const lowestBudget = Math.min(0, ...budgetPoints.map(p => p.v));

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
          ? ` · ${formatPercent(slo.budget.remaining, 1)} of the budget left`
          : ''
      }`}
    >
      <Box component="section" aria-label={title}>
        {slo.budget && (
          <Typography variant="body2" gutterBottom>
            {describeForecast(slo.budget)}
          </Typography>
        )}
        {series.loading && <Progress />}
        {series.error && <ResponseErrorPanel error={series.error} />}
        {series.value && (
          <Grid container spacing={2}>
            <Grid item xs={12} lg={6}>
              <Typography variant="subtitle2" component="h3">
                Error budget remaining
              </Typography>
              <TimeChart
                points={budgetPoints}
                dashed={forecast?.line}
                domain={[bounds.fromMs, domainEnd]}
                yDomain={[lowestBudget, 100]}
                yFormat={percent}
                xFormat={xFormat}
                seriesName="Budget remaining"
                spans={spans}
                lines={[{ y: 0, label: 'budget spent', tone: 'error' }]}
                nowMs={bounds.toMs}
                description={`${describeSeries(
                  `Error budget remaining of ${title}`,
                  budgetPoints,
                  percent,
                )}. ${slo.budget ? describeForecast(slo.budget) : ''}`}
              />
            </Grid>
            <Grid item xs={12} lg={6}>
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
                  onChange={e => setChosenWindow(e.target.value)}
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
                points={burnPoints}
                domain={[bounds.fromMs, bounds.toMs]}
                yDomain={[0, burnRateAxisMax(burnPoints, lines)]}
                yFormat={v => formatBurnRate(v)}
                xFormat={xFormat}
                seriesName={`Burn rate (${burnWindow})`}
                spans={spans}
                lines={lines.map(line => ({
                  y: line.burnRate,
                  label: line.label,
                  tone: line.severity === 'page' ? 'error' : 'warning',
                }))}
                description={`${describeSeries(
                  `Burn rate over ${burnWindow} of ${title}`,
                  burnPoints,
                  formatBurnRate,
                )}. Alerts: ${
                  lines.length > 0
                    ? lines.map(l => l.label).join(', ')
                    : `none use the ${burnWindow} window`
                }.`}
              />
              <Typography variant="caption" color="textSecondary">
                {lines.length > 0
                  ? `Dashed lines: the burn rates at which the alerts that use the ${burnWindow} window fire.`
                  : `No alert uses the ${burnWindow} window; choose ${windows
                      .filter(
                        w => thresholdLines(slo.target, slo.period, w).length,
                      )
                      .join(', ')} to see alert thresholds.`}
              </Typography>
            </Grid>
          </Grid>
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

/**
 * The Operability tab of an entity: per SLO, the budget burn-down over the chosen range with the
 * forecast of exhaustion, the burn rate with the alert thresholds, and the incidents as shaded
 * spans with the budget each cost. @public
 */
export function EntityOperabilityContent() {
  const { entity } = useEntity();
  const api = useApi(operabilityApiRef);
  const entityRef = stringifyEntityRef(entity);
  const createLink = useOptionalRouteRef(sloCreateRouteRef);
  const [range, setRange] = useState<SeriesRange>('28d');
  // Fixed per range choice, so that re-renders do not refetch.
  const bounds = useMemo(() => rangeBounds(range, Date.now()), [range]);

  const slos = useAsync(() => api.getEntitySlos(entityRef), [api, entityRef]);
  const incidents = useAsync(
    () =>
      api.getEntityIncidents(entityRef, {
        from: bounds.from,
        to: bounds.to,
        limit: INCIDENT_LIMIT,
      }),
    [api, entityRef, bounds.from, bounds.to],
  );

  let content;
  if (slos.loading) {
    content = <Progress />;
  } else if (slos.error) {
    content = <ResponseErrorPanel error={slos.error} />;
  } else if (!slos.value || slos.value.items.length === 0) {
    content = (
      <InfoCard title="Service level objectives">
        <SloFileErrors errors={slos.value?.errors ?? []} />
        <SloEmptyState entity={entity} />
        {createLink && (
          <Box mt={1}>
            <Link
              to={`${createLink()}?${new URLSearchParams({
                entity: entityRef,
              })}`}
            >
              Or define an SLO in Backstage
            </Link>
          </Box>
        )}
      </InfoCard>
    );
  } else {
    const items = slos.value.items;
    content = (
      <>
        <SloFileErrors errors={slos.value.errors} />
        {incidents.error && (
          <Box mb={2}>
            <ResponseErrorPanel
              title="Incidents could not be loaded"
              error={incidents.error}
            />
          </Box>
        )}
        {incidents.value &&
          incidents.value.totalItems > incidents.value.items.length && (
            <Typography variant="body2" color="textSecondary" gutterBottom>
              Showing the {incidents.value.items.length} most recent of{' '}
              {incidents.value.totalItems} incidents in this range.
            </Typography>
          )}
        <Grid container spacing={3} direction="column">
          {items.map(slo => (
            <Grid item key={slo.id}>
              <SloPanel
                slo={slo}
                range={range}
                bounds={bounds}
                incidents={incidents.value}
              />
            </Grid>
          ))}
        </Grid>
      </>
    );
  }

  return (
    <Box>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 16 }}
        mb={2}
      >
        <Typography variant="h5" component="h2">
          Operability
        </Typography>
        <Box flexGrow={1} />
        <Typography variant="body2" id="operability-range-label">
          Range
        </Typography>
        <ToggleButtonGroup
          size="small"
          exclusive
          value={range}
          onChange={(_, value: SeriesRange | null) => {
            if (value) setRange(value);
          }}
          aria-labelledby="operability-range-label"
        >
          {SERIES_RANGES.map(r => (
            <ToggleButton key={r} value={r} aria-label={`Last ${r}`}>
              {r}
            </ToggleButton>
          ))}
        </ToggleButtonGroup>
      </Box>
      <Typography variant="body2" color="textSecondary" gutterBottom>
        {formatInstant(bounds.fromMs)} to {formatInstant(bounds.toMs)}
      </Typography>
      {content}
    </Box>
  );
}
