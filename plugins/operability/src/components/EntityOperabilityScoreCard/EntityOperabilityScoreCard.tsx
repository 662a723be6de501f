import {
  type EntityScoreResponse,
  nextSteps,
  type ScoreHistoryPoint,
} from '@airworthy/plugin-operability-common';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { InfoCard, Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import { useEntity } from '@backstage/plugin-catalog-react';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Box from '@material-ui/core/Box';
import LinearProgress from '@material-ui/core/LinearProgress';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import useAsync from 'react-use/esm/useAsync';
import { operabilityApiRef } from '../../api';
import { useAsyncContent } from '../../hooks/useAsyncContent';
import { useOptionalRouteRef } from '../../hooks/useOptionalRouteRef';
import {
  formatDate,
  formatNumber,
  formatPercent,
  plural,
} from '../../lib/format';
import { formatScore } from '../../lib/portfolio';
import {
  CHECK_STATUS_TONE,
  checkGroups,
  describeGain,
  describeStepGain,
  describeScore,
  describeTrend,
} from '../../lib/score';
import type { ChartPoint } from '../../lib/series';
import { rootRouteRef } from '../../routes';
import { Sparkline } from '../charts/Sparkline';
import { ToneChip } from '../common';

const HISTORY_DAYS = 90;

function historyPoints(points: ScoreHistoryPoint[]): ChartPoint[] {
  return points.flatMap(p =>
    p.score === null ? [] : [{ t: Date.parse(p.date), v: p.score }],
  );
}

function ScoreHistory(props: { entityRef: string }) {
  const api = useApi(operabilityApiRef);
  const { value } = useAsync(
    () => api.getEntityScoreHistory(props.entityRef, { days: HISTORY_DAYS }),
    [api, props.entityRef],
  );
  if (!value) return null;
  return (
    <Sparkline
      points={historyPoints(value.points)}
      label={`Score over the last ${HISTORY_DAYS} days`}
      format={formatScore}
      width={140}
      height={36}
    />
  );
}

function Checks(props: { score: EntityScoreResponse }) {
  return (
    <>
      {checkGroups(props.score).map(group => (
        <Accordion
          key={group.id}
          variant="outlined"
          TransitionProps={{ unmountOnExit: true }}
        >
          <AccordionSummary expandIcon={<ExpandMoreIcon />}>
            <Typography variant="body2">
              {group.title}: <strong>{formatScore(group.score)}</strong>
              {' · '}
              {group.checks.filter(c => c.status === 'met').length} of{' '}
              {group.checks.length} checks met
            </Typography>
          </AccordionSummary>
          <AccordionDetails>
            <Table size="small" aria-label={`${group.title} checks`}>
              <TableBody>
                {group.checks.map(check => (
                  <TableRow key={check.id}>
                    <TableCell style={{ width: 110 }}>
                      <ToneChip
                        label={check.status}
                        tone={CHECK_STATUS_TONE[check.status]}
                      />
                    </TableCell>
                    <TableCell>
                      <Typography variant="body2">{check.title}</Typography>
                      {/* Detail may quote catalog data: rendered as text. */}
                      <Typography variant="caption" color="textSecondary">
                        {check.detail}
                      </Typography>
                      {check.exemption && (
                        <Typography variant="caption" component="div">
                          Exempt until {formatDate(check.exemption.expiresAt)} (
                          {check.exemption.source}, {check.exemption.author}
                          ): {check.exemption.reason}
                        </Typography>
                      )}
                      {check.remediation && (
                        <Typography variant="caption" component="div">
                          To do: {check.remediation}
                        </Typography>
                      )}
                    </TableCell>
                    <TableCell align="right">
                      {formatNumber(check.points, 1)}
                      {check.gain > 0 && (
                        <Typography variant="caption" component="div">
                          {describeGain(check)}
                        </Typography>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </AccordionDetails>
        </Accordion>
      ))}
    </>
  );
}

function ScoreSummary(props: { score: EntityScoreResponse }) {
  const { score } = props;
  const steps = nextSteps(score);
  return (
    <>
      <Box display="flex" alignItems="center" style={{ gap: 16 }}>
        <Box>
          <Typography variant="h4" component="p">
            {formatScore(score.score)}
            <Typography variant="body2" component="span" color="textSecondary">
              {' '}
              / 100
            </Typography>
          </Typography>
          {score.level && <ToneChip label={score.level.title} tone="info" />}
        </Box>
        <Box flexGrow={1}>
          <Typography variant="body2">{describeScore(score)}</Typography>
          {score.score !== null && (
            <LinearProgress
              variant="determinate"
              value={Math.max(0, Math.min(100, score.score))}
              aria-label="Operability score"
              style={{ marginTop: 4 }}
            />
          )}
          <Typography variant="caption" color="textSecondary">
            {score.trends.map(describeTrend).join(' · ')}
            {score.trends.length ? ' · ' : ''}computed{' '}
            {formatDate(score.computedAt)}
          </Typography>
        </Box>
        <ScoreHistory entityRef={score.entityRef} />
      </Box>
      {score.exemptionErrors.length > 0 && (
        <Alert severity="warning" style={{ marginTop: 8 }}>
          Exemptions annotation: {score.exemptionErrors.join('; ')}
        </Alert>
      )}
      {steps.length > 0 && (
        <Box mt={2}>
          <Typography variant="subtitle2" component="h3">
            Next steps
          </Typography>
          <ol style={{ margin: 0, paddingLeft: 20 }}>
            {steps.map(step => (
              <li key={step.id}>
                <Typography variant="body2">
                  <strong>{step.title}</strong> ({describeStepGain(step)}):{' '}
                  {step.remediation ?? step.detail}
                </Typography>
              </li>
            ))}
          </ol>
        </Box>
      )}
      <Box mt={2}>
        <Checks score={score} />
      </Box>
      <Typography variant="caption" color="textSecondary">
        Facts over the period: {score.facts.sloCount} SLOs, worst budget left{' '}
        {formatPercent(score.facts.worstBudgetRemaining, 1)},{' '}
        {score.facts.incidents === null
          ? 'no incident source'
          : plural(score.facts.incidents, 'incident')}
        .
      </Typography>
    </>
  );
}

/**
 * The entity's operability score: level, next level, trends, checks by category with what to
 * do, exemptions. @public
 */
export function EntityOperabilityScoreCard() {
  const { entity } = useEntity();
  const api = useApi(operabilityApiRef);
  const entityRef = stringifyEntityRef(entity);
  const portfolioLink = useOptionalRouteRef(rootRouteRef);
  const score = useAsyncContent(
    () => api.getEntityScore(entityRef),
    [api, entityRef],
  );

  return (
    <InfoCard
      title="Operability score"
      action={
        portfolioLink ? (
          <Box pt={1} pr={1}>
            <Link to={portfolioLink()}>Portfolio</Link>
          </Box>
        ) : undefined
      }
    >
      {score.render(
        value => (
          <ScoreSummary score={value} />
        ),
        {
          renderError: error =>
            error instanceof ResponseError && error.response.status === 404 ? (
              <Typography variant="body2">
                This entity is not scored. {error.body?.error?.message ?? ''}
              </Typography>
            ) : undefined,
        },
      )}
    </InfoCard>
  );
}
