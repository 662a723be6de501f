import type { IncidentSource } from '@airworthy/plugin-operability-node';
import type { RootConfigService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { createRateLimiter, readRateLimit } from '../lib/rateLimit';

/** Limits of the webhook routes, from `operability.incidents.webhooks`. */
export interface WebhookLimits {
  /** Largest body accepted (`maxBodySize`, default `1mb`); larger ones get 413. */
  maxBodySize: string;
  /** Deliveries accepted per client address and window (`rateLimit.max`, default 300). */
  max: number;
  /** The window, in seconds (`rateLimit.windowSeconds`, default 60). */
  windowSeconds: number;
}

/** Reads the webhook limits from config, with defaults. */
export function readWebhookLimits(config: RootConfigService): WebhookLimits {
  const webhooks = config.getOptionalConfig('operability.incidents.webhooks');
  return {
    maxBodySize: webhooks?.getOptionalString('maxBodySize') ?? '1mb',
    ...readRateLimit(
      webhooks,
      'rateLimit',
      { max: 300, windowSeconds: 60 },
      'operability.incidents.webhooks',
    ),
  };
}

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
