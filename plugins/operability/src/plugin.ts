import {
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';
import type { JSX } from 'react';
import { operabilityApiFactory } from './api';
import {
  rootRouteRef,
  sloCreateRouteRef,
  sloEditorRouteRef,
  sloEditRouteRef,
} from './routes';

/** The operability plugin for apps on the legacy frontend system. @public */
export const operabilityPlugin = createPlugin({
  id: 'operability',
  apis: [operabilityApiFactory],
  routes: {
    root: rootRouteRef,
    sloEditor: sloEditorRouteRef,
    sloCreate: sloCreateRouteRef,
    sloEdit: sloEditRouteRef,
  },
});

/** Entity card: the SLOs of the entity, or how to add them. @public */
export const EntitySloCard: () => JSX.Element = operabilityPlugin.provide(
  createComponentExtension({
    name: 'EntitySloCard',
    component: {
      lazy: () =>
        import('./components/EntitySloCard').then(m => m.EntitySloCard),
    },
  }),
);

/**
 * Entity card: MTTA, MTTR and the incidents of the entity, filtered by severity, status and
 * source. @public
 */
export const EntityIncidentsCard: () => JSX.Element = operabilityPlugin.provide(
  createComponentExtension({
    name: 'EntityIncidentsCard',
    component: {
      lazy: () =>
        import('./components/EntityIncidentsCard').then(
          m => m.EntityIncidentsCard,
        ),
    },
  }),
);

/**
 * Entity content (a tab, e.g. at `/operability`): per SLO, the budget burn-down over 1d, 7d,
 * 28d or 90d with the forecast of exhaustion, the burn rate with the alert thresholds, and the
 * incidents as shaded spans with the budget each cost. @public
 */
export const EntityOperabilityContent: () => JSX.Element =
  operabilityPlugin.provide(
    createComponentExtension({
      name: 'EntityOperabilityContent',
      component: {
        lazy: () =>
          import('./components/EntityOperabilityContent').then(
            m => m.EntityOperabilityContent,
          ),
      },
    }),
  );

/** Entity card: the operability score, its level, trends and checks with what to do. @public */
export const EntityOperabilityScoreCard: () => JSX.Element =
  operabilityPlugin.provide(
    createComponentExtension({
      name: 'EntityOperabilityScoreCard',
      component: {
        lazy: () =>
          import('./components/EntityOperabilityScoreCard').then(
            m => m.EntityOperabilityScoreCard,
          ),
      },
    }),
  );

/**
 * Entity card: the deploy gate (the error-budget policy of the entity's enforcing SLOs), its
 * decision, the reasons and any exception. @public
 */
export const EntityDeployGateCard: () => JSX.Element =
  operabilityPlugin.provide(
    createComponentExtension({
      name: 'EntityDeployGateCard',
      component: {
        lazy: () =>
          import('./components/EntityDeployGateCard').then(
            m => m.EntityDeployGateCard,
          ),
      },
    }),
  );

/**
 * The portfolio page, to mount at `/operability`: scores of every entity, filters, sorting,
 * group roll-ups, the distribution by level, comparison and CSV download. @public
 */
export const OperabilityPortfolioPage: () => JSX.Element =
  operabilityPlugin.provide(
    createRoutableExtension({
      name: 'OperabilityPortfolioPage',
      component: () =>
        import('./components/OperabilityPortfolioPage').then(
          m => m.OperabilityPortfolioPage,
        ),
      mountPoint: rootRouteRef,
    }),
  );

/**
 * The SLO editor page, to mount at `/operability/slos`: `new?entity=<ref>` creates an SLO,
 * `<sloId>/edit` edits one. @public
 */
export const SloEditorPage: () => JSX.Element = operabilityPlugin.provide(
  createRoutableExtension({
    name: 'SloEditorPage',
    component: () =>
      import('./components/SloEditorPage').then(m => m.SloEditorPage),
    mountPoint: sloEditorRouteRef,
  }),
);
