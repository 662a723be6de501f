import operabilityPlugin from '@airworthy/plugin-operability-backend';
import {
  createOperabilityTestBackend,
  fetchIncidentRecords,
  testComponent,
} from '@airworthy/plugin-operability-node/testUtils';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { operabilityModuleAlertmanager } from './module';

const TOKEN = 'am-webhook-token-0123456789';
const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name));
const firing = fixture('firing.json');
const resolved = fixture('resolved.json');

const component = (name: string, selector?: string) =>
  testComponent(
    name,
    selector ? { 'airworthy.dev/alert-selector': selector } : undefined,
  );

const startOperabilityBackend = createOperabilityTestBackend(operabilityPlugin);

async function startBackend(token: string | null = TOKEN) {
  return startOperabilityBackend({
    entities: [
      component('jupyterhub', 'service=jupyterhub,namespace=opf-jupyterhub'),
      component('smaug', 'cluster=smaug,severity=~critical|warning'),
      component('trino', 'service=trino'),
      component('broken', 'service="unterminated'),
      component('plain'),
    ],
    config: token
      ? { operability: { incidents: { alertmanager: { token } } } }
      : {},
    features: [operabilityModuleAlertmanager],
  });
}

type Server = Awaited<ReturnType<typeof startBackend>>['server'];

function deliver(server: Server, body: Buffer | string, token = TOKEN) {
  return request(server)
    .post('/api/operability/webhooks/alertmanager')
    .set('Content-Type', 'application/json')
    .set('Authorization', `Bearer ${token}`)
    .send(Buffer.isBuffer(body) ? body.toString('utf8') : body);
}

const incidentsOf = fetchIncidentRecords;

describe('Alertmanager incident source', () => {
  it('opens an incident for every entity whose selector matches the alert', async () => {
    const { server } = await startBackend();
    const res = await deliver(server, firing);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      alerts: 1,
      created: 1,
      updated: 0,
      unchanged: 0,
      unmatched: 0,
    });

    const hub = await incidentsOf(server, 'jupyterhub');
    expect(hub.totalItems).toBe(1);
    expect(hub.items[0]).toMatchObject({
      source: 'alertmanager',
      sourceKey: '5ef77f1f8a3ecfa4@2026-11-20T10:00:00.000Z',
      entityRefs: ['component:default/jupyterhub', 'component:default/smaug'],
      title: 'JupyterHubDown: JupyterHub is unreachable',
      description:
        'The blackbox probe of https://jupyterhub-opf-jupyterhub.apps.smaug.na.operate-first.cloud has failed for 5 minutes.',
      severity: 'critical',
      status: 'open',
      startedAt: '2026-11-20T10:00:00.000Z',
      detectedAt: '2026-11-20T10:00:00.000Z',
      links: {
        issue:
          'https://prometheus-k8s-openshift-monitoring.apps.smaug.na.operate-first.cloud/graph?g0.expr=probe_success%7Bjob%3D%22jupyterhub%22%7D+%3D%3D+0&g0.tab=1',
        runbook:
          'https://github.com/operate-first/sre/blob/main/runbooks/jupyterhub/down.md',
      },
      labels: [
        'alertname=JupyterHubDown',
        'cluster=smaug',
        'namespace=opf-jupyterhub',
        'prometheus=openshift-monitoring/k8s',
        'service=jupyterhub',
        'severity=critical',
      ],
    });
    expect(hub.items[0].resolvedAt).toBeUndefined();
    expect((await incidentsOf(server, 'smaug')).totalItems).toBe(1);
    expect((await incidentsOf(server, 'trino')).totalItems).toBe(0);
  });

  it('gives one resolved incident with the right times for duplicate and out-of-order deliveries', async () => {
    const { server } = await startBackend();
    for (const body of [resolved, firing, firing, resolved, firing]) {
      expect((await deliver(server, body)).status).toBe(200);
    }
    const hub = await incidentsOf(server, 'jupyterhub');
    expect(hub.totalItems).toBe(1);
    expect(hub.items[0]).toMatchObject({
      status: 'resolved',
      startedAt: '2026-11-20T10:00:00.000Z',
      resolvedAt: '2026-11-20T10:25:00.000Z',
    });
  });

  it('opens a new incident when the same alert fires again later', async () => {
    const { server } = await startBackend();
    await deliver(server, firing);
    await deliver(server, resolved);
    const refiring = firing
      .toString('utf8')
      .replace(
        /"startsAt": "2026-11-20T10:00:00.000Z"/,
        '"startsAt": "2026-11-21T08:00:00.000Z"',
      );
    await deliver(server, refiring);
    const hub = await incidentsOf(server, 'jupyterhub');
    expect(
      hub.items.map((i: { startedAt: string; status: string }) => [
        i.startedAt,
        i.status,
      ]),
    ).toEqual([
      ['2026-11-21T08:00:00.000Z', 'open'],
      ['2026-11-20T10:00:00.000Z', 'resolved'],
    ]);
  });

  it.each([
    ['a wrong token', (s: Server) => deliver(s, firing, 'guess')],
    [
      'no Authorization header',
      (s: Server) =>
        request(s)
          .post('/api/operability/webhooks/alertmanager')
          .set('Content-Type', 'application/json')
          .send(firing.toString('utf8')),
    ],
    [
      'basic credentials',
      (s: Server) =>
        request(s)
          .post('/api/operability/webhooks/alertmanager')
          .set(
            'Authorization',
            `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`,
          )
          .send(firing.toString('utf8')),
    ],
  ])('refuses %s with 401 and stores nothing', async (_what, send) => {
    const { server } = await startBackend();
    const res = await send(server);
    expect(res.status).toBe(401);
    expect(res.body.error.message).toMatch(/Bearer <token>/);
    expect((await incidentsOf(server, 'jupyterhub')).totalItems).toBe(0);
  });

  it.each([
    ['a body that is not JSON', '{"version":"4",', /UTF-8 JSON/],
    [
      'payload version 3',
      firing.toString('utf8').replace('"version": "4"', '"version": "3"'),
      /body\.version: must be "4"/,
    ],
    [
      'an alert without a start',
      firing
        .toString('utf8')
        .replace(/"startsAt": "[^"]*"/, '"startsAt": "yesterday"'),
      /body\.alerts\.0\.startsAt: must be an RFC 3339 instant/,
    ],
    [
      'no alerts list',
      JSON.stringify({
        ...JSON.parse(firing.toString('utf8')),
        alerts: undefined,
      }),
      /body\.alerts/,
    ],
  ])(
    'answers 400 for %s, so Alertmanager does not retry, and stores nothing',
    async (_what, body, message) => {
      const { server } = await startBackend();
      const res = await deliver(server, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect((await incidentsOf(server, 'jupyterhub')).totalItems).toBe(0);
    },
  );

  it('answers 5xx when the write fails, so that Alertmanager retries', async () => {
    const { server, knex } = await startBackend();
    await knex.schema.renameTable('incident_records', 'incident_records_away');
    const failed = await deliver(server, firing);
    expect(failed.status).toBe(500);
    expect(failed.body.error.stack).toBeUndefined();
    await knex.schema.renameTable('incident_records_away', 'incident_records');
    const retried = await deliver(server, firing);
    expect(retried.status).toBe(200);
    expect((await incidentsOf(server, 'jupyterhub')).totalItems).toBe(1);
  });

  it('stores only http(s) links and keeps the rest of the alert', async () => {
    const { server } = await startBackend();
    const hostile = firing
      .toString('utf8')
      .replace(
        /"runbook_url": "https:[^"]*"/g,
        '"runbook_url": "javascript:fetch(\'//evil.example\')"',
      )
      .replace(/"summary": "[^"]*"/g, '"summary": "<script>alert(1)</script>"');
    expect((await deliver(server, hostile)).status).toBe(200);
    const [incident] = (await incidentsOf(server, 'jupyterhub')).items;
    expect(incident.title).toBe('JupyterHubDown: <script>alert(1)</script>');
    expect(incident.links.runbook).toBeUndefined();
    expect(incident.links.issue).toMatch(/^https:\/\/prometheus-k8s/);
  });

  it('counts alerts that match no entity as unmatched', async () => {
    const { server } = await startBackend();
    const elsewhere = firing
      .toString('utf8')
      .replace(/"service": "jupyterhub"/g, '"service": "superset"')
      .replace(/"cluster": "smaug"/g, '"cluster": "zero"');
    const res = await deliver(server, elsewhere);
    expect(res.body).toMatchObject({ created: 0, unmatched: 1 });
  });

  it('answers 404 while no token is configured', async () => {
    const { server } = await startBackend(null);
    const res = await deliver(server, firing);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(
      /set operability\.incidents\.alertmanager\.token/,
    );
  });
});
