import type {
  PortfolioGroup,
  PortfolioResponse,
} from '@airworthy/plugin-operability-common';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import { formatScore, shortRef } from '../../lib/portfolio';

/** The roll-up by owner, system, domain or tag: counts, mean, median and entities by level. */
export function GroupTable(props: { response: PortfolioResponse }) {
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
