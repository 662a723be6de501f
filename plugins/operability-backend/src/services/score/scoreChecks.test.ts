/* eslint-disable no-script-url -- these tests check that script URLs are refused */
import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_EXEMPTIONS,
  ANNOTATION_SLO_PHASE,
  RUNBOOK_URL_ANNOTATION,
  parseSloYaml,
} from '@airworthy/plugin-operability-common';
import type { IncidentObservation } from '@airworthy/plugin-operability-node';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { JsonObject } from '@backstage/types';
import { openSloYaml } from '../../__testUtils__/slos';
import { createTestStores } from '../../__testUtils__/stores';
import type { SliBucket } from '../../database/sli/SliStore';
import { BudgetEvaluator } from '../slo/BudgetEvaluator';
import { EntityAccess } from '../access/EntityAccess';
import { IncidentBudgetCostCalculator } from '../incidents/IncidentBudgetCost';
import { IncidentHistory } from '../incidents/IncidentHistory';
import { OperabilityScorer } from './OperabilityScorer';
import { ScoreContextFactory } from './ScoreContext';
import { readScoreSettings } from '../../config/score';
import { createDefaultScoreChecks } from './scoreChecks';
import { toSloInput } from '../slo/SloRegistry';
import { SloRegistry } from '../slo/SloRegistry';
import { TIME } from '@airworthy/plugin-operability-common';

const { MINUTE, HOUR, DAY } = TIME;

jest.setTimeout(60_000);

const createStores = createTestStores();

// 2026-11-25T12:00:00Z
const NOW = Date.UTC(2026, 10, 25, 12);
const HUB = 'component:default/jupyterhub';

const TEAM: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'jupyterhub-team', namespace: 'default' },
  spec: { type: 'team', children: [] },
};

/** JupyterHub as an entity that meets every entity check; `change` edits a copy. */
function hub(change: (entity: Entity) => void = () => {}): Entity {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'jupyterhub',
      namespace: 'default',
      annotations: {
        'backstage.io/techdocs-ref': 'dir:.',
        'pagerduty.com/service-id': 'PJUPY01',
        [ANNOTATION_ALERT_SELECTOR]: 'service=jupyterhub',
      },
      links: [
        { url: 'https://runbooks.example.org/jupyterhub', type: 'runbook' },
        { url: 'https://grafana.example.org/d/jupyterhub', type: 'dashboard' },
      ],
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'jupyterhub-team',
    },
  };
  change(entity);
  return entity;
}

/** An OpenSLO ratio SLO named `name` (98% over a rolling day), with SLO annotations. */
function sloYaml(name: string, annotations: Record<string, string> = {}) {
  const lines = Object.entries(annotations)
    .map(([k, v]) => `    ${k}: "${v}"`)
    .join('\n');
  return openSloYaml({ name, target: 0.98, duration: '1d' }).replace(
    `  name: ${name}\n`,
    `  name: ${name}\n${lines ? `  annotations:\n${lines}\n` : ''}`,
  );
}

/** 100 events a minute over [from, to), `bad(start)` of them bad. */
function traffic(
  from: number,
  to: number,
  bad: (start: number) => number = () => 0,
): SliBucket[] {
  const buckets: SliBucket[] = [];
  for (let start = from; start < to; start += MINUTE) {
    buckets.push({ start, good: 100 - bad(start), total: 100 });
  }
  return buckets;
}

/** Real stores, SLO registry, incident history and scorer over a catalog of `entities`. */
async function setUp(
  options: { entities?: Entity[]; config?: JsonObject } = {},
) {
  const { store } = await createStores();
  const catalog = catalogServiceMock({
    entities: options.entities ?? [TEAM, hub()],
  });
  const auth = mockServices.auth();
  const logger = mockServices.logger.mock();
  const incidentHistory = new IncidentHistory(
    store,
    {
      statsPeriodDays: 28,
      postMortemSeverities: ['critical'],
      maxFutureMs: 300_000,
      now: () => NOW,
    },
    new IncidentBudgetCostCalculator(store),
  );
  const sloRegistry = new SloRegistry(
    store,
    new EntityAccess(catalog, mockServices.permissions(), mockServices.auth()),
  );
  const settings = readScoreSettings(
    new ConfigReader({ operability: { score: options.config ?? {} } }),
    createDefaultScoreChecks(),
  );
  const evaluator = new BudgetEvaluator({
    store,
    logger,
    snapshotIntervalMs: HOUR,
  });
  const contexts = new ScoreContextFactory({
    store,
    sloRegistry,
    incidentHistory,
    catalog,
    auth,
    periodDays: settings.periodDays,
    evaluator,
    clock: () => NOW,
  });
  const scorer = new OperabilityScorer({
    store,
    settings,
    contexts,
    catalog,
    auth,
    logger,
  });

  return {
    store,
    scorer,
    /** Stores an SLO of JupyterHub with its SLI buckets, then evaluates every SLO at NOW. */
    async addSlo(
      name: string,
      buckets: SliBucket[],
      // Enforcing unless a test says otherwise: the policy applies to the SLOs of most tests.
      annotations: Record<string, string> = {
        [ANNOTATION_SLO_PHASE]: 'enforcing',
      },
    ) {
      const { slos, errors } = parseSloYaml(sloYaml(name, annotations));
      expect(errors).toEqual([]);
      const record = await store.slos.upsert(toSloInput(slos[0], HUB, 'api'));
      for (let i = 0; i < buckets.length; i += 5000) {
        await store.sli.writeBuckets(
          record.id,
          buckets.slice(i, i + 5000),
          NOW,
        );
      }
      await evaluator.evaluateAll(NOW);
      return record;
    },
    async addIncidents(
      observations: Array<
        Partial<IncidentObservation> & { sourceKey: string; startedAt: number }
      >,
    ) {
      await store.incidents.recordDelivery('alertmanager', {
        observations: observations.map(o => ({
          entityRefs: [HUB],
          title: `Incident ${o.sourceKey}`,
          severity: 'critical',
          status: o.resolvedAt ? 'resolved' : 'open',
          observedAt: o.resolvedAt ?? o.startedAt,
          ...o,
        })),
      });
    },
    /** Runs one check on an entity at NOW. */
    async check(id: string, entity: Entity = hub()) {
      const found = settings.checks.find(c => c.definition.id === id);
      if (!found) throw new Error(`no check ${id}`);
      return found.check.evaluate(
        contexts.forEntity(entity, NOW).contextFor(found.definition),
      );
    },
  };
}

const FULL_DAY = traffic(NOW - DAY, NOW);

describe('service level checks', () => {
  it('slo-defined: met with an SLO, not met without (a yes/no check)', async () => {
    const env = await setUp();
    expect(await env.check('slo-defined')).toEqual({
      credit: 0,
      detail: 'No SLO',
    });
    await env.addSlo('availability', FULL_DAY);
    expect(await env.check('slo-defined')).toMatchObject({ credit: 1 });
  });

  it('sli-data: the share of SLOs whose data is fresher than 2 hours', async () => {
    const env = await setUp();
    expect((await env.check('sli-data')).credit).toBe(0);
    await env.addSlo('availability', FULL_DAY);
    expect(await env.check('sli-data')).toMatchObject({ credit: 1 });
    // A second SLO whose newest data is 3 hours old: half the SLOs are fresh.
    await env.addSlo('latency', traffic(NOW - DAY, NOW - 3 * HOUR));
    const partial = await env.check('sli-data');
    expect(partial.credit).toBe(0.5);
    expect(partial.detail).toContain('latency (newest data 3h ago)');
    // No data at all.
    const empty = await setUp();
    await empty.addSlo('availability', []);
    expect(await empty.check('sli-data')).toMatchObject({
      credit: 0,
      detail: expect.stringContaining('no data yet'),
    });
  });

  it('error-budget: full credit from 25% remaining, partial below, none when spent', async () => {
    // 98% of 144,000 events a day allows 2,880 bad ones.
    const full = await setUp();
    await full.addSlo('availability', FULL_DAY);
    expect(await full.check('error-budget')).toMatchObject({ credit: 1 });

    // 2,520 bad events (42 minutes with 60 bad) leave 12.5%: half the credit.
    const partial = await setUp();
    await partial.addSlo(
      'availability',
      traffic(NOW - DAY, NOW, t =>
        t >= NOW - 10 * HOUR && t < NOW - 10 * HOUR + 42 * MINUTE ? 60 : 0,
      ),
    );
    const outcome = await partial.check('error-budget');
    expect(outcome.credit).toBeCloseTo(0.5, 6);
    expect(outcome.detail).toContain('availability 12.5%');

    // 3,600 bad events: the budget is overspent (-25%).
    const spent = await setUp();
    await spent.addSlo(
      'availability',
      traffic(NOW - DAY, NOW, t =>
        t >= NOW - 10 * HOUR && t < NOW - 9 * HOUR ? 60 : 0,
      ),
    );
    expect(await spent.check('error-budget')).toMatchObject({
      credit: 0,
      detail: expect.stringContaining('availability -25%'),
    });
  });

  it('no-critical-burn: the share of SLOs without a page-level burn alert in 7 days', async () => {
    const env = await setUp();
    await env.addSlo('availability', FULL_DAY);
    expect(await env.check('no-critical-burn')).toMatchObject({ credit: 1 });
    // Half of every request failing over the last hour burns 25x: a page alert.
    await env.addSlo(
      'latency',
      traffic(NOW - DAY, NOW, t => (t >= NOW - HOUR ? 50 : 0)),
    );
    const partial = await env.check('no-critical-burn');
    expect(partial.credit).toBe(0.5);
    expect(partial.detail).toContain('not: latency (firing now)');

    const failing = await setUp();
    await failing.addSlo(
      'availability',
      traffic(NOW - DAY, NOW, t => (t >= NOW - HOUR ? 50 : 0)),
    );
    expect((await failing.check('no-critical-burn')).credit).toBe(0);
  });

  it('slo-enforcing: the share of SLOs marked enforcing (no phase is informing)', async () => {
    const env = await setUp();
    await env.addSlo('availability', FULL_DAY, {
      [ANNOTATION_SLO_PHASE]: 'enforcing',
    });
    expect(await env.check('slo-enforcing')).toMatchObject({ credit: 1 });
    await env.addSlo('latency', FULL_DAY, {
      [ANNOTATION_SLO_PHASE]: 'informing',
    });
    expect(await env.check('slo-enforcing')).toMatchObject({
      credit: 0.5,
      detail: expect.stringContaining('(informing)'),
    });
    const informing = await setUp();
    await informing.addSlo('availability', FULL_DAY, {
      [ANNOTATION_SLO_PHASE]: 'Enforcing',
    });
    await informing.addSlo('latency', FULL_DAY, {});
    expect((await informing.check('slo-enforcing')).credit).toBe(0.5);
  });
});

describe('incident response checks', () => {
  const resolved = (
    key: string,
    startDaysAgo: number,
    ackMin: number,
    resolveMin: number,
    extra: Partial<IncidentObservation> = {},
  ) => {
    const startedAt = NOW - startDaysAgo * DAY;
    return {
      sourceKey: key,
      startedAt,
      acknowledgedAt: startedAt + ackMin * MINUTE,
      resolvedAt: startedAt + resolveMin * MINUTE,
      ...extra,
    };
  };

  it('mtta and mttr: full credit under the threshold, threshold / mean above it', async () => {
    const met = await setUp();
    await met.addIncidents([
      resolved('a', 10, 5, 60),
      resolved('b', 9, 15, 180),
    ]);
    expect(await met.check('mtta')).toMatchObject({
      credit: 1,
      detail: 'MTTA 10m over 2 incidents (threshold 15m)',
    });
    expect(await met.check('mttr')).toMatchObject({ credit: 1 });

    // MTTA 30m against 15m, MTTR 8h against 4h: half the credit.
    const partial = await setUp();
    await partial.addIncidents([
      resolved('a', 10, 20, 420),
      resolved('b', 9, 40, 540),
    ]);
    expect((await partial.check('mtta')).credit).toBeCloseTo(0.5, 6);
    expect((await partial.check('mttr')).credit).toBeCloseTo(0.5, 6);

    // MTTA 10h, MTTR 4 days: almost nothing.
    const poor = await setUp();
    await poor.addIncidents([resolved('a', 10, 600, 5760)]);
    expect((await poor.check('mtta')).credit).toBeCloseTo(0.025, 6);
    expect((await poor.check('mttr')).credit).toBeCloseTo(1 / 24, 6);

    // Without incidents in the period they do not apply (left out of the score).
    const none = await setUp();
    expect((await none.check('mtta')).credit).toBeNull();
    expect((await none.check('mttr')).credit).toBeNull();
  });

  it('incident-rate: full credit up to 2 per 28 days, 2 / rate above, none without a source', async () => {
    const met = await setUp();
    await met.addIncidents([resolved('a', 10, 5, 60)]);
    expect(await met.check('incident-rate')).toMatchObject({ credit: 1 });

    const partial = await setUp();
    await partial.addIncidents(
      ['a', 'b', 'c', 'd'].map((k, i) => resolved(k, 3 + i, 5, 60)),
    );
    expect(await partial.check('incident-rate')).toMatchObject({
      credit: 0.5,
      detail: '4 incidents in 28d; threshold 2',
    });

    // One outage reported by three sources is one incident of three records.
    const reported = await setUp();
    await reported.addIncidents([
      resolved('a', 3, 5, 60),
      resolved('b', 3, 5, 90),
      resolved('c', 3, 30, 45),
      resolved('d', 10, 5, 60),
    ]);
    expect(await reported.check('incident-rate')).toMatchObject({
      credit: 1,
      detail: '2 incidents (4 records) in 28d; threshold 2',
    });

    // No incident source named and nothing recorded: incidents do not reach Airworthy.
    const unconnected = await setUp();
    const entity = hub(e => {
      delete e.metadata.annotations!['pagerduty.com/service-id'];
      delete e.metadata.annotations![ANNOTATION_ALERT_SELECTOR];
    });
    expect(await unconnected.check('incident-rate', entity)).toMatchObject({
      credit: 0,
      detail: expect.stringContaining('No incident source'),
    });
    // Named but quiet: no incident is a good record.
    expect((await unconnected.check('incident-rate')).credit).toBe(1);
  });

  it('post-mortems: the share of critical incidents with one, 7 days after resolution', async () => {
    const met = await setUp();
    await met.addIncidents([resolved('a', 10, 5, 60, { postMortem: true })]);
    expect((await met.check('post-mortems')).credit).toBe(1);

    const partial = await setUp();
    await partial.addIncidents([
      resolved('a', 10, 5, 60, { postMortem: true }),
      resolved('b', 12, 5, 60),
      // Warnings need none.
      resolved('c', 12, 5, 60, { severity: 'warning' }),
    ]);
    expect(await partial.check('post-mortems')).toMatchObject({
      credit: 0.5,
      detail: '1 of 2 critical incidents have a post-mortem',
    });

    const missing = await setUp();
    await missing.addIncidents([
      resolved('a', 10, 5, 60),
      // Resolved 2 days ago: still within the grace period, not yet counted.
      resolved('b', 2, 5, 60),
    ]);
    expect(await missing.check('post-mortems')).toMatchObject({
      credit: 0,
      detail: expect.stringContaining('1 incident still within 7d'),
    });

    const recent = await setUp();
    await recent.addIncidents([resolved('b', 2, 5, 60)]);
    expect((await recent.check('post-mortems')).credit).toBeNull();
  });
});

describe('operational readiness checks', () => {
  it('owner: in the catalog, named but unknown, or absent', async () => {
    const env = await setUp();
    expect(await env.check('owner')).toEqual({
      credit: 1,
      detail: 'Owned by group:default/jupyterhub-team',
    });
    expect(
      await env.check(
        'owner',
        hub(e => {
          e.spec!.owner = 'group:default/ghosts';
        }),
      ),
    ).toEqual({
      credit: 0.5,
      detail: 'Owner group:default/ghosts is not in the catalog',
    });
    expect(
      (
        await env.check(
          'owner',
          hub(e => {
            delete e.spec!.owner;
          }),
        )
      ).credit,
    ).toBe(0);
  });

  it('on-call: a link of type oncall or an on-call annotation; never a javascript: link', async () => {
    const env = await setUp();
    expect(await env.check('on-call')).toEqual({
      credit: 1,
      detail: 'On-call from pagerduty.com/service-id',
    });
    const noAnnotation = (e: Entity) => {
      delete e.metadata.annotations!['pagerduty.com/service-id'];
    };
    expect(
      await env.check(
        'on-call',
        hub(e => {
          noAnnotation(e);
          e.metadata.links!.push({
            url: 'https://oncall.example.org/hub',
            type: 'oncall',
          });
        }),
      ),
    ).toMatchObject({ credit: 1 });
    expect(await env.check('on-call', hub(noAnnotation))).toEqual({
      credit: 0,
      detail: 'No on-call link or annotation',
    });
    expect(
      await env.check(
        'on-call',
        hub(e => {
          noAnnotation(e);
          e.metadata.links!.push({
            url: 'javascript:alert(1)',
            type: 'oncall',
          });
        }),
      ),
    ).toEqual({ credit: 0, detail: 'The on-call link is not an http(s) URL' });
  });

  it('runbook: an entity link; half credit when only the SLOs name one', async () => {
    const env = await setUp();
    expect(await env.check('runbook')).toMatchObject({ credit: 1 });
    const noLinks = (e: Entity) => {
      e.metadata.links = [];
    };
    expect((await env.check('runbook', hub(noLinks))).credit).toBe(0);
    expect(
      await env.check(
        'runbook',
        hub(e => {
          e.metadata.links = [{ url: 'javascript:alert(1)', type: 'runbook' }];
        }),
      ),
    ).toEqual({ credit: 0, detail: 'The runbook link is not an http(s) URL' });
    await env.addSlo('availability', FULL_DAY, {
      [RUNBOOK_URL_ANNOTATION]: 'https://runbooks.example.org/hub-slo',
    });
    expect(await env.check('runbook', hub(noLinks))).toMatchObject({
      credit: 0.5,
    });
  });

  it('dashboard: a link of type dashboard', async () => {
    const env = await setUp();
    expect((await env.check('dashboard')).credit).toBe(1);
    expect(
      (
        await env.check(
          'dashboard',
          hub(e => {
            e.metadata.links = [];
          }),
        )
      ).credit,
    ).toBe(0);
  });

  it('alert-rules: alerts tied to the entity; half credit when only SLO rules could be generated', async () => {
    const env = await setUp();
    expect((await env.check('alert-rules')).credit).toBe(1);
    const untied = hub(e => {
      delete e.metadata.annotations![ANNOTATION_ALERT_SELECTOR];
    });
    expect((await env.check('alert-rules', untied)).credit).toBe(0);
    await env.addSlo('availability', FULL_DAY);
    expect((await env.check('alert-rules', untied)).credit).toBe(0.5);
  });

  it('docs: TechDocs, half credit for a docs link, none without', async () => {
    const env = await setUp();
    expect((await env.check('docs')).credit).toBe(1);
    const noTechDocs = (e: Entity) => {
      delete e.metadata.annotations!['backstage.io/techdocs-ref'];
    };
    expect(
      (
        await env.check(
          'docs',
          hub(e => {
            noTechDocs(e);
            e.metadata.links!.push({
              url: 'https://docs.example.org',
              type: 'docs',
            });
          }),
        )
      ).credit,
    ).toBe(0.5);
    expect((await env.check('docs', hub(noTechDocs))).credit).toBe(0);
  });

  it('lifecycle: a known lifecycle, an unknown one, none; not applicable to a System', async () => {
    const env = await setUp();
    expect((await env.check('lifecycle')).credit).toBe(1);
    expect(
      (
        await env.check(
          'lifecycle',
          hub(e => {
            e.spec!.lifecycle = 'beta';
          }),
        )
      ).credit,
    ).toBe(0.5);
    expect(
      (
        await env.check(
          'lifecycle',
          hub(e => {
            delete e.spec!.lifecycle;
          }),
        )
      ).credit,
    ).toBe(0);
    expect(
      (
        await env.check(
          'lifecycle',
          hub(e => {
            e.kind = 'System';
          }),
        )
      ).credit,
    ).toBeNull();
  });
});

describe('OperabilityScorer', () => {
  it('weighs the checks into a score and a level, with remediation for what is not met, and stores a snapshot', async () => {
    const env = await setUp();
    await env.addSlo('availability', FULL_DAY);
    const record = await env.scorer.scoreEntity(hub(), { now: NOW });
    // Every check met but those about incidents (none recorded: MTTA, MTTR and
    // post-mortems do not apply; incident-rate is met).
    expect(record.score).toBe(100);
    expect(record.level).toBe('run');
    const noDashboard = await env.scorer.scoreEntity(
      hub(e => {
        e.metadata.links = e.metadata.links!.filter(
          l => l.type !== 'dashboard',
        );
      }),
      { now: NOW },
    );
    // Applicable weight: 100 - mtta 6 - mttr 7 - post-mortems 6 = 81; dashboard weighs 4.
    expect(noDashboard.score).toBe(Math.round((77 / 81) * 1000) / 10);
    const dashboard = noDashboard.detail.checks.find(
      c => c.id === 'dashboard',
    )!;
    expect(dashboard.remediation).toBeTruthy();
    expect(
      noDashboard.detail.checks.find(c => c.id === 'docs')!.remediation,
    ).toBeUndefined();
    expect(await env.store.scores.history(HUB, 0)).toEqual([
      expect.objectContaining({ score: noDashboard.score, level: 'run' }),
    ]);
  });

  it("says what to do in the entity's situation: define an SLO first, get data first, connect an incident source", async () => {
    const env = await setUp();
    const unconnected = hub(e => {
      delete e.metadata.annotations!['pagerduty.com/service-id'];
      delete e.metadata.annotations![ANNOTATION_ALERT_SELECTOR];
    });
    // Like Seldon: no SLO and no incident source.
    const none = await env.scorer.scoreEntity(unconnected, { now: NOW });
    const byId = new Map(none.detail.checks.map(c => [c.id, c]));
    expect(byId.get('slo-defined')).toMatchObject({ status: 'not-met' });
    expect(byId.get('slo-defined')!.blockedBy).toBeUndefined();
    for (const id of [
      'sli-data',
      'error-budget',
      'no-critical-burn',
      'slo-enforcing',
    ]) {
      expect(byId.get(id)).toMatchObject({
        status: 'not-met',
        blockedBy: 'slo-defined',
        remediation: expect.stringMatching(/^Define an SLO first/),
      });
    }
    // Nothing claims a state the entity is not in.
    const remediations = none.detail.checks.map(c => c.remediation ?? '');
    expect(remediations.join(' ')).not.toMatch(
      /running out|queries return data|Too many incidents/,
    );
    expect(byId.get('incident-rate')!.remediation).toMatch(
      /^Connect an incident source/,
    );

    // An SLO without data: the budget waits for the data, not the reverse.
    await env.addSlo('availability', []);
    const noData = await env.scorer.scoreEntity(hub(), { now: NOW });
    const errorBudget = noData.detail.checks.find(
      c => c.id === 'error-budget',
    )!;
    expect(errorBudget).toMatchObject({
      status: 'not-met',
      blockedBy: 'sli-data',
      remediation: expect.stringMatching(/^Get SLI data flowing first/),
    });
    expect(
      noData.detail.checks.find(c => c.id === 'sli-data')!.remediation,
    ).toMatch(/queries return data/);
  });

  it('leaves out checks under a valid exemption and applies expired ones no longer', async () => {
    const env = await setUp();
    const withExemptions = (yaml: string) =>
      hub(e => {
        e.metadata.links = [];
        e.metadata.annotations![ANNOTATION_EXEMPTIONS] = yaml;
      });
    const entity = withExemptions(`
- check: dashboard
  reason: Static site, nothing to chart
  author: user:default/alice
  expiresAt: 2027-01-31
- check: runbook
  reason: Was waiting for the new wiki
  author: user:default/alice
  expiresAt: 2026-11-01
`);
    const record = await env.scorer.scoreEntity(entity, { now: NOW });
    const byId = new Map(record.detail.checks.map(c => [c.id, c]));
    expect(byId.get('dashboard')).toMatchObject({
      status: 'exempt',
      exemption: {
        reason: 'Static site, nothing to chart',
        author: 'user:default/alice',
        expiresAt: '2027-02-01T00:00:00.000Z',
        active: true,
      },
    });
    // Expired on 1 November: the runbook check counts again (and is not met).
    expect(byId.get('runbook')).toMatchObject({ credit: 0 });
    expect(byId.get('runbook')!.status).not.toBe('exempt');
    expect(record.detail.exemptions).toEqual([
      expect.objectContaining({ check: 'dashboard', active: true }),
      expect.objectContaining({ check: 'runbook', active: false }),
    ]);

    // An API exemption that expires tomorrow applies today, and not the day after.
    await env.store.exemptions.put({
      entityRef: HUB,
      check: 'runbook',
      reason: 'Runbook moves to TechDocs this week',
      author: 'user:default/bob',
      expiresAt: NOW + DAY,
      createdAt: NOW,
    });
    const today = await env.scorer.scoreEntity(entity, { now: NOW });
    expect(today.detail.checks.find(c => c.id === 'runbook')).toMatchObject({
      status: 'exempt',
      exemption: { source: 'api', author: 'user:default/bob' },
    });
    const later = await env.scorer.scoreEntity(entity, { now: NOW + 2 * DAY });
    expect(later.detail.checks.find(c => c.id === 'runbook')!.status).not.toBe(
      'exempt',
    );
    expect(later.score!).toBeLessThan(today.score!);
  });

  it('reports exemptions of unknown checks or too far ahead, and ignores them', async () => {
    const env = await setUp();
    const { exemptions, errors } = await env.scorer.exemptionsOf(
      hub(e => {
        e.metadata.annotations![ANNOTATION_EXEMPTIONS] = JSON.stringify([
          {
            check: 'uptime',
            reason: 'x',
            author: 'a',
            expiresAt: '2027-01-01',
          },
          { check: 'docs', reason: 'x', author: 'a', expiresAt: '2030-01-01' },
        ]);
      }),
      NOW,
    );
    expect(exemptions).toEqual([]);
    expect(errors).toEqual([
      expect.stringContaining('no check "uptime"'),
      expect.stringContaining('more than 366 days ahead'),
    ]);
  });

  it('uses configured weights, thresholds and levels, and can switch a check off', async () => {
    const env = await setUp({
      config: {
        checks: [
          { id: 'mttr', threshold: '8h', weight: 20 },
          { id: 'dashboard', enabled: false },
        ],
        levels: [
          { id: 'bronze', threshold: 0 },
          { id: 'silver', threshold: 60 },
          { id: 'gold', threshold: 95 },
        ],
      },
    });
    const ids = env.scorer.settings.checks.map(c => c.definition.id);
    expect(ids).not.toContain('dashboard');
    expect(
      env.scorer.settings.checks.find(c => c.definition.id === 'mttr')!
        .definition,
    ).toMatchObject({ weight: 20, threshold: 8 * HOUR });
    await env.addSlo('availability', FULL_DAY);
    const record = await env.scorer.scoreEntity(hub(), { now: NOW });
    expect(record.score).toBe(100);
    expect(record.level).toBe('gold');
    // Without its SLO the entity keeps only the readiness and incident checks.
    const other = await env.scorer.scoreEntity(
      hub(e => {
        e.metadata.name = 'binderhub';
      }),
      { now: NOW },
    );
    expect(other.level).toBe('bronze');
  });

  it('stops on configuration that names an unknown check or bad levels', async () => {
    await expect(
      setUp({ config: { checks: [{ id: 'uptime', weight: 3 }] } }),
    ).rejects.toThrow(/no check "uptime"/);
    await expect(
      setUp({ config: { levels: [{ id: 'walk', threshold: 10 }] } }),
    ).rejects.toThrow(/operability.score.levels/);
  });

  it('scores every entity of the scored kinds and forgets those gone from the catalog', async () => {
    const env = await setUp({
      entities: [
        TEAM,
        hub(),
        hub(e => {
          e.metadata.name = 'binderhub';
        }),
      ],
    });
    await env.store.scores.save(
      {
        ...(await env.scorer.scoreEntity(hub(), { now: NOW })),
        entityRef: 'component:default/removed',
      },
      NOW - (NOW % DAY),
    );
    expect(await env.scorer.scoreAll(NOW)).toEqual({
      scored: 2,
      failed: 0,
      removed: 1,
      expired: 0,
    });
    expect(
      await env.store.scores.get('component:default/binderhub'),
    ).toBeDefined();
    expect(
      await env.store.scores.get('group:default/jupyterhub-team'),
    ).toBeUndefined();
  });

  describe('history', () => {
    const TODAY = NOW - (NOW % DAY);
    const dayOf = (days: number) => TODAY - days * DAY;
    // Three days of traffic; on the day before yesterday, half the probes fail for two hours
    // (6,000 bad of 144,000 in the day: 4.2% against an allowance of 2%).
    const OUTAGE = dayOf(2) + 10 * HOUR;
    const HISTORY = traffic(dayOf(3), NOW, t =>
      t >= OUTAGE && t < OUTAGE + 2 * HOUR ? 50 : 0,
    );
    const scoresByDay = async (env: Awaited<ReturnType<typeof setUp>>) =>
      Object.fromEntries(
        (await env.store.scores.history(HUB, dayOf(10))).map(s => [
          new Date(s.day).toISOString().slice(0, 10),
          s.score,
        ]),
      );

    it('fills missing daily snapshots with scores as of the end of each day, once', async () => {
      const env = await setUp({ config: { backfillDays: 3 } });
      await env.addSlo('hub-availability', HISTORY);
      await env.scorer.scoreAll(NOW);
      const latest = await env.store.scores.get(HUB);

      expect(await env.scorer.backfillHistory(NOW)).toEqual({
        scored: 3,
        failed: 0,
        pending: 0,
      });
      const byDay = await scoresByDay(env);
      expect(Object.keys(byDay)).toEqual([
        '2026-11-22',
        '2026-11-23',
        '2026-11-24',
        '2026-11-25',
      ]);
      // As of the end of the 23rd the day's budget is spent; the 22nd and 24th were clean.
      expect(byDay['2026-11-23']).toBeLessThan(byDay['2026-11-22']!);
      expect(byDay['2026-11-24']).toBe(byDay['2026-11-22']);
      const as23 = await env.scorer.scoreEntity(hub(), {
        now: dayOf(1) - 1,
        history: true,
      });
      expect(
        as23.detail.checks.find(c => c.id === 'error-budget'),
      ).toMatchObject({ credit: 0 });
      // The latest score is today's, untouched by history.
      expect(await env.store.scores.get(HUB)).toEqual(latest);
      // Nothing is missing any more.
      expect(await env.scorer.backfillHistory(NOW)).toEqual({
        scored: 0,
        failed: 0,
        pending: 0,
      });
    });

    it('never replaces a snapshot computed on the day, and waits for collection', async () => {
      const env = await setUp({ config: { backfillDays: 3 } });
      const record = await env.addSlo('hub-availability', HISTORY);
      const live = await env.scorer.scoreEntity(hub(), {
        now: dayOf(1) + HOUR,
      });
      await env.store.collection.set({
        sloId: record.id,
        source: 'prometheus',
        indicatorHash: 'h',
        collectedUntil: dayOf(2) + 12 * HOUR,
      });

      // The 22nd is collected; the 23rd is not yet; the 24th has a live snapshot.
      expect(await env.scorer.backfillHistory(NOW)).toEqual({
        scored: 1,
        failed: 0,
        pending: 1,
      });
      expect(Object.keys(await scoresByDay(env))).toEqual([
        '2026-11-22',
        '2026-11-24',
      ]);
      expect((await scoresByDay(env))['2026-11-24']).toBe(live.score);
    });

    it('does nothing unless configured, and refuses to fill past snapshot retention', async () => {
      const env = await setUp();
      await env.addSlo('hub-availability', HISTORY);
      expect(await env.scorer.backfillHistory(NOW)).toEqual({
        scored: 0,
        failed: 0,
        pending: 0,
      });
      expect(await scoresByDay(env)).toEqual({});
      await expect(setUp({ config: { backfillDays: 400 } })).rejects.toThrow(
        "Invalid config at 'operability.score.backfillDays': must be less than snapshotRetentionDays (400), got 400",
      );
    });
  });
});
