import operabilityPlugin from '@airworthy/plugin-operability-backend';
import {
  createOperabilityTestBackend,
  fetchIncidentRecords,
  testComponent,
} from '@airworthy/plugin-operability-node/testUtils';
import type {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import type { JsonObject } from '@backstage/types';
import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import request from 'supertest';
import { verifyGithubSignature } from './GithubIncidentSource';
import { GITHUB_RECONCILE_TASK_ID, operabilityModuleGithub } from './module';

const SECRET = 'github-webhook-secret';
const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name));
const events = Object.fromEntries(
  ['opened', 'assigned', 'labeled', 'closed', 'edited'].map(action => [
    action,
    fixture(`issues.${action}.json`),
  ]),
);

/** `sha256=<hex HMAC>` as GitHub computes it, independently of the module's code. */
const sign = (body: Buffer, secret = SECRET) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const HUB = 'component:default/jupyterhub';
const TRINO = 'component:default/trino';

const startOperabilityBackend = createOperabilityTestBackend(operabilityPlugin);

async function startBackend(
  github: JsonObject = { webhookSecret: SECRET },
  extra: { config?: JsonObject; features?: any[] } = {},
) {
  return startOperabilityBackend({
    entities: [
      testComponent('jupyterhub', {
        'airworthy.dev/github-incidents': 'operate-first/support:incident',
      }),
      testComponent('trino', {
        'airworthy.dev/github-incidents': 'Operate-First/Support',
      }),
      testComponent('superset'),
    ],
    config: { operability: { incidents: { github } }, ...extra.config },
    features: [operabilityModuleGithub, ...(extra.features ?? [])],
  });
}

type TestServer = Awaited<ReturnType<typeof startBackend>>['server'];

function deliver(
  server: TestServer,
  body: Buffer,
  options: { event?: string; delivery?: string; signature?: string } = {},
) {
  return request(server)
    .post('/api/operability/webhooks/github')
    .set('Content-Type', 'application/json')
    .set('X-GitHub-Event', options.event ?? 'issues')
    .set('X-GitHub-Delivery', options.delivery ?? `d-${Math.random()}`)
    .set('X-Hub-Signature-256', options.signature ?? sign(body))
    .send(body.toString('utf8'));
}

const expectedIncident = {
  source: 'github',
  sourceKey: 'operate-first/support#1004',
  entityRefs: [HUB],
  title: '[INCIDENT][zero/jupyterhub] Console and JupyterHub unreachable',
  severity: 'critical',
  status: 'resolved',
  startedAt: '2026-11-03T10:05:00.000Z',
  detectedAt: '2026-11-03T10:05:00.000Z',
  acknowledgedAt: '2026-11-03T10:12:00.000Z',
  resolvedAt: '2026-11-03T11:05:00.000Z',
  postMortem: true,
  links: {
    issue: 'https://github.com/operate-first/support/issues/1004',
    postMortem:
      'https://github.com/operate-first/sre/blob/main/postmortems/2026-11-03-zero-console.md',
    runbook:
      'https://github.com/operate-first/sre/blob/main/runbooks/jupyterhub/down.md',
  },
};

describe('GitHub incident source: webhooks', () => {
  it("verifies signatures like GitHub's published test vector", () => {
    expect(
      verifyGithubSignature(
        "It's a Secret to Everybody",
        Buffer.from('Hello, World!'),
        'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      ),
    ).toBe(true);
    expect(
      verifyGithubSignature(
        "It's a Secret to Everybody",
        Buffer.from('Hello, World?'),
        'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17',
      ),
    ).toBe(false);
  });

  it('follows an incident issue from opened to post-mortem', async () => {
    const { server } = await startBackend();
    const answers = [];
    for (const action of [
      'opened',
      'assigned',
      'labeled',
      'closed',
      'edited',
    ]) {
      const res = await deliver(server, events[action]);
      answers.push([res.status, res.body.action]);
    }
    expect(answers).toEqual([
      [200, 'opened'],
      [200, 'assigned'],
      [200, 'labeled'],
      [200, 'closed'],
      [200, 'edited'],
    ]);
    const { items, totalItems } = await fetchIncidentRecords(
      server,
      'jupyterhub',
    );
    expect(totalItems).toBe(1);
    expect(items[0]).toMatchObject(expectedIncident);
    expect(items[0].labels).toEqual([
      'cluster=zero',
      'incident',
      'priority/critical-urgent',
      'service=jupyterhub',
    ]);
    // Trino's annotation names the same repository, but the title names JupyterHub.
    expect((await fetchIncidentRecords(server, 'trino')).totalItems).toBe(0);
  });

  it('gives one incident with the right times for duplicate and out-of-order deliveries', async () => {
    const { server } = await startBackend();
    const order: Array<[string, string]> = [
      ['closed', 'd-4'],
      ['edited', 'd-5'],
      ['opened', 'd-1'],
      ['closed', 'd-4'],
      ['labeled', 'd-3'],
      ['assigned', 'd-2'],
      ['opened', 'd-1'],
    ];
    const duplicates = [];
    for (const [action, delivery] of order) {
      const res = await deliver(server, events[action], { delivery });
      expect(res.status).toBe(200);
      duplicates.push(res.body.duplicate);
    }
    expect(duplicates).toEqual([false, false, false, true, false, false, true]);
    const { items, totalItems } = await fetchIncidentRecords(
      server,
      'jupyterhub',
    );
    expect(totalItems).toBe(1);
    expect(items[0]).toMatchObject(expectedIncident);
  });

  it('gives an incident of a shared repository to the entity its title names', async () => {
    const { server } = await startBackend();
    await deliver(server, fixture('issues.opened-trino.json')).expect(200);
    const trino = await fetchIncidentRecords(server, 'trino');
    expect(trino.items.map(i => [i.sourceKey, i.entityRefs])).toEqual([
      ['operate-first/support#1011', [TRINO]],
    ]);
    expect(trino.items[0].severity).toBe('critical');
    expect(trino.items[0].labels).toContain('cluster=smaug');
    expect((await fetchIncidentRecords(server, 'jupyterhub')).totalItems).toBe(
      0,
    );
  });

  it('maps a configured repository through the service in the title', async () => {
    const { server } = await startBackend({
      webhookSecret: SECRET,
      defaultSeverity: 'warning',
      repositories: [{ repository: 'operate-first/operations' }],
    });
    const body = Buffer.from(
      fixture('issues.opened-trino.json')
        .toString('utf8')
        .replace(/operate-first\/support/g, 'operate-first/operations'),
    );
    const res = await deliver(server, body);
    expect(res.body).toMatchObject({ created: 1 });
    const { items } = await fetchIncidentRecords(server, 'trino');
    expect(items.map(i => [i.sourceKey, i.severity])).toEqual([
      ['operate-first/operations#1011', 'warning'],
    ]);
  });

  it('ignores issues without the incident label, other events, and pings', async () => {
    const { server } = await startBackend();
    const bug = await deliver(server, fixture('issues.opened-bug.json'));
    expect(bug.status).toBe(202);
    expect(bug.body).toEqual({
      event: 'issues',
      action: 'opened',
      ignored: true,
    });
    const push = await deliver(server, Buffer.from('{"ref":"main"}'), {
      event: 'push',
    });
    expect(push.status).toBe(202);
    const ping = await deliver(
      server,
      Buffer.from('{"zen":"Keep it logically awesome."}'),
      {
        event: 'ping',
      },
    );
    expect(ping.status).toBe(200);
    for (const name of ['jupyterhub', 'trino', 'superset']) {
      expect((await fetchIncidentRecords(server, name)).totalItems).toBe(0);
    }
  });

  it.each([
    ['another secret', () => sign(events.opened, 'guess')],
    ['the signature of other bytes', () => sign(events.closed)],
    [
      'a SHA-1 signature header value',
      () => sign(events.opened).replace('sha256=', 'sha1='),
    ],
    ['no signature', () => ''],
  ])(
    'refuses a delivery signed with %s (401) and stores nothing',
    async (_what, signature) => {
      const { server } = await startBackend();
      const res = await deliver(server, events.opened, {
        signature: signature(),
      });
      expect(res.status).toBe(401);
      expect(res.body.error.message).toMatch(/X-Hub-Signature-256/);
      expect(
        (await fetchIncidentRecords(server, 'jupyterhub')).totalItems,
      ).toBe(0);
    },
  );

  it('answers 400 for a malformed payload and stores nothing', async () => {
    const { server } = await startBackend();
    const noIssue = Buffer.from(
      '{"action":"opened","repository":{"full_name":"operate-first/support"}}',
    );
    const res = await deliver(server, noIssue);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/body\.issue/);
    const broken = await deliver(server, Buffer.from('{"action":'));
    expect(broken.status).toBe(400);
    expect((await fetchIncidentRecords(server, 'jupyterhub')).totalItems).toBe(
      0,
    );
  });

  it('answers 404 while no webhook secret is configured', async () => {
    const { server } = await startBackend({});
    const res = await deliver(server, events.opened);
    expect(res.status).toBe(404);
    expect(res.body.error.message).toMatch(/webhookSecret/);
  });
});

/** A stand-in for GitHub's REST API that answers with its documented payloads. */
function startGithubApi() {
  const requests: Array<{ url: string; authorization?: string }> = [];
  let failing = false;
  let nextHost: string | undefined;
  const server: Server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url!, 'http://x');
    requests.push({
      url: `${url.pathname}${url.search}`,
      authorization: req.headers.authorization,
    });
    const send = (status: number, body: Buffer | string, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(body);
    };
    if (failing) return send(502, '{"message":"Server Error"}');
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    if (url.pathname === '/repos/operate-first/support/issues') {
      if (url.searchParams.get('page') === '2') {
        return send(200, fixture('rest/issues.page2.json'));
      }
      const next = new URL(`${url.pathname}${url.search}`, nextHost ?? base);
      next.searchParams.set('page', '2');
      return send(200, fixture('rest/issues.page1.json'), {
        Link: `<${next}>; rel="next", <${next}>; rel="last"`,
      });
    }
    if (url.pathname === '/repos/operate-first/support/issues/1004/events') {
      return send(200, fixture('rest/issue-1004-events.json'));
    }
    return send(404, '{"message":"Not Found"}');
  });
  return new Promise<{
    baseUrl: string;
    requests: typeof requests;
    fail(value: boolean): void;
    linkTo(host: string): void;
    close(): Promise<void>;
  }>(resolve =>
    server.listen(0, '127.0.0.1', () =>
      resolve({
        baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        requests,
        fail: value => {
          failing = value;
        },
        linkTo: host => {
          nextHost = host;
        },
        close: () => new Promise(r => server.close(() => r())),
      }),
    ),
  );
}

/**
 * The reconciliation looks back from now; the REST fixtures were updated on 2026-11-04..06, so
 * the clock is set to 2026-11-20 (a 30-day look-back starts on 2026-10-21). Only `Date` is
 * faked, and it advances with real time: timers, I/O and the scheduler behave as usual.
 */
const RECONCILE_NOW = Date.parse('2026-11-20T00:00:00Z');

describe('GitHub incident source: reconciliation', () => {
  let api: Awaited<ReturnType<typeof startGithubApi>>;
  beforeEach(async () => {
    jest.useFakeTimers({
      now: RECONCILE_NOW,
      advanceTimers: true,
      doNotFake: [
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setImmediate',
        'clearImmediate',
        'setInterval',
        'clearInterval',
        'setTimeout',
        'clearTimeout',
      ],
    });
    api = await startGithubApi();
  });
  afterEach(async () => {
    await api.close();
    jest.useRealTimers();
  });

  async function startReconciling() {
    const scheduler = mockServices.scheduler() as SchedulerService & {
      factory(options?: object): ServiceFactory;
    };
    const backend = await startBackend(
      { webhookSecret: SECRET, initialLookbackDays: 30 },
      {
        config: {
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: api.baseUrl,
                token: 'ghp_reconcile',
              },
            ],
          },
        },
        features: [scheduler.factory({ skipTaskRunOnStartup: true })],
      },
    );
    return {
      ...backend,
      reconcile: () => scheduler.triggerTask(GITHUB_RECONCILE_TASK_ID),
    };
  }

  it('reads labelled issues page by page through the GitHub integration', async () => {
    const { server, reconcile } = await startReconciling();
    const startedAt = Date.now();
    await reconcile();

    const listCalls = api.requests.filter(r =>
      r.url.startsWith('/repos/operate-first/support/issues?'),
    );
    expect(listCalls).toHaveLength(2);
    const first = new URL(listCalls[0].url, 'http://x').searchParams;
    expect(Object.fromEntries(first)).toMatchObject({
      labels: 'incident',
      state: 'all',
      sort: 'updated',
      direction: 'asc',
      per_page: '100',
    });
    const since = Date.parse(first.get('since')!);
    expect(startedAt).toBeGreaterThanOrEqual(RECONCILE_NOW);
    expect(startedAt - since).toBeGreaterThanOrEqual(30 * 86_400_000 - 60_000);
    expect(startedAt - since).toBeLessThanOrEqual(30 * 86_400_000 + 60_000);
    expect(new Set(api.requests.map(r => r.authorization))).toEqual(
      new Set(['Bearer ghp_reconcile']),
    );

    const hub = await fetchIncidentRecords(server, 'jupyterhub');
    expect(hub.items).toHaveLength(1);
    expect(hub.items[0]).toMatchObject({
      ...expectedIncident,
      labels: [
        'cluster=zero',
        'incident',
        'post-mortem',
        'priority/critical-urgent',
        'service=jupyterhub',
      ],
    });
    const trino = await fetchIncidentRecords(server, 'trino');
    // The pull request in the list is not an incident.
    expect(trino.items.map(i => [i.sourceKey, i.status, i.resolvedAt])).toEqual(
      [['operate-first/support#1011', 'resolved', '2026-11-04T08:40:00.000Z']],
    );
  });

  it('resumes from the newest update it read, and retries from there after a failure', async () => {
    const { reconcile } = await startReconciling();
    await reconcile();
    api.requests.length = 0;

    api.fail(true);
    await reconcile();
    api.fail(false);
    await reconcile();

    const sinces = api.requests
      .filter(r => r.url.startsWith('/repos/operate-first/support/issues?'))
      .map(r => new URL(r.url, 'http://x').searchParams)
      .filter(p => !p.get('page'))
      .map(p => p.get('since'));
    expect(sinces).toEqual([
      '2026-11-06T09:01:00.000Z',
      '2026-11-06T09:01:00.000Z',
    ]);
  });

  it('never follows a next-page link away from the configured API (the token stays home)', async () => {
    const { server, reconcile } = await startReconciling();
    api.linkTo('http://elsewhere.example');
    await reconcile();
    // Page 1 was recorded; page 2 was refused, so the cursor did not move.
    expect((await fetchIncidentRecords(server, 'trino')).totalItems).toBe(1);
    api.linkTo(api.baseUrl);
    api.requests.length = 0;
    await reconcile();
    const since = new URL(api.requests[0].url, 'http://x').searchParams.get(
      'since',
    );
    // Still the 30-day look-back from the fixed clock, not page 1's newest update.
    expect(since).not.toBe('2026-11-04T08:40:00.000Z');
    expect(Date.parse(since!)).toBeGreaterThanOrEqual(
      RECONCILE_NOW - 30 * 86_400_000,
    );
    expect(Date.parse(since!)).toBeLessThan(Date.parse('2026-11-01T00:00:00Z'));
  });

  it('merges reconciled issues with webhook deliveries into one incident', async () => {
    const { server, reconcile } = await startReconciling();
    await deliver(server, events.opened).expect(200);
    await reconcile();
    await deliver(server, events.assigned).expect(200);
    const { items, totalItems } = await fetchIncidentRecords(
      server,
      'jupyterhub',
    );
    expect(totalItems).toBe(1);
    expect(items[0]).toMatchObject({ ...expectedIncident, status: 'resolved' });
  });
});
