import {
  incidentIdParamsSchema,
  incidentListQuerySchema,
  incidentStatsQuerySchema,
  manualIncidentCreateSchema,
  manualIncidentUpdateSchema,
  operabilityIncidentWritePermission,
} from '@airworthy/plugin-operability-common';
import type {
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import Router from 'express-promise-router';
import { entityRefParam, parseInput } from '../lib/validation';
import type { EntityAccess } from '../services/access/EntityAccess';
import {
  toIncident,
  type IncidentHistory,
} from '../services/incidents/IncidentHistory';

/**
 * Incident routes: an entity's incidents and their statistics, one incident, and manual
 * incidents (created and changed with `operabilityIncidentWritePermission` on the entity).
 */
export function createIncidentRoutes(options: {
  httpAuth: HttpAuthService;
  entityAccess: EntityAccess;
  incidentHistory: IncidentHistory;
}) {
  const { httpAuth, entityAccess, incidentHistory } = options;
  const router = Router();

  async function requireWrite(
    entityRefs: string[],
    credentials: BackstageCredentials,
  ) {
    for (const entityRef of entityRefs) {
      await entityAccess.requirePermission(
        operabilityIncidentWritePermission,
        entityRef,
        credentials,
      );
    }
  }

  /** The incident, when the caller may read at least one of its entities (else 404). */
  async function readableIncident(
    params: unknown,
    credentials: BackstageCredentials,
    writing?: typeof operabilityIncidentWritePermission,
  ) {
    const { id } = parseInput(incidentIdParamsSchema, params, 'params');
    const record = await incidentHistory.get(id);
    await entityAccess.requireAnyEntity(
      record.entityRefs,
      credentials,
      `No incident ${id}`,
      writing,
    );
    return record;
  }

  router.get('/entities/:kind/:namespace/:name/incidents', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = await entityAccess.requireEntity(
      entityRefParam(req.params),
      credentials,
    );
    const query = parseInput(incidentListQuerySchema, req.query, 'query');
    res.json(await incidentHistory.list(entityRef, query));
  });

  router.get(
    '/entities/:kind/:namespace/:name/incidents/stats',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { entityRef } = await entityAccess.requireEntity(
        entityRefParam(req.params),
        credentials,
      );
      const query = parseInput(incidentStatsQuerySchema, req.query, 'query');
      res.json(await incidentHistory.stats(entityRef, query));
    },
  );

  router.post(
    '/entities/:kind/:namespace/:name/incidents',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { entityRef } = await entityAccess.requireEntity(
        entityRefParam(req.params),
        credentials,
        operabilityIncidentWritePermission,
      );
      const input = parseInput(manualIncidentCreateSchema, req.body, 'body');
      await requireWrite([entityRef], credentials);
      res
        .status(201)
        .json(await incidentHistory.createManual(entityRef, input));
    },
  );

  router.get('/incidents/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(toIncident(await readableIncident(req.params, credentials)));
  });

  router.patch('/incidents/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const record = await readableIncident(
      req.params,
      credentials,
      operabilityIncidentWritePermission,
    );
    const update = parseInput(manualIncidentUpdateSchema, req.body, 'body');
    await requireWrite(record.entityRefs, credentials);
    res.json(await incidentHistory.updateManual(record, update));
  });

  return router;
}
