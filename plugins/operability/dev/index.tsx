import type { Entity } from '@backstage/catalog-model';
import { createDevApp } from '@backstage/dev-utils';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { EntitySloCard, operabilityPlugin } from '../src/plugin';

// Runs the plugin's components standalone against a backend on :7007
// (`yarn workspace @airworthy/plugin-operability start`).
const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'jupyterhub', namespace: 'default' },
  spec: {
    type: 'service',
    owner: 'group:default/data-science',
    lifecycle: 'production',
  },
};

createDevApp()
  .registerPlugin(operabilityPlugin)
  .addPage({
    element: (
      <EntityProvider entity={entity}>
        <EntitySloCard />
      </EntityProvider>
    ),
    title: 'SLO card',
    path: '/operability/slo-card',
  })
  .render();
