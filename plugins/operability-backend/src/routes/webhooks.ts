import type { IncidentSource } from '@airworthy/plugin-operability-node';
import type { WebhookLimits } from '../config';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { createRateLimiter } from '../lib/rateLimit';

/**
 * `POST /webhooks/{source}`: the only unauthenticated routes of the plugin. Each request is
 * rate-limited, read as raw bytes (so sources can check signatures over exactly what was
 * sent) and handed to the source, which verifies its credentials before anything else.
 * Mounted before the router's JSON body parser.
 */
export function createWebhookRoutes(options: {
  sources: ReadonlyMap<string, IncidentSource>;
  limits: WebhookLimits;
}) {
  const { sources, limits } = options;
  const router = Router();

  const limiter = createRateLimiter(limits, 'webhook deliveries');

  router.post(
    '/webhooks/:source',
    limiter,
    express.raw({ type: () => true, limit: limits.maxBodySize }),
    async (req, res) => {
      const source = sources.get(req.params.source);
      if (!source?.handleWebhook) {
        throw new NotFoundError(
          `No incident source "${
            req.params.source
          }" receives webhooks here; sources: ${
            [...sources.values()]
              .filter(s => s.handleWebhook)
              .map(s => s.id)
              .join(', ') || 'none installed'
          }`,
        );
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const answer = await source.handleWebhook({ headers: req.headers, body });
      res.status(answer.status).json(answer.body);
    },
  );

  return router;
}
