import { createRouteRef, createSubRouteRef } from '@backstage/core-plugin-api';

/** The operability portfolio page (`/operability` in the demo app). @public */
export const rootRouteRef = createRouteRef({
  id: 'operability',
});

/** The SLO editor page (`/operability/slos` in the demo app). @public */
export const sloEditorRouteRef = createRouteRef({
  id: 'operability:slo-editor',
});

/** A new SLO: `new?entity=component:default/jupyterhub` under the editor page. @public */
export const sloCreateRouteRef = createSubRouteRef({
  id: 'operability:slo-create',
  parent: sloEditorRouteRef,
  path: '/new',
});

/** An existing SLO: `{sloId}/edit` under the editor page. @public */
export const sloEditRouteRef = createSubRouteRef({
  id: 'operability:slo-edit',
  parent: sloEditorRouteRef,
  path: '/:sloId/edit',
});
