import {
  operabilityIncidentWritePermission,
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
import type { ResponseError } from '@backstage/errors';
import { CodeSnippet, InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Collapse from '@material-ui/core/Collapse';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { Fragment, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
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
import { IncidentRecords } from './IncidentRecords';

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
          stats.records === stats.count
            ? ''
            : `${plural(stats.records, 'record')}, `
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
/** A row of controls above the table: filters, the merge button. */
const TOOLBAR = {
  display: 'flex',
  flexWrap: 'wrap',
  alignItems: 'center',
  style: { gap: 8 },
  mb: 1,
} as const;

/** What the user may do to the grouping of the incidents shown (with the write permission). */
interface GroupingActions {
  selected: string[];
  onSelect(id: string, selected: boolean): void;
  onSplit(incident: Incident, recordId: string): void;
  busy: boolean;
}

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

function IncidentRow(props: {
  incident: Incident;
  nowMs: number;
  actions?: GroupingActions;
  /** Whether its records show, in the row below (`recordsId`). */
  open: boolean;
  recordsId: string;
  onToggle(): void;
}) {
  const { incident, nowMs, actions, open, recordsId, onToggle } = props;
  const classes = useTableStyles();
  const links = incidentLinks(incident);
  const cost = describeBudgetCost(incident.budgetCost);
  const decided = incident.records.some(r => r.decision);
  return (
    <TableRow>
      {actions && (
        <TableCell padding="checkbox">
          <Checkbox
            size="small"
            checked={actions.selected.includes(incident.id)}
            disabled={actions.busy}
            onChange={e => actions.onSelect(incident.id, e.target.checked)}
            inputProps={{
              'aria-label': `Select ${incident.title} to merge`,
            }}
          />
        </TableCell>
      )}
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
            {incident.sources.join(' · ')}
            {incident.status === 'resolved' ? ' · resolved' : ''}
            {incident.postMortem && !links.some(l => l.kind === 'postMortem')
              ? ' · post-mortem'
              : ''}
            {decided ? ' · grouped by a person' : ''}
          </Typography>
          {links.map(link => (
            <Typography variant="caption" key={link.kind}>
              <SafeLink href={link.href}>{link.label}</SafeLink>
            </Typography>
          ))}
        </div>
        <Button
          size="small"
          aria-expanded={open}
          aria-controls={recordsId}
          onClick={onToggle}
        >
          {open ? 'Hide' : 'Show'} {plural(incident.records.length, 'record')}
        </Button>
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
  actions?: GroupingActions;
}) {
  const { response, nowMs, actions } = props;
  const classes = useTableStyles();
  const [expanded, setExpanded] = useState<string[]>([]);
  const columns = actions ? 5 : 4;
  const toggle = (id: string) =>
    setExpanded(current =>
      current.includes(id) ? current.filter(e => e !== id) : [...current, id],
    );
  // Four columns (and the merge checkbox) fit a half-width card; a name without any place to
  // wrap (a long token) still scrolls sideways rather than spill out of the card.
  return (
    <Box style={{ overflowX: 'auto' }}>
      <Table size="small" aria-label="Incidents" className={classes.table}>
        <TableHead>
          <TableRow>
            {actions && (
              <TableCell padding="checkbox" style={NOWRAP}>
                Merge
              </TableCell>
            )}
            <TableCell>Incident</TableCell>
            <TableCell style={NOWRAP}>Started</TableCell>
            <TableCell style={NOWRAP}>Duration</TableCell>
            <TableCell style={{ width: '32%' }}>Budget cost</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {response.items.map(incident => {
            const open = expanded.includes(incident.id);
            const recordsId = `incident-records-${incident.id}`;
            return (
              <Fragment key={incident.id}>
                <IncidentRow
                  incident={incident}
                  nowMs={nowMs}
                  actions={actions}
                  open={open}
                  recordsId={recordsId}
                  onToggle={() => toggle(incident.id)}
                />
                <TableRow>
                  <TableCell
                    colSpan={columns}
                    style={open ? undefined : { padding: 0, border: 0 }}
                  >
                    <Collapse in={open} unmountOnExit>
                      <div id={recordsId}>
                        <IncidentRecords
                          incident={incident}
                          busy={actions?.busy ?? false}
                          onSplit={
                            actions
                              ? recordId => actions.onSplit(incident, recordId)
                              : undefined
                          }
                        />
                      </div>
                    </Collapse>
                  </TableCell>
                </TableRow>
              </Fragment>
            );
          })}
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
 * period, and the incidents, filtered by severity, status and source, page by page. Each
 * incident lists the records of the sources that reported it; people with
 * `operability.incident.write` on the entity merge incidents and split records out.
 * @public
 */
export function EntityIncidentsCard() {
  const { entity } = useEntity();
  const api = useApi(operabilityApiRef);
  const entityRef = stringifyEntityRef(entity);
  const [filters, setFilters] = useState<IncidentFilters>(NO_INCIDENT_FILTERS);
  const [page, setPage] = useState(0);
  const [pageSize, setPageSize] = useState(5);
  // Bumped after a merge or split: the list and the figures load again.
  const [version, setVersion] = useState(0);
  const [selected, setSelected] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<string>();
  const [actionDone, setActionDone] = useState<string>();
  const permissionApi = useApi(permissionApiRef);
  // Asked directly (not through a cache shared between cards): merge and split buttons show
  // only to those who may use them, and the backend checks again.
  const { value: canWrite = false } = useAsync(
    async () =>
      (
        await permissionApi.authorize({
          permission: operabilityIncidentWritePermission,
          resourceRef: entityRef,
        })
      ).result === AuthorizeResult.ALLOW,
    [permissionApi, entityRef],
  );

  // The backend's statistics period (the configured days up to now) is the card's period:
  // the list asks for the incidents that started in it, the ones the figures count.
  const stats = useAsyncContent(
    () => api.getEntityIncidentStats(entityRef),
    [api, entityRef, version],
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
    version,
    period?.from,
    period?.to,
    statsFailed,
    filters,
    page,
    pageSize,
  ]);

  /** Runs a merge or split, then loads the list and figures again. */
  const act = async (run: () => Promise<string>) => {
    setBusy(true);
    setActionError(undefined);
    setActionDone(undefined);
    try {
      setActionDone(await run());
      setSelected([]);
      setVersion(v => v + 1);
    } catch (e) {
      // The backend's own words (a 409 says why), else the request's failure.
      setActionError(
        (e as ResponseError).cause?.message || (e as Error).message,
      );
    } finally {
      setBusy(false);
    }
  };
  const mergeSelected = (items: Incident[]) =>
    act(async () => {
      // Into the earliest selected incident, one after the other.
      const chosen = items
        .filter(i => selected.includes(i.id))
        .sort((a, b) => Date.parse(a.startedAt) - Date.parse(b.startedAt));
      let target = chosen[0];
      for (const other of chosen.slice(1)) {
        target = await api.mergeIncidents(target.id, other.id);
      }
      return `Merged ${plural(chosen.length, 'incident')} into one of ${plural(
        target.records.length,
        'record',
      )}. Split a record out to undo.`;
    });
  const actions: GroupingActions | undefined = canWrite
    ? {
        selected,
        busy,
        onSelect: (id, on) =>
          setSelected(current =>
            on ? [...current, id] : current.filter(s => s !== id),
          ),
        onSplit: (incident, recordId) =>
          act(async () => {
            await api.splitIncident(incident.id, recordId);
            return 'Split the record out into an incident of its own. Merge them to undo.';
          }),
      }
    : undefined;

  const setFilter = <K extends keyof IncidentFilters>(
    key: K,
    value: IncidentFilters[K],
  ) => {
    setFilters(current => ({ ...current, [key]: value }));
    setSelected([]);
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
          {canWrite && (
            <Box {...TOOLBAR}>
              <Button
                size="small"
                variant="outlined"
                disabled={busy || selected.length < 2}
                onClick={() => mergeSelected(value.items)}
              >
                Merge {selected.length < 2 ? '' : `${selected.length} `}
                selected incidents
              </Button>
              <Typography variant="caption" color="textSecondary">
                One outage listed twice? Select its incidents and merge them;
                split a record out to undo. Your choice stands whatever the
                sources deliver later.
              </Typography>
            </Box>
          )}
          {actionError && (
            <Typography variant="body2" color="error" role="alert">
              {actionError}
            </Typography>
          )}
          {actionDone && (
            <Typography variant="body2" role="status">
              {actionDone}
            </Typography>
          )}
          <IncidentTable response={value} nowMs={nowMs} actions={actions} />
          <TablePagination
            component="div"
            count={value.totalItems}
            page={page}
            rowsPerPage={pageSize}
            rowsPerPageOptions={PAGE_SIZES}
            onPageChange={(_, p) => {
              // Merging takes incidents of the page shown: a new page starts afresh.
              setSelected([]);
              setPage(p);
            }}
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
      <Box {...TOOLBAR}>
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
