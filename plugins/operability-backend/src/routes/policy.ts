import {
  gateExceptionIdParamsSchema,
  gateExceptionWriteSchema,
  operabilityExceptionWritePermission,
  operabilityGateReadPermission,
} from '@airworthy/plugin-operability-common';
import type { HttpAuthService } from '@backstage/backend-plugin-api';
import type { Request } from 'express';
import Router from 'express-promise-router';
import { entityRefParam, parseInput } from '../lib/validation';
import type { EntityAccess } from '../services/access/EntityAccess';
import type { DeployGate } from '../services/policy/DeployGate';
import { authorOf } from '../services/access';

/**
 * Error-budget policy routes: the deploy gate of an entity (readable by whoever may read the
 * entity, and by service tokens restricted to `operability.gate.read`), and its exceptions
 * (granted and revoked with `operability.exception.write` on the entity).
 */
export function createPolicyRoutes(options: {
  httpAuth: HttpAuthService;
  entityAccess: EntityAccess;
  deployGate: DeployGate;
}) {
  const { httpAuth, entityAccess, deployGate } = options;
  const router = Router();

  router.get(
    '/entities/:kind/:namespace/:name/deploy-gate',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { entity } = await entityAccess.requireEntity(
        entityRefParam(req.params),
        credentials,
        operabilityGateReadPermission,
      );
      res.json(await deployGate.decideAndRecord(entity, credentials));
    },
  );

  router.get(
    '/entities/:kind/:namespace/:name/gate-exceptions',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req);
      const { entityRef } = await entityAccess.requireEntity(
        entityRefParam(req.params),
        credentials,
      );
      res.json(await deployGate.listExceptions(entityRef));
    },
  );

  /** The entity of an exception write, once the caller may write exceptions. */
  async function exceptionTarget(req: Request) {
    const credentials = await httpAuth.credentials(req);
    const { entityRef } = await entityAccess.requireEntity(
      entityRefParam(req.params),
      credentials,
      operabilityExceptionWritePermission,
    );
    await entityAccess.requirePermission(
      operabilityExceptionWritePermission,
      entityRef,
      credentials,
    );
    return { entityRef, author: authorOf(credentials) };
  }

  router.post(
    '/entities/:kind/:namespace/:name/gate-exceptions',
    async (req, res) => {
      const input = parseInput(
        gateExceptionWriteSchema,
        req.body ?? {},
        'body',
      );
      const { entityRef, author } = await exceptionTarget(req);
      res
        .status(201)
        .json(await deployGate.grantException(entityRef, input, author));
    },
  );

  router.delete(
    '/entities/:kind/:namespace/:name/gate-exceptions/:id',
    async (req, res) => {
      const { id } = parseInput(
        gateExceptionIdParamsSchema,
        { id: req.params.id },
        'params',
      );
      const { entityRef, author } = await exceptionTarget(req);
      res.json(await deployGate.revokeException(entityRef, id, author));
    },
  );

  return router;
}
