import { createDevApp } from '@backstage/dev-utils';
import { operabilityPlugin, OperabilityPage } from '../src/plugin';

createDevApp()
  .registerPlugin(operabilityPlugin)
  .addPage({
    element: <OperabilityPage />,
    title: 'Root Page',
    path: '/operability',
  })
  .render();
