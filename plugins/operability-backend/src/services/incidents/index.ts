/*
 * Incidents: the history every source records into (deduplicated deliveries, manual
 * incidents), lists and statistics of a period (MTTA, MTTR, outages), and the error budget
 * each incident burned.
 */
export { IncidentBudgetCostCalculator } from './IncidentBudgetCost';
export {
  IncidentHistory,
  toIncident,
  type IncidentHistoryOptions,
} from './IncidentHistory';
export { computeIncidentStats } from './incidentStats';
