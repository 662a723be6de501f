import {
  SLO_STATUSES,
  sloListDefaultOrder,
  type SloListItem,
  type SloListSortKey,
  type SloStatus,
} from '@airworthy/plugin-operability-common';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  Content,
  Header,
  InfoCard,
  Link,
  Page,
  Progress,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { operabilityApiRef } from '../../api';
import { useAsyncContent } from '../../hooks/useAsyncContent';
import { useOptionalRouteRef } from '../../hooks/useOptionalRouteRef';
import {
  budgetTone,
  formatBudgetCell,
  formatBurnRate,
  formatTarget,
} from '../../lib/format';
import { shortRef } from '../../lib/portfolio';
import { sloEditRouteRef } from '../../routes';
import { MultiSelect, SloStatusChip, ToneChip } from '../common';

const PAGE_SIZES = [25, 50, 100];

const COLUMNS: Array<{
  key?: SloListSortKey;
  label: string;
  align?: 'right';
}> = [
  { key: 'status', label: 'Status' },
  { key: 'name', label: 'SLO' },
  { key: 'entity', label: 'Entity' },
  { label: 'Owner' },
  { key: 'target', label: 'Objective', align: 'right' },
  { key: 'budget', label: 'Budget left', align: 'right' },
  { key: 'burn', label: 'Burn rate (1h)', align: 'right' },
  { label: 'Source' },
  { label: 'Links' },
];

const STATUS_LABELS: Record<SloStatus, string> = {
  exhausted: 'Exhausted',
  critical: 'Critical',
  warning: 'Warning',
  'no-data': 'No data',
  ok: 'OK',
};

/** The list's view as kept in the URL. */
interface SloListView {
  q: string;
  status: string[];
  source: string;
  sort: SloListSortKey;
  order: 'asc' | 'desc';
  page: number;
  pageSize: number;
}

function viewFrom(params: URLSearchParams): SloListView {
  const sortParam = params.get('sort') as SloListSortKey | null;
  const sort: SloListSortKey =
    sortParam &&
    ['status', 'budget', 'burn', 'name', 'entity', 'target'].includes(sortParam)
      ? sortParam
      : 'status';
  const order = params.get('order');
  const size = Number(params.get('pageSize'));
  return {
    q: params.get('q') ?? '',
    status: (params.get('status') ?? '').split(',').filter(Boolean),
    source: params.get('source') ?? '',
    sort,
    order:
      order === 'asc' || order === 'desc' ? order : sloListDefaultOrder(sort),
    page: Math.max(0, Math.floor(Number(params.get('page')) || 0)),
    pageSize: PAGE_SIZES.includes(size) ? size : PAGE_SIZES[0],
  };
}

/** The order a click on a column's header asks for: the other order, or the column's first. */
function nextOrder(view: SloListView, key: SloListSortKey): 'asc' | 'desc' {
  if (view.sort !== key) return sloListDefaultOrder(key);
  return view.order === 'asc' ? 'desc' : 'asc';
}

function viewTo(view: SloListView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.q) params.set('q', view.q);
  if (view.status.length) params.set('status', view.status.join(','));
  if (view.source) params.set('source', view.source);
  if (view.sort !== 'status') params.set('sort', view.sort);
  if (view.order !== sloListDefaultOrder(view.sort)) {
    params.set('order', view.order);
  }
  if (view.page) params.set('page', String(view.page));
  if (view.pageSize !== PAGE_SIZES[0]) {
    params.set('pageSize', String(view.pageSize));
  }
  return params;
}

function EntityCell(props: { slo: SloListItem }) {
  const entityLink = useOptionalRouteRef(entityRouteRef);
  const ref = parseEntityRef(props.slo.entityRef);
  const label = props.slo.entityTitle ?? ref.name;
  if (!entityLink) return <>{label}</>;
  const base = entityLink({
    kind: ref.kind.toLocaleLowerCase('en-US'),
    namespace: ref.namespace,
    name: ref.name,
  });
  return <Link to={base}>{label}</Link>;
}

function Links(props: { slo: SloListItem }) {
  const entityLink = useOptionalRouteRef(entityRouteRef);
  const editLink = useOptionalRouteRef(sloEditRouteRef);
  const { slo } = props;
  const ref = parseEntityRef(slo.entityRef);
  const name = slo.displayName ?? slo.name;
  return (
    <Box display="flex" style={{ gap: 12 }}>
      {entityLink && (
        <Link
          to={`${entityLink({
            kind: ref.kind.toLocaleLowerCase('en-US'),
            namespace: ref.namespace,
            name: ref.name,
          })}/operability`}
          aria-label={`Charts of ${name}`}
        >
          Charts
        </Link>
      )}
      {editLink && (
        <Link
          to={editLink({ sloId: slo.id })}
          aria-label={`${
            slo.source === 'api' ? 'Edit' : 'Definition of'
          } ${name}`}
        >
          {slo.source === 'api' ? 'Edit' : 'Definition'}
        </Link>
      )}
    </Box>
  );
}

/**
 * The SLO list at `/operability/slos`, where an SRE starts: every SLO of the entities the
 * user may read, with status, budget, burn rate and source, filtered, sorted and paged by the
 * server, linking to each entity's Operability tab and to the editor. @public
 */
export function SloListPage() {
  const api = useApi(operabilityApiRef);
  const [params, setParams] = useSearchParams();
  const search = params.toString();
  const view = viewFrom(new URLSearchParams(search));
  const [text, setText] = useState(view.q);
  const setView = (next: Partial<SloListView>) =>
    setParams(viewTo({ ...view, page: 0, ...next }), { replace: true });

  // The search is sent once typing pauses.
  useEffect(() => {
    if (text === view.q) return undefined;
    const timer = setTimeout(() => setView({ q: text }), 300);
    return () => clearTimeout(timer);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [text]);

  const list = useAsyncContent(
    () =>
      api.listSlos({
        q: view.q || undefined,
        status: view.status.length ? view.status : undefined,
        source: view.source ? [view.source as 'repo' | 'api'] : undefined,
        sort: view.sort,
        order: view.order,
        limit: view.pageSize,
        offset: view.page * view.pageSize,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [api, search],
  );

  return (
    <Page themeId="tool">
      <Header
        title="Service level objectives"
        subtitle="Every SLO you may read: worst first, with budget and burn rate"
      />
      <Content>
        <Box
          display="flex"
          flexWrap="wrap"
          alignItems="flex-start"
          style={{ gap: 16 }}
          mb={2}
        >
          <TextField
            label="Search"
            placeholder="SLO or entity"
            variant="outlined"
            size="small"
            value={text}
            onChange={e => setText(e.target.value)}
            inputProps={{ 'aria-label': 'Search SLOs and entities' }}
          />
          <MultiSelect
            label="Status"
            options={SLO_STATUSES}
            value={view.status as SloStatus[]}
            onChange={status => setView({ status })}
          />
          <TextField
            select
            label="Source"
            variant="outlined"
            size="small"
            style={{ minWidth: 180 }}
            value={view.source}
            onChange={e => setView({ source: e.target.value })}
          >
            <MenuItem value="">Any</MenuItem>
            <MenuItem value="repo">Repository</MenuItem>
            <MenuItem value="api">Backstage (API)</MenuItem>
          </TextField>
        </Box>
        <InfoCard noPadding>
          {list.loading && list.latest && <Progress />}
          {list.render(
            value => (
              <>
                <Typography variant="body2" style={{ padding: '12px 16px 0' }}>
                  {value.totalItems} SLOs ·{' '}
                  {SLO_STATUSES.filter(s => value.statusCounts[s] > 0)
                    .map(s => `${value.statusCounts[s]} ${STATUS_LABELS[s]}`)
                    .join(' · ') || 'none'}
                </Typography>
                <Box style={{ overflowX: 'auto' }}>
                  <Table size="small" aria-label="Service level objectives">
                    <TableHead>
                      <TableRow>
                        {COLUMNS.map(column => (
                          <TableCell
                            key={column.label}
                            align={column.align}
                            style={{ whiteSpace: 'nowrap' }}
                            sortDirection={
                              column.key && view.sort === column.key
                                ? view.order
                                : false
                            }
                          >
                            {column.key ? (
                              <TableSortLabel
                                active={view.sort === column.key}
                                direction={
                                  view.sort === column.key
                                    ? view.order
                                    : sloListDefaultOrder(column.key)
                                }
                                onClick={() =>
                                  setView({
                                    sort: column.key!,
                                    order: nextOrder(view, column.key!),
                                  })
                                }
                              >
                                {column.label}
                              </TableSortLabel>
                            ) : (
                              column.label
                            )}
                          </TableCell>
                        ))}
                      </TableRow>
                    </TableHead>
                    <TableBody>
                      {value.items.length === 0 && (
                        <TableRow>
                          <TableCell colSpan={COLUMNS.length}>
                            No SLO matches. Clear a filter, or define SLOs from
                            an entity's page (its SLO card).
                          </TableCell>
                        </TableRow>
                      )}
                      {value.items.map(slo => {
                        const hasData = Boolean(
                          slo.budget && slo.budget.total > 0,
                        );
                        const burn =
                          slo.burnRates?.find(b => b.window === '1h')
                            ?.burnRate ?? null;
                        return (
                          <TableRow key={slo.id}>
                            <TableCell>
                              <SloStatusChip status={slo.status} />
                            </TableCell>
                            <TableCell>{slo.displayName ?? slo.name}</TableCell>
                            <TableCell>
                              <EntityCell slo={slo} />
                            </TableCell>
                            <TableCell style={{ whiteSpace: 'nowrap' }}>
                              {shortRef(slo.owner)}
                            </TableCell>
                            <TableCell align="right">
                              {formatTarget(slo.target)} / {slo.period}
                            </TableCell>
                            <TableCell align="right">
                              {hasData ? (
                                <ToneChip
                                  label={formatBudgetCell(
                                    slo.budget!.remaining,
                                  )}
                                  tone={budgetTone(slo.budget!.remaining)}
                                />
                              ) : (
                                'no data'
                              )}
                            </TableCell>
                            <TableCell align="right">
                              {formatBurnRate(burn)}
                            </TableCell>
                            <TableCell style={{ whiteSpace: 'nowrap' }}>
                              {slo.source === 'repo'
                                ? 'repository'
                                : 'Backstage (API)'}
                            </TableCell>
                            <TableCell>
                              <Links slo={slo} />
                            </TableCell>
                          </TableRow>
                        );
                      })}
                    </TableBody>
                  </Table>
                </Box>
                <TablePagination
                  component="div"
                  count={value.totalItems}
                  page={Math.min(
                    view.page,
                    Math.max(
                      0,
                      Math.ceil(value.totalItems / view.pageSize) - 1,
                    ),
                  )}
                  rowsPerPage={view.pageSize}
                  rowsPerPageOptions={PAGE_SIZES}
                  onPageChange={(_, page) => setView({ page })}
                  onRowsPerPageChange={e =>
                    setView({ pageSize: Number(e.target.value) })
                  }
                />
              </>
            ),
            { layout: 'keep' },
          )}
        </InfoCard>
      </Content>
    </Page>
  );
}
