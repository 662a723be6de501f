import {
  ANNOTATION_ERROR_BUDGET_POLICY,
  DEPLOY_GATE_DECISIONS,
  describeZodError,
  errorBudgetPolicyOverrideSchema,
  formatDurationHuman,
  type DeployGateDecision,
  type DeployGateResponse,
  type DeployGateSlo,
  type ErrorBudgetPolicy,
  type GateException,
  type GateExceptionsResponse,
  type GateExceptionWrite,
  type SloSummary,
} from '@airworthy/plugin-operability-common';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { parse as parseYaml } from 'yaml';
import type { PolicySettings } from '../../config';
import type {
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { GateCallerKind } from '../../database/notifications/NotificationStore';
import type { GateExceptionRecord } from '../../database/policy/GateExceptionStore';
import type { SloRegistry } from '../slo/SloRegistry';

/** The policy of an entity: the configured one, changed by its annotation. */
export interface EntityPolicy {
  policy: ErrorBudgetPolicy;
  source: 'config' | 'annotation';
  /** Why the annotation was not used, when it is invalid. */
  problem?: string;
}

const rank = (decision: DeployGateDecision) =>
  DEPLOY_GATE_DECISIONS.indexOf(decision);

const worst = (decisions: DeployGateDecision[]): DeployGateDecision =>
  decisions.reduce<DeployGateDecision>(
    (a, b) => (rank(b) > rank(a) ? b : a),
    'allow',
  );

function percent(ratio: number | null): string {
  return ratio === null ? 'no data' : `${+(ratio * 100).toFixed(1)}%`;
}

function label(slo: Pick<SloSummary, 'displayName' | 'name'>): string {
  return `"${slo.displayName ?? slo.name}"`;
}

/**
 * How stale an SLO's data is: the older of its last evaluation and the end of its collected
 * SLI data, when that is more than `maxStalenessMs` before `now`; else undefined.
 */
export function staleness(
  slo: Pick<SloSummary, 'evaluatedAt' | 'collection'>,
  now: number,
  maxStalenessMs: number,
): DeployGateSlo['stale'] {
  const times: Array<{ at: number; what: 'evaluation' | 'data' }> = [];
  if (slo.evaluatedAt) {
    times.push({ at: Date.parse(slo.evaluatedAt), what: 'evaluation' });
  }
  if (slo.collection?.collectedUntil) {
    times.push({ at: Date.parse(slo.collection.collectedUntil), what: 'data' });
  }
  const oldest = times
    .filter(t => Number.isFinite(t.at))
    .sort((a, b) => a.at - b.at)[0];
  if (!oldest || now - oldest.at <= maxStalenessMs) return undefined;
  return { dataAt: new Date(oldest.at).toISOString(), what: oldest.what };
}

/** An exception as the API shows it. */
export function toGateException(
  record: GateExceptionRecord,
  now: number,
): GateException {
  let state: GateException['state'] = 'active';
  if (record.revokedAt !== undefined) state = 'revoked';
  else if (record.expiresAt <= now) state = 'expired';
  return {
    id: record.id,
    entityRef: record.entityRef,
    reason: record.reason,
    author: record.author,
    createdAt: new Date(record.createdAt).toISOString(),
    expiresAt: new Date(record.expiresAt).toISOString(),
    ...(record.revokedAt === undefined
      ? {}
      : {
          revokedAt: new Date(record.revokedAt).toISOString(),
          revokedBy: record.revokedBy,
        }),
    state,
  };
}

/**
 * Operate First's error-budget policy, executable: the deploy gate of an entity from the
 * states of its enforcing SLOs (informing ones never stop a release), the policy in config
 * or the entity's annotation, and the exceptions granted to it.
 */
export class DeployGate {
  private readonly now: () => number;

  constructor(
    private readonly options: {
      sloRegistry: Pick<SloRegistry, 'listForEntity'>;
      store: Pick<OperabilityStore, 'gateExceptions'> &
        Partial<Pick<OperabilityStore, 'notifications'>>;
      settings: PolicySettings;
      now?: () => number;
      /** Where a failure to record an answer is logged (the answer is given anyway). */
      logger?: Pick<LoggerService, 'warn'>;
    },
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The policy in force for an entity. */
  policyFor(entity: Entity): EntityPolicy {
    const configured = this.options.settings.policy;
    const text = entity.metadata.annotations?.[ANNOTATION_ERROR_BUDGET_POLICY];
    if (text === undefined || !text.trim()) {
      return { policy: configured, source: 'config' };
    }
    let value: unknown;
    try {
      value = parseYaml(text);
    } catch (error) {
      return {
        policy: configured,
        source: 'config',
        problem: `is not YAML or JSON (${
          (error as Error).message.split('\n')[0]
        })`,
      };
    }
    const parsed = errorBudgetPolicyOverrideSchema.safeParse(value);
    if (!parsed.success) {
      return {
        policy: configured,
        source: 'config',
        problem: describeZodError(parsed.error),
      };
    }
    return { policy: { ...configured, ...parsed.data }, source: 'annotation' };
  }

  /** The gate's decision for an entity now, with its reasons. */
  async decide(entity: Entity): Promise<DeployGateResponse> {
    const entityRef = stringifyEntityRef(entity);
    const now = this.now();
    const { policy, source, problem } = this.policyFor(entity);
    const { items } = await this.options.sloRegistry.listForEntity(entityRef);

    const effectOf = (status: string): DeployGateDecision => {
      if ((policy.block as string[]).includes(status)) return 'block';
      if ((policy.warn as string[]).includes(status)) return 'warn';
      return 'allow';
    };
    // Stale data is no data: the policy's effect for no-data, and at least a warning.
    const staleEffect = worst([effectOf('no-data'), 'warn']);
    const { maxStalenessMs } = this.options.settings;

    const slos: DeployGateSlo[] = items.map(slo => {
      let effect: DeployGateDecision = 'allow';
      let stale: DeployGateSlo['stale'];
      if (slo.phase === 'enforcing') {
        effect = effectOf(slo.status);
        if (slo.status !== 'no-data') {
          stale = staleness(slo, now, maxStalenessMs);
          if (stale) effect = worst([effect, staleEffect]);
        }
      }
      return {
        ...(stale ? { stale } : {}),
        id: slo.id,
        name: slo.name,
        ref: slo.ref,
        displayName: slo.displayName,
        phase: slo.phase,
        source: slo.source,
        status: slo.status,
        budgetRemaining: slo.budget?.remaining ?? null,
        effect,
      };
    });

    const reasons: string[] = [];
    const enforcing = slos.filter(s => s.phase === 'enforcing');
    for (const effect of ['block', 'warn'] as const) {
      for (const slo of slos.filter(s => s.effect === effect)) {
        if (slo.stale) {
          const noData = effectOf('no-data');
          const lastState = effectOf(slo.status);
          reasons.push(
            `SLO ${label(slo)} (enforcing) has stale data: its last ${
              slo.stale.what === 'data' ? 'SLI data is' : 'evaluation is'
            } from ${slo.stale.dataAt}, ${formatDurationHuman(
              now - Date.parse(slo.stale.dataAt),
            )} ago (more than ${formatDurationHuman(
              maxStalenessMs,
            )}, operability.policy.maxStaleness): judged as no-data, ${
              noData === 'allow'
                ? 'a stale SLO warns (no-data is in neither block nor warn)'
                : `the policy ${
                    noData === 'block' ? 'blocks' : 'warns'
                  } on no-data`
            }${
              rank(lastState) > rank(staleEffect)
                ? `; its last state, ${slo.status}, ${
                    lastState === 'block' ? 'blocks' : 'warns'
                  }`
                : ''
            }`,
          );
          continue;
        }
        reasons.push(
          `SLO ${label(slo)} (enforcing) is ${slo.status}, ${percent(
            slo.budgetRemaining,
          )} of its error budget left: the policy ${
            effect === 'block' ? 'blocks' : 'warns'
          } on ${policy[effect].join(', ')}`,
        );
      }
    }
    let decision = worst(slos.map(s => s.effect));
    if (enforcing.length === 0) {
      decision = policy.withoutEnforcingSlos;
      reasons.push(
        slos.length === 0
          ? `${entityRef} has no SLOs: the error-budget policy has nothing to enforce (${policy.withoutEnforcingSlos} without enforcing SLOs)`
          : `${entityRef} has no enforcing SLO (${slos.length} informing): mark an SLO airworthy.dev/phase: enforcing for the policy to apply (${policy.withoutEnforcingSlos} without enforcing SLOs)`,
      );
    }
    if (problem) {
      decision = worst([decision, 'warn']);
      reasons.push(
        `The entity's ${ANNOTATION_ERROR_BUDGET_POLICY} annotation is invalid (${problem}); the configured policy applies`,
      );
    }

    let exception: GateException | undefined;
    if (decision === 'block') {
      const [active] = await this.options.store.gateExceptions.active(
        entityRef,
        now,
      );
      if (active) {
        exception = toGateException(active, now);
        decision = 'warn';
        reasons.unshift(
          `Blocked, but released by an exception until ${exception.expiresAt}, granted by ${exception.author}: ${exception.reason}`,
        );
      }
    }
    if (decision === 'allow' && enforcing.length > 0) {
      reasons.push(
        `Every enforcing SLO (${enforcing.length}) is within the error-budget policy`,
      );
    }
    for (const slo of slos) {
      if (
        slo.phase === 'informing' &&
        [...policy.block, ...policy.warn].some(s => s === slo.status)
      ) {
        reasons.push(
          `SLO ${label(slo)} is ${
            slo.status
          } but informing: the policy does not apply to it yet`,
        );
      }
    }

    return {
      entityRef,
      decision,
      reasons,
      slos,
      ...(exception ? { exception } : {}),
      policy: {
        ...policy,
        source,
        exceptions: { maxDurationMs: this.options.settings.maxExceptionMs },
      },
      decidedAt: new Date(now).toISOString(),
    };
  }

  /**
   * The gate's decision, recorded (entity, decision, time, who asked) for the weekly
   * digest. A failure to record is logged; the caller gets its answer all the same.
   */
  async decideAndRecord(
    entity: Entity,
    credentials: BackstageCredentials,
  ): Promise<DeployGateResponse> {
    const { type } = credentials.principal as { type: string };
    const callerKind: GateCallerKind =
      type === 'user' || type === 'service' ? type : 'none';
    const response = await this.decide(entity);
    try {
      await this.options.store.notifications?.recordGateDecision(
        response.entityRef,
        response.decision,
        callerKind,
        Date.parse(response.decidedAt),
      );
    } catch (error) {
      this.options.logger?.warn(
        `Could not record the deploy gate's answer for ${response.entityRef}: ${error}`,
      );
    }
    return response;
  }

  /** An entity's exceptions, newest first. */
  async listExceptions(entityRef: string): Promise<GateExceptionsResponse> {
    const now = this.now();
    const records = await this.options.store.gateExceptions.list(entityRef);
    return {
      entityRef,
      items: records.map(r => toGateException(r, now)),
    };
  }

  /** Grants an exception; its expiry must be in the future, within the configured longest. */
  async grantException(
    entityRef: string,
    input: GateExceptionWrite,
    author: string,
  ): Promise<GateException> {
    const now = this.now();
    const longest = this.options.settings.maxExceptionMs;
    if (input.expiresAt <= now) {
      throw new InputError(
        `Invalid request body: expiresAt ${new Date(
          input.expiresAt,
        ).toISOString()} is not in the future`,
      );
    }
    if (input.expiresAt > now + longest) {
      throw new InputError(
        `Invalid request body: expiresAt must be at most ${Math.round(
          longest / 86_400_000,
        )} days from now, by ${new Date(
          now + longest,
        ).toISOString()} (operability.policy.exceptions.maxDuration)`,
      );
    }
    const record = await this.options.store.gateExceptions.create(
      {
        entityRef,
        reason: input.reason,
        author,
        expiresAt: input.expiresAt,
      },
      now,
    );
    return toGateException(record, now);
  }

  /** Revokes an exception of the entity. */
  async revokeException(
    entityRef: string,
    id: string,
    by: string,
  ): Promise<GateException> {
    const now = this.now();
    const record = await this.options.store.gateExceptions.get(id);
    if (!record || record.entityRef !== entityRef) {
      throw new NotFoundError(`${entityRef} has no gate exception ${id}`);
    }
    const current = toGateException(record, now);
    if (current.state !== 'active') {
      throw new ConflictError(
        `Gate exception ${id} of ${entityRef} is already ${current.state}`,
      );
    }
    await this.options.store.gateExceptions.revoke(id, by, now);
    return toGateException(
      (await this.options.store.gateExceptions.get(id))!,
      now,
    );
  }
}
