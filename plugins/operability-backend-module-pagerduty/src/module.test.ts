import operabilityPlugin from '@airworthy/plugin-operability-backend';
import {
  createOperabilityTestBackend,
  fetchIncidentRecords,
  testComponent,
} from '@airworthy/plugin-operability-node/testUtils';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { operabilityModulePagerduty } from './module';

const SECRET = 'pd-subscription-secret-1';
const OLD_SECRET = 'pd-subscription-secret-0';

/** The fixture's exact bytes (pretty-printed as in PagerDuty's documentation). */
const fixture = (event: string) =>
  fs.readFileSync(
    path.join(__dirname, '__fixtures__', `incident.${event}.json`),
  );
const triggered = fixture('triggered');
const acknowledged = fixture('acknowledged');
const priorityUpdated = fixture('priority_updated');
const resolved = fixture('resolved');
const annotated = fixture('annotated');

/** `v1=<hex HMAC-SHA256>` as PagerDuty computes it, independently of the module's code. */
const sign = (secret: string, body: Buffer) =>
  `v1=${createHmac('sha256', secret).update(body).digest('hex')}`;

const startOperabilityBackend = createOperabilityTestBackend(operabilityPlugin);

async function startBackend(secrets: string[] = [SECRET]) {
  const { server } = await startOperabilityBackend({
    entities: [
      testComponent('jupyterhub', { 'pagerduty.com/service-id': 'PJUPHUB' }),
      testComponent('trino', { 'pagerduty.com/service-id': 'PTRINO1' }),
    ],
    config: {
      operability: { incidents: { pagerduty: { webhookSecrets: secrets } } },
    },
    features: [operabilityModulePagerduty],
  });
  return server;
}

type Server = Awaited<ReturnType<typeof startBackend>>;

function deliver(
  server: Server,
  body: Buffer,
  options: { webhookId?: string; signature?: string } = {},
) {
  const req = request(server)
    .post('/api/operability/webhooks/pagerduty')
    .set('Content-Type', 'application/json')
    .set('X-PagerDuty-Signature', options.signature ?? sign(SECRET, body));
  if (options.webhookId) req.set('X-Webhook-Id', options.webhookId);
  return req.send(body.toString('utf8'));
}

describe('PagerDuty incident source', () => {
  it('records an incident from its v3 events, with acknowledgement and resolution', async () => {
    const server = await startBackend();
    const first = await deliver(server, triggered, { webhookId: 'w-1' });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      event: 'incident.triggered',
      duplicate: false,
      created: 1,
      updated: 0,
      unchanged: 0,
      unmatched: 0,
    });
    await deliver(server, acknowledged, { webhookId: 'w-2' }).expect(200);
    await deliver(server, resolved, { webhookId: 'w-3' }).expect(200);

    const { items, totalItems } = await fetchIncidentRecords(
      server,
      'jupyterhub',
    );
    expect(totalItems).toBe(1);
    expect(items[0]).toMatchObject({
      source: 'pagerduty',
      sourceKey: 'Q2W3E4R5T6Y7U8',
      entityRefs: ['component:default/jupyterhub'],
      title: 'JupyterHub is unreachable on smaug',
      severity: 'warning',
      status: 'resolved',
      startedAt: '2026-11-20T10:01:30.000Z',
      detectedAt: '2026-11-20T10:01:30.000Z',
      acknowledgedAt: '2026-11-20T10:04:10.000Z',
      resolvedAt: '2026-11-20T10:31:45.000Z',
      links: {
        issue: 'https://operate-first.pagerduty.com/incidents/Q2W3E4R5T6Y7U8',
      },
      labels: [
        'number=412',
        'pagerduty_service=PJUPHUB',
        'priority=P2',
        'service=JupyterHub',
        'urgency=high',
      ],
    });
    expect((await fetchIncidentRecords(server, 'trino')).totalItems).toBe(0);
  });

  it('gives one incident with the right times for duplicate and out-of-order deliveries', async () => {
    const server = await startBackend();
    const deliveries: Array<[Buffer, string]> = [
      [resolved, 'w-3'],
      [priorityUpdated, 'w-4'],
      [triggered, 'w-1'],
      [resolved, 'w-3'],
      [acknowledged, 'w-2'],
      [triggered, 'w-1'],
    ];
    const answers = [];
    for (const [body, webhookId] of deliveries) {
      answers.push((await deliver(server, body, { webhookId })).body.duplicate);
    }
    expect(answers).toEqual([false, false, false, true, false, true]);
    const { items, totalItems } = await fetchIncidentRecords(
      server,
      'jupyterhub',
    );
    expect(totalItems).toBe(1);
    expect(items[0]).toMatchObject({
      status: 'resolved',
      severity: 'warning',
      startedAt: '2026-11-20T10:01:30.000Z',
      acknowledgedAt: '2026-11-20T10:04:10.000Z',
      resolvedAt: '2026-11-20T10:31:45.000Z',
    });
  });

  it('accepts any of several signatures during a secret rotation', async () => {
    const server = await startBackend([SECRET]);
    // PagerDuty signs with each of its secrets; only the second is known here.
    const signature = `${sign(OLD_SECRET, triggered)},${sign(
      SECRET,
      triggered,
    )}`;
    const res = await deliver(server, triggered, { signature });
    expect(res.status).toBe(200);
    expect(res.body.created).toBe(1);

    const rotatedHere = await startBackend([OLD_SECRET, SECRET]);
    const single = await deliver(rotatedHere, triggered, {
      signature: sign(OLD_SECRET, triggered),
    });
    expect(single.status).toBe(200);
  });

  it.each([
    ['a signature made with another secret', () => sign('guess', triggered)],
    ['a signature of other bytes', () => sign(SECRET, resolved)],
    [
      'a signature of another version',
      () => sign(SECRET, triggered).replace('v1=', 'v0='),
    ],
    ['no signature', () => ''],
  ])('refuses %s with 401 and stores nothing', async (_what, signature) => {
    const server = await startBackend();
    const res = await deliver(server, triggered, { signature: signature() });
    expect(res.status).toBe(401);
    expect(res.body.error.name).toBe('AuthenticationError');
    expect((await fetchIncidentRecords(server, 'jupyterhub')).totalItems).toBe(
      0,
    );
  });

  it('refuses a body changed after signing (one byte) with 401', async () => {
    const server = await startBackend();
    const tampered = Buffer.from(
      triggered.toString('utf8').replace('"P1"', '"P5"'),
    );
    const res = await deliver(server, tampered, {
      signature: sign(SECRET, triggered),
    });
    expect(res.status).toBe(401);
  });

  it.each([
    ['not JSON', Buffer.from('{"event":'), /UTF-8 JSON/],
    [
      'an event without a time',
      Buffer.from(
        JSON.stringify({
          event: {
            id: 'x',
            event_type: 'incident.triggered',
            resource_type: 'incident',
            data: {},
          },
        }),
      ),
      /body\.event\.occurred_at/,
    ],
    [
      'an incident without a service',
      Buffer.from(
        triggered.toString('utf8').replace(/"service": \{[^}]*\},/, ''),
      ),
      /body\.event\.data\.service/,
    ],
  ])('answers 400 for %s and stores nothing', async (_what, body, message) => {
    const server = await startBackend();
    const res = await deliver(server, body, { webhookId: 'w-bad' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(message);
    expect((await fetchIncidentRecords(server, 'jupyterhub')).totalItems).toBe(
      0,
    );
  });

  it('acknowledges events without incident state with 202', async () => {
    const server = await startBackend();
    const res = await deliver(server, annotated, { webhookId: 'w-9' });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ event: 'incident.annotated', ignored: true });
  });

  it('answers 404 while no secret is configured', async () => {
    const server = await startBackend([]);
    const res = await deliver(server, triggered);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/webhookSecrets/);
  });
});
