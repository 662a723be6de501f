import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_GITHUB_INCIDENTS,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  TIME,
  type DurationStats,
  type EntityIncidentsResponse,
  type Incident,
  type IncidentStatsResponse,
} from '@airworthy/plugin-operability-common';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { CodeSnippet, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { useState } from 'react';
import { operabilityApiRef } from '../../api';
import { useAsyncContent } from '../../hooks/useAsyncContent';
import {
  formatDate,
  formatDuration,
  formatInstant,
  formatPercent,
  formatSeconds,
  plural,
} from '../../lib/format';
import {
  describeBudgetCost,
  incidentDurationMs,
  incidentFilterChoices,
  incidentLinks,
  NO_INCIDENT_FILTERS,
  type IncidentFilters,
} from '../../lib/incidents';
import {
  MultiSelect,
  SafeLink,
  SeverityChip,
  StatTile,
  ToneChip,
  WrappingText,
} from '../common';

const PAGE_SIZES = [5, 10, 20, 50];

/** A period as the card names it: `the last 28 days (2026-11-01 to 2026-11-29)`. */
function describePeriod(from: string, to: string): string {
  const days = Math.round((Date.parse(to) - Date.parse(from)) / TIME.DAY);
  return `the last ${plural(days, 'day')} (${formatDate(from)} to ${formatDate(
    to,
  )})`;
}

/** The YAML that connects an entity to incident sources. */
export function incidentAnnotationSnippet(entity: Entity): string {
  return [
    'metadata:',
    `  name: ${entity.metadata.name}`,
    '  annotations:',
    `    ${ANNOTATION_GITHUB_INCIDENTS}: my-org/my-repo:incident`,
    `    ${ANNOTATION_ALERT_SELECTOR}: service=${entity.metadata.name}`,
  ].join('\n');
}

function hasIncidentSource(entity: Entity): boolean {
  const annotations = entity.metadata.annotations ?? {};
  return [
    ANNOTATION_GITHUB_INCIDENTS,
    ANNOTATION_ALERT_SELECTOR,
    ANNOTATION_PAGERDUTY_SERVICE_ID,
  ].some(a => Boolean(annotations[a]?.trim()));
}

/** Mean and median of a duration statistic (MTTA, MTTR). */
function DurationTile(props: {
  label: string;
  stats: DurationStats;
  counted: string;
}) {
  const { stats } = props;
  return (
    <StatTile
      label={props.label}
      value={formatSeconds(stats.meanSeconds)}
      detail={
        stats.count
          ? `median ${formatSeconds(stats.medianSeconds)}, ${plural(
              stats.count,
              `${props.counted} incident`,
            )}`
          : `no ${props.counted} incident`
      }
    />
  );
}

function StatsTiles(props: { stats: IncidentStatsResponse }) {
  const { stats } = props;
  const coverage = stats.postMortemCoverage;
  return (
    <Box display="flex" flexWrap="wrap" style={{ gap: 16 }} mb={2}>
      <StatTile
        label="Incidents"
        value={stats.count}
        detail={`${
          stats.outages === stats.count
            ? ''
            : `${plural(stats.outages, 'outage')}, `
        }${stats.countsBySeverity.critical ?? 0} critical, ${
          stats.countsByStatus.resolved ?? 0
        } resolved`}
      />
      <DurationTile label="MTTA" stats={stats.mtta} counted="acknowledged" />
      <DurationTile label="MTTR" stats={stats.mttr} counted="resolved" />
      <StatTile
        label="Post-mortems"
        value={formatPercent(coverage.ratio, 0)}
        detail={
          coverage.eligible
            ? `${coverage.covered} of ${
                coverage.eligible
              } ${coverage.severities.join('/')}`
            : `no resolved ${coverage.severities.join('/')} incident`
        }
      />
      <StatTile
        label="Incident time"
        value={formatDuration(stats.incidentMinutes * TIME.MINUTE)}
        detail="with at least one incident open"
      />
    </Box>
  );
}

const NOWRAP = { whiteSpace: 'nowrap' } as const;

const useTableStyles = makeStyles(theme => ({
  table: {
    // Fits a half-width card (about 700 px): the incident's name and the SLOs' names wrap
    // between words, dates and durations never wrap.
    '& td, & th': {
      verticalAlign: 'top',
      padding: theme.spacing(1, 1),
      overflowWrap: 'break-word',
    },
    '& td:first-child, & th:first-child': { paddingLeft: 0 },
    '& td:last-child, & th:last-child': { paddingRight: 0 },
  },
  meta: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(0.5, 1),
    marginTop: theme.spacing(0.5),
  },
}));

function IncidentRow(props: { incident: Incident; nowMs: number }) {
  const { incident, nowMs } = props;
  const classes = useTableStyles();
  const links = incidentLinks(incident);
  const cost = describeBudgetCost(incident.budgetCost);
  return (
    <TableRow>
      <TableCell>
        {/* Untrusted text: rendered as text, never as HTML. */}
        <Typography variant="body2">
          <WrappingText text={incident.title} />
        </Typography>
        <div className={classes.meta}>
          <SeverityChip severity={incident.severity} />
          {incident.status !== 'resolved' && (
            <ToneChip
              label={incident.status}
              tone={incident.status === 'open' ? 'error' : 'warning'}
            />
          )}
          <Typography variant="caption" color="textSecondary">
            {incident.source}
            {incident.status === 'resolved' ? ' · resolved' : ''}
            {incident.postMortem && !links.some(l => l.kind === 'postMortem')
              ? ' · post-mortem'
              : ''}
          </Typography>
          {links.map(link => (
            <Typography variant="caption" key={link.kind}>
              <SafeLink href={link.href}>{link.label}</SafeLink>
            </Typography>
          ))}
        </div>
      </TableCell>
      <TableCell title={formatInstant(incident.startedAt)} style={NOWRAP}>
        {formatDate(incident.startedAt)}
      </TableCell>
      <TableCell style={NOWRAP}>
        {formatDuration(incidentDurationMs(incident, nowMs))}
        {incident.resolvedAt ? null : (
          <Typography variant="caption" color="textSecondary" component="div">
            so far
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {cost.length ? (
          cost.map(c => (
            <Typography variant="body2" key={c}>
              {c}
            </Typography>
          ))
        ) : (
          <Typography
            variant="body2"
            color="textSecondary"
            title="No SLO of this entity counted events while it lasted"
          >
            –
          </Typography>
        )}
      </TableCell>
    </TableRow>
  );
}

function IncidentTable(props: {
  response: EntityIncidentsResponse;
  nowMs: number;
}) {
  const { response, nowMs } = props;
  const classes = useTableStyles();
  // Four columns fit a half-width card; a name without any place to wrap (a long token) still
  // scrolls sideways rather than spill out of the card.
  return (
    <Box style={{ overflowX: 'auto' }}>
      <Table size="small" aria-label="Incidents" className={classes.table}>
        <TableHead>
          <TableRow>
            <TableCell>Incident</TableCell>
            <TableCell style={NOWRAP}>Started</TableCell>
            <TableCell style={NOWRAP}>Duration</TableCell>
            <TableCell style={{ width: '32%' }}>Budget cost</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {response.items.map(incident => (
            <IncidentRow key={incident.id} incident={incident} nowMs={nowMs} />
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}

function NoIncidents(props: {
  entity: Entity;
  filtered: boolean;
  /** The period named, when the statistics gave one. */
  period?: string;
}) {
  if (props.filtered) {
    return (
      <Typography variant="body2">
        No incident{props.period ? ` of ${props.period}` : ''} matches these
        filters.
      </Typography>
    );
  }
  if (hasIncidentSource(props.entity)) {
    return (
      <Typography variant="body2">
        {props.period
          ? `No incident started in ${props.period}.`
          : 'No incidents recorded.'}{' '}
        Incidents appear here as the sources named in this entity's annotations
        report them.
      </Typography>
    );
  }
  return (
    <Box>
      <Typography variant="subtitle1" gutterBottom>
        No incident source for this{' '}
        {props.entity.kind.toLocaleLowerCase('en-US')} yet
      </Typography>
      <Typography variant="body2" paragraph>
        Name where its incidents are reported: GitHub issues with a label (
        <code>{ANNOTATION_GITHUB_INCIDENTS}</code>), Alertmanager alerts by
        their labels (<code>{ANNOTATION_ALERT_SELECTOR}</code>) or a PagerDuty
        service (<code>{ANNOTATION_PAGERDUTY_SERVICE_ID}</code>), in its{' '}
        <code>catalog-info.yaml</code>:
      </Typography>
      <CodeSnippet
        text={incidentAnnotationSnippet(props.entity)}
        language="yaml"
        showCopyCodeButton
      />
    </Box>
  );
}

/**
 * The incident history of the current entity: MTTA, MTTR and other figures of the last
 * period, and the incidents, filtered by severity, status and source, page by page.
 * @public
 */
export function EntityIncidentsCard() {
  const { entity } = useEntity();
  const api = useApi(operabilityApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [filters, setFilters] = useState<IncidentFilters>(NO_INCIDENT_FILTERS);
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(5);

  // The backend's statistics period (the configured days up to now) is the card's period:
  // the list asks for the incidents that started in it, the ones the figures count.
  const stats = useAsyncContent(
    () => api.getEntityIncidentStats(entityRef),
    [api, entityRef],
  );
  const period = stats.latest
    ? { from: stats.latest.from, to: stats.latest.to }
    : undefined;
  // Without statistics (their request failed), the list shows every incident, newest first.
  const statsFailed = !period && Boolean(stats.error);
  const list = useAsyncContent(async () => {
    if (!period && !statsFailed) return undefined;
    return api.getEntityIncidents(entityRef, {
      ...filters,
      ...(period && { from: period.from, to: period.to, match: 'started' }),
      limit: pageSize,
      offset: page * pageSize,
    });
  }, [
    api,
    entityRef,
    period?.from,
    period?.to,
    statsFailed,
    filters,
    page,
    pageSize,
  ]);

  const setFilter = <K extends keyof IncidentFilters>(
    key: K,
    value: IncidentFilters[K],
  ) => {
    setFilters(current => ({ ...current, [key]: value }));
    setPage(0);
  };
  const filtered = Object.values(filters).some(v => v.length > 0);
  const choices = incidentFilterChoices(stats.value?.countsBySource);
  const nowMs = Date.now();
  const periodText = period
    ? describePeriod(period.from, period.to)
    : undefined;

  // The page shown stays while the next loads: the pagination keeps its place and focus.
  const listContent = list.render(
    value =>
      value.totalItems === 0 ? (
        <NoIncidents entity={entity} filtered={filtered} period={periodText} />
      ) : (
        <>
          <IncidentTable response={value} nowMs={nowMs} />
          <TablePagination
            component="div"
            count={value.totalItems}
            page={page}
            rowsPerPage={pageSize}
            rowsPerPageOptions={PAGE_SIZES}
            onPageChange={(_, p) => setPage(p)}
            onRowsPerPageChange={event => {
              setPageSize(Number(event.target.value));
              setPage(0);
            }}
          />
        </>
      ),
    { layout: 'keep' },
  );

  return (
    <InfoCard
      title="Incidents"
      subheader={
        (period && `Incidents that started in ${periodText}`) ||
        (statsFailed ? 'All incidents, newest first' : undefined)
      }
    >
      {stats.render(
        value => (
          <StatsTiles stats={value} />
        ),
        { layout: 'stack' },
      )}
      <Box
        display="flex"
        flexWrap="wrap"
        alignItems="center"
        style={{ gap: 8 }}
        mb={1}
      >
        <MultiSelect
          label="Severity"
          options={choices.severity}
          value={filters.severity}
          onChange={v => setFilter('severity', v)}
        />
        <MultiSelect
          label="Status"
          options={choices.status}
          value={filters.status}
          onChange={v => setFilter('status', v)}
        />
        <MultiSelect
          label="Source"
          options={choices.source}
          value={filters.source}
          onChange={v => setFilter('source', v)}
        />
        {filtered && (
          <Button
            size="small"
            onClick={() => {
              setFilters(NO_INCIDENT_FILTERS);
              setPage(0);
            }}
          >
            Clear filters
          </Button>
        )}
      </Box>
      {listContent}
    </InfoCard>
  );
}
