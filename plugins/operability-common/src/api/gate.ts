import { z } from 'zod';
import type { SloPhase } from '../annotations';
import {
  exemptionExpirySchema,
  exemptionReasonSchema,
} from '../score/exemptions';
import type { SloSource, SloStatus } from './types';

/**
 * What the deploy gate answers: `allow` (deploy), `warn` (deploy, and say why) or `block`
 * (stop releases except security and reliability work, Operate First's policy). @public
 */
export type DeployGateDecision = 'allow' | 'warn' | 'block';

/** The decisions, mildest first. @public */
export const DEPLOY_GATE_DECISIONS: readonly DeployGateDecision[] = [
  'allow',
  'warn',
  'block',
];

/** SLO states the policy can act on. @public */
export const POLICY_SLO_STATUSES = [
  'warning',
  'critical',
  'exhausted',
  'no-data',
] as const satisfies readonly SloStatus[];

/** An SLO state the policy can act on. @public */
export type PolicySloStatus = (typeof POLICY_SLO_STATUSES)[number];

/**
 * The error-budget policy in force for an entity: which states of its enforcing SLOs block
 * or warn, and what an entity without enforcing SLOs gets. @public
 */
export interface ErrorBudgetPolicy {
  block: PolicySloStatus[];
  warn: PolicySloStatus[];
  /** The decision for an entity without enforcing SLOs. */
  withoutEnforcingSlos: DeployGateDecision;
}

/**
 * The per-entity override of the policy, the `airworthy.dev/error-budget-policy` annotation
 * (YAML or JSON); keys left out keep the configured values. @public
 */
export const errorBudgetPolicyOverrideSchema = z
  .object({
    block: z.array(z.enum(POLICY_SLO_STATUSES)).optional(),
    warn: z.array(z.enum(POLICY_SLO_STATUSES)).optional(),
    withoutEnforcingSlos: z.enum(['allow', 'warn', 'block']).optional(),
  })
  .strict();

/** An SLO as the gate judged it. @public */
export interface DeployGateSlo {
  id: string;
  name: string;
  ref: string;
  displayName?: string;
  phase: SloPhase;
  /** Where the SLO is defined: `repo` (its phase is set in the file) or `api`. */
  source: SloSource;
  status: SloStatus;
  /** Share of the period's budget left (negative when overspent); null before data. */
  budgetRemaining: number | null;
  /** What this SLO does to the decision (informing SLOs: always `allow`). */
  effect: DeployGateDecision;
  /**
   * Present when an enforcing SLO's data is older than `operability.policy.maxStaleness`:
   * the gate then judged it as `no-data` (never milder than its last state).
   */
  stale?: {
    /** The older of its last evaluation and the end of its collected SLI data (ISO 8601). */
    dataAt: string;
    /** What is that old: its `evaluation`, or its collected SLI `data`. */
    what: 'evaluation' | 'data';
  };
}

/** An exception to the error-budget policy of an entity. @public */
export interface GateException {
  id: string;
  entityRef: string;
  reason: string;
  /** Who granted it: a user entity ref, or a service's subject. */
  author: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
  revokedBy?: string;
  /** `active` until it expires or is revoked. */
  state: 'active' | 'expired' | 'revoked';
}

/** Answer of `GET /entities/{kind}/{namespace}/{name}/deploy-gate`. @public */
export interface DeployGateResponse {
  entityRef: string;
  decision: DeployGateDecision;
  /** Why, one sentence each, most severe first. */
  reasons: string[];
  /** Every SLO of the entity in force, with its phase and effect. */
  slos: DeployGateSlo[];
  /** The active exception that turned a block into a warning, if any. */
  exception?: GateException;
  /** The policy applied, and whether the entity's annotation changed it. */
  policy: ErrorBudgetPolicy & {
    source: 'config' | 'annotation';
    /** The longest exception, from its grant (`operability.policy.exceptions.maxDuration`). */
    exceptions: { maxDurationMs: number };
  };
  decidedAt: string;
}

/**
 * Body of `POST /entities/{kind}/{namespace}/{name}/gate-exceptions`: why releases may go on
 * (e.g. a security fix), and until when; the author is the caller. @public
 */
export const gateExceptionWriteSchema = z
  .object({
    reason: exemptionReasonSchema,
    expiresAt: exemptionExpirySchema,
  })
  .strict();

/** Parsed gate exception write (expiry in epoch milliseconds). @public */
export type GateExceptionWrite = z.output<typeof gateExceptionWriteSchema>;

/** What a client sends to grant a gate exception. @public */
export type GateExceptionWriteRequest = z.input<
  typeof gateExceptionWriteSchema
>;

/** Route params of `/entities/{kind}/{namespace}/{name}/gate-exceptions/{id}`. @public */
export const gateExceptionIdParamsSchema = z.object({
  id: z.uuid({ message: 'must be the id of a gate exception (a UUID)' }),
});

/** Answer of `GET /entities/{kind}/{namespace}/{name}/gate-exceptions`. @public */
export interface GateExceptionsResponse {
  entityRef: string;
  /** Newest first: active, expired and revoked. */
  items: GateException[];
}
