import {
  incidentIdParamsSchema,
  incidentListQuerySchema,
  incidentMergeSchema,
  incidentRecordIdParamsSchema,
  incidentSplitSchema,
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
import { authorOf } from '../services/access/authorOf';
import type { EntityAccess } from '../services/access/EntityAccess';
import {
  toIncident,
  type IncidentHistory,
} from '../services/incidents/IncidentHistory';

/**
 * Incident routes: an entity's incidents (or records) and their statistics, one incident,
 * manual incident records (created and changed with `operabilityIncidentWritePermission` on
 * the entity), and merging and splitting incidents (the same permission).
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

  /** The incident, when the caller may read its entity (else 404). */
  async function readableIncident(
    params: unknown,
    credentials: BackstageCredentials,
    writing?: typeof operabilityIncidentWritePermission,
  ) {
    const { id } = parseInput(incidentIdParamsSchema, params, 'params');
    const incident = await incidentHistory.get(id);
    await entityAccess.requireAnyEntity(
      [incident.entityRef],
      credentials,
      `No incident ${id}`,
      writing,
    );
    return incident;
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

  router.post('/incidents/:id/merge', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const incident = await readableIncident(
      req.params,
      credentials,
      operabilityIncidentWritePermission,
    );
    const { incidentId } = parseInput(incidentMergeSchema, req.body, 'body');
    await requireWrite([incident.entityRef], credentials);
    res.json(
      await incidentHistory.merge(incident, incidentId, authorOf(credentials)),
    );
  });

  router.post('/incidents/:id/split', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const incident = await readableIncident(
      req.params,
      credentials,
      operabilityIncidentWritePermission,
    );
    const { recordId } = parseInput(incidentSplitSchema, req.body, 'body');
    await requireWrite([incident.entityRef], credentials);
    res.json(
      await incidentHistory.split(incident, recordId, authorOf(credentials)),
    );
  });

  router.patch('/incidents/records/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { id } = parseInput(
      incidentRecordIdParamsSchema,
      req.params,
      'params',
    );
    const record = await incidentHistory.getRecord(id);
    await entityAccess.requireAnyEntity(
      record.entityRefs,
      credentials,
      `No incident record ${id}`,
      operabilityIncidentWritePermission,
    );
    const update = parseInput(manualIncidentUpdateSchema, req.body, 'body');
    await requireWrite(record.entityRefs, credentials);
    res.json(await incidentHistory.updateManual(record, update));
  });

  return router;
}
