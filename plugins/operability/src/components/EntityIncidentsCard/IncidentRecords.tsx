import type { Incident } from '@airworthy/plugin-operability-common';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { formatInstant } from '../../lib/format';
import { incidentLinks } from '../../lib/incidents';
import { SafeLink } from '../common';

/**
 * The records an incident groups (what each source reported), with the decision a person
 * made about their place and, for those who may, a button that splits a record out into an
 * incident of its own.
 */
export function IncidentRecords(props: {
  incident: Incident;
  /** Set when the user may split records out (incident write permission). */
  onSplit?: (recordId: string) => void;
  busy: boolean;
}) {
  const { incident, onSplit, busy } = props;
  const canSplit = Boolean(onSplit) && incident.records.length > 1;
  return (
    <Table size="small" aria-label={`Records of ${incident.title}`}>
      <TableHead>
        <TableRow>
          <TableCell>Source</TableCell>
          <TableCell>Record</TableCell>
          <TableCell>Started</TableCell>
          <TableCell>Resolved</TableCell>
          <TableCell>Grouping</TableCell>
          {canSplit && <TableCell />}
        </TableRow>
      </TableHead>
      <TableBody>
        {incident.records.map(record => {
          const [link] = incidentLinks(record);
          return (
            <TableRow key={record.id}>
              <TableCell>{record.source}</TableCell>
              <TableCell>
                {/* Untrusted text: rendered as text, never as HTML. */}
                <Typography variant="body2">
                  {link ? (
                    <SafeLink href={link.href}>{record.title}</SafeLink>
                  ) : (
                    record.title
                  )}
                </Typography>
                <Typography variant="caption" color="textSecondary">
                  {record.sourceKey} · {record.severity} · {record.status}
                </Typography>
              </TableCell>
              <TableCell>{formatInstant(record.startedAt)}</TableCell>
              <TableCell>
                {record.resolvedAt ? formatInstant(record.resolvedAt) : 'open'}
              </TableCell>
              <TableCell>
                {record.decision
                  ? `placed by ${record.decision.by}, ${formatInstant(
                      record.decision.at,
                    )}`
                  : 'by time and links'}
              </TableCell>
              {canSplit && (
                <TableCell>
                  <Button
                    size="small"
                    disabled={busy}
                    onClick={() => onSplit!(record.id)}
                    aria-label={`Split ${record.source} record ${record.sourceKey} out`}
                  >
                    Split out
                  </Button>
                </TableCell>
              )}
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}
