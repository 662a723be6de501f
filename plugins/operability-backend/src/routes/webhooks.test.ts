import {
  headerValue,
  hmacSha256Hex,
  operabilityIncidentsExtensionPoint,
  secretsEqual,
  type IncidentSource,
  type IncidentSourceConnection,
} from '@airworthy/plugin-operability-node';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockCredentials } from '@backstage/backend-test-utils';
import { AuthenticationError, InputError } from '@backstage/errors';
import request from 'supertest';
import { createOperabilityTestBackend } from '../__testUtils__/testBackend';

/**
 * A source written the way the real modules are: an HMAC over the raw body, then one
 * observation per delivery. It exercises the plugin's side of the extension point.
 */
class SignedTestSource implements IncidentSource {
  readonly id = 'signed-test';
  private connection?: IncidentSourceConnection;

  async connect(connection: IncidentSourceConnection) {
    this.connection = connection;
  }

  async handleWebhook(req: { headers: Record<string, any>; body: Buffer }) {
    const signature = headerValue(req.headers, 'x-signature') ?? '';
    if (!secretsEqual(signature, hmacSha256Hex('s3cret', req.body))) {
      throw new AuthenticationError('Bad signature');
    }
    const text = req.body.toString('utf8');
    if (text === 'explode') throw new Error('database is down');
    if (!text.startsWith('incident:')) throw new InputError('Not an incident');
    const result = await this.connection!.record({
      deliveryId: headerValue(req.headers, 'x-delivery'),
      observations: [
        {
          sourceKey: text,
          entityRefs: ['component:default/jupyterhub'],
          title: text,
          severity: 'warning',
          status: 'open',
          startedAt: Date.UTC(2026, 10, 20),
          observedAt: Date.UTC(2026, 10, 20),
        },
      ],
    });
    return { status: 200, body: { ...result, bytes: req.body.length } };
  }
}

const testSourceModule = createBackendModule({
  pluginId: 'operability',
  moduleId: 'signed-test-source',
  register(env) {
    env.registerInit({
      deps: { incidents: operabilityIncidentsExtensionPoint },
      async init({ incidents }) {
        incidents.addIncidentSource(new SignedTestSource());
      },
    });
  },
});

const startOperabilityBackend = createOperabilityTestBackend();

async function startBackend(webhooks?: object) {
  const { server } = await startOperabilityBackend({
    entities: [
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'jupyterhub', namespace: 'default' },
        spec: { type: 'service', owner: 'sre', lifecycle: 'production' },
      },
    ],
    config: webhooks ? { operability: { incidents: { webhooks } } } : undefined,
    features: [testSourceModule],
  });
  return server;
}

function deliver(server: any, body: string | Buffer, headers: object = {}) {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
  return request(server)
    .post('/api/operability/webhooks/signed-test')
    .set('Authorization', mockCredentials.none.header())
    .set('Content-Type', 'application/json')
    .set('X-Signature', hmacSha256Hex('s3cret', bytes))
    .set(headers as Record<string, string>)
    .send(bytes.toString('utf8')); // superagent would serialize a Buffer as JSON
}

describe('webhook routes', () => {
  it('hands the raw bytes to the source without Backstage credentials', async () => {
    const server = await startBackend();
    // Whitespace and key order that a JSON parser would not keep.
    const body = Buffer.from('incident:{ "b":1,  "a":2 }\n', 'utf8');
    const res = await deliver(server, body, { 'X-Delivery': 'd-1' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      duplicate: false,
      created: 1,
      updated: 0,
      unchanged: 0,
      unmatched: 0,
      bytes: body.length,
    });
    const again = await deliver(server, body, { 'X-Delivery': 'd-1' });
    expect(again.body.duplicate).toBe(true);

    const list = await request(server).get(
      '/api/operability/entities/component/default/jupyterhub/incidents',
    );
    expect(list.body.totalItems).toBe(1);
    expect(list.body.items[0].sources).toEqual(['signed-test']);
  });

  it('answers the source errors: 401 for a bad signature, 400 for a bad payload, 500 for a failed write', async () => {
    const server = await startBackend();
    const unsigned = await request(server)
      .post('/api/operability/webhooks/signed-test')
      .set('X-Signature', 'nope')
      .send('incident:x');
    expect(unsigned.status).toBe(401);
    expect(unsigned.body.error.name).toBe('AuthenticationError');

    const bad = await deliver(server, 'not an incident');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toBe('Not an incident');

    const failed = await deliver(server, 'explode');
    expect(failed.status).toBe(500);
    expect(failed.body.error.stack).toBeUndefined();

    const list = await request(server).get(
      '/api/operability/entities/component/default/jupyterhub/incidents',
    );
    expect(list.body.totalItems).toBe(0);
  });

  it('answers 404 for a source that is not installed', async () => {
    const server = await startBackend();
    const res = await request(server)
      .post('/api/operability/webhooks/nagios')
      .send('{}');
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/sources: signed-test/);
  });

  it('refuses bodies over the configured size with 413', async () => {
    const server = await startBackend({ maxBodySize: '1kb' });
    const res = await deliver(server, `incident:${'x'.repeat(2048)}`);
    expect(res.status).toBe(413);
  });

  it('limits failed deliveries per address with 429, never correctly signed ones', async () => {
    const server = await startBackend({
      rateLimit: { max: 2, windowSeconds: 60 },
    });
    const junk = () =>
      request(server)
        .post('/api/operability/webhooks/signed-test')
        .set('X-Signature', 'forged')
        .send('incident:junk');
    expect((await junk()).status).toBe(401);
    expect((await junk()).status).toBe(401);
    const limited = await junk();
    expect(limited.status).toBe(429);
    expect(limited.body.error.message).toMatch(/at most 2 per 60 s/);
    expect(limited.headers['retry-after']).toBeDefined();
    // Another source's failures are counted apart; unknown sources count too.
    expect(
      (
        await request(server)
          .post('/api/operability/webhooks/nagios')
          .send('{}')
      ).status,
    ).toBe(404);

    // The same address, flooding with junk, still gets every signed delivery through.
    for (let i = 0; i < 5; i++) {
      expect((await junk()).status).toBe(429);
      const signed = await deliver(server, `incident:after-${i}`);
      expect(signed.status).toBe(200);
      expect(signed.body.created).toBe(1);
    }
  });

  it('believes X-Forwarded-For only from configured proxies', async () => {
    const untrusted = await startBackend({
      rateLimit: { max: 1, windowSeconds: 60 },
    });
    const junkFrom = (server: any, address: string) =>
      request(server)
        .post('/api/operability/webhooks/signed-test')
        .set('X-Forwarded-For', address)
        .set('X-Signature', 'forged')
        .send('incident:junk');
    // Without trusted proxies, a forged header does not make a new client.
    expect((await junkFrom(untrusted, '203.0.113.1')).status).toBe(401);
    expect((await junkFrom(untrusted, '203.0.113.2')).status).toBe(429);

    const behindProxy = await startBackend({
      rateLimit: { max: 1, windowSeconds: 60 },
      trustedProxies: ['loopback'],
    });
    expect((await junkFrom(behindProxy, '203.0.113.1')).status).toBe(401);
    expect((await junkFrom(behindProxy, '203.0.113.1')).status).toBe(429);
    // Another client behind the same proxy is counted on its own.
    expect((await junkFrom(behindProxy, '203.0.113.2')).status).toBe(401);
  });
});
