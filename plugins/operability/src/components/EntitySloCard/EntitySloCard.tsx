import { TIME, type SloSummary } from '@airworthy/plugin-operability-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import Divider from '@material-ui/core/Divider';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Fragment } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { operabilityApiRef } from '../../api';
import { useAsyncContent } from '../../hooks/useAsyncContent';
import { useOptionalRouteRef } from '../../hooks/useOptionalRouteRef';
import { useSloCreateLink } from '../../hooks/useSloCreateLink';
import {
  formatBurnRate,
  formatPercent,
  formatRelative,
  formatTarget,
} from '../../lib/format';
import { sparkline } from '../../lib/series';
import { budgetSummary, explainBudget } from '../../lib/sloCard';
import { sloEditRouteRef } from '../../routes';
import { Sparkline } from '../charts/Sparkline';
import { SloFileErrors, SloStatusChip, ToneChip } from '../common';
import { SloEmptyState } from '../SloEmptyState';

const SPARKLINE_DAYS = 7;

function SloSparkline(props: { slo: SloSummary }) {
  const api = useApi(operabilityApiRef);
  const { slo } = props;
  const to = slo.budget?.to;
  const { value } = useAsync(async () => {
    if (!to) return undefined;
    const toMs = Date.parse(to);
    return api.getSloSeries(slo.id, {
      from: new Date(toMs - SPARKLINE_DAYS * TIME.DAY).toISOString(),
      to,
    });
  }, [api, slo.id, to]);
  if (!value) return null;
  return (
    <Sparkline
      points={sparkline(value.budgetRemaining)}
      label={`Budget remaining over the last ${SPARKLINE_DAYS} days`}
    />
  );
}

function AlertRows(props: { slo: SloSummary }) {
  const alerts = props.slo.alerts ?? [];
  if (alerts.length === 0) return null;
  return (
    <Table
      size="small"
      aria-label={`Burn-rate alerts of ${
        props.slo.displayName ?? props.slo.name
      }`}
    >
      <TableHead>
        <TableRow>
          <TableCell>Alert</TableCell>
          <TableCell>Windows</TableCell>
          <TableCell align="right">Fires above</TableCell>
          <TableCell align="right">Long window</TableCell>
          <TableCell align="right">Short window</TableCell>
          <TableCell>Now</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {alerts.map(row => (
          <TableRow key={`${row.longWindow}-${row.shortWindow}`}>
            <TableCell>{row.severity}</TableCell>
            <TableCell>
              {row.longWindow} and {row.shortWindow}
            </TableCell>
            <TableCell
              align="right"
              title={`burn rate ${formatBurnRate(row.burnRateFactor)}`}
            >
              {formatPercent(row.errorRatioThreshold, 3)}
            </TableCell>
            <TableCell align="right">
              {formatPercent(row.longErrorRatio, 3)}
            </TableCell>
            <TableCell align="right">
              {formatPercent(row.shortErrorRatio, 3)}
            </TableCell>
            <TableCell>
              {row.firing ? (
                <ToneChip
                  label="fires"
                  tone={row.severity === 'page' ? 'error' : 'warning'}
                />
              ) : (
                'quiet'
              )}
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

function HowComputed(props: { slo: SloSummary }) {
  const steps = explainBudget(props.slo);
  if (steps.length === 0) return null;
  return (
    <Accordion variant="outlined" TransitionProps={{ unmountOnExit: true }}>
      <AccordionSummary expandIcon={<ExpandMoreIcon />}>
        <Typography variant="body2">How this was computed</Typography>
      </AccordionSummary>
      <AccordionDetails>
        <Table size="small" aria-label="How the budget was computed">
          <TableBody>
            {steps.map(step => (
              <TableRow key={step.label}>
                <TableCell component="th" scope="row">
                  {step.label}
                </TableCell>
                <TableCell>
                  <code>{step.formula}</code>
                </TableCell>
                <TableCell align="right">{step.value}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </AccordionDetails>
    </Accordion>
  );
}

function SloItem(props: {
  slo: SloSummary;
  editLink?: (params: { sloId: string }) => string;
}) {
  const { slo, editLink } = props;
  const budget = slo.budget;
  const remaining = budget ? Math.max(0, Math.min(1, budget.remaining)) : 0;
  const title = slo.displayName ?? slo.name;
  return (
    <Box component="section" aria-label={title} py={1}>
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
      >
        <SloStatusChip status={slo.status} />
        <Typography variant="subtitle1" component="h3">
          {title}
        </Typography>
        <Typography variant="body2" color="textSecondary">
          {formatTarget(slo.target)} over {slo.period}
          {slo.source === 'repo' ? ' · from the repository' : ' · in Backstage'}
        </Typography>
        <Box flexGrow={1} />
        {editLink && (
          <Link to={editLink({ sloId: slo.id })}>
            {slo.source === 'api' ? 'Edit' : 'View definition'}
          </Link>
        )}
      </Box>
      <Box display="flex" alignItems="center" style={{ gap: 16 }} mt={1}>
        <Box flexGrow={1}>
          <Typography variant="body2">
            Budget: <strong>{budgetSummary(slo)}</strong>
            {budget?.exhaustsAt && budget.remaining > 0 && (
              <>
                {' '}
                · runs out{' '}
                {formatRelative(
                  Date.parse(budget.exhaustsAt),
                  Date.parse(budget.to),
                )}{' '}
                at the last hour's burn rate
              </>
            )}
          </Typography>
          {budget && (
            <LinearProgress
              variant="determinate"
              value={remaining * 100}
              color={budget.remaining > 0.25 ? 'primary' : 'secondary'}
              aria-label={`Budget remaining of ${title}`}
              style={{ marginTop: 4 }}
            />
          )}
        </Box>
        {budget && budget.total > 0 && <SloSparkline slo={slo} />}
      </Box>
      {slo.collection?.lastError && (
        <Alert severity="warning" style={{ marginTop: 8 }}>
          SLI collection ({slo.collection.source ?? 'no source'}) failed:{' '}
          {slo.collection.lastError}
        </Alert>
      )}
      <Box mt={1}>
        <AlertRows slo={slo} />
      </Box>
      <Box mt={1}>
        <HowComputed slo={slo} />
      </Box>
    </Box>
  );
}

/** The SLOs of the current entity, with their budgets and alerts. @public */
export function EntitySloCard() {
  const { entity } = useEntity();
  const api = useApi(operabilityApiRef);
  const entityRef = stringifyEntityRef(entity);
  const createLink = useSloCreateLink(entityRef);
  const editLink = useOptionalRouteRef(sloEditRouteRef);
  const slos = useAsyncContent(
    () => api.getEntitySlos(entityRef),
    [api, entityRef],
  );

  return (
    <InfoCard
      title="Service level objectives"
      action={
        createLink ? (
          <Box pt={1} pr={1}>
            <Link to={createLink}>New SLO</Link>
          </Box>
        ) : undefined
      }
    >
      {slos.render(value => (
        <>
          <SloFileErrors errors={value.errors} />
          {value.items.length === 0 ? (
            <SloEmptyState entity={entity} />
          ) : (
            value.items.map((slo, i) => (
              <Fragment key={slo.id}>
                {i > 0 && <Divider />}
                <SloItem slo={slo} editLink={editLink} />
              </Fragment>
            ))
          )}
        </>
      ))}
    </InfoCard>
  );
}
