import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import {
  createDemoLikeBackend,
  enforcingSloYaml,
  OPERABILITY_WITHOUT_EVALUATION,
  restrictedServiceHeader,
  userHeader,
} from './__testUtils__/realBackend';

jest.setTimeout(180_000);

/*
 * The deploy gate end to end: the real backend (catalog, permission framework with the
 * demo's policy, the operability plugin on SQLite) and the real `airworthy` command in a
 * child process, with a token restricted to reading the gate, as CI would call it.
 */

const API = '/api/operability';
const HUB = `${API}/entities/component/default/jupyterhub`;
const BIN = path.resolve(__dirname, '../../cli/bin/airworthy');
const GATE_TOKEN_HEADER = restrictedServiceHeader('external:ci', [
  'operability.gate.read',
]);
const GATE_TOKEN = GATE_TOKEN_HEADER.replace(/^Bearer /, '');

const startBackend = createDemoLikeBackend();

async function airworthy(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [BIN, ...args],
      { encoding: 'utf8', timeout: 120_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the deploy gate, through the airworthy CLI, against the real backend', () => {
  it('exits 0/1/2 on allow/warn/block, honours exceptions and their expiry, and 3 when it cannot decide', async () => {
    const backend = await startBackend({
      // No scheduled evaluation during the test: the states are arranged below.
      config: { operability: OPERABILITY_WITHOUT_EVALUATION },
    });
    try {
      const { server, knex } = backend;
      const address = server.address() as { port: number };
      const url = `http://127.0.0.1:${address.port}`;
      const sre = userHeader('sre');
      const gateWith = (token: string, entity: string, ...extra: string[]) =>
        airworthy(
          'gate',
          '--entity',
          entity,
          '--url',
          url,
          '--token',
          token,
          ...extra,
        );
      const gate = (...extra: string[]) =>
        gateWith(GATE_TOKEN, 'component:default/jupyterhub', ...extra);

      // No SLOs: allow, saying there is nothing to enforce.
      const none = await gate();
      expect(none.code).toBe(0);
      expect(none.stdout).toContain('ALLOW: component:default/jupyterhub');
      expect(none.stdout).toContain('has no SLOs');

      const created = await request(server)
        .post(`${HUB}/slos`)
        .set('Authorization', sre)
        .set('Content-Type', 'application/yaml')
        .send(enforcingSloYaml('availability'));
      expect(created.status).toBe(201);
      const sloId = created.body.items[0].id;
      const evaluate = async (status: string, remaining: number) => {
        const now = Date.now();
        const result = {
          evaluatedAt: new Date(now).toISOString(),
          status,
          budget: {
            from: new Date(now - 28 * 86_400_000).toISOString(),
            to: new Date(now).toISOString(),
            good: 900,
            total: 1000,
            sli: 0.9,
            errorBudget: 0.02,
            budgetMinutes: 806.4,
            consumed: 1 - remaining,
            remaining,
            remainingMinutes: 806.4 * remaining,
            timeToExhaustionMs: null,
          },
          burnRates: [],
          alertSeverity: null,
          alerts: [],
        };
        await knex('slo_evaluations')
          .insert({
            slo_id: sloId,
            evaluated_at: now,
            status,
            result: JSON.stringify(result),
          })
          .onConflict('slo_id')
          .merge();
      };

      await evaluate('ok', 0.7);
      expect((await gate()).code).toBe(0);

      await evaluate('critical', 0.1);
      const warn = await gate();
      expect(warn.code).toBe(1);
      expect(warn.stdout).toContain(
        'SLO "availability" (enforcing) is critical, 10% of its error budget left: the policy warns on critical',
      );
      expect((await gate('--allow-warn')).code).toBe(0);

      await evaluate('exhausted', -0.2);
      const block = await gate();
      expect(block.code).toBe(2);
      expect(block.stdout).toMatch(/^BLOCK: component:default\/jupyterhub\n/);

      // An exception (operability.exception.write: owners and SRE groups) releases the block.
      const visitor = await request(server)
        .post(`${HUB}/gate-exceptions`)
        .set('Authorization', userHeader('visitor'))
        .send({ reason: 'Please', expiresAt: '2999-01-01' });
      expect(visitor.status).toBe(403);
      const granted = await request(server)
        .post(`${HUB}/gate-exceptions`)
        .set('Authorization', sre)
        .send({
          reason: 'Security fix for CVE-2026-0001',
          expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
        });
      expect(granted.status).toBe(201);
      expect(granted.body).toMatchObject({
        author: 'user:default/sre',
        state: 'active',
      });
      const excepted = await gate('--json');
      expect(excepted.code).toBe(1);
      expect(JSON.parse(excepted.stdout)).toMatchObject({
        decision: 'warn',
        exception: {
          id: granted.body.id,
          reason: 'Security fix for CVE-2026-0001',
        },
      });

      // Expired (moved into the past here): the block is back.
      await knex('gate_exceptions')
        .where({ id: granted.body.id })
        .update({ expires_at: Date.now() - 1000 });
      expect((await gate()).code).toBe(2);
      const list = await request(server)
        .get(`${HUB}/gate-exceptions`)
        .set('Authorization', sre);
      expect(list.body.items.map((e: { state: string }) => e.state)).toEqual([
        'expired',
      ]);

      // The gate token reads the gate and nothing else.
      const slos = await request(server)
        .get(`${HUB}/slos`)
        .set('Authorization', GATE_TOKEN_HEADER);
      expect(slos.status).toBe(403);

      // A token without operability.gate.read, and no token at all: cannot decide.
      const wrong = await gateWith(
        restrictedServiceHeader('external:other', [
          'operability.sli.write',
        ]).replace(/^Bearer /, ''),
        'component:default/jupyterhub',
      );
      expect(wrong.code).toBe(3);
      expect(wrong.stderr).toContain(
        'cannot decide: the server refused the token (403): The service external:other may not read the deploy gate',
      );
      const bad = await gateWith('not-a-token', 'jupyterhub');
      expect(bad.code).toBe(3);
      expect(bad.stderr).toContain('the server refused the token (401)');
      const unknown = await gateWith(GATE_TOKEN, 'component:default/nope');
      expect(unknown.code).toBe(3);
      expect(unknown.stderr).toContain(
        'the server answered 404: No entity component:default/nope in the catalog',
      );
    } finally {
      await backend.stop();
    }
  });
});
