/*
 * SLOs: the registry of every entity's SLOs (from repository files, read-only, and from the
 * API, editable), the sync of SLO files from repositories, the evaluation of budgets and burn
 * rates from the SLI store, and the series the charts draw.
 */
export {
  BudgetEvaluator,
  budgetPeriod,
  type EvaluationRunResult,
} from './BudgetEvaluator';
export { RepoSloSync, type RepoSyncResult } from './RepoSloSync';
export {
  formatValidationError,
  SloRegistry,
  toSloInput,
  type SloDocumentsBody,
} from './SloRegistry';
export { SloList, listBurnRate } from './SloList';
export { SloSeries } from './SloSeries';
