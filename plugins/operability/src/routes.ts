import { createRouteRef } from '@backstage/core-plugin-api';

/** The operability portfolio page. */
export const rootRouteRef = createRouteRef({
  id: 'operability',
});
