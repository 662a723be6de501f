import { describeZodError } from '@airworthy/plugin-operability-common';
import { InputError } from '@backstage/errors';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { z } from 'zod';

/** The hex HMAC-SHA256 of a body: what GitHub and PagerDuty sign webhooks with. @public */
export function hmacSha256Hex(secret: string, body: Buffer | string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}

/**
 * Compares two secrets or signatures in constant time, whatever their lengths (both are
 * hashed first, so neither the content nor the length leaks through timing).
 * @public
 */
export function secretsEqual(a: string, b: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}

/** The first value of a request header, trimmed; undefined when absent or empty. @public */
export function headerValue(
  headers: IncomingHttpHeaders,
  name: string,
): string | undefined {
  const raw = headers[name.toLowerCase()];
  const value = (Array.isArray(raw) ? raw[0] : raw)?.trim();
  return value ? value : undefined;
}

/**
 * Parses a webhook body: UTF-8 JSON checked against a zod schema. Anything else is an
 * `InputError` (400) whose message says what is wrong, so the sender does not retry.
 * @public
 */
export function parseWebhookPayload<T extends z.ZodType>(
  schema: T,
  body: Buffer,
): z.output<T> {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch {
    throw new InputError('Invalid payload: the body must be UTF-8 JSON');
  }
  return validatePayload(schema, json, 'body');
}

/**
 * Checks a parsed payload (or a part of one, named by `path` such as `body.event.data`)
 * against a zod schema; an `InputError` (400) names each field that is wrong.
 * @public
 */
export function validatePayload<T extends z.ZodType>(
  schema: T,
  value: unknown,
  path: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new InputError(
      `Invalid payload: ${describeZodError(result.error, path)}`,
    );
  }
  return result.data;
}

/** Epoch milliseconds of an ISO 8601 instant; undefined for anything else. @public */
export function parseInstant(
  value: string | null | undefined,
): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}
