import {
  errorBudgetPolicyOverrideSchema,
  describeZodError,
  TIME,
  type ErrorBudgetPolicy,
} from '@airworthy/plugin-operability-common';
import type { Config } from '@backstage/config';
import { readDurationMs } from './readers';

/** Defaults of `operability.policy` (also in config.d.ts): Operate First's policy. */
export const POLICY_DEFAULTS = {
  policy: {
    block: ['exhausted'],
    warn: ['critical'],
    withoutEnforcingSlos: 'allow',
  } as ErrorBudgetPolicy,
  maxExceptionMs: 30 * TIME.DAY,
  maxStalenessMs: TIME.HOUR,
} as const;

/** The range of `operability.policy.maxStaleness`: 5 minutes to 7 days. */
export const MAX_STALENESS_RANGE_MS = {
  min: 5 * TIME.MINUTE,
  max: 7 * TIME.DAY,
} as const;

/** The error-budget policy and its exceptions (`operability.policy`). */
export interface PolicySettings {
  /** The policy of every entity that does not override it. */
  policy: ErrorBudgetPolicy;
  /** Longest exception, from its grant (`exceptions.maxDuration`, default 30 days). */
  maxExceptionMs: number;
  /**
   * How old an enforcing SLO's last evaluation or collected SLI data may be before the gate
   * judges it stale (`maxStaleness`, default 1 hour, 5 minutes to 7 days).
   */
  maxStalenessMs: number;
}

/** Reads `operability.policy`; a bad value throws with a message naming the key. */
export function readPolicySettings(root: Config): PolicySettings {
  const config = root.getOptionalConfig('operability.policy');
  const override = {
    block: config?.getOptionalStringArray('block'),
    warn: config?.getOptionalStringArray('warn'),
    withoutEnforcingSlos: config?.getOptionalString('withoutEnforcingSlos'),
  };
  const parsed = errorBudgetPolicyOverrideSchema.safeParse(
    Object.fromEntries(
      Object.entries(override).filter(([, v]) => v !== undefined),
    ),
  );
  if (!parsed.success) {
    throw new Error(
      `Invalid config at 'operability.policy': ${describeZodError(
        parsed.error,
        'operability.policy',
      )}`,
    );
  }
  return {
    policy: { ...POLICY_DEFAULTS.policy, ...parsed.data },
    maxExceptionMs: readDurationMs(
      config?.getOptionalConfig('exceptions'),
      'maxDuration',
      POLICY_DEFAULTS.maxExceptionMs,
    ),
    maxStalenessMs: readMaxStaleness(config),
  };
}

function readMaxStaleness(config: Config | undefined): number {
  const ms = readDurationMs(
    config,
    'maxStaleness',
    POLICY_DEFAULTS.maxStalenessMs,
  );
  const { min, max } = MAX_STALENESS_RANGE_MS;
  if (ms < min || ms > max) {
    throw new Error(
      `Invalid config at 'operability.policy.maxStaleness': must be from 5 minutes to 7 days, got ${Math.round(
        ms / 1000,
      )} seconds`,
    );
  }
  return ms;
}
