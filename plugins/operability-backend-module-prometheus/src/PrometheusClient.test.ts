import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PrometheusClient, PrometheusQueryError } from './PrometheusClient';

// A real HTTP server plays Prometheus' query API (and misbehaves on request).
let server: Server;
let origin: string;
let requests: Array<{
  method?: string;
  url?: string;
  body: string;
  headers: IncomingMessage['headers'];
}> = [];
let answers: Array<{
  status: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', chunk => {
      body += chunk;
    });
    req.on('end', () => {
      requests.push({
        method: req.method,
        url: req.url,
        body,
        headers: req.headers,
      });
      const answer = answers.shift() ?? { status: 500, body: '' };
      setTimeout(() => {
        res.writeHead(answer.status, {
          'Content-Type': 'application/json',
          ...answer.headers,
        });
        res.end(answer.body ?? '');
      }, answer.delayMs ?? 0);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise(resolve => server.close(resolve));
});

beforeEach(() => {
  requests = [];
  answers = [];
});

const matrix = JSON.stringify({
  status: 'success',
  data: {
    resultType: 'matrix',
    result: [{ metric: {}, values: [[1_700_000_060, '5']] }],
  },
});

function client(options: { retries?: number; timeoutMs?: number } = {}) {
  const waits: number[] = [];
  const c = new PrometheusClient(
    {
      name: 'smaug',
      baseUrl: `${origin}/thanos/`,
      headers: { Authorization: 'Bearer secret', 'X-Scope-OrgID': 'opf' },
    },
    {
      timeoutMs: options.timeoutMs ?? 2_000,
      retries: options.retries ?? 2,
      backoffMs: 100,
      limit: fn => fn(),
      sleep: async ms => {
        waits.push(ms);
      },
    },
  );
  return { c, waits };
}

describe('PrometheusClient', () => {
  it('posts query_range as a form under the base path with the configured headers', async () => {
    answers.push({ status: 200, body: matrix });
    const { c } = client();
    await expect(
      c.queryRange('sum(up)', 1_700_000_060, 1_700_000_120, 60),
    ).resolves.toEqual([{ metric: {}, values: [[1_700_000_060, '5']] }]);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      method: 'POST',
      url: '/thanos/api/v1/query_range',
      body: 'query=sum%28up%29&start=1700000060&end=1700000120&step=60',
    });
    expect(requests[0].headers).toMatchObject({
      authorization: 'Bearer secret',
      'x-scope-orgid': 'opf',
      'content-type': 'application/x-www-form-urlencoded',
    });
  });

  it('refuses redirects without following them', async () => {
    answers.push({
      status: 302,
      headers: { Location: `${origin}/elsewhere/api/v1/query_range` },
    });
    const { c } = client();
    const error = await c.queryRange('up', 1, 2, 1).catch(e => e);
    expect(error).toBeInstanceOf(PrometheusQueryError);
    expect(error.message).toBe(
      'Prometheus smaug answered with a redirect (302); redirects are not followed, configure the final URL as baseUrl',
    );
    expect(requests.map(r => r.url)).toEqual(['/thanos/api/v1/query_range']);
  });

  it("passes Prometheus' own error message on, without retrying a bad query", async () => {
    answers.push({
      status: 400,
      body: JSON.stringify({
        status: 'error',
        errorType: 'bad_data',
        error: 'parse error at char 4: unclosed left parenthesis',
      }),
    });
    const { c } = client();
    await expect(c.queryRange('sum(', 1, 2, 1)).rejects.toThrow(
      'Prometheus smaug refused the query (400 bad_data: parse error at char 4: unclosed left parenthesis)',
    );
    expect(requests).toHaveLength(1);
  });

  it('retries 503 and 429 with doubling backoff, then succeeds', async () => {
    answers.push(
      { status: 503, body: 'busy' },
      { status: 429 },
      {
        status: 200,
        body: matrix,
      },
    );
    const { c, waits } = client();
    await expect(c.queryRange('up', 1, 2, 1)).resolves.toHaveLength(1);
    expect(requests).toHaveLength(3);
    expect(waits).toEqual([100, 200]);
  });

  it('gives up after the configured retries with the last reason', async () => {
    answers.push({ status: 502 }, { status: 502 });
    const { c } = client({ retries: 1 });
    await expect(c.queryRange('up', 1, 2, 1)).rejects.toThrow(
      'Prometheus smaug refused the query (502 HTTP 502) (gave up after 2 attempts)',
    );
  });

  it('times out slow answers and says so', async () => {
    answers.push({ status: 200, body: matrix, delayMs: 500 });
    const { c } = client({ retries: 0, timeoutMs: 100 });
    await expect(c.queryRange('up', 1, 2, 1)).rejects.toThrow(
      /^Prometheus smaug could not be reached: timed out after 100 ms/,
    );
  });

  it('refuses an answer that is not a range result', async () => {
    answers.push({
      status: 200,
      body: JSON.stringify({
        status: 'success',
        data: { resultType: 'vector', result: [] },
      }),
    });
    const { c } = client();
    await expect(c.queryRange('up', 1, 2, 1)).rejects.toThrow(
      'Prometheus smaug answered query_range with an unexpected body',
    );
  });

  it('accepts only http(s) base URLs', () => {
    expect(
      () =>
        new PrometheusClient(
          { name: 'x', baseUrl: 'file:///etc/passwd', headers: {} },
          { timeoutMs: 1, retries: 0, backoffMs: 1, limit: fn => fn() },
        ),
    ).toThrow('Prometheus instance x: baseUrl must be an http(s) URL');
  });
});
