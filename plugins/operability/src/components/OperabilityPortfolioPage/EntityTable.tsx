import type {
  PortfolioEntity,
  PortfolioResponse,
  PortfolioSortKey,
} from '@airworthy/plugin-operability-common';
import { InfoCard, Link, Progress } from '@backstage/core-components';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Checkbox from '@material-ui/core/Checkbox';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import { useTheme } from '@material-ui/core/styles';
import { useOptionalRouteRef } from '../../hooks/useOptionalRouteRef';
import { ToneChip } from '../common';
import {
  budgetTone,
  formatBudgetCell,
  formatNumber,
  formatPercent,
  formatSeconds,
} from '../../lib/format';
import {
  defaultOrder,
  formatScore,
  formatTrend,
  levelTitle,
  levelTone,
  MAX_COMPARED,
  PORTFOLIO_PAGE_SIZES,
  shortRef,
  sortedBy,
  type PortfolioView,
} from '../../lib/portfolio';

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
 * The page of entities the server returned: sortable columns, a checkbox to compare each, and
 * the pagination. The rows stay while the next page loads, under a progress bar.
 */
/** A worst-budget cell without a budget: no SLO at all, or SLOs without data yet. */
function noBudgetText(sloCount: number): string {
  return sloCount === 0 ? 'no SLO' : 'no data';
}

/** An incident count; without one, `no source` for a scored entity (`–` otherwise). */
function incidentsText(incidents: number | null, score: number | null): string {
  if (incidents !== null) return formatNumber(incidents, 0);
  return score === null ? '–' : 'no source';
}

export function EntityTable(props: {
  response: PortfolioResponse;
  view: PortfolioView;
  loading: boolean;
  compared: PortfolioEntity[];
  onCompare: (entity: PortfolioEntity) => void;
  onChange: (next: Partial<PortfolioView>) => void;
}) {
  const { response, view, compared, onChange } = props;
  const entityLink = useOptionalRouteRef(entityRouteRef);
  const theme = useTheme();
  const trendColor = (delta: number | null) => {
    if (delta === null || Math.abs(delta) < 0.05) return undefined;
    return delta < 0 ? theme.palette.error.main : theme.palette.success.main;
  };
  return (
    <InfoCard title="Entities" noPadding>
      {props.loading && <Progress />}
      <Box style={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Entities by operability score">
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
                  sortDirection={view.sort === column.key ? view.order : false}
                >
                  <TableSortLabel
                    active={view.sort === column.key}
                    direction={
                      view.sort === column.key
                        ? view.order
                        : defaultOrder(column.key)
                    }
                    onClick={() => onChange(sortedBy(view, column.key))}
                  >
                    {column.key === 'trend'
                      ? `Trend (${response.trendDays}d)`
                      : column.label}
                  </TableSortLabel>
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {response.items.length === 0 && (
              <TableRow>
                <TableCell colSpan={COLUMNS.length + 1}>
                  No entity matches these filters. Clear a filter, or check that
                  the entities are of a scored kind (operability.score.kinds).
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
                      disabled={!checked && compared.length >= MAX_COMPARED}
                      onChange={() => props.onCompare(item)}
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
                  <TableCell align="right">{formatScore(item.score)}</TableCell>
                  <TableCell>
                    {item.level ? (
                      <ToneChip
                        label={levelTitle(item.level, response.levels)}
                        tone={levelTone(item.level, response.levels)}
                      />
                    ) : (
                      'not scored'
                    )}
                  </TableCell>
                  <TableCell
                    align="right"
                    style={{
                      whiteSpace: 'nowrap',
                      color: trendColor(item.trendDelta),
                    }}
                    title={
                      item.trendDelta === null
                        ? `No score ${response.trendDays} days old yet`
                        : `Score change over ${response.trendDays} days`
                    }
                  >
                    {item.trendDelta !== null &&
                      item.trendDelta < -0.05 &&
                      '▼ '}
                    {item.trendDelta !== null && item.trendDelta > 0.05 && '▲ '}
                    {formatTrend(item.trendDelta)}
                  </TableCell>
                  <TableCell align="right">
                    {item.worstBudgetRemaining === null ? (
                      noBudgetText(item.sloCount)
                    ) : (
                      <ToneChip
                        label={formatBudgetCell(item.worstBudgetRemaining)}
                        tone={budgetTone(item.worstBudgetRemaining)}
                      />
                    )}
                  </TableCell>
                  <TableCell align="right">
                    {formatPercent(item.sloCompliance, 1)}
                  </TableCell>
                  <TableCell align="right">
                    {incidentsText(item.incidents, item.score)}
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
        onPageChange={(_, page) => onChange({ page })}
        onRowsPerPageChange={e =>
          onChange({ pageSize: Number(e.target.value) })
        }
      />
    </InfoCard>
  );
}
