import {
  incidentListQuerySchema,
  INCIDENT_SEVERITIES,
  INCIDENT_STATUSES,
  nextSteps,
  operabilityGateReadPermission,
  portfolioQuerySchema,
  SLO_STATUSES,
  TIME,
  toEntityRef,
  type EntityIncidentsResponse,
  type SloStatus,
} from '@airworthy/plugin-operability-common';
import type { ActionsRegistryService } from '@backstage/backend-plugin-api/alpha';
import { InputError } from '@backstage/errors';
import { parseInput } from '../lib/validation';
import type { EntityAccess } from '../services/access/EntityAccess';
import type { IncidentHistory } from '../services/incidents/IncidentHistory';
import type { DeployGate } from '../services/policy/DeployGate';
import type { OperabilityScorer } from '../services/score/OperabilityScorer';
import type { Portfolio } from '../services/score/Portfolio';
import type { SloRegistry } from '../services/slo/SloRegistry';

/** The period `list-incidents` reads when it is given no `from`: the 28 days before `to`. */
export const ACTION_INCIDENT_DAYS = 28;
/** The most incidents one `list-incidents` call returns (the HTTP list's page limit). */
const MAX_INCIDENTS = 100;
/** The most entities one `list-entities-below-level` call returns. */
const MAX_ENTITIES = 50;
const STATUS_VALUES = SLO_STATUSES as [SloStatus, ...SloStatus[]];

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
 * (through the MCP actions backend) can read an entity's SLO status, its deploy gate, its
 * incidents in a period, its score with next steps, and the portfolio's entities below a
 * level. Each action checks access as the HTTP API does, through the same services: the
 * caller must be able to read the entity (service tokens: `catalog.entity.read`, or
 * `operability.gate.read` for the gate); the portfolio lists only what the catalog lets the
 * caller read.
 */
export function registerOperabilityActions(options: {
  actionsRegistry: ActionsRegistryService;
  entityAccess: EntityAccess;
  sloRegistry: SloRegistry;
  deployGate: DeployGate;
  incidentHistory: IncidentHistory;
  scorer: OperabilityScorer;
  portfolio: Portfolio;
  /** The clock (epoch ms); `list-incidents` defaults its period to the 28 days before it. */
  now?: () => number;
}): void {
  const {
    actionsRegistry,
    entityAccess,
    sloRegistry,
    deployGate,
    incidentHistory,
    scorer,
    portfolio,
  } = options;
  const now = options.now ?? Date.now;

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
      const gate = await deployGate.decideAndRecord(entity, credentials);
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

  actionsRegistry.register({
    name: 'list-incidents',
    title: 'List the incidents of an entity in a period',
    description:
      'Lists the incidents of a catalog entity that were open at any moment of a period (by default the 28 days before now), newest first: title, severity, status, when each started, was acknowledged and resolved, how long it lasted, its sources and records, and the share of each SLO error budget it burned.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          entityRef: z.string().describe(ENTITY_REF_DESCRIPTION),
          from: z
            .string()
            .optional()
            .describe(
              'Start of the period, an ISO 8601 instant with a time zone (e.g. 2026-11-01T00:00:00Z), from 2000-01-01 to before 2100-01-01; default: 28 days before `to`',
            ),
          to: z
            .string()
            .optional()
            .describe(
              'End of the period (exclusive), an ISO 8601 instant with a time zone; default: now',
            ),
          limit: z
            .number()
            .int()
            .min(1)
            .max(MAX_INCIDENTS)
            .optional()
            .describe(
              `How many incidents to return, 1-${MAX_INCIDENTS} (default 20)`,
            ),
          offset: z
            .number()
            .int()
            .min(0)
            .optional()
            .describe('How many of the newest incidents to skip (default 0)'),
        }),
      output: z =>
        z.object({
          entityRef: z.string(),
          from: z.string().describe('the period read, ISO 8601'),
          to: z.string(),
          totalItems: z
            .number()
            .describe('incidents in the period, over all pages'),
          incidents: z.array(
            z.object({
              id: z.string(),
              title: z.string().describe('untrusted text from the source'),
              severity: z.enum(INCIDENT_SEVERITIES),
              status: z.enum(INCIDENT_STATUSES),
              startedAt: z.string(),
              acknowledgedAt: z.string().nullable(),
              resolvedAt: z.string().nullable(),
              durationSeconds: z
                .number()
                .describe('start to resolution; for an open incident, to now'),
              sources: z
                .array(z.string())
                .describe('where it was reported: alertmanager, github, ...'),
              recordCount: z
                .number()
                .describe('source records grouped into the incident'),
              budgetCost: z
                .array(
                  z.object({
                    sloId: z.string(),
                    slo: z
                      .string()
                      .describe('the SLO objective, as lists show it'),
                    share: z
                      .number()
                      .nullable()
                      .describe(
                        'bad events during the incident over the error budget of the period; 1 = the whole budget; null without events',
                      ),
                  }),
                )
                .describe('the error budget the incident burned, per SLO'),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const { entityRef } = await entityAccess.requireEntity(
        entityRefInput(input.entityRef),
        credentials,
      );
      const clock = now();
      const query = parseInput(
        incidentListQuerySchema,
        {
          ...(input.from === undefined ? {} : { from: input.from }),
          ...(input.to === undefined ? {} : { to: input.to }),
          ...(input.limit === undefined ? {} : { limit: String(input.limit) }),
          ...(input.offset === undefined
            ? {}
            : { offset: String(input.offset) }),
        },
        'input',
      );
      const to = query.to ?? clock;
      const from = query.from ?? to - ACTION_INCIDENT_DAYS * TIME.DAY;
      if (from >= to) {
        throw new InputError(
          `Invalid request input: input.from must be before ${new Date(
            to,
          ).toISOString()}`,
        );
      }
      const { items, totalItems } = (await incidentHistory.list(entityRef, {
        ...query,
        from,
        to,
        view: 'incidents',
      })) as EntityIncidentsResponse;
      const iso = (ms: number) => new Date(ms).toISOString();
      return {
        output: {
          entityRef,
          from: iso(from),
          to: iso(to),
          totalItems,
          incidents: items.map(incident => {
            const started = Date.parse(incident.startedAt);
            const end = incident.resolvedAt
              ? Date.parse(incident.resolvedAt)
              : clock;
            return {
              id: incident.id,
              title: incident.title,
              severity: incident.severity,
              status: incident.status,
              startedAt: incident.startedAt,
              acknowledgedAt: incident.acknowledgedAt ?? null,
              resolvedAt: incident.resolvedAt ?? null,
              durationSeconds: Math.max(0, Math.round((end - started) / 1000)),
              sources: incident.sources,
              recordCount: incident.records.length,
              budgetCost: (incident.budgetCost ?? []).map(cost => ({
                sloId: cost.sloId,
                slo: cost.sloDisplayName ?? cost.sloRef,
                share: cost.share ?? null,
              })),
            };
          }),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'get-operability-score',
    title: 'Get the operability score of an entity, with next steps',
    description:
      'The operability score (0-100) of a catalog entity, its level (e.g. crawl, walk, run) and the points to the next one, every check with its status and what to do when it is not met, and the next steps: the checks that would raise the score most, largest gain first.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({ entityRef: z.string().describe(ENTITY_REF_DESCRIPTION) }),
      output: z => {
        const check = z.object({
          id: z.string(),
          title: z.string(),
          category: z.string(),
          status: z
            .enum([
              'met',
              'partial',
              'not-met',
              'not-applicable',
              'exempt',
              'error',
            ])
            .describe(
              'met (full credit), partial, not-met, not-applicable (left out), exempt (left out) or error (no credit)',
            ),
          passed: z
            .boolean()
            .describe('met, or left out of the score (not applicable, exempt)'),
          points: z.number().describe('points the check adds to the score'),
          gain: z
            .number()
            .describe('points the score would gain if the check were met'),
          detail: z.string().describe('what was measured'),
          remediation: z
            .string()
            .nullable()
            .describe('what to do, when the check is not met'),
        });
        return z.object({
          entityRef: z.string(),
          score: z
            .number()
            .nullable()
            .describe('0-100; null when no check applies'),
          level: z.string().nullable().describe('the level id, e.g. walk'),
          nextLevel: z
            .object({ id: z.string(), pointsNeeded: z.number() })
            .nullable()
            .describe('the next level and the points missing; null at the top'),
          computedAt: z.string(),
          checks: z.array(check),
          nextSteps: z
            .array(
              z.object({
                checkId: z.string(),
                title: z.string(),
                todo: z.string().describe('what to do'),
                gain: z
                  .number()
                  .describe('points it adds, including the checks it unblocks'),
                unblocks: z
                  .array(z.string())
                  .describe('checks that can only be met after this one'),
              }),
            )
            .describe(
              'at most 3, largest gain first, as the score card shows them',
            ),
        });
      },
    },
    action: async ({ input, credentials }) => {
      const { entity, entityRef } = await entityAccess.requireEntity(
        entityRefInput(input.entityRef),
        credentials,
      );
      scorer.requireScored(entity, entityRef);
      const score = await scorer.response(entity, now());
      return {
        output: {
          entityRef: score.entityRef,
          score: score.score,
          level: score.level?.id ?? null,
          nextLevel: score.nextLevel
            ? {
                id: score.nextLevel.id,
                pointsNeeded: score.nextLevel.pointsNeeded,
              }
            : null,
          computedAt: score.computedAt,
          checks: score.checks.map(check => ({
            id: check.id,
            title: check.title,
            category: check.category,
            status: check.status,
            passed: ['met', 'not-applicable', 'exempt'].includes(check.status),
            points: check.points,
            gain: check.gain,
            detail: check.detail,
            remediation: check.remediation ?? null,
          })),
          nextSteps: nextSteps(score).map(step => ({
            checkId: step.id,
            title: step.title,
            todo: step.remediation ?? step.detail,
            gain:
              Math.round(
                (step.gain + step.unblocks.reduce((n, c) => n + c.gain, 0)) *
                  10,
              ) / 10,
            unblocks: step.unblocks.map(c => c.id),
          })),
        },
      };
    },
  });

  actionsRegistry.register({
    name: 'list-entities-below-level',
    title: 'List the entities below an operability level',
    description:
      'Lists the scored catalog entities the caller may read whose operability level is below the given one (levels as the portfolio defines them, e.g. crawl < walk < run), lowest score first, with score, level, owner and the worst state of their SLOs.',
    attributes: { readOnly: true, idempotent: true, destructive: false },
    schema: {
      input: z =>
        z.object({
          level: z
            .string()
            .describe(
              'A level id as configured (operability.score.levels; by default crawl, walk, run): entities at lower levels are listed',
            ),
          owner: z
            .string()
            .optional()
            .describe(
              'Only entities of this owner, e.g. group:default/data-science',
            ),
          limit: z
            .number()
            .int()
            .min(1)
            .max(MAX_ENTITIES)
            .optional()
            .describe(
              `How many entities to return, 1-${MAX_ENTITIES} (default 20)`,
            ),
          offset: z
            .number()
            .int()
            .min(0)
            .optional()
            .describe('How many entities to skip (default 0)'),
        }),
      output: z =>
        z.object({
          level: z.string(),
          levelsBelow: z
            .array(z.string())
            .describe('the levels counted as below, lowest first'),
          totalItems: z.number().describe('matching entities, over all pages'),
          entities: z.array(
            z.object({
              entityRef: z.string(),
              title: z.string().nullable().describe('untrusted catalog text'),
              owner: z.string().nullable(),
              score: z.number().nullable(),
              level: z.string().nullable(),
              sloCount: z.number(),
              worstSloStatus: z
                .enum(STATUS_VALUES)
                .nullable()
                .describe('the worst state of its SLOs; null without SLOs'),
            }),
          ),
        }),
    },
    action: async ({ input, credentials }) => {
      const below = portfolio.levelsBelow(input.level, 'input: input.level');
      const limit = input.limit ?? 20;
      const offset = input.offset ?? 0;
      if (below.length === 0) {
        return {
          output: {
            level: input.level,
            levelsBelow: [],
            totalItems: 0,
            entities: [],
          },
        };
      }
      const query = parseInput(
        portfolioQuerySchema,
        {
          level: below.map(l => l.id),
          ...(input.owner === undefined ? {} : { owner: input.owner }),
          sort: 'score',
          order: 'asc',
          limit: String(limit),
          offset: String(offset),
        },
        'input',
      );
      const page = await portfolio.page(
        query,
        await entityAccess.catalogCredentials(credentials),
      );
      const statuses = await Promise.all(
        page.items.map(async item => {
          const { items } = await sloRegistry.listForEntity(item.entityRef);
          const present = new Set(items.map(slo => slo.status));
          return SLO_STATUSES.find(status => present.has(status)) ?? null;
        }),
      );
      return {
        output: {
          level: input.level,
          levelsBelow: below.map(l => l.id),
          totalItems: page.totalItems,
          entities: page.items.map((item, i) => ({
            entityRef: item.entityRef,
            title: item.title ?? null,
            owner: item.owner ?? null,
            score: item.score,
            level: item.level,
            sloCount: item.sloCount,
            worstSloStatus: statuses[i],
          })),
        },
      };
    },
  });
}
