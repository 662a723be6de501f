import {
  createPlugin,
  createRoutableExtension,
} from '@backstage/core-plugin-api';

import { rootRouteRef } from './routes';

export const operabilityPlugin = createPlugin({
  id: 'operability',
  routes: {
    root: rootRouteRef,
  },
});

export const OperabilityPage = operabilityPlugin.provide(
  createRoutableExtension({
    name: 'OperabilityPage',
    component: () =>
      import('./components/ExampleComponent').then(m => m.ExampleComponent),
    mountPoint: rootRouteRef,
  }),
);
