import {
  ApiBlueprint,
  createFrontendPlugin,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import {
  convertLegacyRouteRef,
  convertLegacyRouteRefs,
} from '@backstage/core-compat-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { OperabilityClient } from '@airworthy/plugin-operability-common';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import AssessmentIcon from '@material-ui/icons/Assessment';
import TrackChangesIcon from '@material-ui/icons/TrackChanges';
import { operabilityApiRef } from './api';
import { operabilityEntityFilter } from './filters';
import {
  rootRouteRef,
  sloCreateRouteRef,
  sloEditorRouteRef,
  sloEditRouteRef,
} from './routes';

export { operabilityEntityFilter } from './filters';

/** The operability backend's API. @alpha */
export const operabilityApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: operabilityApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new OperabilityClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * Entity card: the SLOs of the entity, or how to add them. Shown on Components and on
 * entities with an Airworthy annotation (`operabilityEntityFilter`). @alpha
 */
export const entitySloCard = EntityCardBlueprint.make({
  name: 'slos',
  params: {
    filter: operabilityEntityFilter,
    loader: () =>
      import('./components/EntitySloCard').then(m => <m.EntitySloCard />),
  },
});

/** Entity card: MTTA, MTTR and the incidents of the entity. @alpha */
export const entityIncidentsCard = EntityCardBlueprint.make({
  name: 'incidents',
  params: {
    filter: operabilityEntityFilter,
    loader: () =>
      import('./components/EntityIncidentsCard').then(m => (
        <m.EntityIncidentsCard />
      )),
  },
});

/** Entity card: the operability score, level, trends and checks with what to do. @alpha */
export const entityScoreCard = EntityCardBlueprint.make({
  name: 'score',
  params: {
    filter: operabilityEntityFilter,
    loader: () =>
      import('./components/EntityOperabilityScoreCard').then(m => (
        <m.EntityOperabilityScoreCard />
      )),
  },
});

/** Entity card: the deploy gate's decision, its reasons and any exception. @alpha */
export const entityDeployGateCard = EntityCardBlueprint.make({
  name: 'deploy-gate',
  params: {
    filter: operabilityEntityFilter,
    loader: () =>
      import('./components/EntityDeployGateCard').then(m => (
        <m.EntityDeployGateCard />
      )),
  },
});

/**
 * The portfolio page at `/operability`, with a nav item: scores of every entity, filters,
 * sorting, group roll-ups, distribution by level, comparison, CSV. @alpha
 */
export const portfolioPage = PageBlueprint.make({
  params: {
    path: '/operability',
    title: 'Operability',
    icon: <AssessmentIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    noHeader: true,
    loader: () =>
      import('./components/OperabilityPortfolioPage').then(m => (
        <m.OperabilityPortfolioPage />
      )),
  },
});

/**
 * Entity content at `operability` (the Operability tab): budget burn-down and forecast, burn
 * rate with alert thresholds, incidents with the budget each cost, over 1d to 90d. @alpha
 */
export const entityOperabilityContent = EntityContentBlueprint.make({
  name: 'operability',
  params: {
    path: 'operability',
    title: 'Operability',
    group: 'observability',
    filter: operabilityEntityFilter,
    loader: () =>
      import('./components/EntityOperabilityContent').then(m => (
        <m.EntityOperabilityContent />
      )),
  },
});

/**
 * The SLO pages at `/operability/slos`, with a nav item: the list of every SLO the user may
 * read; `new?entity=<ref>` creates an SLO, `<sloId>/edit` edits one. @alpha
 */
export const sloEditorPage = PageBlueprint.make({
  name: 'slo-editor',
  params: {
    path: '/operability/slos',
    title: 'SLOs',
    icon: <TrackChangesIcon fontSize="inherit" />,
    routeRef: convertLegacyRouteRef(sloEditorRouteRef),
    noHeader: true,
    loader: () =>
      import('./components/SloEditorPage').then(m => <m.SloEditorPage />),
  },
});

/** The operability plugin for apps on the new frontend system. @alpha */
export default createFrontendPlugin({
  pluginId: 'operability',
  title: 'Operability',
  info: { packageJson: () => import('../package.json') },
  routes: convertLegacyRouteRefs({
    root: rootRouteRef,
    sloEditor: sloEditorRouteRef,
    sloCreate: sloCreateRouteRef,
    sloEdit: sloEditRouteRef,
  }),
  extensions: [
    operabilityApi,
    entitySloCard,
    entityIncidentsCard,
    entityScoreCard,
    entityDeployGateCard,
    entityOperabilityContent,
    portfolioPage,
    sloEditorPage,
  ],
});
