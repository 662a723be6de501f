/*
 * Incidents: the history every source records into (deduplicated deliveries, manual
 * incidents), records of one event grouped into one incident (with people's merges and
 * splits), lists and statistics of a period (MTTA, MTTR), and the error budget each incident
 * burned.
 */
export { IncidentBudgetCostCalculator } from './IncidentBudgetCost';
export {
  IncidentHistory,
  toIncident,
  toIncidentRecord,
  type IncidentHistoryOptions,
} from './IncidentHistory';
export { computeIncidentStats } from './incidentStats';
