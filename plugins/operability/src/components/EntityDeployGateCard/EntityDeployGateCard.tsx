import type {
  DeployGateDecision,
  DeployGateResponse,
} from '@airworthy/plugin-operability-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useState, type ReactNode } from 'react';
import { operabilityApiRef } from '../../api';
import { useAsyncContent } from '../../hooks/useAsyncContent';
import { ToneChip, WrappingListItemText } from '../common';
import { GateSloPhases, GrantException, RevokeException } from './GateControls';

const DECISION: Record<
  DeployGateDecision,
  { label: string; tone: 'success' | 'warning' | 'error'; text: string }
> = {
  allow: {
    label: 'Allow',
    tone: 'success',
    text: 'Releases go on.',
  },
  warn: {
    label: 'Warn',
    tone: 'warning',
    text: 'Releases go on, with a warning.',
  },
  block: {
    label: 'Block',
    tone: 'error',
    text: 'Releases stop, except security fixes and reliability work, until the budget recovers or an exception is granted.',
  },
};

function formatDate(iso: string): string {
  return new Date(iso).toLocaleString('en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
}

/**
 * The gate's decision, why, and the exception that applies, if any (with `exceptionAction`,
 * e.g. a revoke button, in its alert).
 */
export function DeployGateSummary(props: {
  gate: DeployGateResponse;
  exceptionAction?: ReactNode;
}) {
  const { gate } = props;
  const decision = DECISION[gate.decision];
  const enforcing = gate.slos.filter(s => s.phase === 'enforcing').length;
  return (
    <Box>
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <ToneChip
          label={decision.label}
          tone={decision.tone}
          title={`Deploy gate: ${gate.decision}`}
        />
        <Typography variant="body2">{decision.text}</Typography>
      </Box>
      {gate.exception && (
        <Alert
          severity="info"
          style={{ marginTop: 8 }}
          action={props.exceptionAction}
        >
          Exception until {formatDate(gate.exception.expiresAt)} UTC, granted by{' '}
          {gate.exception.author}: {gate.exception.reason}
        </Alert>
      )}
      <List dense aria-label="Why">
        {gate.reasons.map(reason => (
          <ListItem key={reason} disableGutters>
            <WrappingListItemText primary={reason} />
          </ListItem>
        ))}
      </List>
      <Typography variant="caption" color="textSecondary" component="p">
        {enforcing} of {gate.slos.length} SLOs enforcing · policy from{' '}
        {gate.policy.source === 'annotation'
          ? 'the entity annotation'
          : 'configuration'}{' '}
        (blocks on {gate.policy.block.join(', ') || 'nothing'}, warns on{' '}
        {gate.policy.warn.join(', ') || 'nothing'}) · decided{' '}
        {formatDate(gate.decidedAt)} UTC
      </Typography>
    </Box>
  );
}

/**
 * The deploy gate of the current entity (the error-budget policy of its enforcing SLOs): its
 * decision, the reasons and any exception. CI asks the same gate with `airworthy gate`.
 * @public
 */
export function EntityDeployGateCard() {
  const { entity } = useEntity();
  const api = useApi(operabilityApiRef);
  const entityRef = stringifyEntityRef(entity);
  // Bumped after a write (exception, phase) to load the gate's new decision.
  const [version, setVersion] = useState(0);
  const reload = () => setVersion(v => v + 1);
  const gate = useAsyncContent(async () => {
    const [decision, exceptions] = await Promise.all([
      api.getDeployGate(entityRef),
      api.getGateExceptions(entityRef),
    ]);
    return { decision, exceptions: exceptions.items };
  }, [api, entityRef, version]);
  return (
    <InfoCard title="Deploy gate">
      {gate.render(
        ({ decision, exceptions }) => (
          <>
            <DeployGateSummary
              gate={decision}
              exceptionAction={
                decision.exception && (
                  <RevokeException
                    entityRef={entityRef}
                    exception={decision.exception}
                    onChanged={reload}
                  />
                )
              }
            />
            {/* Active exceptions that release nothing now (the gate does not block). */}
            {exceptions
              .filter(
                e => e.state === 'active' && e.id !== decision.exception?.id,
              )
              .map(e => (
                <Alert
                  key={e.id}
                  severity="info"
                  style={{ marginBottom: 8 }}
                  action={
                    <RevokeException
                      entityRef={entityRef}
                      exception={e}
                      onChanged={reload}
                    />
                  }
                >
                  Exception until {formatDate(e.expiresAt)} UTC, granted by{' '}
                  {e.author}: {e.reason} (nothing is blocked now)
                </Alert>
              ))}
            <GateSloPhases
              entityRef={entityRef}
              slos={decision.slos}
              onChanged={reload}
            />
            <Box mt={1}>
              <GrantException
                entityRef={entityRef}
                maxDurationMs={decision.policy.exceptions.maxDurationMs}
                onChanged={reload}
              />
            </Box>
          </>
        ),
        { layout: 'stack' },
      )}
    </InfoCard>
  );
}
