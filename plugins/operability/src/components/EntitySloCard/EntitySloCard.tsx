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
import { fade, makeStyles } from '@material-ui/core/styles';
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
import {
  alertBurnRates,
  budgetSummary,
  explainBudget,
  noDataReason,
} from '../../lib/sloCard';
import { sloEditRouteRef } from '../../routes';
import { Sparkline } from '../charts/Sparkline';
import {
  SloFileErrors,
  SloPhaseChip,
  SloStatusChip,
  ToneChip,
} from '../common';
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

const useAlertStyles = makeStyles(theme => ({
  table: {
    '& td, & th': {
      padding: theme.spacing(0.25, 1),
      borderBottom: 'none',
      whiteSpace: 'nowrap',
    },
  },
  quiet: { color: theme.palette.text.secondary },
  firing: {
    fontWeight: theme.typography.fontWeightMedium as number,
    '& td, & th': { color: theme.palette.text.primary },
  },
  firingPage: { background: fade(theme.palette.error.main, 0.12) },
  firingTicket: { background: fade(theme.palette.warning.main, 0.12) },
}));

/**
 * The multiwindow alerts, one compact line each in burn rates (×), with the error ratio as
 * a secondary detail; a firing row stands out in its severity's tone.
 */
function AlertRows(props: { slo: SloSummary }) {
  const classes = useAlertStyles();
  const { slo } = props;
  const alerts = slo.alerts ?? [];
  if (alerts.length === 0) return null;
  return (
    <Table
      size="small"
      className={classes.table}
      aria-label={`Burn-rate alerts of ${slo.displayName ?? slo.name}`}
    >
      <TableHead>
        <TableRow>
          <TableCell>Alert</TableCell>
          <TableCell>Windows</TableCell>
          <TableCell align="right">Fires above</TableCell>
          <TableCell align="right">Burn rate now</TableCell>
          <TableCell />
        </TableRow>
      </TableHead>
      <TableBody>
        {alerts.map(row => {
          const rates = alertBurnRates(row, slo.target);
          const firing = row.firing;
          return (
            <TableRow
              key={`${row.longWindow}-${row.shortWindow}`}
              className={
                firing
                  ? `${classes.firing} ${
                      row.severity === 'page'
                        ? classes.firingPage
                        : classes.firingTicket
                    }`
                  : classes.quiet
              }
            >
              <TableCell
                component="th"
                scope="row"
                className={firing ? undefined : classes.quiet}
              >
                {row.severity}
              </TableCell>
              <TableCell className={firing ? undefined : classes.quiet}>
                {row.longWindow} and {row.shortWindow}
              </TableCell>
              <TableCell
                align="right"
                className={firing ? undefined : classes.quiet}
                title={`an error ratio of ${formatPercent(
                  row.errorRatioThreshold,
                  3,
                )} in both windows`}
              >
                {formatBurnRate(rates.threshold)}{' '}
                <Typography
                  component="span"
                  variant="caption"
                  color="textSecondary"
                >
                  ({formatPercent(row.errorRatioThreshold, 3)} errors)
                </Typography>
              </TableCell>
              <TableCell
                align="right"
                className={firing ? undefined : classes.quiet}
              >
                {formatBurnRate(rates.long)} / {formatBurnRate(rates.short)}
              </TableCell>
              <TableCell>
                {firing ? (
                  <ToneChip
                    label="fires"
                    tone={row.severity === 'page' ? 'error' : 'warning'}
                  />
                ) : (
                  <Typography variant="caption" color="textSecondary">
                    quiet
                  </Typography>
                )}
              </TableCell>
            </TableRow>
          );
        })}
      </TableBody>
    </Table>
  );
}

/** Why an SLO shows no figures, and what to do. */
function NoData(props: { slo: SloSummary }) {
  const reason = noDataReason(props.slo);
  if (!reason) return null;
  return (
    <Alert severity={reason.severity} style={{ marginTop: 8 }}>
      {reason.title} {reason.action}
    </Alert>
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
  const hasData = Boolean(budget && budget.total > 0);
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
        <SloPhaseChip phase={slo.phase} />
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
          {hasData && budget && (
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
      {hasData && slo.collection?.lastError && (
        <Alert severity="warning" style={{ marginTop: 8 }}>
          SLI collection ({slo.collection.source ?? 'no source'}) failed:{' '}
          {slo.collection.lastError}
        </Alert>
      )}
      {hasData ? (
        <Box mt={1}>
          <AlertRows slo={slo} />
        </Box>
      ) : (
        <NoData slo={slo} />
      )}
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
