// @ts-check
'use strict';

/*
 * Senders as the real ones behave: Alertmanager, PagerDuty and SLI pushers retry a delivery
 * after a 5xx or a broken connection (with a growing back-off, through the load balancer,
 * so usually on the other replica); GitHub sends once and never retries. A delivery counts
 * as acknowledged when a 2xx comes back.
 */

const http = require('node:http');

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

/**
 * @typedef {{ status?: number; error?: string; ms: number; replica: string; body?: any }} Attempt
 */

/**
 * One HTTP request; resolves with the status and parsed body, or the connection error.
 * @param {string} baseUrl
 * @param {{ path: string; headers: Record<string, string>; body: string }} request
 * @param {number} timeoutMs
 * @returns {Promise<{ status?: number; error?: string; body?: any }>}
 */
function post(baseUrl, request, timeoutMs) {
  return new Promise(resolve => {
    const url = new URL(request.path, baseUrl);
    const req = http.request(
      url,
      {
        method: 'POST',
        agent,
        headers: {
          ...request.headers,
          'Content-Length': Buffer.byteLength(request.body),
        },
        timeout: timeoutMs,
      },
      res => {
        const chunks = /** @type {Buffer[]} */ ([]);
        res.on('data', c => chunks.push(c));
        res.on('error', e => resolve({ error: `response: ${e.message}` }));
        res.on('end', () => {
          let body;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = undefined;
          }
          resolve({ status: res.statusCode, body });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', e =>
      resolve({ error: /** @type {any} */ (e).code ?? e.message }),
    );
    req.end(request.body);
  });
}

class Senders {
  /**
   * @param {{ replicas: import('./backends').Replica[]; random: ReturnType<typeof import('./random').createRandom> }} options
   */
  constructor(options) {
    this.replicas = options.replicas;
    this.random = options.random;
    /** Latency of every attempt that was answered 2xx. @type {number[]} */
    this.ackMs = [];
    /** From the first attempt to the 2xx. @type {number[]} */
    this.deliveredMs = [];
    this.attempts = 0;
    this.retried = 0;
    /** @type {Record<string, number>} */
    this.failures = {};
    /** @type {Record<string, number>} */
    this.byReplica = {};
    /** Answers that are neither 2xx nor retried (4xx, or any failure of a GitHub delivery). @type {Array<{ kind: string; status?: number; error?: string; body?: any }>} */
    this.refused = [];
  }

  /** The replica the load balancer picks: a random one of those in service. */
  pick() {
    const up = this.replicas.filter(r => r.up);
    return up.length ? this.random.pick(up) : undefined;
  }

  /**
   * Sends a request as its sender would; resolves with the final attempt.
   * @param {{ path: string; headers: Record<string, string>; body: string }} request
   * @param {{ kind: string; retries: boolean; maxAttempts?: number }} policy
   * @returns {Promise<Attempt & { attempts: number; acknowledged: boolean }>}
   */
  async send(request, policy) {
    const first = Date.now();
    const maxAttempts = policy.retries ? policy.maxAttempts ?? 200 : 1;
    for (let attempt = 1; ; attempt++) {
      const replica = this.pick();
      if (!replica) {
        await new Promise(r => setTimeout(r, 200));
        attempt--;
        continue;
      }
      const started = Date.now();
      const result = await post(replica.baseUrl, request, 30_000);
      const ms = Date.now() - started;
      this.attempts++;
      this.byReplica[replica.name] = (this.byReplica[replica.name] ?? 0) + 1;
      const ok =
        result.status !== undefined &&
        result.status >= 200 &&
        result.status < 300;
      if (ok) {
        this.ackMs.push(ms);
        this.deliveredMs.push(Date.now() - first);
        return {
          ...result,
          ms,
          replica: replica.name,
          attempts: attempt,
          acknowledged: true,
        };
      }
      const reason = result.status
        ? `${result.status}`
        : result.error ?? 'unknown';
      this.failures[reason] = (this.failures[reason] ?? 0) + 1;
      const retriable =
        result.status === undefined ||
        result.status >= 500 ||
        result.status === 429;
      if (!policy.retries || !retriable || attempt >= maxAttempts) {
        this.refused.push({
          kind: policy.kind,
          status: result.status,
          error: result.error,
          body: result.body,
        });
        return {
          ...result,
          ms,
          replica: replica.name,
          attempts: attempt,
          acknowledged: false,
        };
      }
      this.retried++;
      // Back-off as Alertmanager's notifier does: growing, with jitter, capped.
      const backoff = Math.min(2000, 50 * 2 ** Math.min(attempt, 6));
      await new Promise(r =>
        setTimeout(r, backoff / 2 + this.random.int(backoff / 2)),
      );
    }
  }
}

/** The p-th percentile (0-100) of numbers. @param {number[]} values @param {number} p */
function percentile(values, p) {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

module.exports = { Senders, percentile, post };
