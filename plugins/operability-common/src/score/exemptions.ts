/**
 * Exemptions from checks: the `airworthy.dev/exemptions` annotation and the rules both it
 * and the API follow.
 */
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ANNOTATION_EXEMPTIONS } from '../annotations';
import { TIME } from '../time';

const { DAY } = TIME;

/** zod's error for a missing or non-text field. */
function requiredText(issue: { input?: unknown }): string {
  return issue.input === undefined ? 'is required' : 'must be text';
}

/** A check id: lower-case letters, digits and `-`. */
export const scoreCheckIdSchema = z
  .string({ error: requiredText })
  .regex(
    /^[a-z0-9][a-z0-9-]{0,63}$/,
    'must be a check id such as "runbook" (lower-case letters, digits, "-")',
  );

/** The reason of an exemption: why the check does not apply, for whoever reads the score. */
export const exemptionReasonSchema = z
  .string({ error: requiredText })
  .trim()
  .min(1, 'must say why the check does not apply')
  .max(1000, 'must be at most 1000 characters');

/**
 * When an exemption ends: a date (`2027-06-30`, valid through that day, UTC) or an ISO 8601
 * date-time with a time zone; parsed to epoch milliseconds.
 */
export const exemptionExpirySchema = z
  .string({ error: requiredText })
  .transform((value, ctx) => {
    const text = value.trim();
    if (/^\d{4}-\d{2}-\d{2}$/.test(text)) {
      const start = Date.parse(`${text}T00:00:00Z`);
      if (
        Number.isFinite(start) &&
        new Date(start).toISOString().slice(0, 10) === text
      ) {
        return start + DAY;
      }
    } else if (z.iso.datetime({ offset: true }).safeParse(text).success) {
      return Date.parse(text);
    }
    ctx.addIssue({
      code: 'custom',
      message:
        'must be a date such as 2027-06-30 (valid through that day, UTC) or an ISO 8601 date-time with a time zone',
    });
    return z.NEVER;
  });

const annotationEntrySchema = z
  .object({
    check: scoreCheckIdSchema,
    reason: exemptionReasonSchema,
    author: z
      .string({ error: requiredText })
      .trim()
      .min(1, 'must name who granted the exemption, e.g. user:default/alice')
      .max(200, 'must be at most 200 characters'),
    expiresAt: exemptionExpirySchema,
  })
  .strict();

/** An exemption read from the annotation (expiry in epoch milliseconds). @public */
export interface AnnotationExemption {
  check: string;
  reason: string;
  author: string;
  expiresAt: number;
}

/**
 * Reads the `airworthy.dev/exemptions` annotation: YAML (or JSON) holding one exemption or a
 * list of them, each with `check`, `reason`, `author` and `expiresAt`:
 *
 * ```yaml
 * airworthy.dev/exemptions: |
 *   - check: on-call
 *     reason: Volunteer project, best-effort support only
 *     author: user:default/alice
 *     expiresAt: 2027-06-30
 * ```
 *
 * Entries with problems are left out and reported, one message per problem, with their
 * index and field. An absent or blank annotation has no exemptions.
 * @public
 */
export function parseExemptionsAnnotation(value: string | undefined): {
  exemptions: AnnotationExemption[];
  errors: string[];
} {
  if (!value?.trim()) return { exemptions: [], errors: [] };
  let parsed: unknown;
  try {
    parsed = parseYaml(value);
  } catch (error) {
    return {
      exemptions: [],
      errors: [
        `${ANNOTATION_EXEMPTIONS}: not valid YAML (${
          (error as Error).message.split('\n')[0]
        })`,
      ],
    };
  }
  const entries = Array.isArray(parsed) ? parsed : [parsed];
  const exemptions: AnnotationExemption[] = [];
  const errors: string[] = [];
  entries.forEach((entry, index) => {
    const where = Array.isArray(parsed)
      ? `${ANNOTATION_EXEMPTIONS}[${index}]`
      : ANNOTATION_EXEMPTIONS;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      errors.push(
        `${where}: must be a mapping with check, reason, author and expiresAt`,
      );
      return;
    }
    const result = annotationEntrySchema.safeParse(entry);
    if (!result.success) {
      for (const issue of result.error.issues) {
        const path = issue.path.map(String).join('.');
        errors.push(
          `${where}${path ? `.${path}` : ''}: ${
            issue.code === 'unrecognized_keys'
              ? `unknown field(s) ${issue.keys.join(
                  ', ',
                )}; use check, reason, author and expiresAt`
              : issue.message
          }`,
        );
      }
      return;
    }
    exemptions.push(result.data);
  });
  return { exemptions, errors };
}
