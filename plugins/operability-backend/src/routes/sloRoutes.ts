import type { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import type { EntityAccess } from '../services/EntityAccess';
import type { SloRegistry } from '../services/SloRegistry';

export function createSloRoutes(options: {
  httpAuth: HttpAuthService;
  entityAccess: EntityAccess;
  sloRegistry: SloRegistry;
}) {
  const { httpAuth, entityAccess, sloRegistry } = options;
  const router = Router();

  router.get('/entities/:kind/:namespace/:name/slos', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = await entityAccess.requireEntity(
      req.params,
      credentials,
    );
    res.json(await sloRegistry.listForEntity(entityRef));
  });

  return router;
}
