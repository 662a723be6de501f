import {
  operabilitySloWritePermission,
  sloPhaseWriteSchema,
  sloListQuerySchema,
} from '@airworthy/plugin-operability-common';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { entityRefParam, parseInput, sloIdParam } from '../lib/validation';
import type { EntityAccess } from '../services/access/EntityAccess';
import type { SloList } from '../services/slo/SloList';
import type {
  SloDocumentsBody,
  SloRegistry,
} from '../services/slo/SloRegistry';

/** Media types of YAML request bodies (parsed as text by the router). */
export const YAML_MEDIA_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
  'text/x-yaml',
  'text/plain',
];

function documentsBody(req: Request): SloDocumentsBody {
  if (typeof req.body === 'string') return req.body;
  if (req.is('application/json')) return req.body;
  throw new InputError(
    'Send SLO documents as OpenSLO YAML (Content-Type: application/yaml) or JSON (Content-Type: application/json)',
  );
}

/**
 * How old the catalog's answer about an entity may be for a service caller of the
 * per-entity SLO list (a script or dashboard polling it): a deleted entity's SLOs may be
 * listed this long after.
 */
const SERVICE_ENTITY_MAX_AGE_MS = 5_000;

export function createSloRoutes(options: {
  httpAuth: HttpAuthService;
  entityAccess: EntityAccess;
  sloRegistry: SloRegistry;
  sloList: SloList;
}) {
  const { httpAuth, entityAccess, sloRegistry, sloList } = options;
  const router = Router();

  router.get('/slos', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const query = parseInput(sloListQuerySchema, req.query, 'query');
    res.json(await sloList.list(query, credentials));
  });

  router.get('/entities/:kind/:namespace/:name/slos', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const entityRef = entityRefParam(req.params);
    // The SLOs are read while the catalog decides; they are sent only if it allows.
    const [, list] = await Promise.all([
      entityAccess.requireEntity(entityRef, credentials, undefined, {
        maxAgeMs: SERVICE_ENTITY_MAX_AGE_MS,
      }),
      sloRegistry.listForEntity(entityRef),
    ]);
    res.json(list);
  });

  router.post('/entities/:kind/:namespace/:name/slos', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = await entityAccess.requireEntity(
      entityRefParam(req.params),
      credentials,
      operabilitySloWritePermission,
    );
    await entityAccess.requirePermission(
      operabilitySloWritePermission,
      entityRef,
      credentials,
    );
    const items = await sloRegistry.create(entityRef, documentsBody(req));
    res.status(201).json({ items });
  });

  router.get(
    '/entities/:kind/:namespace/:name/slos/retired',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      // An entity gone from the catalog keeps its retired SLOs: the SRE groups can find them.
      const entityRef = await entityAccess.requireEntityOrPermission(
        entityRefParam(req.params),
        credentials,
        operabilitySloWritePermission,
      );
      res.json(await sloRegistry.listRetired(entityRef));
    },
  );

  router.get('/slos/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const slo = await sloRegistry.requireSlo(
      sloIdParam(req.params),
      credentials,
    );
    res.json(await sloRegistry.detail(slo));
  });

  router.get('/slos/:id/openslo', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const slo = await sloRegistry.requireSlo(
      sloIdParam(req.params),
      credentials,
    );
    const yaml = await sloRegistry.exportOpenSlo(slo);
    res
      .type('application/yaml')
      .set('Content-Disposition', `inline; filename="${slo.name}.yaml"`)
      .send(yaml);
  });

  router.put('/slos/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const slo = await sloRegistry.requireWritableSlo(
      sloIdParam(req.params),
      credentials,
      operabilitySloWritePermission,
    );
    const items = await sloRegistry.update(slo, documentsBody(req));
    res.json({ items });
  });

  router.delete('/slos/:id', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const slo = await sloRegistry.requireWritableSlo(
      sloIdParam(req.params),
      credentials,
      operabilitySloWritePermission,
      { retired: true },
    );
    await sloRegistry.delete(slo);
    res.status(204).end();
  });

  router.put('/slos/:id/phase', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const slo = await sloRegistry.requireWritableSlo(
      sloIdParam(req.params),
      credentials,
      operabilitySloWritePermission,
    );
    const { phase } = parseInput(sloPhaseWriteSchema, req.body ?? {}, 'body');
    res.json({ items: await sloRegistry.setPhase(slo, phase) });
  });

  router.post('/slos/:id/restore', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const slo = await sloRegistry.requireWritableSlo(
      sloIdParam(req.params),
      credentials,
      operabilitySloWritePermission,
      { retired: true },
    );
    res.json({ items: await sloRegistry.restore(slo) });
  });

  return router;
}
