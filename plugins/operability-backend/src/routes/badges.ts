import {
  entityRouteParamsSchema,
  toEntityRef,
} from '@airworthy/plugin-operability-common';
import type { AuthService } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import Router from 'express-promise-router';
import { createRateLimiter } from '../lib/rateLimit';
import { hasPublicBadge, renderScoreBadge } from '../services/score/Badges';
import type { OperabilityScorer } from '../services/score/OperabilityScorer';

/**
 * `GET /badges/{kind}/{namespace}/{name}.svg`: the score badge of an entity, served without
 * credentials (the plugin adds an auth policy for `/badges`) and rate-limited. Only
 * entities that opt in with `airworthy.dev/public-badge: "true"` have one: the plugin reads
 * the entity with its own credentials for that check alone, and every other request (no
 * such entity, no opt-in, an unscored kind, a malformed path) gets the very same 404.
 */
export function createBadgeRoutes(options: {
  catalog: CatalogService;
  auth: AuthService;
  scorer: OperabilityScorer;
}) {
  const { catalog, auth, scorer } = options;
  const { badges } = scorer.settings;
  const router = Router();
  const limiter = createRateLimiter(badges.rateLimit, 'badge requests');

  router.get('/badges/:kind/:namespace/:file', limiter, async (req, res) => {
    const { kind, namespace, file } = req.params;
    const path = `${kind}/${namespace}/${file}`;
    // The same error for every request without a badge, so nothing about the entity leaks.
    const noBadge = () =>
      new NotFoundError(`No public badge at /badges/${path}`);

    const name = file.endsWith('.svg') ? file.slice(0, -4) : undefined;
    const params = entityRouteParamsSchema.safeParse({ kind, namespace, name });
    if (!params.success) throw noBadge();
    const entity = await catalog.getEntityByRef(toEntityRef(params.data), {
      credentials: await auth.getOwnServiceCredentials(),
    });
    if (!entity || !hasPublicBadge(entity) || !scorer.scores(entity)) {
      throw noBadge();
    }

    const record = await scorer.latest(entity);
    res
      .status(200)
      .set({
        'Content-Type': 'image/svg+xml; charset=utf-8',
        'Cache-Control': `public, max-age=${badges.maxAgeSeconds}`,
        'X-Content-Type-Options': 'nosniff',
        'Content-Security-Policy':
          "default-src 'none'; style-src 'unsafe-inline'",
        'Last-Modified': new Date(record.computedAt).toUTCString(),
      })
      .send(
        renderScoreBadge(record.score, record.level, scorer.settings.levels),
      );
  });

  return router;
}
