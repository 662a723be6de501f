import {
  generatePrometheusRules,
  rulesToYaml,
  type Slo,
} from '@airworthy/plugin-operability-common';
import { CodeSnippet, InfoCard } from '@backstage/core-components';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import Alert from '@material-ui/lab/Alert';
import { useMemo, useState } from 'react';
import {
  formatBurnRate,
  formatDate,
  formatDuration,
  formatMinutes,
  formatNumber,
  formatPercent,
  formatTarget,
} from '../../lib/format';
import {
  previewSlos,
  type PeriodData,
  type SloPreview,
} from '../../lib/sloPreview';
import { ToneChip } from '../common';

/** Figures stay on one line; the windows column wraps instead. */
const NOWRAP = { whiteSpace: 'nowrap' } as const;

function HistoryLine(props: { preview: SloPreview }) {
  const history = props.preview.history;
  if (!history) return null;
  const remaining = history.remaining;
  return (
    <Box mt={1} data-testid="slo-preview-history">
      <Typography variant="subtitle2">
        With the SLI data of {formatDate(history.from)} to{' '}
        {formatDate(history.to)}
        {history.periodDiffers ? ` (the last ${history.dataPeriod})` : ''}
      </Typography>
      <Typography variant="body2">
        {formatNumber(history.total - history.good, 0)} bad of{' '}
        {formatNumber(history.total, 0)} events (SLI{' '}
        {formatPercent(history.sli, 3)}): this objective would have{' '}
        {remaining >= 0 ? (
          <>
            <strong>{formatPercent(remaining, 1)}</strong> of its budget left (
            {formatMinutes(history.remainingMinutes)})
          </>
        ) : (
          <>
            <strong>overspent its budget</strong> by{' '}
            {formatPercent(-remaining, 1)}
          </>
        )}
        .
      </Typography>
    </Box>
  );
}

function AlertTable(props: { preview: SloPreview }) {
  const rows = props.preview.alerts;
  if (rows.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        The period is shorter than every alert window: no burn-rate alert.
      </Typography>
    );
  }
  const policy = rows[0].origin === 'policy';
  // Five columns do not fit a narrow preview: the table scrolls sideways in its own region
  // (focusable, so that the keyboard scrolls it too) instead of being cut at the card's edge.
  return (
    <Box
      overflow="auto"
      tabIndex={0}
      role="region"
      aria-label={`Alert thresholds of ${props.preview.label}, scrollable`}
    >
      <Table
        size="small"
        aria-label={`Alert thresholds of ${props.preview.label}`}
      >
        <TableHead>
          <TableRow>
            <TableCell>Alert</TableCell>
            <TableCell style={{ minWidth: 120 }}>Windows</TableCell>
            <TableCell align="right" style={NOWRAP}>
              Burn rate
            </TableCell>
            <TableCell align="right" style={NOWRAP}>
              Error ratio
            </TableCell>
            <TableCell align="right" style={NOWRAP}>
              Budget lasts
            </TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row, i) => (
            <TableRow key={i}>
              <TableCell>
                <ToneChip
                  label={row.name ?? row.severity}
                  tone={row.severity === 'page' ? 'error' : 'warning'}
                  title={`severity ${row.severity}, for ${row.alertAfter}`}
                />
              </TableCell>
              <TableCell>
                {row.shortWindow
                  ? `${row.longWindow} and ${row.shortWindow}`
                  : row.longWindow}
                {row.budgetConsumed !== undefined
                  ? ` (${formatPercent(row.budgetConsumed, 0)} of budget)`
                  : ''}
              </TableCell>
              <TableCell align="right" style={NOWRAP}>
                {formatBurnRate(row.burnRate)}
              </TableCell>
              <TableCell align="right" style={NOWRAP}>
                {formatPercent(row.errorRatioThreshold, 3)}
              </TableCell>
              <TableCell align="right" style={NOWRAP}>
                {formatDuration(row.exhaustsInMs)}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {policy ? null : (
        <Typography variant="caption" color="textSecondary" component="p">
          Multiwindow, multi-burn-rate alerts: an alert fires when both windows'
          error ratio exceeds the threshold.
        </Typography>
      )}
    </Box>
  );
}

function ObjectivePreview(props: { preview: SloPreview }) {
  const { preview } = props;
  return (
    <Box mb={3} data-testid={`slo-preview-${preview.ref}`}>
      <Typography variant="subtitle1">
        {preview.label}: {formatTarget(preview.target)} over {preview.period}
        {preview.calendarPeriod ? ' (calendar)' : ''}
      </Typography>
      <Typography variant="body2" gutterBottom>
        Error budget: <strong>{formatMinutes(preview.budgetMinutes)}</strong> of{' '}
        {formatDuration(preview.periodMs)} (
        {formatNumber(preview.budgetMinutes, 1)} minutes,{' '}
        {formatPercent(preview.errorBudget, 4)} of events
        {preview.slices
          ? `; ${formatNumber(preview.slices.budget, 1)} of ${formatNumber(
              preview.slices.inPeriod,
              0,
            )} slices of ${preview.slices.sliceWindow}`
          : ''}
        )
      </Typography>
      {preview.calendarPeriod && (
        <Typography variant="caption" color="textSecondary" component="div">
          The current period runs from{' '}
          {new Date(preview.calendarPeriod.startMs).toISOString()} to{' '}
          {new Date(preview.calendarPeriod.endMs).toISOString()}.
        </Typography>
      )}
      <HistoryLine preview={preview} />
      <Box mt={1}>
        <AlertTable preview={preview} />
      </Box>
    </Box>
  );
}

/**
 * The live preview of the SLOs being edited: budgets, alert thresholds, the budget with the
 * last period's data, and the Prometheus rules the definition yields.
 */
export function SloPreviewPanel(props: {
  slos: Slo[];
  /** The slos are the last valid definition, not the one being edited. */
  stale?: boolean;
  data?: PeriodData;
  nowMs?: number;
}) {
  const { slos, data } = props;
  const nowMs = props.nowMs ?? Date.now();
  const previews = useMemo(
    () => previewSlos(slos, { nowMs, data }),
    [slos, nowMs, data],
  );
  const [rulesOpen, setRulesOpen] = useState(false);
  const rules = useMemo(() => {
    if (!rulesOpen) return { yaml: '', warnings: [] };
    const generation = generatePrometheusRules(slos);
    return {
      yaml: generation.groups.length
        ? rulesToYaml(generation.groups, { format: 'prometheus' })
        : '',
      warnings: generation.warnings.map(w => w.message),
    };
  }, [slos, rulesOpen]);

  return (
    <InfoCard title="Preview">
      {props.stale && (
        <Alert severity="warning" style={{ marginBottom: 16 }}>
          Stale: this is the last valid definition. Fix the problems on the left
          to see the preview of the current one.
        </Alert>
      )}
      {previews.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          The preview appears as soon as the definition is valid.
        </Typography>
      ) : (
        previews.map(p => <ObjectivePreview key={p.ref} preview={p} />)
      )}
      {previews.length > 0 && !data && (
        <Typography variant="caption" color="textSecondary" component="p">
          No SLI data yet: once the SLO collects data, editing it shows what the
          budget would have been over the last period.
        </Typography>
      )}
      {previews.length > 0 && (
        <Accordion
          expanded={rulesOpen}
          onChange={(_, open) => setRulesOpen(open)}
          TransitionProps={{ unmountOnExit: true }}
        >
          <AccordionSummary expandIcon={<ExpandMoreIcon />}>
            <Typography variant="subtitle2">Prometheus rules</Typography>
          </AccordionSummary>
          <AccordionDetails style={{ display: 'block' }}>
            {rules.warnings.map(w => (
              <Typography key={w} variant="body2" color="textSecondary">
                {w}
              </Typography>
            ))}
            {rules.yaml && (
              <CodeSnippet
                text={rules.yaml}
                language="yaml"
                showCopyCodeButton
                customStyle={{ maxHeight: 400, overflow: 'auto' }}
              />
            )}
          </AccordionDetails>
        </Accordion>
      )}
    </InfoCard>
  );
}
