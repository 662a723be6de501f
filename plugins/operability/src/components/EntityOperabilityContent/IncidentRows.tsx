import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { formatDuration, formatInstant, formatPercent } from '../../lib/format';
import type { IncidentSpan } from '../../lib/incidents';
import { SeverityChip } from '../common';

/** The incidents of an SLO's charts as a table: when, how long, and the budget each cost. */
export function IncidentRows(props: {
  spans: IncidentSpan[];
  sloTitle: string;
}) {
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
            <TableCell>
              {span.title}
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                {span.sources.join(' · ')}
              </Typography>
            </TableCell>
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
