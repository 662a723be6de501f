'use strict';

/*
 * The benchmark's HTTP client: Node's http with keep-alive connections (as a browser or a
 * load balancer holds them), a bearer token on every request, and latency measurement.
 */

const http = require('node:http');

/** A client of one backend; `token` is sent as `Authorization: Bearer`. */
function createClient(baseUrl, options = {}) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });

  function request(
    method,
    path,
    { body, headers = {}, auth = true, token } = {},
  ) {
    const payload =
      body === undefined
        ? undefined
        : typeof body === 'string' || Buffer.isBuffer(body)
        ? body
        : JSON.stringify(body);
    const allHeaders = { ...headers };
    const bearer = token ?? options.token;
    if (auth && bearer) allHeaders.authorization = `Bearer ${bearer}`;
    if (payload !== undefined) {
      allHeaders['content-type'] ??= 'application/json';
      allHeaders['content-length'] = Buffer.byteLength(payload);
    }
    return send(method, path, allHeaders, payload, 1);
  }

  function send(method, path, allHeaders, payload, retries) {
    return new Promise((resolve, reject) => {
      const started = process.hrtime.bigint();
      const req = http.request(
        {
          agent,
          host: url.hostname,
          port: url.port,
          method,
          path,
          headers: allHeaders,
        },
        res => {
          const chunks = [];
          res.on('data', chunk => chunks.push(chunk));
          res.on('end', () => {
            const ms = Number(process.hrtime.bigint() - started) / 1e6;
            const text = Buffer.concat(chunks).toString('utf8');
            resolve({
              status: res.statusCode,
              headers: res.headers,
              text,
              ms,
              json() {
                return JSON.parse(text);
              },
            });
          });
          res.on('error', reject);
        },
      );
      req.on('error', error => {
        // A kept-alive connection the server closed as the request went out (reset, or a
        // broken pipe while a large body was written): the server never took the request
        // (Node's documented race), so it is sent again on a new connection.
        if (
          req.reusedSocket &&
          (error.code === 'ECONNRESET' || error.code === 'EPIPE') &&
          retries > 0
        ) {
          send(method, path, allHeaders, payload, retries - 1).then(
            resolve,
            reject,
          );
        } else {
          reject(error);
        }
      });
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  return {
    baseUrl,
    request,
    get: (path, opts) => request('GET', path, opts),
    post: (path, body, opts) => request('POST', path, { ...opts, body }),
    close: () => agent.destroy(),
  };
}

/** GET that must answer 200; returns the JSON body. */
async function getJson(client, path, opts) {
  const res = await client.get(path, opts);
  if (res.status !== 200) {
    throw new Error(
      `GET ${path} answered ${res.status}: ${res.text.slice(0, 500)}`,
    );
  }
  return res.json();
}

/** The p-th percentile (0-100) of a list of numbers, nearest rank. */
function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/**
 * One client, one request at a time: `requests` timed requests after `warmup` untimed
 * ones. `next(i)` gives the path of request i. Every answer must be 200.
 */
async function measureSerial(client, next, { requests, warmup, token }) {
  for (let i = 0; i < warmup; i++) {
    await expectOk(client, next(i), token);
  }
  const times = [];
  for (let i = 0; i < requests; i++) {
    times.push(await expectOk(client, next(warmup + i), token));
  }
  return {
    requests,
    p50: percentile(times, 50),
    p95: percentile(times, 95),
    p99: percentile(times, 99),
    max: Math.max(...times),
  };
}

/**
 * `clients` concurrent clients, each sending its next request as soon as the previous one
 * answered, for `seconds` (after a warm-up of a tenth of that). Returns requests per second
 * and latency percentiles of the measured part.
 */
async function measureLoad(client, next, { clients, seconds, token }) {
  let i = 0;
  const run = async (until, times) => {
    while (Date.now() < until) {
      const ms = await expectOk(client, next(i++), token);
      if (times) times.push(ms);
    }
  };
  const warmupUntil = Date.now() + Math.max(500, seconds * 100);
  await Promise.all(Array.from({ length: clients }, () => run(warmupUntil)));
  const times = [];
  const started = process.hrtime.bigint();
  const until = Date.now() + seconds * 1000;
  await Promise.all(Array.from({ length: clients }, () => run(until, times)));
  const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    clients,
    requests: times.length,
    rps: times.length / elapsed,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
  };
}

async function expectOk(client, path, token) {
  const res = await client.get(path, { token });
  if (res.status !== 200) {
    throw new Error(
      `GET ${path} answered ${res.status}: ${res.text.slice(0, 300)}`,
    );
  }
  return res.ms;
}

module.exports = {
  createClient,
  getJson,
  percentile,
  measureSerial,
  measureLoad,
};
