import {
  operabilityGateReadPermission,
  toEntityRef,
} from '@airworthy/plugin-operability-common';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError } from '@backstage/errors';
import type { EntityAccess } from '../services/access/EntityAccess';
import type { DeployGate } from '../services/policy/DeployGate';
import type { SloRegistry } from '../services/slo/SloRegistry';

/** The entity ref an action was given, canonical (kind `component`, namespace `default` by default). */
function entityRefInput(value: string): string {
  try {
    return toEntityRef(value.trim(), {
      defaultKind: 'component',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `entityRef "${value}" is not an entity ref (${
        (error as Error).message
      }); write kind:namespace/name, e.g. component:default/jupyterhub`,
    );
  }
}

const ENTITY_REF_DESCRIPTION =
  'The catalog entity, e.g. component:default/jupyterhub (kind defaults to component, namespace to default)';

/**
 * Registers the plugin's actions with Backstage's actions registry, so that AI assistants
 * (through the MCP actions backend) can read an entity's SLO status and its deploy gate.
 * Each action checks access as the HTTP API does: the caller must be able to read the entity
 * (service tokens: `catalog.entity.read`, or `operability.gate.read` for the gate).
 */
export function registerOperabilityActions(options: {
  actionsRegistry: ActionsRegistryService;
  entityAccess: EntityAccess;
  sloRegistry: SloRegistry;
  deployGate: DeployGate;
}): void {
  const { actionsRegistry, entityAccess, sloRegistry, deployGate } = options;

  actionsRegistry.register({
    name: 'get-slo-status',
    title: 'Get the SLO status of an entity',
    description:
      "Lists the SLOs of a catalog entity with each one's phase (informing or enforcing), state (ok, warning, critical, exhausted, no-data), objective, period and the share of its error budget left.",
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({ entityRef: z.string().describe(ENTITY_REF_DESCRIPTION) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          slos: z.array(
            z.object({
              id: z.string(),
              name: z.string(),
              displayName: z.string().optional(),
              phase: z.enum(['informing', 'enforcing']),
              status: z.enum([
                'ok',
                'warning',
                'critical',
                'exhausted',
                'no-data',
              ]),
              target: z.number().describe('objective as a ratio, e.g. 0.999'),
              period: z.string(),
              budgetRemaining: z
                .number()
                .nullable()
                .describe('share of the error budget left; null before data'),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const { entityRef } = await entityAccess.requireEntity(
        entityRefInput(input.entityRef),
        credentials,
      );
      const { items } = await sloRegistry.listForEntity(entityRef);
      return {
        output: {
          entityRef,
          slos: items.map(slo => ({
            id: slo.id,
            name: slo.name,
            ...(slo.displayName ? { displayName: slo.displayName } : {}),
            phase: slo.phase,
            status: slo.status,
            target: slo.target,
            period: slo.period,
            budgetRemaining: slo.budget?.remaining ?? null,
          })),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-deploy-gate',
    title: 'Get the deploy gate decision of an entity',
    description:
      'Whether the error-budget policy lets the entity release now: allow, warn or block, with the reasons (states of its enforcing SLOs) and the exception that released a block, if any.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({ entityRef: z.string().describe(ENTITY_REF_DESCRIPTION) }),
      output: z =>
        z.object({
          entityRef: z.string(),
          decision: z.enum(['allow', 'warn', 'block']),
          reasons: z.array(z.string()),
          exception: z
            .object({
              reason: z.string(),
              author: z.string(),
              expiresAt: z.string(),
            })
            .nullable(),
        }),
    },
    action: async ({ input, credentials }) => {
      const { entity } = await entityAccess.requireEntity(
        entityRefInput(input.entityRef),
        credentials,
        operabilityGateReadPermission,
      );
      const gate = await deployGate.decide(entity);
      return {
        output: {
          entityRef: gate.entityRef,
          decision: gate.decision,
          reasons: gate.reasons,
          exception: gate.exception
            ? {
                reason: gate.exception.reason,
                author: gate.exception.author,
                expiresAt: gate.exception.expiresAt,
              }
            : null,
        },
      };
    },
  });
}
