/**
 * Isomorphic code of the operability plugin: annotations, permissions, the HTTP API's
 * types, schemas and client, and the SLO engine. No framework imports.
 *
 * @packageDocumentation
 */

// Annotations, permissions and units of time.
export {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_ERROR_BUDGET_POLICY,
  ANNOTATION_EXEMPTIONS,
  ANNOTATION_GITHUB_INCIDENTS,
  ANNOTATION_ON_CALL,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  ANNOTATION_PUBLIC_BADGE,
  ANNOTATION_SLO_FILES,
  ANNOTATION_SLO_PHASE,
  getSloFileRefs,
  isOperabilityAvailable,
  OPERABILITY_SOURCE_ANNOTATIONS,
  DEFAULT_SLO_PHASE,
  parseSloPhase,
  SLO_PHASE_LABEL,
  SLO_PHASES,
  type SloPhase,
  type SloPhaseSource,
  sloPhaseOf,
  sloPhaseValue,
} from './annotations';
export {
  OPERABILITY_ENTITY_RESOURCE_TYPE,
  operabilityExceptionWritePermission,
  operabilityExemptionWritePermission,
  operabilityGateReadPermission,
  operabilityIncidentWritePermission,
  operabilityPermissions,
  operabilitySliWritePermission,
  operabilitySloWritePermission,
} from './permissions';
export { TIME } from './time';

// The HTTP API: request and response types, their zod schemas, the typed client.
export {
  type IncidentListOptions,
  type IncidentStatsOptions,
  type OperabilityApi,
  OperabilityClient,
  type OperabilityDiscovery,
  type OperabilityFetch,
  type PortfolioOptions,
  type RequestOptions,
  type SloListOptions,
  type SloSeriesOptions,
} from './api/client';
export {
  entityPath,
  entityRouteParamsSchema,
  toEntityRef,
} from './api/entityRefs';
export {
  DEPLOY_GATE_DECISIONS,
  type DeployGateDecision,
  type DeployGateResponse,
  type DeployGateSlo,
  type ErrorBudgetPolicy,
  errorBudgetPolicyOverrideSchema,
  type GateException,
  gateExceptionIdParamsSchema,
  type GateExceptionsResponse,
  type GateExceptionWrite,
  type GateExceptionWriteRequest,
  gateExceptionWriteSchema,
  POLICY_SLO_STATUSES,
  type PolicySloStatus,
} from './api/gate';
export { API_RANGES, instantRangeProblem } from './api/limits';
export {
  type DurationStats,
  type EntityIncidentRecordsResponse,
  type EntityIncidentsResponse,
  type Incident,
  INCIDENT_LIST_VIEWS,
  INCIDENT_RANGE_MATCHES,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  type IncidentBudgetCost,
  type IncidentBudgetCostSummary,
  incidentIdParamsSchema,
  type IncidentLinks,
  type IncidentListQuery,
  incidentListQuerySchema,
  type IncidentMerge,
  incidentMergeSchema,
  type IncidentRangeMatch,
  type IncidentRecord,
  incidentRecordIdParamsSchema,
  type IncidentSeverity,
  type IncidentSplit,
  type IncidentSplitResponse,
  incidentSplitSchema,
  type IncidentStatsQuery,
  incidentStatsQuerySchema,
  type IncidentStatsResponse,
  type IncidentStatus,
  type IncidentTimeFields,
  incidentTimeOrderErrors,
  MANUAL_INCIDENT_SOURCE,
  type ManualIncidentCreate,
  type ManualIncidentCreateRequest,
  manualIncidentCreateSchema,
  type ManualIncidentUpdate,
  type ManualIncidentUpdateRequest,
  manualIncidentUpdateSchema,
  normalizeIncidentSeverity,
  toHttpUrl,
} from './api/incidents';
export {
  type EntityExemptionsResponse,
  type EntityScoreResponse,
  exemptionCheckParamsSchema,
  type ExemptionWrite,
  type ExemptionWriteRequest,
  exemptionWriteSchema,
  PORTFOLIO_GROUPINGS,
  PORTFOLIO_SORT_KEYS,
  type PortfolioEntity,
  type PortfolioGroup,
  type PortfolioGrouping,
  type PortfolioQuery,
  portfolioQuerySchema,
  type PortfolioResponse,
  type PortfolioSortKey,
  type PortfolioStats,
  type ScoreHistoryPoint,
  scoreHistoryQuerySchema,
  type ScoreHistoryResponse,
  type ScoreSettingsResponse,
  type ScoreTrend,
} from './api/scores';
export {
  isValidSliCounts,
  sliCountsSchema,
  type SliPushRequest,
  sliPushRequestSchema,
  type SliPushResponse,
} from './api/sli';
export {
  type SeriesPoint,
  SLO_LIST_SORT_KEYS,
  SLO_STATUSES,
  type SloAlertRow,
  type SloBudget,
  type SloBurnRate,
  type SloCollectionStatus,
  type SloDataState,
  sloListDefaultOrder,
  type SloListItem,
  type SloListQuery,
  sloListQuerySchema,
  type SloListResponse,
  type SloListSortKey,
  type SloDetailResponse,
  type SloEvaluation,
  sloIdParamsSchema,
  type SloPhaseWrite,
  sloPhaseWriteSchema,
  type SloSeriesQuery,
  sloSeriesQuerySchema,
  type SloSeriesResponse,
  type SloWriteResponse,
} from './api/slos';
export {
  type EntityRetiredSlosResponse,
  type EntitySlosResponse,
  type HealthResponse,
  type RetiredSlo,
  type SloRetiredReason,
  type SloIdentity,
  type SloSource,
  type SloStatus,
  type SloSummary,
  type SloValidationError,
} from './api/types';
export { describeZodError } from './api/zod';

// The operability score: checks, levels, exemptions and how a score is computed.
export {
  type ComputedScore,
  computeScore,
  levelOf,
  nextLevelOf,
  type ScoreCheckOutcomeInput,
  scoreLevelErrors,
} from './score/compute';
export {
  type AnnotationExemption,
  parseExemptionsAnnotation,
} from './score/exemptions';
export {
  DEFAULT_SCORE_CHECKS,
  DEFAULT_SCORE_LEVELS,
  type EntityScoreFacts,
  type ScoreCategoryResult,
  type ScoreCheckDefinition,
  type ScoreCheckResult,
  type ScoreCheckStatus,
  type ScoreExemption,
  type ScoreExemptionSource,
  type ScoreLevelDefinition,
  type ScoreThresholdUnit,
} from './score/model';
export { type NextStep, nextSteps } from './score/nextSteps';

// The SLO engine: OpenSLO and Sloth files, the normalized model, budget and burn-rate
// math, alert windows, Prometheus rules.
export { type CalendarPeriod, calendarPeriodAt } from './slo/calendar';
export {
  DURATION_SHORTHAND_HINT,
  durationToMs,
  type DurationUnit,
  formatDurationHuman,
  formatDurationShorthand,
  formatPrometheusDuration,
  type ParsedDuration,
  parseDuration,
  SLO_PERIOD_MAX_MS,
  SLO_PERIOD_MIN_MS,
  sloPeriodProblem,
} from './slo/duration';
export { toOpenSloYaml, type ToOpenSloYamlOptions } from './slo/export';
export { metricSourcesOf } from './slo/indicators';
export {
  badEvents,
  type BudgetInput,
  type BudgetReport,
  burnRate,
  errorBudget,
  errorRatio,
  evaluateBudget,
  type EventCounts,
  overspentBudgets,
  percentToRatio,
  sliValue,
  sumCounts,
  tidyNumber,
} from './slo/math';
export {
  type BudgetingMethod,
  type ComparisonOperator,
  type Slo,
  type SloAlertCondition,
  type SloAlerting,
  type SloAlertLabels,
  type SloAlertPolicy,
  type SloDataSource,
  type SloIndicator,
  type SloIndicatorBase,
  type SloMetricSource,
  type SloNotificationTarget,
  type SloObjective,
  type SloOrigin,
  type SloRatioIndicator,
  type SloRawIndicator,
  type SloSpecFormat,
  type SloThresholdIndicator,
  type SloTimeSlice,
  type SloTimeWindow,
} from './slo/model';
export { SLO_TEXT_LIMITS } from './slo/opensloSchemas';
export { OPENSLO_V1ALPHA_API_VERSION } from './slo/opensloV1alpha';
export {
  parseSloFiles,
  parseSloYaml,
  type SloDocumentSummary,
  type SloParseOptions,
  type SloParseResult,
} from './slo/parse';
export {
  generatePrometheusRules,
  type PrometheusAlertingRule,
  type PrometheusRecordingRule,
  type PrometheusRuleGroup,
  type RuleGeneration,
  type RuleOptions,
  type RuleSet,
  rulesToYaml,
  type RulesYamlOptions,
  type RuleWarning,
  RUNBOOK_URL_ANNOTATION,
} from './slo/rules';
export {
  SLOTH_DEFAULT_PERIOD,
  SLOTH_KUBERNETES_API_VERSION,
  SLOTH_KUBERNETES_KIND,
  SLOTH_VERSION,
} from './slo/sloth';
export { type FieldPath, formatPath } from './slo/validation';
export {
  evaluateTimeslices,
  meetsThreshold,
  type TimesliceInput,
  type TimesliceReport,
} from './slo/timeslices';
export {
  type AlertDecision,
  alertWindows,
  type BurnRatePolicyRow,
  type BurnRateSeverity,
  type BurnRateWindow,
  type BurnRateWindowState,
  decideAlert,
  DEFAULT_BURN_RATE_POLICY,
  multiwindowTable,
} from './slo/windows';
export { type SloFile } from './slo/yamlDocuments';
