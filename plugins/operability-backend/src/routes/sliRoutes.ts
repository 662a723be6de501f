import {
  operabilitySliWritePermission,
  sliPushRequestSchema,
} from '@airworthy/plugin-operability-common';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { parseInput } from '../lib/validation';
import type { EntityAccess } from '../services/EntityAccess';
import type { SliService } from '../services/SliService';
import type { SloRegistry } from '../services/SloRegistry';

export function createSliRoutes(options: {
  httpAuth: HttpAuthService;
  entityAccess: EntityAccess;
  sloRegistry: SloRegistry;
  sliService: SliService;
}) {
  const { httpAuth, entityAccess, sloRegistry, sliService } = options;
  const router = Router();

  router.post('/slos/:id/sli', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const slo = await sloRegistry.requireSlo(req.params, credentials);
    await entityAccess.requirePermission(
      operabilitySliWritePermission,
      slo.entityRef,
      credentials,
    );
    const body = parseInput(sliPushRequestSchema, req.body, 'body');
    res.json(await sliService.push(slo, body));
  });

  return router;
}
