import type {
  PortfolioEntity,
  ScoreLevelDefinition,
} from '@airworthy/plugin-operability-common';
import { InfoCard, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { useTheme } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import useAsync from 'react-use/esm/useAsync';
import { operabilityApiRef } from '../../api';
import {
  categoryRows,
  comparisonRows,
  MAX_COMPARED,
} from '../../lib/portfolio';

/** Up to five entities side by side, the best of each row marked, with their category scores. */
export function Comparison(props: {
  compared: PortfolioEntity[];
  levels: ScoreLevelDefinition[];
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
    ...comparisonRows(props.compared, props.levels),
    ...(scores.value && scores.value.length === props.compared.length
      ? categoryRows(scores.value)
      : []),
  ];
  return (
    <InfoCard title={`Comparing ${props.compared.length} of ${MAX_COMPARED}`}>
      {scores.loading && <Progress />}
      <Box style={{ overflowX: 'auto' }}>
        <Table size="small" aria-label="Comparison">
          <TableHead>
            <TableRow>
              <TableCell />
              {props.compared.map(e => (
                <TableCell
                  key={e.entityRef}
                  align="right"
                  style={{ verticalAlign: 'bottom' }}
                >
                  <div style={{ whiteSpace: 'nowrap' }}>
                    {e.title ?? e.name}
                  </div>
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
                <TableCell
                  component="th"
                  scope="row"
                  style={{ whiteSpace: 'nowrap' }}
                >
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
      </Box>
    </InfoCard>
  );
}
