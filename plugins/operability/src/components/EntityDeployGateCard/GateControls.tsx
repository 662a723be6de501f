import {
  gateExceptionWriteSchema,
  operabilityExceptionWritePermission,
  operabilitySloWritePermission,
  TIME,
  type DeployGateSlo,
  type GateException,
  type SloPhase,
} from '@airworthy/plugin-operability-common';
import { useApi } from '@backstage/core-plugin-api';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogContentText from '@material-ui/core/DialogContentText';
import DialogTitle from '@material-ui/core/DialogTitle';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemSecondaryAction from '@material-ui/core/ListItemSecondaryAction';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState, type ReactNode } from 'react';
import { operabilityApiRef } from '../../api';
import { errorMessage } from '../../lib/errors';
import { WrappingListItemText } from '../common';

const { DAY } = TIME;

/** `2026-12-08`: the UTC day of an instant. */
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** A confirmation dialog whose action runs once, shows progress and keeps its error. */
function ConfirmDialog(props: {
  id: string;
  open: boolean;
  title: string;
  children: ReactNode;
  confirm: string;
  onConfirm: () => Promise<void>;
  onClose: () => void;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const close = () => {
    setError(undefined);
    props.onClose();
  };
  return (
    <Dialog
      open={props.open}
      onClose={busy ? undefined : close}
      aria-labelledby={`${props.id}-title`}
    >
      <DialogTitle id={`${props.id}-title`}>{props.title}</DialogTitle>
      <DialogContent>
        {props.children}
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={close} disabled={busy}>
          Cancel
        </Button>
        <Button
          color="primary"
          variant="contained"
          disabled={busy}
          startIcon={busy ? <CircularProgress size={16} /> : undefined}
          onClick={async () => {
            setBusy(true);
            setError(undefined);
            try {
              await props.onConfirm();
              close();
            } catch (e) {
              setError(errorMessage(e));
            } finally {
              setBusy(false);
            }
          }}
        >
          {props.confirm}
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** The API, whether the user may write with `permission` on the entity, and a dialog's state. */
function useWriteControl(
  permission:
    | typeof operabilityExceptionWritePermission
    | typeof operabilitySloWritePermission,
  entityRef: string,
) {
  const api = useApi(operabilityApiRef);
  const { allowed } = usePermission({ permission, resourceRef: entityRef });
  const [open, setOpen] = useState(false);
  return { api, allowed, open, setOpen };
}

/** What is wrong with an exception's reason and expiry day, by field. */
export function exceptionInputErrors(
  input: { reason: string; expiresOn: string },
  now: number,
  maxDurationMs: number,
): { reason?: string; expiresOn?: string } {
  const errors: { reason?: string; expiresOn?: string } = {};
  if (!input.reason.trim()) {
    errors.reason = 'Say why releases must go on, e.g. a security fix';
  } else if (input.reason.trim().length > 1000) {
    errors.reason = 'At most 1000 characters';
  }
  const parsed = gateExceptionWriteSchema.shape.expiresAt.safeParse(
    input.expiresOn,
  );
  if (!input.expiresOn) {
    errors.expiresOn = 'Choose the last day the exception holds';
  } else if (!parsed.success) {
    errors.expiresOn = 'Not a date';
  } else if (parsed.data <= now) {
    errors.expiresOn = 'Must be today or later';
  } else if (parsed.data > now + maxDurationMs) {
    errors.expiresOn = `At most ${Math.floor(
      maxDurationMs / DAY,
    )} days from now: the last day is ${dayOf(now + maxDurationMs - DAY)}`;
  }
  return errors;
}

/**
 * "Grant exception": a dialog asking why and until which day (at most the configured longest
 * exception), for users allowed `operability.exception.write` on the entity.
 */
export function GrantException(props: {
  entityRef: string;
  maxDurationMs: number;
  onChanged: () => void;
}) {
  const { api, allowed, open, setOpen } = useWriteControl(
    operabilityExceptionWritePermission,
    props.entityRef,
  );
  const [now, setNow] = useState(() => Date.now());
  const [reason, setReason] = useState('');
  const [expiresOn, setExpiresOn] = useState('');
  const [touched, setTouched] = useState(false);
  if (!allowed) return null;
  const errors = exceptionInputErrors(
    { reason, expiresOn },
    now,
    props.maxDurationMs,
  );
  const invalid = Boolean(errors.reason || errors.expiresOn);
  return (
    <>
      <Button
        variant="outlined"
        size="small"
        onClick={() => {
          const t = Date.now();
          setNow(t);
          setReason('');
          setExpiresOn(dayOf(t + Math.min(7 * DAY, props.maxDurationMs - DAY)));
          setTouched(false);
          setOpen(true);
        }}
      >
        Grant exception
      </Button>
      <ConfirmDialog
        id="gate-exception"
        open={open}
        title="Grant an exception to the error-budget policy"
        confirm="Grant exception"
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          setTouched(true);
          if (invalid) throw new Error('Correct the fields above first.');
          await api.createGateException(props.entityRef, {
            reason: reason.trim(),
            expiresAt: expiresOn,
          });
          props.onChanged();
        }}
      >
        <DialogContentText>
          While it holds, a block of {props.entityRef} turns into a warning: for
          security fixes and reliability work. Your name is recorded with it.
        </DialogContentText>
        <TextField
          id="gate-exception-reason"
          label="Reason"
          required
          fullWidth
          multiline
          minRows={2}
          margin="normal"
          value={reason}
          onChange={e => setReason(e.target.value)}
          onBlur={() => setTouched(true)}
          error={touched && Boolean(errors.reason)}
          helperText={(touched && errors.reason) || 'Shown with the decision'}
          inputProps={{ maxLength: 1000 }}
        />
        <TextField
          id="gate-exception-expiry"
          label="Last day (UTC)"
          type="date"
          required
          fullWidth
          margin="normal"
          value={expiresOn}
          onChange={e => setExpiresOn(e.target.value)}
          error={Boolean(errors.expiresOn)}
          helperText={
            errors.expiresOn ??
            `Holds through that day; at most ${Math.floor(
              props.maxDurationMs / DAY,
            )} days (operability.policy.exceptions.maxDuration)`
          }
          InputLabelProps={{ shrink: true }}
          inputProps={{
            min: dayOf(now),
            max: dayOf(now + props.maxDurationMs - DAY),
          }}
        />
      </ConfirmDialog>
    </>
  );
}

/** "Revoke" on the active exception, for users allowed `operability.exception.write`. */
export function RevokeException(props: {
  entityRef: string;
  exception: GateException;
  onChanged: () => void;
}) {
  const { api, allowed, open, setOpen } = useWriteControl(
    operabilityExceptionWritePermission,
    props.entityRef,
  );
  if (!allowed) return null;
  return (
    <>
      <Button size="small" color="inherit" onClick={() => setOpen(true)}>
        Revoke
      </Button>
      <ConfirmDialog
        id="gate-exception-revoke"
        open={open}
        title="Revoke the exception?"
        confirm="Revoke exception"
        onClose={() => setOpen(false)}
        onConfirm={async () => {
          await api.revokeGateException(props.entityRef, props.exception.id);
          props.onChanged();
        }}
      >
        <DialogContentText>
          The policy applies again at once: if an enforcing SLO is exhausted,
          releases of {props.entityRef} stop. Granted by{' '}
          {props.exception.author}: {props.exception.reason}
        </DialogContentText>
      </ConfirmDialog>
    </>
  );
}

const OTHER_PHASE: Record<SloPhase, SloPhase> = {
  informing: 'enforcing',
  enforcing: 'informing',
};

/**
 * The SLOs the gate judged, each with its phase; users allowed `operability.slo.write` may
 * switch an SLO created in Backstage between informing and enforcing (after confirming).
 * SLOs from files change phase in their file.
 */
export function GateSloPhases(props: {
  entityRef: string;
  slos: DeployGateSlo[];
  onChanged: () => void;
}) {
  const { api, allowed } = useWriteControl(
    operabilitySloWritePermission,
    props.entityRef,
  );
  const [changing, setChanging] = useState<DeployGateSlo | undefined>();
  if (props.slos.length === 0) return null;
  const name = (slo: DeployGateSlo) => slo.displayName ?? slo.name;
  return (
    <Box mt={1}>
      <Typography variant="subtitle2" component="h3">
        SLOs and their phase
      </Typography>
      <List dense aria-label="SLOs and their phase">
        {props.slos.map(slo => (
          <ListItem key={slo.id} disableGutters>
            <WrappingListItemText
              primary={name(slo)}
              secondary={`${slo.phase} · ${slo.status}${
                slo.stale ? ' (stale)' : ''
              }${
                slo.source === 'repo' && allowed
                  ? ' · phase set in its SLO file'
                  : ''
              }`}
            />
            {allowed && slo.source === 'api' && (
              <ListItemSecondaryAction>
                <Button
                  size="small"
                  onClick={() => setChanging(slo)}
                  aria-label={`Make ${name(slo)} ${OTHER_PHASE[slo.phase]}`}
                >
                  Make {OTHER_PHASE[slo.phase]}
                </Button>
              </ListItemSecondaryAction>
            )}
          </ListItem>
        ))}
      </List>
      <ConfirmDialog
        id="slo-phase"
        open={Boolean(changing)}
        title={
          changing
            ? `Make ${name(changing)} ${OTHER_PHASE[changing.phase]}?`
            : ''
        }
        confirm={changing ? `Make ${OTHER_PHASE[changing.phase]}` : ''}
        onClose={() => setChanging(undefined)}
        onConfirm={async () => {
          await api.setSloPhase(changing!.id, OTHER_PHASE[changing!.phase]);
          props.onChanged();
        }}
      >
        <DialogContentText>
          {changing?.phase === 'informing'
            ? 'The error-budget policy then applies to it: when its budget is exhausted, releases stop unless an exception is granted.'
            : 'The policy then no longer applies to it: it is measured and shown, but never stops a release.'}
        </DialogContentText>
      </ConfirmDialog>
    </Box>
  );
}
