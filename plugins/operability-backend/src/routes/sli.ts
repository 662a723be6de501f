import {
  operabilitySliWritePermission,
  sloSeriesQuerySchema,
} from '@airworthy/plugin-operability-common';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { parseInput, sloIdParam } from '../lib/validation';
import { parseSliPushBody, type SliIngest } from '../services/sli';
import type { SloSeries } from '../services/slo/SloSeries';
import type { SloRegistry } from '../services/slo/SloRegistry';

export function createSliRoutes(options: {
  httpAuth: HttpAuthService;
  sloRegistry: SloRegistry;
  sliIngest: SliIngest;
  sloSeries: SloSeries;
}) {
  const { httpAuth, sloRegistry, sliIngest, sloSeries } = options;
  const router = Router();

  router.post('/slos/:id/sli', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const slo = await sloRegistry.requireWritableSlo(
      sloIdParam(req.params),
      credentials,
      operabilitySliWritePermission,
    );
    res.json(await sliIngest.pushBuckets(slo, parseSliPushBody(req.body)));
  });

  router.get('/slos/:id/series', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const slo = await sloRegistry.requireSlo(
      sloIdParam(req.params),
      credentials,
    );
    const query = parseInput(sloSeriesQuerySchema, req.query, 'query');
    res.json(await sloSeries.series(slo, query));
  });

  return router;
}
