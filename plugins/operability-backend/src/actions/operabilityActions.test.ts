import { mockCredentials } from '@backstage/backend-test-utils';
import { actionsRegistryServiceMock } from '@backstage/backend-test-utils/alpha';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import request from 'supertest';
import { openSloYaml } from '../__testUtils__/slos';
import { createOperabilityTestBackend } from '../__testUtils__/testBackend';

const startOperabilityBackend = createOperabilityTestBackend();
const HUB = '/api/operability/entities/component/default/jupyterhub';
const hub = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'jupyterhub', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/data-science' },
};

async function start() {
  const registry = actionsRegistryServiceMock();
  const backend = await startOperabilityBackend({
    entities: [hub],
    features: [
      createServiceFactory({
        service: actionsRegistryServiceRef,
        deps: {},
        factory: () => registry,
      }),
    ],
  });
  const idOf = async (name: string) => {
    const { actions } = await registry.list();
    return actions.find(a => a.name === name)!.id;
  };
  return { backend, registry, idOf };
}

describe('operability actions, through the actions registry', () => {
  it('registers read-only actions with input and output schemas', async () => {
    const { registry } = await start();
    const { actions } = await registry.list();
    expect(actions.map(a => [a.name, a.attributes.readOnly]).sort()).toEqual([
      ['get-deploy-gate', true],
      ['get-operability-score', true],
      ['get-slo-status', true],
      ['list-entities-below-level', true],
      ['list-incidents', true],
    ]);
    for (const action of actions) {
      expect(action.schema.input).toMatchObject({
        type: 'object',
        required: [
          action.name === 'list-entities-below-level' ? 'level' : 'entityRef',
        ],
      });
      expect(action.schema.output).toMatchObject({ type: 'object' });
    }
  });

  it('answers the SLO status and the deploy gate of an entity', async () => {
    const { backend, registry, idOf } = await start();
    const created = await request(backend.server)
      .post(`${HUB}/slos`)
      .set('Content-Type', 'application/yaml')
      .send(openSloYaml({ phase: 'enforcing' }));
    expect(created.status).toBe(201);
    const sloId = created.body.items[0].id;
    // Evaluated just now: the backend's clock is the real one, and older data is stale.
    await backend.knex('slo_evaluations').insert({
      slo_id: sloId,
      evaluated_at: 1,
      status: 'exhausted',
      result: JSON.stringify({
        evaluatedAt: new Date().toISOString(),
        status: 'exhausted',
        budget: { total: 100, remaining: -0.5 },
        burnRates: [],
        alertSeverity: null,
        alerts: [],
      }),
    });

    const status = await registry.invoke({
      id: await idOf('get-slo-status'),
      input: { entityRef: 'jupyterhub' },
      credentials: mockCredentials.user(),
    });
    expect(status.output).toEqual({
      entityRef: 'component:default/jupyterhub',
      slos: [
        {
          id: sloId,
          name: 'availability',
          displayName: 'Hub availability',
          phase: 'enforcing',
          status: 'exhausted',
          target: 0.98,
          period: '28d',
          budgetRemaining: -0.5,
        },
      ],
    });

    const gate = await registry.invoke({
      id: await idOf('get-deploy-gate'),
      input: { entityRef: 'component:default/jupyterhub' },
      credentials: mockCredentials.user(),
    });
    expect(gate.output).toEqual({
      entityRef: 'component:default/jupyterhub',
      decision: 'block',
      reasons: [
        'SLO "Hub availability" (enforcing) is exhausted, -50% of its error budget left: the policy blocks on exhausted',
      ],
      exception: null,
    });
    // An assistant's question is an answer of the gate like a CI call: logged for the digest.
    expect(
      await backend.knex('gate_decisions').select('decision', 'caller_kind'),
    ).toEqual([{ decision: 'block', caller_kind: 'user' }]);
  });

  it('refuses what the HTTP API refuses: unknown entities and bad refs', async () => {
    const { registry, idOf } = await start();
    await expect(
      registry.invoke({
        id: await idOf('get-deploy-gate'),
        input: { entityRef: 'component:default/nope' },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow('No entity component:default/nope in the catalog');
    await expect(
      registry.invoke({
        id: await idOf('get-slo-status'),
        input: { entityRef: 'component:default/' },
        credentials: mockCredentials.user(),
      }),
    ).rejects.toThrow(/is not an entity ref/);
  });
});
