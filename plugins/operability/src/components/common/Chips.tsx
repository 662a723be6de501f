import type {
  IncidentSeverity,
  SloPhase,
  SloStatus,
} from '@airworthy/plugin-operability-common';
import Chip from '@material-ui/core/Chip';
import { makeStyles, type Theme } from '@material-ui/core/styles';

type Tone = 'error' | 'warning' | 'info' | 'success' | 'neutral';

function toneColor(theme: Theme, tone: Tone): string {
  switch (tone) {
    case 'error':
      return theme.palette.error.main;
    case 'warning':
      return theme.palette.warning.main;
    case 'info':
      return theme.palette.info.main;
    case 'success':
      return theme.palette.success.main;
    default:
      return theme.palette.text.secondary;
  }
}

const useStyles = makeStyles<Theme, { tone: Tone }>(theme => ({
  chip: {
    // Outlined in the palette's color: readable on light and dark backgrounds alike.
    color: ({ tone }) => toneColor(theme, tone),
    borderColor: ({ tone }) => toneColor(theme, tone),
    fontWeight: theme.typography.fontWeightMedium as number,
    margin: 0,
  },
}));

/** A small outlined chip in a palette tone. */
export function ToneChip(props: { label: string; tone: Tone; title?: string }) {
  const classes = useStyles({ tone: props.tone });
  return (
    <Chip
      size="small"
      variant="outlined"
      label={props.label}
      title={props.title}
      className={classes.chip}
    />
  );
}

const SEVERITY_TONE: Record<IncidentSeverity, Tone> = {
  critical: 'error',
  warning: 'warning',
  info: 'info',
  unknown: 'neutral',
};

/** An incident's severity. */
export function SeverityChip(props: { severity: IncidentSeverity }) {
  return (
    <ToneChip label={props.severity} tone={SEVERITY_TONE[props.severity]} />
  );
}

const STATUS: Record<SloStatus, { label: string; tone: Tone; title: string }> =
  {
    ok: { label: 'OK', tone: 'success', title: 'No burn-rate alert fires' },
    warning: {
      label: 'Warning',
      tone: 'warning',
      title: 'A ticket alert fires: the budget burns too fast',
    },
    critical: {
      label: 'Critical',
      tone: 'error',
      title: 'A page alert fires: the budget burns fast',
    },
    exhausted: {
      label: 'Exhausted',
      tone: 'error',
      title: 'The error budget of the period is spent',
    },
    'no-data': {
      label: 'No data',
      tone: 'neutral',
      title: 'No SLI data yet',
    },
  };

/** An SLO's evaluated status. */
export function SloStatusChip(props: { status: SloStatus }) {
  const status = STATUS[props.status] ?? STATUS['no-data'];
  return (
    <ToneChip label={status.label} tone={status.tone} title={status.title} />
  );
}

/**
 * An SLO's phase: enforcing SLOs stop releases when their budget is gone (the deploy gate);
 * informing ones are measured and shown only.
 */
export function SloPhaseChip(props: { phase: SloPhase }) {
  return props.phase === 'enforcing' ? (
    <ToneChip
      label="enforcing"
      tone="info"
      title="Enforcing: the error-budget policy applies (an exhausted budget blocks deploys)"
    />
  ) : (
    <ToneChip
      label="informing"
      tone="neutral"
      title="Informing: measured and shown; the error-budget policy does not apply yet"
    />
  );
}
