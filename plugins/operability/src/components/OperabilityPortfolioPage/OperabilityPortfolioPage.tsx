import {
  PORTFOLIO_GROUPINGS,
  type PortfolioEntity,
  type PortfolioGroup,
  type PortfolioResponse,
  type PortfolioSortKey,
} from '@airworthy/plugin-operability-common';
import {
  Content,
  ContentHeader,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Grid from '@material-ui/core/Grid';
import MenuItem from '@material-ui/core/MenuItem';
import { useTheme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import useMeasure from 'react-use/esm/useMeasure';
import { Bar, BarChart, CartesianGrid, Tooltip, XAxis, YAxis } from 'recharts';
import { operabilityApiRef } from '../../api';
import { useOptionalRouteRef } from '../../hooks/useOptionalRouteRef';
import { formatNumber, formatPercent, formatSeconds } from '../../lib/format';
import {
  categoryRows,
  comparisonRows,
  defaultOrder,
  formatScore,
  formatTrend,
  levelDistribution,
  MAX_COMPARED,
  PORTFOLIO_PAGE_SIZES,
  shortRef,
  toggleCompared,
  viewFromSearch,
  viewToOptions,
  viewToSearch,
  type PortfolioFilter,
  type PortfolioView,
} from '../../lib/portfolio';
import { useUniqueId } from '../../hooks/useUniqueId';
import { MultiSelect } from '../common';

const KINDS = ['component', 'system', 'resource', 'api'] as const;

/** A filter typed as a comma-separated list, applied on Enter or when the field is left. */
function ListFilter(props: {
  label: string;
  placeholder: string;
  value: string[];
  onChange: (value: string[]) => void;
}) {
  const id = useUniqueId('operability-filter');
  const [text, setText] = useState(props.value.join(', '));
  const joined = props.value.join(', ');
  useEffect(() => setText(joined), [joined]);
  const apply = () =>
    props.onChange(
      text
        .split(',')
        .map(v => v.trim())
        .filter(Boolean),
    );
  return (
    <TextField
      id={id}
      variant="outlined"
      size="small"
      label={props.label}
      placeholder={props.placeholder}
      value={text}
      onChange={e => setText(e.target.value)}
      onBlur={apply}
      onKeyDown={e => {
        if (e.key === 'Enter') apply();
      }}
      style={{ minWidth: 180 }}
    />
  );
}

function LevelChart(props: { response: PortfolioResponse }) {
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

function GroupTable(props: { response: PortfolioResponse }) {
  const { groups = [], levels, groupBy } = props.response;
  const ordered = [...levels].sort((a, b) => a.threshold - b.threshold);
  return (
    <Table size="small" aria-label={`Roll-up by ${groupBy}`}>
      <TableHead>
        <TableRow>
          <TableCell>{groupBy}</TableCell>
          <TableCell align="right">Entities</TableCell>
          <TableCell align="right">Scored</TableCell>
          <TableCell align="right">Mean</TableCell>
          <TableCell align="right">Median</TableCell>
          {ordered.map(level => (
            <TableCell key={level.id} align="right">
              {level.title}
            </TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {groups.map((group: PortfolioGroup) => (
          <TableRow key={group.key ?? '(none)'}>
            <TableCell>
              {group.key === null ? `(no ${groupBy})` : shortRef(group.key)}
            </TableCell>
            <TableCell align="right">{group.count}</TableCell>
            <TableCell align="right">{group.scored}</TableCell>
            <TableCell align="right">{formatScore(group.mean)}</TableCell>
            <TableCell align="right">{formatScore(group.median)}</TableCell>
            {ordered.map(level => (
              <TableCell key={level.id} align="right">
                {group.levels[level.id] ?? 0}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function Comparison(props: {
  compared: PortfolioEntity[];
  onRemove: (entity: PortfolioEntity) => void;
}) {
  const theme = useTheme();
  const api = useApi(operabilityApiRef);
  const refs = props.compared.map(e => e.entityRef).join(' ');
  // Category scores come with each entity's score: at most five requests, each alone may fail.
  const scores = useAsync(
    () =>
      Promise.all(
        refs
          .split(' ')
          .map(ref => api.getEntityScore(ref).catch(() => undefined)),
      ),
    [api, refs],
  );
  const rows = [
    ...comparisonRows(props.compared),
    ...(scores.value && scores.value.length === props.compared.length
      ? categoryRows(scores.value)
      : []),
  ];
  return (
    <InfoCard title={`Comparing ${props.compared.length} of ${MAX_COMPARED}`}>
      {scores.loading && <Progress />}
      <Table size="small" aria-label="Comparison">
        <TableHead>
          <TableRow>
            <TableCell />
            {props.compared.map(e => (
              <TableCell key={e.entityRef} align="right">
                {e.title ?? e.name}{' '}
                <Button
                  size="small"
                  onClick={() => props.onRemove(e)}
                  aria-label={`Remove ${e.name} from the comparison`}
                >
                  remove
                </Button>
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map(row => (
            <TableRow key={row.label}>
              <TableCell component="th" scope="row">
                {row.label}
              </TableCell>
              {row.values.map((value, i) => (
                <TableCell
                  key={props.compared[i].entityRef}
                  align="right"
                  style={
                    row.best === i
                      ? {
                          fontWeight: 700,
                          color: theme.palette.success.main,
                        }
                      : undefined
                  }
                >
                  {value}
                  {row.best === i ? ' (best)' : ''}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}

/** The view sorted by a column: the other direction when it is already the sort key. */
function sortedBy(
  view: PortfolioView,
  key: PortfolioSortKey,
): Partial<PortfolioView> {
  if (view.sort !== key) return { sort: key, order: defaultOrder(key) };
  return { sort: key, order: view.order === 'asc' ? 'desc' : 'asc' };
}

const TEXT_FILTERS: Array<[PortfolioFilter, string, string]> = [
  ['owner', 'Owner', 'group:default/sre, ...'],
  ['system', 'System', 'odh, ...'],
  ['domain', 'Domain', 'data-science, ...'],
  ['tag', 'Tag', 'python, ...'],
];

const COLUMNS: Array<{
  key: PortfolioSortKey;
  label: string;
  align?: 'right';
}> = [
  { key: 'name', label: 'Entity' },
  { key: 'owner', label: 'Owner' },
  { key: 'score', label: 'Score', align: 'right' },
  { key: 'level', label: 'Level' },
  { key: 'trend', label: 'Trend', align: 'right' },
  { key: 'budget', label: 'Worst budget', align: 'right' },
  { key: 'compliance', label: 'SLOs met', align: 'right' },
  { key: 'incidents', label: 'Incidents', align: 'right' },
  { key: 'mttr', label: 'MTTR', align: 'right' },
];

/**
 * The portfolio of operability scores at `/operability`: every scored entity, filtered, sorted
 * and paged by the server, with group roll-ups, the distribution by level, a comparison of up
 * to five entities and a CSV download. @public
 */
export function OperabilityPortfolioPage() {
  const api = useApi(operabilityApiRef);
  const entityLink = useOptionalRouteRef(entityRouteRef);
  const [searchParams, setSearchParams] = useSearchParams();
  const search = searchParams.toString();
  const view = useMemo(
    () => viewFromSearch(new URLSearchParams(search)),
    [search],
  );
  const [compared, setCompared] = useState<PortfolioEntity[]>([]);

  const setView = (next: Partial<PortfolioView>) => {
    // Any change but paging goes back to the first page.
    const page = next.page ?? 0;
    setSearchParams(viewToSearch({ ...view, ...next, page }), {
      replace: true,
    });
  };
  const setFilter = (filter: PortfolioFilter, value: string[]) =>
    setView({ filters: { ...view.filters, [filter]: value } });

  const state = useAsync(
    () => api.getPortfolio(viewToOptions(view)),
    [api, view],
  );
  // The last answer stays on screen while the next page loads.
  const last = useRef<PortfolioResponse>();
  if (state.value) last.current = state.value;
  const response = state.value ?? last.current;

  const [csv, downloadCsv] = useAsyncFn(async () => {
    const { limit, offset, ...options } = viewToOptions(view);
    const text = await api.getPortfolioCsv(options);
    const url = URL.createObjectURL(
      new Blob([text], { type: 'text/csv;charset=utf-8' }),
    );
    const a = document.createElement('a');
    a.href = url;
    a.download = `operability-portfolio${
      view.groupBy ? `-by-${view.groupBy}` : ''
    }.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    URL.revokeObjectURL(url);
    return text.split('\n').filter(Boolean).length - 1;
  }, [api, view]);

  const levelIds = (response?.levels ?? []).map(l => l.id);

  return (
    <Page themeId="tool">
      <Header
        title="Operability portfolio"
        subtitle="Operability scores of every project: compare, find who needs help, download"
      />
      <Content>
        <ContentHeader title="">
          <Button
            variant="outlined"
            color="primary"
            onClick={() => downloadCsv()}
            disabled={csv.loading}
          >
            {csv.loading ? 'Preparing CSV…' : 'Download CSV'}
          </Button>
        </ContentHeader>
        {csv.error && <ResponseErrorPanel error={csv.error} />}
        <Box
          display="flex"
          flexWrap="wrap"
          alignItems="center"
          style={{ gap: 8 }}
          mb={2}
          component="form"
          aria-label="Filters"
          onSubmit={(e: { preventDefault(): void }) => e.preventDefault()}
        >
          {TEXT_FILTERS.map(([filter, label, placeholder]) => (
            <ListFilter
              key={filter}
              label={label}
              placeholder={placeholder}
              value={view.filters[filter]}
              onChange={v => setFilter(filter, v)}
            />
          ))}
          <MultiSelect
            label="Level"
            options={levelIds}
            value={view.filters.level}
            onChange={v => setFilter('level', v)}
          />
          <MultiSelect
            label="Kind"
            options={KINDS}
            value={view.filters.kind as Array<(typeof KINDS)[number]>}
            onChange={v => setFilter('kind', v)}
          />
          <TextField
            id="operability-portfolio-group-by"
            select
            variant="outlined"
            size="small"
            label="Group by"
            value={view.groupBy ?? ''}
            onChange={e =>
              setView({
                groupBy: (e.target.value ||
                  undefined) as PortfolioView['groupBy'],
              })
            }
            style={{ minWidth: 140 }}
          >
            <MenuItem value="">nothing</MenuItem>
            {PORTFOLIO_GROUPINGS.map(g => (
              <MenuItem key={g} value={g}>
                {g}
              </MenuItem>
            ))}
          </TextField>
        </Box>
        {state.error && <ResponseErrorPanel error={state.error} />}
        {!response && state.loading && <Progress />}
        {response && (
          <Grid container spacing={3}>
            <Grid item xs={12} md={5}>
              <InfoCard title="Distribution by level">
                <Typography variant="body2" gutterBottom>
                  {formatNumber(response.summary.count, 0)} entities,{' '}
                  {formatNumber(response.summary.scored, 0)} scored · mean{' '}
                  {formatScore(response.summary.mean)} · median{' '}
                  {formatScore(response.summary.median)}
                </Typography>
                <LevelChart response={response} />
              </InfoCard>
            </Grid>
            <Grid item xs={12} md={7}>
              {compared.length > 0 ? (
                <Comparison
                  compared={compared}
                  onRemove={e => setCompared(c => toggleCompared(c, e))}
                />
              ) : (
                <InfoCard title="Compare">
                  <Typography variant="body2">
                    Tick up to {MAX_COMPARED} entities in the table to compare
                    them side by side.
                  </Typography>
                </InfoCard>
              )}
            </Grid>
            {response.groups && (
              <Grid item xs={12}>
                <InfoCard title={`By ${response.groupBy}`}>
                  <GroupTable response={response} />
                </InfoCard>
              </Grid>
            )}
            <Grid item xs={12}>
              <InfoCard title="Entities" noPadding>
                {state.loading && <Progress />}
                <Box style={{ overflowX: 'auto' }}>
                  <Table
                    size="small"
                    aria-label="Entities by operability score"
                  >
                    <TableHead>
                      <TableRow>
                        <TableCell padding="checkbox">
                          <span style={{ position: 'absolute', left: -10000 }}>
                            Compare
                          </span>
                        </TableCell>
                        {COLUMNS.map(column => (
                          <TableCell
                            key={column.key}
                            align={column.align}
                            style={{ whiteSpace: 'nowrap' }}
                            sortDirection={
                              view.sort === column.key ? view.order : false
                            }
                          >
                            <TableSortLabel
                              active={view.sort === column.key}
                              direction={
                                view.sort === column.key
                                  ? view.order
                                  : defaultOrder(column.key)
                              }
                              onClick={() =>
                                setView(sortedBy(view, column.key))
                              }
                            >
                              {column.label}
                            </TableSortLabel>
                          </TableCell>
                        ))}
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {response.items.length === 0 && (
                        <TableRow>
                          <TableCell colSpan={COLUMNS.length + 1}>
                            No entity matches these filters. Clear a filter, or
                            check that the entities are of a scored kind
                            (operability.score.kinds).
                          </TableCell>
                        </TableRow>
                      )}
                      {response.items.map(item => {
                        const checked = compared.some(
                          e => e.entityRef === item.entityRef,
                        );
                        const name = item.title ?? item.name;
                        return (
                          <TableRow key={item.entityRef} selected={checked}>
                            <TableCell padding="checkbox">
                              <Checkbox
                                checked={checked}
                                disabled={
                                  !checked && compared.length >= MAX_COMPARED
                                }
                                onChange={() =>
                                  setCompared(c => toggleCompared(c, item))
                                }
                                inputProps={{
                                  'aria-label': `Compare ${item.name}`,
                                }}
                              />
                            </TableCell>
                            <TableCell>
                              {entityLink ? (
                                <Link
                                  to={entityLink({
                                    kind: item.kind,
                                    namespace: item.namespace,
                                    name: item.name,
                                  })}
                                >
                                  {name}
                                </Link>
                              ) : (
                                name
                              )}
                            </TableCell>
                            <TableCell style={{ whiteSpace: 'nowrap' }}>
                              {shortRef(item.owner)}
                            </TableCell>
                            <TableCell align="right">
                              {formatScore(item.score)}
                            </TableCell>
                            <TableCell>{item.level ?? '–'}</TableCell>
                            <TableCell align="right">
                              {formatTrend(item.trendDelta)}
                            </TableCell>
                            <TableCell align="right">
                              {formatPercent(item.worstBudgetRemaining, 1)}
                            </TableCell>
                            <TableCell align="right">
                              {formatPercent(item.sloCompliance, 1)}
                            </TableCell>
                            <TableCell align="right">
                              {item.incidents === null
                                ? '–'
                                : formatNumber(item.incidents, 0)}
                            </TableCell>
                            <TableCell align="right">
                              {formatSeconds(item.mttrSeconds)}
                            </TableCell>
                          </TableRow>
                        );
                      })}
                    </TableBody>
                  </Table>
                </Box>
                <TablePagination
                  component="div"
                  count={response.totalItems}
                  page={
                    response.totalItems === 0
                      ? 0
                      : Math.min(
                          view.page,
                          Math.ceil(response.totalItems / view.pageSize) - 1,
                        )
                  }
                  rowsPerPage={view.pageSize}
                  rowsPerPageOptions={[...PORTFOLIO_PAGE_SIZES]}
                  onPageChange={(_, page) => setView({ page })}
                  onRowsPerPageChange={e =>
                    setView({ pageSize: Number(e.target.value) })
                  }
                />
              </InfoCard>
            </Grid>
          </Grid>
        )}
      </Content>
    </Page>
  );
}
