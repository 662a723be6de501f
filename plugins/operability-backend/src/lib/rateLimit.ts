import type { RateLimitSettings } from '../config/readers';
import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';

/**
 * An express-rate-limit middleware per client address, answering 429 with a
 * Backstage-style error body (`{ error: { name, message } }`) and `RateLimit` headers.
 */
export function createRateLimiter(
  limits: RateLimitSettings,
  what: string,
): RateLimitRequestHandler {
  return rateLimit({
    windowMs: limits.windowSeconds * 1000,
    limit: limits.max,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    // Behind a proxy every request may share the proxy's address; the limit then applies
    // to all of them together, which is what protects the backend.
    validate: { xForwardedForHeader: false },
    message: {
      error: {
        name: 'TooManyRequestsError',
        message: `Too many ${what}: at most ${limits.max} per ${limits.windowSeconds} s; retry later`,
      },
    },
  });
}
