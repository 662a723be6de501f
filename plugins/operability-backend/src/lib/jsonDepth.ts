import { InputError } from '@backstage/errors';
import type { NextFunction, Request, Response } from 'express';

/** How deeply a JSON request body may nest objects and arrays (an SLO document needs ~8). */
export const MAX_JSON_DEPTH = 64;

/** The nesting depth of a parsed JSON value, counted without recursion. */
export function jsonDepth(value: unknown, stopAt = Infinity): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    const level = depth + 1;
    if (level > deepest) {
      deepest = level;
      if (deepest > stopAt) return deepest;
    }
    for (const child of Array.isArray(item) ? item : Object.values(item)) {
      if (child !== null && typeof child === 'object') {
        stack.push([child, level]);
      }
    }
  }
  return deepest;
}

/**
 * Refuses JSON bodies nested deeper than `MAX_JSON_DEPTH` with a 400, before any handler
 * walks them recursively (JSON.stringify, zod) and runs out of stack.
 */
export function limitJsonDepth(
  req: Request,
  _res: Response,
  next: NextFunction,
) {
  if (
    req.body !== null &&
    typeof req.body === 'object' &&
    jsonDepth(req.body, MAX_JSON_DEPTH) > MAX_JSON_DEPTH
  ) {
    next(
      new InputError(
        `Invalid request body: JSON nested more than ${MAX_JSON_DEPTH} levels deep`,
      ),
    );
    return;
  }
  next();
}
