import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResponseError } from '@backstage/errors';
import { OperabilityClient } from './client';

// A real HTTP server stands in for the backend; the client uses Node's fetch.
describe('OperabilityClient', () => {
  let server: Server;
  let baseUrl: string;
  const requests: Array<{ method?: string; url?: string; body?: string }> = [];
  const contentTypes: Array<string | undefined> = [];
  let respond: (req: IncomingMessage) => { status: number; body: unknown };

  beforeAll(async () => {
    server = createServer((req, res) => {
      let received = '';
      req.on('data', chunk => {
        received += chunk;
      });
      req.on('end', () => {
        requests.push({
          method: req.method,
          url: req.url,
          ...(received ? { body: received } : {}),
        });
        contentTypes.push(req.headers['content-type']);
        const { status, body } = respond(req);
        if (status === 204) {
          res.writeHead(204).end();
        } else if (typeof body === 'string') {
          res.writeHead(status, { 'Content-Type': 'text/plain' });
          res.end(body);
        } else {
          res.writeHead(status, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify(body));
        }
      });
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/operability`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  beforeEach(() => {
    requests.length = 0;
    contentTypes.length = 0;
  });

  function client() {
    return new OperabilityClient({
      discoveryApi: {
        getBaseUrl: async pluginId => baseUrl.replace('operability', pluginId),
      },
      fetchApi: { fetch: (...args) => fetch(...args) },
    });
  }

  it("gets an entity's SLOs from the entity path", async () => {
    const body = {
      entityRef: 'component:default/thanos',
      items: [],
      errors: [],
    };
    respond = () => ({ status: 200, body });

    await expect(
      client().getEntitySlos('Component:default/Thanos'),
    ).resolves.toEqual(body);
    expect(requests).toEqual([
      {
        method: 'GET',
        url: '/api/operability/entities/component/default/thanos/slos',
      },
    ]);
  });

  it('throws a ResponseError carrying the backend error', async () => {
    respond = () => ({
      status: 404,
      body: {
        error: {
          name: 'NotFoundError',
          message: 'No entity component:default/x in the catalog',
        },
        request: { method: 'GET', url: '/x' },
        response: { statusCode: 404 },
      },
    });

    const error = await client()
      .getEntitySlos('component:default/x')
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.statusCode).toBe(404);
    expect(error.body.error.message).toBe(
      'No entity component:default/x in the catalog',
    );
  });

  it('pushes SLI buckets as JSON to the SLO path', async () => {
    const answer = { sloId: 'a b', inserted: 1, replaced: 0, unchanged: 0 };
    respond = () => ({ status: 200, body: answer });
    const push = {
      buckets: [{ start: '2026-11-25T10:00:00Z', good: 9, total: 10 }],
    };
    await expect(client().pushSli('a b', push)).resolves.toEqual(answer);
    expect(requests).toEqual([
      {
        method: 'POST',
        url: '/api/operability/slos/a%20b/sli',
        body: JSON.stringify(push),
      },
    ]);
  });

  it('reads health', async () => {
    respond = () => ({ status: 200, body: { status: 'ok' } });
    await expect(client().getHealth()).resolves.toEqual({ status: 'ok' });
    expect(requests[0].url).toBe('/api/operability/health');
  });

  it('lists, reads, creates, updates, merges and splits incidents with their query and body', async () => {
    respond = () => ({ status: 200, body: { ok: true } });
    const api = client();
    await api.getEntityIncidents('Component:default/JupyterHub', {
      severity: ['critical', 'warning'],
      status: ['open'],
      from: '2026-11-01T00:00:00Z',
      limit: 5,
    });
    await api.getEntityIncidentStats('component:default/jupyterhub', {
      to: '2026-11-29T00:00:00Z',
    });
    await api.getIncident('a/b');
    await api.createIncident('component:default/jupyterhub', {
      title: 'Down',
      severity: 'critical',
      startedAt: '2026-11-03T10:00:00Z',
    });
    await api.updateIncidentRecord('id-1', { resolvedAt: null });
    await api.getEntityIncidentRecords('component:default/jupyterhub', {
      from: '2026-11-01T00:00:00Z',
      match: 'started',
    });
    await api.mergeIncidents('id-2', 'id-3');
    await api.splitIncident('id-2', 'record-4');
    expect(requests).toEqual([
      {
        method: 'GET',
        url: '/api/operability/entities/component/default/jupyterhub/incidents?severity=critical&severity=warning&status=open&from=2026-11-01T00%3A00%3A00Z&limit=5',
      },
      {
        method: 'GET',
        url: '/api/operability/entities/component/default/jupyterhub/incidents/stats?to=2026-11-29T00%3A00%3A00Z',
      },
      { method: 'GET', url: '/api/operability/incidents/a%2Fb' },
      {
        method: 'POST',
        url: '/api/operability/entities/component/default/jupyterhub/incidents',
        body: '{"title":"Down","severity":"critical","startedAt":"2026-11-03T10:00:00Z"}',
      },
      {
        method: 'PATCH',
        url: '/api/operability/incidents/records/id-1',
        body: '{"resolvedAt":null}',
      },
      {
        method: 'GET',
        url: '/api/operability/entities/component/default/jupyterhub/incidents?from=2026-11-01T00%3A00%3A00Z&match=started&view=records',
      },
      {
        method: 'POST',
        url: '/api/operability/incidents/id-2/merge',
        body: '{"incidentId":"id-3"}',
      },
      {
        method: 'POST',
        url: '/api/operability/incidents/id-2/split',
        body: '{"recordId":"record-4"}',
      },
    ]);
  });

  it('sends the score, portfolio and exemption requests', async () => {
    respond = req =>
      req.method === 'DELETE'
        ? { status: 204, body: '' }
        : { status: 200, body: { ok: true } };
    const api = client();
    await api.getEntityScore('component:default/Trino');
    await api.getEntityScoreHistory('component:default/trino', { days: 28 });
    await api.getScoreSettings();
    await api.getPortfolio({
      owner: ['group:default/sre'],
      tag: ['python', 'sql'],
      groupBy: 'owner',
      limit: 10,
    });
    await api.putExemption('component:default/trino', 'on-call', {
      reason: 'No rotation yet',
      expiresAt: '2027-01-31',
    });
    await expect(
      api.deleteExemption('component:default/trino', 'on-call'),
    ).resolves.toBeUndefined();
    expect(requests).toEqual([
      {
        method: 'GET',
        url: '/api/operability/entities/component/default/trino/score',
      },
      {
        method: 'GET',
        url: '/api/operability/entities/component/default/trino/score/history?days=28',
      },
      { method: 'GET', url: '/api/operability/score/checks' },
      {
        method: 'GET',
        url: '/api/operability/portfolio?owner=group%3Adefault%2Fsre&tag=python&tag=sql&groupBy=owner&limit=10',
      },
      {
        method: 'PUT',
        url: '/api/operability/entities/component/default/trino/exemptions/on-call',
        body: '{"reason":"No rotation yet","expiresAt":"2027-01-31"}',
      },
      {
        method: 'DELETE',
        url: '/api/operability/entities/component/default/trino/exemptions/on-call',
      },
    ]);
  });

  it('gets the portfolio as CSV text and builds badge URLs', async () => {
    respond = () => ({ status: 200, body: 'entityRef,score' });
    const api = client();
    // The test server sends string bodies as they are: the client hands back the text.
    expect(await api.getPortfolioCsv({ level: ['crawl'] })).toBe(
      'entityRef,score',
    );
    expect(requests[0].url).toBe(
      '/api/operability/portfolio?level=crawl&format=csv',
    );
    expect(await api.getBadgeUrl('component:default/JupyterHub')).toBe(
      `${baseUrl}/badges/component/default/jupyterhub.svg`,
    );
  });

  it('reads, exports, creates, replaces and deletes SLOs, sending OpenSLO as YAML', async () => {
    const yaml = 'apiVersion: openslo/v1\nkind: SLO\n';
    respond = req => {
      if (req.method === 'DELETE') return { status: 204, body: undefined };
      if (req.url?.endsWith('/openslo')) return { status: 200, body: yaml };
      return { status: 200, body: { items: [] } };
    };
    const api = client();
    await api.getSlo('s/1');
    await api.getSloSeries('s1', {
      from: '2026-11-01T00:00:00Z',
      to: '2026-11-29T00:00:00Z',
      window: '1h',
    });
    await expect(api.exportSlo('s1')).resolves.toBe(yaml);
    await expect(
      api.createSlos('Component:default/JupyterHub', yaml),
    ).resolves.toEqual({ items: [] });
    await api.updateSlo('s1', yaml);
    await expect(api.deleteSlo('s1')).resolves.toBeUndefined();
    expect(requests).toEqual([
      { method: 'GET', url: '/api/operability/slos/s%2F1' },
      {
        method: 'GET',
        url: '/api/operability/slos/s1/series?from=2026-11-01T00%3A00%3A00Z&to=2026-11-29T00%3A00%3A00Z&window=1h',
      },
      { method: 'GET', url: '/api/operability/slos/s1/openslo' },
      {
        method: 'POST',
        url: '/api/operability/entities/component/default/jupyterhub/slos',
        body: yaml,
      },
      { method: 'PUT', url: '/api/operability/slos/s1', body: yaml },
      { method: 'DELETE', url: '/api/operability/slos/s1' },
    ]);
    expect(contentTypes.slice(3, 5)).toEqual([
      'application/yaml',
      'application/yaml',
    ]);
  });
});
