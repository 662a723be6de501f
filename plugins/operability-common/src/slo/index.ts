export { type CalendarPeriod, calendarPeriodAt } from './calendar';
export {
  DURATION_SHORTHAND_HINT,
  durationToMs,
  type DurationUnit,
  formatDurationHuman,
  formatDurationShorthand,
  type ParsedDuration,
  parseDuration,
} from './duration';
export { toOpenSloYaml, type ToOpenSloYamlOptions } from './export';
export { metricSourcesOf } from './indicators';
export {
  badEvents,
  type BudgetInput,
  type BudgetReport,
  burnRate,
  errorBudget,
  errorRatio,
  evaluateBudget,
  type EventCounts,
  percentToRatio,
  sliValue,
  sumCounts,
  tidyNumber,
} from './math';
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
} from './model';
export {
  parseSloFiles,
  parseSloYaml,
  type SloDocumentSummary,
  type SloParseOptions,
  type SloParseResult,
} from './parse';
export {
  generatePrometheusRules,
  type PrometheusAlertingRule,
  type PrometheusRecordingRule,
  type PrometheusRuleGroup,
  type RuleGeneration,
  type RuleOptions,
  rulesToYaml,
  type RulesYamlOptions,
  type RuleWarning,
  RUNBOOK_URL_ANNOTATION,
} from './rules';
export {
  evaluateTimeslices,
  meetsThreshold,
  type TimesliceInput,
  type TimesliceReport,
} from './timeslices';
export {
  type AlertDecision,
  alertWindows,
  type BurnRatePolicyRow,
  type BurnRateSeverity,
  type BurnRateWindow,
  type BurnRateWindowState,
  decideAlert,
  multiwindowTable,
} from './windows';
export { type SloFile } from './yamlDocuments';
