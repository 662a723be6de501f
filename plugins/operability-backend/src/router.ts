import type { IncidentSource } from '@airworthy/plugin-operability-node';
import type {
  AuthService,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type { HealthResponse } from '@airworthy/plugin-operability-common';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { NotFoundError } from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import type { WebhookLimits } from './config';
import { limitJsonDepth } from './lib/jsonDepth';
import { createBadgeRoutes } from './routes/badges';
import { createIncidentRoutes } from './routes/incidents';
import { createPolicyRoutes } from './routes/policy';
import { createScoreRoutes } from './routes/score';
import { createSliRoutes } from './routes/sli';
import { createSloRoutes, YAML_MEDIA_TYPES } from './routes/slo';
import { createWebhookRoutes } from './routes/webhooks';
import type { EntityAccess } from './services/access';
import type { IncidentHistory } from './services/incidents';
import type { DeployGate } from './services/policy';
import type {
  Exemptions,
  OperabilityScorer,
  Portfolio,
} from './services/score';
import type { SliIngest } from './services/sli';
import type { SloList, SloRegistry, SloSeries } from './services/slo';

/** What the HTTP API is built from: services and settings, all made by plugin.ts. */
export interface RouterOptions {
  middleware: MiddlewareFactory;
  httpAuth: HttpAuthService;
  auth: AuthService;
  catalog: CatalogService;
  entityAccess: EntityAccess;
  sloRegistry: SloRegistry;
  sloList: SloList;
  sloSeries: SloSeries;
  sliIngest: SliIngest;
  incidentHistory: IncidentHistory;
  incidentSources: ReadonlyMap<string, IncidentSource>;
  webhookLimits: WebhookLimits;
  scorer: OperabilityScorer;
  exemptions: Exemptions;
  portfolio: Portfolio;
  deployGate: DeployGate;
}

/**
 * The plugin's HTTP API. Handlers stay thin (credentials, parsed input, permission, service,
 * JSON); each domain's routes live in `routes/`. Errors are `@backstage/errors` types,
 * answered here without stack traces whatever NODE_ENV is.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  // Webhooks read their raw body (signatures), so they come before the JSON parser.
  router.use(
    createWebhookRoutes({
      sources: options.incidentSources,
      limits: options.webhookLimits,
    }),
  );
  router.use(express.json({ limit: '1mb' }));
  router.use(limitJsonDepth);
  router.use(express.text({ type: YAML_MEDIA_TYPES, limit: '1mb' }));

  router.get('/health', (_req, res) => {
    const body: HealthResponse = { status: 'ok' };
    res.json(body);
  });

  router.use(createSloRoutes(options));
  router.use(createSliRoutes(options));
  router.use(createIncidentRoutes(options));
  router.use(createScoreRoutes(options));
  router.use(createPolicyRoutes(options));
  router.use(createBadgeRoutes(options));

  // Anything else under /api/operability: a 404 in the same JSON shape as every error.
  router.use((req, _res, next) => {
    next(
      new NotFoundError(
        `No route ${req.method} /api/operability${req.path}; see the README's HTTP API`,
      ),
    );
  });
  router.use(options.middleware.error({ showStackTraces: false }));
  return router;
}
