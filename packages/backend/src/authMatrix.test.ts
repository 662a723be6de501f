import type { Server } from 'node:http';
import request from 'supertest';
import {
  createDemoLikeBackend,
  restrictedServiceHeader,
  sloYaml,
  userHeader,
} from './__testUtils__/realBackend';

jest.setTimeout(180_000);

/*
 * Who may call which route. The list of routes comes from the running backend's router
 * itself, so a route added without a row here fails this test. Each route is called as
 * every kind of caller, with a valid request, and must answer as its row says.
 */

const PRINCIPALS = [
  'none',
  'visitor',
  'owner',
  'sre',
  'serviceAllowed',
  'serviceDenied',
] as const;
type Principal = (typeof PRINCIPALS)[number];

const READ = 'catalog.entity.read';

interface Row {
  /**
   * `read`: entity data (readers of the catalog); `write`: needs `permission` on the entity
   * (owners and SRE groups, or a service allowed that permission); `authenticated`: any
   * caller with credentials; `public`: no Backstage credentials at all (the answer does not
   * depend on the caller); `framework`: Backstage's own per-plugin routes.
   */
  kind: 'read' | 'write' | 'authenticated' | 'public' | 'framework';
  /** The permission a service token must be allowed (write rows). */
  permission?: string;
  /** The status of a successful call (200 unless said). */
  ok?: number;
  /** Fixed answers, for public and framework rows, by principal (`*` for all). */
  status?: Partial<Record<Principal | '*', number>>;
  /** Sends the call as `as` (an Authorization header, or none). */
  send(call: Call): Promise<request.Response>;
}

interface Call {
  server: Server;
  principal: Principal;
  as: (test: request.Test) => request.Test;
  fixtures: Fixtures;
}

interface Fixtures {
  sloId: string;
  /** A manual incident of jupyterhub (created as an SRE), and its record. */
  incidentId: string;
  recordId: string;
  /**
   * Two new incidents of jupyterhub, days apart, created as an SRE; `merged` merges them
   * first. Each call takes other days, so fixtures never group with each other.
   */
  freshIncidents(
    merged?: boolean,
  ): Promise<{ first: string; second: string; secondRecord: string }>;
  /** A new API SLO of jupyterhub, created as an SRE; `retired` deletes it first. */
  freshSlo(name: string, retired?: boolean): Promise<string>;
  grantExemption(check: string): Promise<void>;
  /** A new gate exception of jupyterhub, granted as an SRE; its id. */
  grantGateException(): Promise<string>;
}

const API = '/api/operability';
const HUB = `${API}/entities/component/default/jupyterhub`;
const minuteAgo = () =>
  new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000).toISOString();

const ROWS: Record<string, Row> = {
  'GET /health': {
    kind: 'public',
    status: { '*': 200 },
    send: ({ server, as }) => as(request(server).get(`${API}/health`)),
  },
  'POST /webhooks/:source': {
    kind: 'public',
    // No source module is installed here; Backstage credentials change nothing.
    status: { '*': 404 },
    send: ({ server, as }) =>
      as(request(server).post(`${API}/webhooks/nagios`)).send('{}'),
  },
  'GET /badges/:kind/:namespace/:file': {
    kind: 'public',
    status: { '*': 200 },
    send: ({ server, as }) =>
      as(request(server).get(`${API}/badges/component/default/jupyterhub.svg`)),
  },
  'GET /entities/:kind/:namespace/:name/slos': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${HUB}/slos`)),
  },
  'POST /entities/:kind/:namespace/:name/slos': {
    kind: 'write',
    permission: 'operability.slo.write',
    ok: 201,
    send: ({ server, as, principal }) =>
      as(request(server).post(`${HUB}/slos`))
        .set('Content-Type', 'application/yaml')
        .send(sloYaml(`created-by-${principal.toLowerCase()}`)),
  },
  'GET /entities/:kind/:namespace/:name/slos/retired': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${HUB}/slos/retired`)),
  },
  'GET /slos': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${API}/slos`)),
  },
  'GET /slos/:id': {
    kind: 'read',
    send: ({ server, as, fixtures }) =>
      as(request(server).get(`${API}/slos/${fixtures.sloId}`)),
  },
  'GET /slos/:id/openslo': {
    kind: 'read',
    send: ({ server, as, fixtures }) =>
      as(request(server).get(`${API}/slos/${fixtures.sloId}/openslo`)),
  },
  'PUT /slos/:id': {
    kind: 'write',
    permission: 'operability.slo.write',
    send: async ({ server, as, principal, fixtures }) => {
      const name = `put-${principal.toLowerCase()}`;
      const id = await fixtures.freshSlo(name);
      return as(request(server).put(`${API}/slos/${id}`))
        .set('Content-Type', 'application/yaml')
        .send(sloYaml(name));
    },
  },
  'DELETE /slos/:id': {
    kind: 'write',
    permission: 'operability.slo.write',
    ok: 204,
    send: async ({ server, as, principal, fixtures }) => {
      const id = await fixtures.freshSlo(`delete-${principal.toLowerCase()}`);
      return as(request(server).delete(`${API}/slos/${id}`));
    },
  },
  'PUT /slos/:id/phase': {
    kind: 'write',
    permission: 'operability.slo.write',
    send: async ({ server, as, principal, fixtures }) => {
      const id = await fixtures.freshSlo(`phase-${principal.toLowerCase()}`);
      return as(request(server).put(`${API}/slos/${id}/phase`)).send({
        phase: 'enforcing',
      });
    },
  },
  'POST /slos/:id/restore': {
    kind: 'write',
    permission: 'operability.slo.write',
    send: async ({ server, as, principal, fixtures }) => {
      const id = await fixtures.freshSlo(
        `restore-${principal.toLowerCase()}`,
        true,
      );
      return as(request(server).post(`${API}/slos/${id}/restore`));
    },
  },
  'POST /slos/:id/sli': {
    kind: 'write',
    permission: 'operability.sli.write',
    send: ({ server, as, fixtures }) =>
      as(request(server).post(`${API}/slos/${fixtures.sloId}/sli`)).send({
        buckets: [{ start: minuteAgo(), good: 9, total: 10 }],
      }),
  },
  'GET /slos/:id/series': {
    kind: 'read',
    send: ({ server, as, fixtures }) =>
      as(request(server).get(`${API}/slos/${fixtures.sloId}/series`)),
  },
  'GET /entities/:kind/:namespace/:name/incidents': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${HUB}/incidents`)),
  },
  'GET /entities/:kind/:namespace/:name/incidents/stats': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${HUB}/incidents/stats`)),
  },
  'POST /entities/:kind/:namespace/:name/incidents': {
    kind: 'write',
    permission: 'operability.incident.write',
    ok: 201,
    send: ({ server, as, principal }) =>
      as(request(server).post(`${HUB}/incidents`)).send({
        title: `Reported by ${principal}`,
        severity: 'warning',
        startedAt: new Date(Date.now() - 3_600_000).toISOString(),
      }),
  },
  'GET /incidents/:id': {
    kind: 'read',
    send: ({ server, as, fixtures }) =>
      as(request(server).get(`${API}/incidents/${fixtures.incidentId}`)),
  },
  'PATCH /incidents/records/:id': {
    kind: 'write',
    permission: 'operability.incident.write',
    send: ({ server, as, principal, fixtures }) =>
      as(
        request(server).patch(`${API}/incidents/records/${fixtures.recordId}`),
      ).send({ title: `Changed by ${principal}` }),
  },
  'POST /incidents/:id/merge': {
    kind: 'write',
    permission: 'operability.incident.write',
    send: async ({ server, as, fixtures }) => {
      const { first, second } = await fixtures.freshIncidents();
      return as(request(server).post(`${API}/incidents/${first}/merge`)).send({
        incidentId: second,
      });
    },
  },
  'POST /incidents/:id/split': {
    kind: 'write',
    permission: 'operability.incident.write',
    send: async ({ server, as, fixtures }) => {
      const { first, secondRecord } = await fixtures.freshIncidents(true);
      return as(request(server).post(`${API}/incidents/${first}/split`)).send({
        recordId: secondRecord,
      });
    },
  },
  'GET /score/checks': {
    kind: 'authenticated',
    send: ({ server, as }) => as(request(server).get(`${API}/score/checks`)),
  },
  'GET /entities/:kind/:namespace/:name/score': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${HUB}/score`)),
  },
  'GET /entities/:kind/:namespace/:name/score/history': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${HUB}/score/history`)),
  },
  'GET /entities/:kind/:namespace/:name/exemptions': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${HUB}/exemptions`)),
  },
  'PUT /entities/:kind/:namespace/:name/exemptions/:check': {
    kind: 'write',
    permission: 'operability.exemption.write',
    send: ({ server, as, principal }) =>
      as(request(server).put(`${HUB}/exemptions/on-call`)).send({
        reason: `Granted by ${principal}`,
        expiresAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      }),
  },
  'DELETE /entities/:kind/:namespace/:name/exemptions/:check': {
    kind: 'write',
    permission: 'operability.exemption.write',
    ok: 204,
    send: async ({ server, as, fixtures }) => {
      await fixtures.grantExemption('runbook');
      return as(request(server).delete(`${HUB}/exemptions/runbook`));
    },
  },
  'GET /entities/:kind/:namespace/:name/deploy-gate': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${HUB}/deploy-gate`)),
  },
  'GET /entities/:kind/:namespace/:name/gate-exceptions': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${HUB}/gate-exceptions`)),
  },
  'POST /entities/:kind/:namespace/:name/gate-exceptions': {
    kind: 'write',
    permission: 'operability.exception.write',
    ok: 201,
    send: ({ server, as, principal }) =>
      as(request(server).post(`${HUB}/gate-exceptions`)).send({
        reason: `Security fix released by ${principal}`,
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
  },
  'DELETE /entities/:kind/:namespace/:name/gate-exceptions/:id': {
    kind: 'write',
    permission: 'operability.exception.write',
    send: async ({ server, as, fixtures }) => {
      const id = await fixtures.grantGateException();
      return as(request(server).delete(`${HUB}/gate-exceptions/${id}`));
    },
  },
  'GET /portfolio': {
    kind: 'read',
    send: ({ server, as }) => as(request(server).get(`${API}/portfolio`)),
  },
  // Backstage's own routes in every plugin: its public keys, and the cookie and permission
  // integration endpoints, which need credentials (of a user, or of the permission backend).
  'GET /.backstage/auth/v1/jwks.json': {
    // Backstage's auth service publishes its public keys here for everyone; the test
    // utils' auth service does not implement it, so nothing is called (status empty).
    kind: 'framework',
    status: {},
    send: ({ server, as }) =>
      as(request(server).get(`${API}/.backstage/auth/v1/jwks.json`)),
  },
  'GET /.backstage/auth/v1/cookie': {
    kind: 'framework',
    status: { none: 401 },
    send: ({ server, as }) =>
      as(request(server).get(`${API}/.backstage/auth/v1/cookie`)),
  },
  'DELETE /.backstage/auth/v1/cookie': {
    kind: 'framework',
    status: { none: 401 },
    send: ({ server, as }) =>
      as(request(server).delete(`${API}/.backstage/auth/v1/cookie`)),
  },
  // The actions registry's routes (the plugin registers actions for AI assistants, see
  // docs/deploy-gate.md): listing and invoking need credentials; each action checks access
  // to its entity itself, as the HTTP API does (tested through the registry in the plugin).
  'GET /.backstage/actions/v1/actions': {
    kind: 'framework',
    status: { none: 401 },
    send: ({ server, as }) =>
      as(request(server).get(`${API}/.backstage/actions/v1/actions`)),
  },
  'POST /.backstage/actions/v1/actions/:actionId/invoke': {
    kind: 'framework',
    status: { none: 401 },
    send: ({ server, as }) =>
      as(
        request(server).post(
          `${API}/.backstage/actions/v1/actions/operability:get-deploy-gate/invoke`,
        ),
      ).send({ entityRef: 'component:default/jupyterhub' }),
  },
  'POST /.backstage/actions/v2/actions/:actionId/invoke': {
    kind: 'framework',
    status: { none: 401 },
    send: ({ server, as }) =>
      as(
        request(server).post(
          `${API}/.backstage/actions/v2/actions/operability:get-deploy-gate/invoke`,
        ),
      ).send({ input: { entityRef: 'component:default/jupyterhub' } }),
  },
  'GET /.well-known/backstage/permissions/metadata': {
    kind: 'framework',
    status: { none: 401 },
    send: ({ server, as }) =>
      as(
        request(server).get(
          `${API}/.well-known/backstage/permissions/metadata`,
        ),
      ),
  },
  'POST /.well-known/backstage/permissions/apply-conditions': {
    kind: 'framework',
    status: { none: 401 },
    send: ({ server, as }) =>
      as(
        request(server).post(
          `${API}/.well-known/backstage/permissions/apply-conditions`,
        ),
      ).send({ items: [] }),
  },
};

/** The routes mounted under /api/operability, as the router itself holds them. */
function mountedRoutes(server: Server): string[] {
  const app = server.listeners('request')[0] as any;
  const routes: string[] = [];
  const walk = (stack: any[], inside: boolean) => {
    for (const layer of stack) {
      const here =
        inside ||
        (layer.regexp?.test('/api/operability') &&
          !layer.regexp?.test('/api/elsewhere'));
      if (layer.route) {
        if (here) {
          for (const method of Object.keys(layer.route.methods)) {
            routes.push(`${method.toUpperCase()} ${layer.route.path}`);
          }
        }
      } else if (layer.handle?.stack) {
        walk(layer.handle.stack, here);
      }
    }
  };
  walk(app._router.stack, false);
  return [...new Set(routes)];
}

/** The status a row expects from a principal. */
function expected(row: Row, principal: Principal): number | undefined {
  if (row.kind === 'public' || row.kind === 'framework') {
    return row.status?.[principal] ?? row.status?.['*'];
  }
  if (principal === 'none') return 401;
  const ok = row.ok ?? 200;
  switch (row.kind) {
    case 'authenticated':
      return ok;
    case 'read':
      return principal === 'serviceDenied' ? 403 : ok;
    case 'write':
      return principal === 'visitor' || principal === 'serviceDenied'
        ? 403
        : ok;
    default:
      return undefined;
  }
}

/** The Authorization header of a principal, for a row. */
function header(row: Row, principal: Principal): string | undefined {
  const needed = row.kind === 'write' ? row.permission! : READ;
  const other =
    needed === 'operability.exemption.write'
      ? 'operability.sli.write'
      : 'operability.exemption.write';
  switch (principal) {
    case 'none':
      return undefined;
    case 'visitor':
      return userHeader('visitor');
    case 'owner':
      return userHeader('maintainer');
    case 'sre':
      return userHeader('sre');
    case 'serviceAllowed':
      return restrictedServiceHeader('external:ci', [needed]);
    case 'serviceDenied':
      return restrictedServiceHeader('external:other-script', [other]);
    default:
      return undefined;
  }
}

const startBackend = createDemoLikeBackend();

describe('the auth matrix: every route, as every kind of caller', () => {
  it('answers each caller as its row says, and every mounted route has a row', async () => {
    const backend = await startBackend();
    try {
      const { server } = backend;
      const sre = userHeader('sre');
      let freshDays = 10;
      const fixtures: Fixtures = {
        sloId: '',
        incidentId: '',
        recordId: '',
        async freshIncidents(merged = false) {
          const record = async (daysAgo: number) => {
            const start = Date.now() - daysAgo * 86_400_000;
            const created = await request(server)
              .post(`${HUB}/incidents`)
              .set('Authorization', sre)
              .send({
                title: `${daysAgo} days ago`,
                severity: 'warning',
                startedAt: new Date(start).toISOString(),
                resolvedAt: new Date(start + 600_000).toISOString(),
              });
            expect(created.status).toBe(201);
            return created.body;
          };
          const first = await record(freshDays);
          const second = await record(freshDays + 1);
          freshDays += 2;
          if (merged) {
            const res = await request(server)
              .post(`${API}/incidents/${first.incidentId}/merge`)
              .set('Authorization', sre)
              .send({ incidentId: second.incidentId });
            if (res.status !== 200) {
              throw new Error(`could not merge fixtures: ${res.status}`);
            }
            return {
              first: res.body.id,
              second: res.body.id,
              secondRecord: second.id,
            };
          }
          return {
            first: first.incidentId,
            second: second.incidentId,
            secondRecord: second.id,
          };
        },
        async freshSlo(name, retired = false) {
          const created = await request(server)
            .post(`${HUB}/slos`)
            .set('Authorization', sre)
            .set('Content-Type', 'application/yaml')
            .send(sloYaml(name));
          expect(created.status).toBe(201);
          const id = created.body.items[0].id;
          if (retired) {
            const deleted = await request(server)
              .delete(`${API}/slos/${id}`)
              .set('Authorization', sre);
            if (deleted.status !== 204) {
              throw new Error(
                `could not retire fixture ${name}: ${deleted.status}`,
              );
            }
          }
          return id;
        },
        async grantExemption(check) {
          const granted = await request(server)
            .put(`${HUB}/exemptions/${check}`)
            .set('Authorization', sre)
            .send({
              reason: 'Fixture',
              expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
            });
          expect(granted.status).toBe(200);
        },
        async grantGateException() {
          const granted = await request(server)
            .post(`${HUB}/gate-exceptions`)
            .set('Authorization', sre)
            .send({
              reason: 'Fixture',
              expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
            });
          expect(granted.status).toBe(201);
          return granted.body.id;
        },
      };

      const slo = await request(server)
        .post(`${HUB}/slos`)
        .set('Authorization', sre)
        .set('Content-Type', 'application/yaml')
        .send(sloYaml('fixture'));
      fixtures.sloId = slo.body.items[0].id;
      const incident = await request(server)
        .post(`${HUB}/incidents`)
        .set('Authorization', sre)
        .send({
          title: 'Fixture',
          severity: 'critical',
          startedAt: new Date(Date.now() - 7_200_000).toISOString(),
        });
      fixtures.incidentId = incident.body.incidentId;
      fixtures.recordId = incident.body.id;
      // Granting an exemption scores the entity, so that score and badge routes answer.
      await fixtures.grantExemption('dashboard');

      const routes = mountedRoutes(server);
      expect(routes.length).toBeGreaterThan(20);
      const missing = routes.filter(route => !ROWS[route]);
      const stale = Object.keys(ROWS).filter(row => !routes.includes(row));
      expect({ missing, stale }).toEqual({ missing: [], stale: [] });

      const mismatches: string[] = [];
      let calls = 0;
      for (const route of routes) {
        const row = ROWS[route];
        for (const principal of PRINCIPALS) {
          const want = expected(row, principal);
          if (want === undefined) continue;
          const value = header(row, principal);
          const res = await row.send({
            server,
            principal,
            fixtures,
            as: test => (value ? test.set('Authorization', value) : test),
          });
          calls++;
          if (res.status !== want) {
            mismatches.push(
              `${route} as ${principal}: ${
                res.status
              } (expected ${want}) ${JSON.stringify(res.body).slice(0, 200)}`,
            );
          }
          const shapeless =
            res.status >= 400 &&
            res.type === 'application/json' &&
            !(
              typeof res.body?.error?.name === 'string' &&
              typeof res.body?.error?.message === 'string'
            );
          const stack = /\bat .*\.(js|ts):\d+/.test(JSON.stringify(res.body));
          if (shapeless || stack) {
            mismatches.push(
              `${route} as ${principal}: ${
                shapeless ? 'error body not {"error":{"name","message"}}' : ''
              }${stack ? ' stack trace in the body' : ''}`,
            );
          }
        }
      }
      expect(mismatches).toEqual([]);
      expect(calls).toBeGreaterThan(130);
    } finally {
      await backend.stop();
    }
  });
});
