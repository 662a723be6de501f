import {
  describeZodError,
  entityRouteParamsSchema,
  sloIdParamsSchema,
  toEntityRef,
} from '@airworthy/plugin-operability-common';
import { InputError } from '@backstage/errors';
import type { z } from 'zod';

/**
 * Parses request input (params, query or body, or an action's input) with a zod schema;
 * anything the schema rejects becomes an InputError (400) whose message names each field and
 * what to fix.
 */
export function parseInput<T extends z.ZodType>(
  schema: T,
  input: unknown,
  what: 'params' | 'query' | 'body' | 'input',
): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new InputError(
      `Invalid request ${what}: ${describeZodError(result.error, what)}`,
    );
  }
  return result.data;
}

/** The canonical entity ref named by `/entities/:kind/:namespace/:name` route params. */
export function entityRefParam(params: unknown): string {
  return toEntityRef(parseInput(entityRouteParamsSchema, params, 'params'));
}

/** The SLO id of `/slos/:id` route params. */
export function sloIdParam(params: unknown): string {
  return parseInput(sloIdParamsSchema, params, 'params').id;
}
