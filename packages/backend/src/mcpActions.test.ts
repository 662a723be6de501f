import {
  actionsRegistryServiceFactory,
  actionsServiceFactory,
} from '@backstage/backend-defaults/alpha';
import mcpActionsPlugin from '@backstage/plugin-mcp-actions-backend';
import type { Server } from 'node:http';
import request from 'supertest';
import {
  createDemoLikeBackend,
  enforcingSloYaml,
  OPERABILITY_WITHOUT_EVALUATION,
  userHeader,
} from './__testUtils__/realBackend';

jest.setTimeout(180_000);

/*
 * AI assistants end to end: the real backend with Backstage's MCP actions backend, the real
 * actions registry and actions service (which fetch the operability plugin's actions over
 * HTTP, as in the demo), called as an MCP client does: JSON-RPC over the streamable HTTP
 * transport at /api/mcp-actions/v1.
 */

const MCP = '/api/mcp-actions/v1';
const HUB = '/api/operability/entities/component/default/jupyterhub';

const startBackend = createDemoLikeBackend();

/** One JSON-RPC request to the MCP endpoint; the answer of its `text/event-stream`. */
async function mcp(
  server: Server,
  id: number,
  method: string,
  params?: object,
  as = userHeader('maintainer'),
) {
  const res = await request(server)
    .post(MCP)
    .set('Authorization', as)
    .set('Accept', 'application/json, text/event-stream')
    .send({ jsonrpc: '2.0', id, method, ...(params ? { params } : {}) });
  expect(res.status).toBe(200);
  const data = res.text
    .split('\n')
    .filter(line => line.startsWith('data: '))
    .map(line => JSON.parse(line.slice('data: '.length)));
  expect(data).toHaveLength(1);
  expect(data[0]).toMatchObject({ jsonrpc: '2.0', id });
  return data[0];
}

describe('the operability actions as MCP tools, against the real backend', () => {
  it('initializes, lists the tools and calls get-deploy-gate', async () => {
    const backend = await startBackend({
      features: [
        mcpActionsPlugin,
        actionsRegistryServiceFactory,
        actionsServiceFactory,
      ],
      config: {
        backend: { actions: { pluginSources: ['operability'] } },
        // No scheduled evaluation during the test: the state is arranged below.
        operability: OPERABILITY_WITHOUT_EVALUATION,
      },
    });
    const { server, knex } = backend;

    const init = await mcp(server, 1, 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'jest', version: '1.0.0' },
    });
    expect(init.result).toMatchObject({
      capabilities: { tools: {} },
      serverInfo: { name: 'backstage' },
    });

    const list = await mcp(server, 2, 'tools/list');
    const tools = new Map<string, any>(
      list.result.tools.map((t: { name: string }) => [t.name, t]),
    );
    expect([...tools.keys()].sort()).toEqual([
      'operability.get-deploy-gate',
      'operability.get-operability-score',
      'operability.get-slo-status',
      'operability.list-entities-below-level',
      'operability.list-incidents',
    ]);
    expect(tools.get('operability.get-deploy-gate')).toMatchObject({
      inputSchema: { type: 'object', required: ['entityRef'] },
      annotations: { readOnlyHint: true, destructiveHint: false },
    });

    // An enforcing SLO whose budget is gone: the gate blocks.
    const created = await request(server)
      .post(`${HUB}/slos`)
      .set('Authorization', userHeader('sre'))
      .set('Content-Type', 'application/yaml')
      .send(enforcingSloYaml('availability'));
    expect(created.status).toBe(201);
    const now = Date.now();
    await knex('slo_evaluations').insert({
      slo_id: created.body.items[0].id,
      evaluated_at: now,
      status: 'exhausted',
      result: JSON.stringify({
        evaluatedAt: new Date(now).toISOString(),
        status: 'exhausted',
        budget: { total: 1000, remaining: -0.2 },
        burnRates: [],
        alertSeverity: null,
        alerts: [],
      }),
    });

    const call = await mcp(server, 3, 'tools/call', {
      name: 'operability.get-deploy-gate',
      arguments: { entityRef: 'component:default/jupyterhub' },
    });
    const expected = {
      entityRef: 'component:default/jupyterhub',
      decision: 'block',
      reasons: [
        'SLO "availability" (enforcing) is exhausted, -20% of its error budget left: the policy blocks on exhausted',
      ],
      exception: null,
    };
    expect(call.result.isError).toBeUndefined();
    expect(call.result.structuredContent).toEqual(expected);
    expect(JSON.parse(call.result.content[0].text)).toEqual(expected);

    // An unknown entity is the tool's error, said to the assistant, not a failed request.
    const unknown = await mcp(server, 4, 'tools/call', {
      name: 'operability.get-deploy-gate',
      arguments: { entityRef: 'component:default/nope' },
    });
    expect(unknown.result.isError).toBe(true);
    expect(unknown.result.content[0].text).toContain(
      'No entity component:default/nope in the catalog',
    );
  });
});
