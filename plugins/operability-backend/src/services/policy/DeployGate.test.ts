import type {
  SloEvaluation,
  SloStatus,
} from '@airworthy/plugin-operability-common';
import { TIME } from '@airworthy/plugin-operability-common';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { sloInput } from '../../__testUtils__/slos';
import { sloEvaluation } from '../../__testUtils__/evaluations';
import { createTestStores } from '../../__testUtils__/stores';
import { readPolicySettings } from '../../config';
import type { EntityAccess } from '../access/EntityAccess';
import { SloRegistry } from '../slo/SloRegistry';
import { DeployGate, staleness } from './DeployGate';

const { MINUTE, HOUR, DAY } = TIME;
const NOW = Date.parse('2026-12-01T12:00:00Z');
const HUB = 'component:default/jupyterhub';
const createStores = createTestStores();

function hub(annotations: Record<string, string> = {}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'jupyterhub', namespace: 'default', annotations },
    spec: { type: 'service', owner: 'group:default/data-science' },
  };
}

function evaluation(status: SloStatus, remaining: number): SloEvaluation {
  return sloEvaluation(status, remaining, { at: NOW, good: 1000 });
}

async function setUp(config: object = {}) {
  const { store } = await createStores();
  const settings = readPolicySettings(
    new ConfigReader({ operability: { policy: config } }),
  );
  const registry = new SloRegistry(store, {} as EntityAccess);
  let now = NOW;
  const gate = new DeployGate({
    sloRegistry: registry,
    store,
    settings,
    now: () => now,
  });
  return {
    store,
    gate,
    setNow(t: number) {
      now = t;
    },
    /** An SLO of the hub in a phase, evaluated to a state with `remaining` budget. */
    async slo(
      name: string,
      phase: 'informing' | 'enforcing',
      status?: SloStatus,
      remaining = 0.5,
    ) {
      const record = await store.slos.upsert(
        sloInput({ name, ref: name, displayName: name, phase }),
        NOW,
      );
      if (status) {
        await store.evaluations.save(
          record.id,
          evaluation(status, remaining),
          NOW,
          HOUR,
        );
      }
      return record;
    },
  };
}

describe('DeployGate', () => {
  it('allows when every enforcing SLO is within the policy', async () => {
    const env = await setUp();
    await env.slo('availability', 'enforcing', 'ok', 0.8);
    await env.slo('latency', 'enforcing', 'warning', 0.3);
    const answer = await env.gate.decide(hub());
    expect(answer.decision).toBe('allow');
    expect(answer.reasons).toEqual([
      'Every enforcing SLO (2) is within the error-budget policy',
    ]);
    expect(answer.slos.map(s => [s.name, s.phase, s.status, s.effect])).toEqual(
      [
        ['availability', 'enforcing', 'ok', 'allow'],
        ['latency', 'enforcing', 'warning', 'allow'],
      ],
    );
    expect(answer.policy).toEqual({
      block: ['exhausted'],
      warn: ['critical'],
      withoutEnforcingSlos: 'allow',
      source: 'config',
      exceptions: { maxDurationMs: 30 * DAY },
    });
    expect(answer.decidedAt).toBe('2026-12-01T12:00:00.000Z');
  });

  it('warns when an enforcing SLO is critical and blocks when one is exhausted', async () => {
    const env = await setUp();
    await env.slo('availability', 'enforcing', 'critical', 0.1);
    const warn = await env.gate.decide(hub());
    expect(warn.decision).toBe('warn');
    expect(warn.reasons).toEqual([
      'SLO "availability" (enforcing) is critical, 10% of its error budget left: the policy warns on critical',
    ]);
    await env.slo('latency', 'enforcing', 'exhausted', -0.25);
    const block = await env.gate.decide(hub());
    expect(block.decision).toBe('block');
    expect(block.reasons[0]).toBe(
      'SLO "latency" (enforcing) is exhausted, -25% of its error budget left: the policy blocks on exhausted',
    );
    expect(block.reasons).toHaveLength(2);
  });

  it('never lets an informing SLO stop a release, but says so', async () => {
    const env = await setUp();
    await env.slo('availability', 'enforcing', 'ok', 0.9);
    await env.slo('latency', 'informing', 'exhausted', -1);
    const answer = await env.gate.decide(hub());
    expect(answer.decision).toBe('allow');
    expect(answer.slos.find(s => s.name === 'latency')?.effect).toBe('allow');
    expect(answer.reasons).toContain(
      'SLO "latency" is exhausted but informing: the policy does not apply to it yet',
    );
  });

  it('allows an entity without SLOs or without enforcing SLOs, saying why, unless configured otherwise', async () => {
    const env = await setUp();
    const none = await env.gate.decide(hub());
    expect(none).toMatchObject({ decision: 'allow', slos: [] });
    expect(none.reasons).toEqual([
      `${HUB} has no SLOs: the error-budget policy has nothing to enforce (allow without enforcing SLOs)`,
    ]);
    await env.slo('latency', 'informing', 'ok');
    const informing = await env.gate.decide(hub());
    expect(informing.decision).toBe('allow');
    expect(informing.reasons[0]).toMatch(
      /has no enforcing SLO \(1 informing\)/,
    );

    const strict = await setUp({ withoutEnforcingSlos: 'warn' });
    expect((await strict.gate.decide(hub())).decision).toBe('warn');
  });

  it('turns a block into a warning while an exception is active; not once it expired or was revoked', async () => {
    const env = await setUp();
    await env.slo('availability', 'enforcing', 'exhausted', 0);
    const exception = await env.gate.grantException(
      HUB,
      { reason: 'CVE-2026-0001 fix', expiresAt: NOW + DAY },
      'user:default/alice',
    );
    expect(exception).toMatchObject({
      entityRef: HUB,
      author: 'user:default/alice',
      state: 'active',
      expiresAt: '2026-12-02T12:00:00.000Z',
    });
    const excepted = await env.gate.decide(hub());
    expect(excepted.decision).toBe('warn');
    expect(excepted.exception?.id).toBe(exception.id);
    expect(excepted.reasons[0]).toBe(
      'Blocked, but released by an exception until 2026-12-02T12:00:00.000Z, granted by user:default/alice: CVE-2026-0001 fix',
    );

    env.setNow(NOW + DAY);
    const expired = await env.gate.decide(hub());
    expect(expired.decision).toBe('block');
    expect(expired.exception).toBeUndefined();
    expect((await env.gate.listExceptions(HUB)).items[0].state).toBe('expired');

    const again = await env.gate.grantException(
      HUB,
      { reason: 'Reliability work', expiresAt: NOW + 2 * DAY },
      'user:default/alice',
    );
    expect((await env.gate.decide(hub())).decision).toBe('warn');
    const revoked = await env.gate.revokeException(
      HUB,
      again.id,
      'user:default/bob',
    );
    expect(revoked).toMatchObject({
      state: 'revoked',
      revokedBy: 'user:default/bob',
    });
    expect((await env.gate.decide(hub())).decision).toBe('block');
    await expect(
      env.gate.revokeException(HUB, again.id, 'user:default/bob'),
    ).rejects.toThrow(/is already revoked/);
    await expect(
      env.gate.revokeException(
        'component:default/thanos',
        again.id,
        'user:default/bob',
      ),
    ).rejects.toThrow(/has no gate exception/);
  });

  it('leaves a warning alone: exceptions only release blocks', async () => {
    const env = await setUp();
    await env.slo('availability', 'enforcing', 'critical', 0.05);
    await env.gate.grantException(
      HUB,
      { reason: 'Security fix', expiresAt: NOW + DAY },
      'user:default/alice',
    );
    const answer = await env.gate.decide(hub());
    expect(answer.decision).toBe('warn');
    expect(answer.exception).toBeUndefined();
  });

  it('refuses exceptions that expired already or last longer than configured', async () => {
    const env = await setUp({ exceptions: { maxDuration: '7d' } });
    await expect(
      env.gate.grantException(
        HUB,
        { reason: 'late', expiresAt: NOW - 1 },
        'user:default/alice',
      ),
    ).rejects.toThrow(/is not in the future/);
    await expect(
      env.gate.grantException(
        HUB,
        { reason: 'long', expiresAt: NOW + 8 * DAY },
        'user:default/alice',
      ),
    ).rejects.toThrow(
      /at most 7 days from now.*operability\.policy\.exceptions\.maxDuration/,
    );
  });

  it('follows the policy in config and the entity annotation that changes it', async () => {
    const strict = await setUp({ block: ['exhausted', 'critical'] });
    await strict.slo('availability', 'enforcing', 'critical', 0.1);
    expect((await strict.gate.decide(hub())).decision).toBe('block');

    const env = await setUp();
    await env.slo('availability', 'enforcing', 'exhausted', 0);
    const lenient = await env.gate.decide(
      hub({
        'airworthy.dev/error-budget-policy': '{ block: [], warn: [exhausted] }',
      }),
    );
    expect(lenient.decision).toBe('warn');
    expect(lenient.policy).toMatchObject({ block: [], source: 'annotation' });

    const invalid = await env.gate.decide(
      hub({ 'airworthy.dev/error-budget-policy': 'block: [broken]' }),
    );
    expect(invalid.decision).toBe('block');
    expect(invalid.policy.source).toBe('config');
    expect(invalid.reasons.at(-1)).toMatch(
      /^The entity's airworthy.dev\/error-budget-policy annotation is invalid \(block\.0: .*\); the configured policy applies$/,
    );
  });

  it('refuses a bad policy in config at start-up, naming the key', async () => {
    expect(() =>
      readPolicySettings(
        new ConfigReader({ operability: { policy: { warn: ['sometimes'] } } }),
      ),
    ).toThrow(
      /Invalid config at 'operability.policy': operability.policy.warn.0/,
    );
  });

  describe('on stale data', () => {
    it('allows on fresh data, and warns naming the SLO and the age of its data once it is stale', async () => {
      const env = await setUp();
      await env.slo('availability', 'enforcing', 'ok', 0.8);

      env.setNow(NOW + 59 * MINUTE);
      const fresh = await env.gate.decide(hub());
      expect(fresh.decision).toBe('allow');
      expect(fresh.slos[0].stale).toBeUndefined();

      env.setNow(NOW + 2 * HOUR + 5 * MINUTE);
      const stale = await env.gate.decide(hub());
      expect(stale.decision).toBe('warn');
      expect(stale.reasons).toEqual([
        'SLO "availability" (enforcing) has stale data: its last evaluation is from 2026-12-01T12:00:00.000Z, 2h 5m ago (more than 1h, operability.policy.maxStaleness): judged as no-data, a stale SLO warns (no-data is in neither block nor warn)',
      ]);
      expect(stale.slos[0]).toMatchObject({
        status: 'ok',
        effect: 'warn',
        stale: { dataAt: '2026-12-01T12:00:00.000Z', what: 'evaluation' },
      });
    });

    it('follows the policy for no-data, and is never milder than the last state', async () => {
      const strict = await setUp({ block: ['exhausted', 'no-data'] });
      await strict.slo('availability', 'enforcing', 'ok', 0.8);
      strict.setNow(NOW + 3 * HOUR);
      const blocked = await strict.gate.decide(hub());
      expect(blocked.decision).toBe('block');
      expect(blocked.reasons[0]).toMatch(
        /has stale data: .* 3h ago .*: judged as no-data, the policy blocks on no-data$/,
      );

      const env = await setUp();
      await env.slo('availability', 'enforcing', 'exhausted', -0.1);
      env.setNow(NOW + 3 * HOUR);
      const still = await env.gate.decide(hub());
      expect(still.decision).toBe('block');
      expect(still.reasons[0]).toMatch(
        /judged as no-data, a stale SLO warns \(no-data is in neither block nor warn\); its last state, exhausted, blocks$/,
      );
      // Informing SLOs never stop a release, stale or not.
      const informing = await setUp();
      await informing.slo('latency', 'informing', 'ok', 0.8);
      informing.setNow(NOW + 3 * HOUR);
      expect(
        (await informing.gate.decide(hub())).slos[0].stale,
      ).toBeUndefined();
    });

    it('takes the bound from config, in its documented range', async () => {
      const env = await setUp({ maxStaleness: '3h' });
      await env.slo('availability', 'enforcing', 'ok', 0.8);
      env.setNow(NOW + 2 * HOUR);
      expect((await env.gate.decide(hub())).decision).toBe('allow');
      env.setNow(NOW + 3 * HOUR + MINUTE);
      expect((await env.gate.decide(hub())).decision).toBe('warn');
      for (const maxStaleness of ['1m', '8d']) {
        expect(() =>
          readPolicySettings(
            new ConfigReader({ operability: { policy: { maxStaleness } } }),
          ),
        ).toThrow(
          /operability.policy.maxStaleness': must be from 5 minutes to 7 days/,
        );
      }
    });

    it('judges the collected SLI data too: the older of evaluation and data', () => {
      const evaluatedAt = new Date(NOW).toISOString();
      expect(
        staleness(
          {
            evaluatedAt,
            collection: {
              source: 'prometheus',
              state: 'failed',
              collectedUntil: new Date(NOW - 2 * HOUR).toISOString(),
            },
          },
          NOW,
          HOUR,
        ),
      ).toEqual({ dataAt: '2026-12-01T10:00:00.000Z', what: 'data' });
      expect(staleness({ evaluatedAt }, NOW + HOUR, HOUR)).toBeUndefined();
      expect(staleness({}, NOW + DAY, HOUR)).toBeUndefined();
    });
  });
});
