import type { IncidentSource } from '@airworthy/plugin-operability-node';
import { isError, NotFoundError } from '@backstage/errors';
import express, { type Request } from 'express';
import Router from 'express-promise-router';
import { MemoryStore, type Options } from 'express-rate-limit';
import proxyaddr from 'proxy-addr';
import type { WebhookLimits } from '../config';

/** Errors that mean "not a delivery of this source": they count against the sender. */
const FAILURES = new Set(['AuthenticationError', 'NotAllowedError']);

/**
 * `POST /webhooks/{source}`: the only unauthenticated routes of the plugin. The body is read
 * as raw bytes (so sources check signatures over exactly what was sent) and handed to the
 * source, which verifies its credentials before anything else.
 *
 * A correctly signed delivery is never refused because of anyone else's requests: only
 * failures (bad or missing credentials, an unknown source) are counted, per source and
 * client address, and once an address is over the limit its failures are answered 429. The
 * client address is the connection's, or the one a trusted proxy forwarded
 * (`trustedProxies`); forwarded addresses from anyone else are ignored. Mounted before
 * the router's JSON body parser.
 */
export function createWebhookRoutes(options: {
  sources: ReadonlyMap<string, IncidentSource>;
  limits: WebhookLimits;
}) {
  const { sources, limits } = options;
  const router = Router();

  const failures = new MemoryStore();
  failures.init({ windowMs: limits.windowSeconds * 1000 } as Options);
  const trust = proxyaddr.compile(limits.trustedProxies);
  const clientAddress = (req: Request) => proxyaddr(req, trust);

  /** Counts a failure; answers 429 instead of the error once the sender is over the limit. */
  async function countFailure(
    req: Request,
    res: express.Response,
    key: string,
  ) {
    const { totalHits, resetTime } = await failures.increment(key);
    if (totalHits <= limits.max) return false;
    const retryAfter = Math.max(
      1,
      Math.ceil(((resetTime?.getTime() ?? Date.now()) - Date.now()) / 1000),
    );
    res
      .status(429)
      .set('Retry-After', String(retryAfter))
      .json({
        error: {
          name: 'TooManyRequestsError',
          message: `Too many failed webhook deliveries from ${clientAddress(
            req,
          )}: at most ${limits.max} per ${
            limits.windowSeconds
          } s; check the source's secret or token. Correctly signed deliveries are still accepted.`,
        },
      });
    return true;
  }

  router.post(
    '/webhooks/:source',
    express.raw({ type: () => true, limit: limits.maxBodySize }),
    async (req, res) => {
      const sourceId = req.params.source;
      const source = sources.get(sourceId);
      if (!source?.handleWebhook) {
        if (await countFailure(req, res, `?|${clientAddress(req)}`)) return;
        throw new NotFoundError(
          `No incident source "${sourceId}" receives webhooks here; sources: ${
            [...sources.values()]
              .filter(s => s.handleWebhook)
              .map(s => s.id)
              .join(', ') || 'none installed'
          }`,
        );
      }
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      try {
        const answer = await source.handleWebhook({
          headers: req.headers,
          body,
        });
        res.status(answer.status).json(answer.body);
      } catch (error) {
        if (
          isError(error) &&
          FAILURES.has(error.name) &&
          (await countFailure(req, res, `${source.id}|${clientAddress(req)}`))
        ) {
          return;
        }
        throw error;
      }
    },
  );

  return router;
}
