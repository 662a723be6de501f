import {
  ApiBlueprint,
  createFrontendPlugin,
} from '@backstage/frontend-plugin-api';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { OperabilityClient } from '@airworthy/plugin-operability-common';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import { operabilityApiRef } from './api';
import { operabilityEntityFilter } from './filters';

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

/** The operability plugin for apps on the new frontend system. @alpha */
export default createFrontendPlugin({
  pluginId: 'operability',
  title: 'Operability',
  info: { packageJson: () => import('../package.json') },
  extensions: [operabilityApi, entitySloCard, entityIncidentsCard],
});
