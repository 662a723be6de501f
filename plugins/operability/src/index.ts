/**
 * The operability frontend plugin: SLOs, incidents and operability scores on entity
 * pages. The new frontend system's extensions are exported from `./alpha`.
 *
 * @packageDocumentation
 */

export {
  operabilityPlugin,
  EntityDeployGateCard,
  EntityIncidentsCard,
  EntityOperabilityContent,
  EntityOperabilityScoreCard,
  EntitySloCard,
  OperabilityPortfolioPage,
  SloEditorPage,
} from './plugin';
export {
  rootRouteRef,
  sloCreateRouteRef,
  sloEditorRouteRef,
  sloEditRouteRef,
} from './routes';
export { isOperabilityRelevant } from './filters';
export {
  createOperabilityCatalogColumns,
  type OperabilityCatalogRow,
} from './components/CatalogColumns';
export { operabilityApiRef } from './api';
export { isOperabilityAvailable } from '@airworthy/plugin-operability-common';
