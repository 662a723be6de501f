import {
  exemptionCheckParamsSchema,
  exemptionWriteSchema,
  operabilityExemptionWritePermission,
  portfolioQuerySchema,
  scoreHistoryQuerySchema,
} from '@airworthy/plugin-operability-common';
import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { entityRefParam, parseInput } from '../lib/validation';
import type { EntityAccess } from '../services/access/EntityAccess';
import { authorOf } from '../services/access/authorOf';
import type { Exemptions } from '../services/score/Exemptions';
import type { OperabilityScorer } from '../services/score/OperabilityScorer';
import type { Portfolio } from '../services/score/Portfolio';

/**
 * Score routes: an entity's score, its history and exemptions (granted and revoked with
 * `operabilityExemptionWritePermission` on the entity), the checks in force, and the
 * portfolio (JSON or CSV) of every scored entity the caller may read.
 */
export function createScoreRoutes(options: {
  httpAuth: HttpAuthService;
  entityAccess: EntityAccess;
  scorer: OperabilityScorer;
  exemptions: Exemptions;
  portfolio: Portfolio;
}) {
  const { httpAuth, entityAccess, scorer, exemptions, portfolio } = options;
  const router = Router();

  /** The entity of the route, readable by the caller and of a scored kind (else 404). */
  async function scoredEntity(
    params: unknown,
    credentials: BackstageCredentials,
    writing?: typeof operabilityExemptionWritePermission,
  ) {
    const { entity, entityRef } = await entityAccess.requireEntity(
      entityRefParam(params),
      credentials,
      writing,
    );
    scorer.requireScored(entity, entityRef);
    return { entity, entityRef };
  }

  router.get('/score/checks', async (req, res) => {
    await httpAuth.credentials(req);
    res.json(scorer.settingsResponse());
  });

  router.get('/entities/:kind/:namespace/:name/score', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entity } = await scoredEntity(req.params, credentials);
    res.json(await scorer.response(entity));
  });

  router.get(
    '/entities/:kind/:namespace/:name/score/history',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { entityRef } = await scoredEntity(req.params, credentials);
      const { days } = parseInput(scoreHistoryQuerySchema, req.query, 'query');
      res.json(await scorer.history(entityRef, days));
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/exemptions',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { entity } = await scoredEntity(req.params, credentials);
      res.json(await exemptions.list(entity));
    },
  );

  /** The entity and check of an exemption write, once the caller may grant exemptions. */
  async function exemptionTarget(req: Request, body?: unknown) {
    const credentials = await httpAuth.credentials(req);
    const { entity, entityRef } = await scoredEntity(
      req.params,
      credentials,
      operabilityExemptionWritePermission,
    );
    const { check } = parseInput(
      exemptionCheckParamsSchema,
      { check: req.params.check },
      'params',
    );
    const input =
      body === undefined
        ? undefined
        : parseInput(exemptionWriteSchema, body, 'body');
    await entityAccess.requirePermission(
      operabilityExemptionWritePermission,
      entityRef,
      credentials,
    );
    return { entity, check, input, author: authorOf(credentials) };
  }

  router.put(
    '/entities/:kind/:namespace/:name/exemptions/:check',
    async (req, res) => {
      const { entity, check, input, author } = await exemptionTarget(
        req,
        req.body ?? {},
      );
      res.json(await exemptions.put(entity, check, input!, author));
    },
  );

  router.delete(
    '/entities/:kind/:namespace/:name/exemptions/:check',
    async (req, res) => {
      const { entity, check } = await exemptionTarget(req);
      await exemptions.delete(entity, check);
      res.status(204).end();
    },
  );

  router.get('/portfolio', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parseInput(portfolioQuerySchema, req.query, 'query');
    if (query.format === 'csv') {
      const csv = await portfolio.csv(
        query,
        await entityAccess.catalogCredentials(credentials),
      );
      res
        .type('text/csv; charset=utf-8')
        .set(
          'Content-Disposition',
          `attachment; filename="operability-portfolio${
            query.groupBy ? `-by-${query.groupBy}` : ''
          }.csv"`,
        )
        .send(csv);
      return;
    }
    res.json(
      await portfolio.page(
        query,
        await entityAccess.catalogCredentials(credentials),
      ),
    );
  });

  return router;
}
