import type { IncidentSource } from '@airworthy/plugin-operability-node';
import type {
  AuthService,
  HttpAuthService,
  LoggerService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { MiddlewareFactory } from '@backstage/backend-defaults/rootHttpRouter';
import type { HealthResponse } from '@airworthy/plugin-operability-common';
import express from 'express';
import Router from 'express-promise-router';
import { createSliRoutes } from './routes/sli';
import { createIncidentRoutes } from './routes/incidents';
import { createSloRoutes, YAML_MEDIA_TYPES } from './routes/slo';
import { createBadgeRoutes } from './routes/badges';
import { createScoreRoutes } from './routes/score';
import { createWebhookRoutes, readWebhookLimits } from './routes/webhooks';
import type { EntityAccess } from './services/access/EntityAccess';
import type { IncidentHistory } from './services/incidents/IncidentHistory';
import type { SliService } from './services/sli/SliIngest';
import type { SloSeries } from './services/slo/SloSeries';
import type { SloRegistry } from './services/slo/SloRegistry';
import type { Exemptions } from './services/score/Exemptions';
import type { OperabilityScorer } from './services/score/OperabilityScorer';
import type { Portfolio } from './services/score/Portfolio';
import type { CatalogService } from '@backstage/plugin-catalog-node';

export interface RouterOptions {
  config: RootConfigService;
  logger: LoggerService;
  httpAuth: HttpAuthService;
  entityAccess: EntityAccess;
  sloRegistry: SloRegistry;
  sliService: SliService;
  incidentHistory: IncidentHistory;
  incidentSources: ReadonlyMap<string, IncidentSource>;
  sloSeries: SloSeries;
  score: {
    catalog: CatalogService;
    auth: AuthService;
    scorer: OperabilityScorer;
    exemptions: Exemptions;
    portfolio: Portfolio;
  };
}

/**
 * The plugin's HTTP API. Handlers stay thin (credentials, permission, service, JSON); each
 * area's routes live in `routes/`. Errors are `@backstage/errors` types, answered here
 * without stack traces whatever NODE_ENV is.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const router = Router();
  // Webhooks read their raw body (signatures), so they come before the JSON parser.
  router.use(
    createWebhookRoutes({
      sources: options.incidentSources,
      limits: readWebhookLimits(options.config),
    }),
  );
  router.use(express.json({ limit: '1mb' }));
  router.use(express.text({ type: YAML_MEDIA_TYPES, limit: '1mb' }));

  router.get('/health', (_req, res) => {
    const body: HealthResponse = { status: 'ok' };
    res.json(body);
  });

  router.use(createSloRoutes(options));
  router.use(createSliRoutes(options));
  router.use(createIncidentRoutes(options));
  router.use(createScoreRoutes({ ...options, ...options.score }));
  router.use(createBadgeRoutes(options.score));

  router.use(
    MiddlewareFactory.create({
      config: options.config,
      logger: options.logger,
    }).error({
      showStackTraces: false,
    }),
  );
  return router;
}
