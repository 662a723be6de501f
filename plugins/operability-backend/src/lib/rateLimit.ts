import type { Config } from '@backstage/config';
import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';

/** A rate limit: requests per client address and window. */
export interface RateLimitSettings {
  max: number;
  windowSeconds: number;
}

/**
 * Reads `<key>.max` and `<key>.windowSeconds` (whole numbers >= 1) from config, with
 * defaults; a bad value stops the backend with a message naming the key.
 */
export function readRateLimit(
  config: Config | undefined,
  key: string,
  defaults: RateLimitSettings,
  prefix: string,
): RateLimitSettings {
  const max = config?.getOptionalNumber(`${key}.max`) ?? defaults.max;
  const windowSeconds =
    config?.getOptionalNumber(`${key}.windowSeconds`) ?? defaults.windowSeconds;
  for (const [name, value] of Object.entries({ max, windowSeconds })) {
    if (!Number.isInteger(value) || value < 1) {
      throw new Error(
        `${prefix}.${key}.${name} must be a whole number >= 1, got ${value}`,
      );
    }
  }
  return { max, windowSeconds };
}

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
