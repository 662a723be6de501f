import { z } from 'zod';

/** Route params of `/slos/{id}...`. @public */
export const sloIdParamsSchema = z.object({
  id: z
    .string()
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/,
      'must be an SLO id (letters, digits, "-" and "_", at most 64)',
    ),
});
