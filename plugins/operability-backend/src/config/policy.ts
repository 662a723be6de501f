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
} as const;

/** The error-budget policy and its exceptions (`operability.policy`). */
export interface PolicySettings {
  /** The policy of every entity that does not override it. */
  policy: ErrorBudgetPolicy;
  /** Longest exception, from its grant (`exceptions.maxDuration`, default 30 days). */
  maxExceptionMs: number;
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
  };
}
