import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { run } from '../program';
import { gateUrl } from './gate';

async function runCli(...args: string[]) {
  let out = '';
  let err = '';
  const code = await run(args, { out: t => (out += t), err: t => (err += t) });
  return { code, out, err };
}

/** `airworthy gate` for jupyterhub on `url`. */
const gateOn = (url: string) =>
  runCli('gate', '--entity', 'jupyterhub', '--url', url);

/** A server that answers every request with `status` and `body` (not a gate). */
async function serve(status: number, body: string) {
  const server = http.createServer((_req, res) => {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

describe('airworthy gate (without a backend)', () => {
  it('builds the gate URL from a backend URL or its /api/operability base', () => {
    expect(gateUrl('https://backstage.example.org', 'jupyterhub')).toBe(
      'https://backstage.example.org/api/operability/entities/component/default/jupyterhub/deploy-gate',
    );
    expect(
      gateUrl(
        'http://localhost:7007/api/operability/',
        'System:infra/Community-Cloud',
      ),
    ).toBe(
      'http://localhost:7007/api/operability/entities/system/infra/community-cloud/deploy-gate',
    );
  });

  it('cannot decide when the server is unreachable: exit 3 with the reason', async () => {
    const server = await serve(200, '{}');
    const { url } = server;
    await server.close();
    const result = await runCli(
      'gate',
      '--entity',
      'component:default/jupyterhub',
      '--url',
      url,
      '--token',
      't',
    );
    expect(result.code).toBe(3);
    expect(result.err).toMatch(
      /^airworthy gate: cannot decide: cannot reach http:\/\/127\.0\.0\.1:\d+\/api\/operability\/entities\/component\/default\/jupyterhub\/deploy-gate: ECONNREFUSED/,
    );
    expect(result.out).toBe('');
  });

  it('cannot decide on an answer that is not a gate decision, or a server error', async () => {
    const notGate = await serve(200, '{"status":"ok"}');
    try {
      const result = await gateOn(notGate.url);
      expect(result.code).toBe(3);
      expect(result.err).toContain('is not a deploy-gate decision');
    } finally {
      await notGate.close();
    }
    const failing = await serve(
      500,
      '{"error":{"name":"Error","message":"database is down"}}',
    );
    try {
      const result = await gateOn(failing.url);
      expect(result.code).toBe(3);
      expect(result.err).toContain('the server answered 500: database is down');
    } finally {
      await failing.close();
    }
  });

  it('exits 3, never 2 (block), when called wrongly', async () => {
    const missing = await runCli('gate', '--url', 'http://localhost:1');
    expect(missing.code).toBe(3);
    expect(missing.err).toContain("required option '--entity <ref>'");
    const badUrl = await runCli('gate', '--entity', 'x', '--url', 'nowhere');
    expect(badUrl.code).toBe(3);
    expect(badUrl.err).toContain('--url nowhere is not a URL');
    const badRef = await runCli(
      'gate',
      '--entity',
      'component:default/',
      '--url',
      'http://localhost:1',
    );
    expect(badRef.code).toBe(3);
    expect(badRef.err).toContain(
      '--entity component:default/ is not an entity ref',
    );
    // Other commands keep exit code 2 for usage errors.
    expect((await runCli('budget')).code).toBe(2);
  });
});
