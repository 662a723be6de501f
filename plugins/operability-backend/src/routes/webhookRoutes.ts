import type { IncidentSource } from '@airworthy/plugin-operability-node';
import type { RootConfigService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { rateLimit } from 'express-rate-limit';

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
  const max = webhooks?.getOptionalNumber('rateLimit.max') ?? 300;
  const windowSeconds =
    webhooks?.getOptionalNumber('rateLimit.windowSeconds') ?? 60;
  for (const [key, value] of Object.entries({ max, windowSeconds })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `operability.incidents.webhooks.rateLimit.${key} must be a whole number >= 1, got ${value}`,
      );
    }
  }
  return {
    maxBodySize: webhooks?.getOptionalString('maxBodySize') ?? '1mb',
    max,
    windowSeconds,
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

  const limiter = rateLimit({
    windowMs: limits.windowSeconds * 1000,
    limit: limits.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Behind a proxy every delivery may share the proxy's address; the limit then applies
    // to all deliveries together, which is what protects the backend.
    validate: { xForwardedForHeader: false },
    message: {
      error: {
        name: 'TooManyRequestsError',
        message: `Too many webhook deliveries: at most ${limits.max} per ${limits.windowSeconds} s; retry later`,
      },
    },
  });

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
