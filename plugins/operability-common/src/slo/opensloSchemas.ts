/**
 * zod schemas of the OpenSLO v1 documents: the shape of each field. Rules that relate several
 * fields (exactly one of target and targetPercent, ...) are in `opensloChecks.ts`, so that they
 * are reported even when another field of the document is malformed.
 */
import { z } from 'zod';
import { isValidCalendarStartTime, isValidTimeZone } from './calendar';
import {
  DURATION_SHORTHAND_HINT,
  parseDuration,
  sloPeriodProblem,
} from './duration';

/** The `apiVersion` of OpenSLO v1 documents. */
export const OPENSLO_API_VERSION = 'openslo/v1';

/** The kinds of OpenSLO v1 documents. */
export const OPENSLO_KINDS = [
  'SLO',
  'SLI',
  'Service',
  'DataSource',
  'AlertPolicy',
  'AlertCondition',
  'AlertNotificationTarget',
] as const;

/** A kind of OpenSLO v1 document. */
export type OpenSloKind = (typeof OPENSLO_KINDS)[number];

const RFC1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Whether a name is an RFC 1123 label (what OpenSLO requires of `metadata.name`). */
function isRfc1123Name(name: string): boolean {
  return name.length <= 63 && RFC1123_LABEL.test(name);
}

const NAME_RULE =
  'an RFC 1123 name: at most 63 lower-case letters, digits and "-", starting and ending ' +
  'with a letter or digit (e.g. "checkout-availability")';

/**
 * What is expected of a field, by path (see `hintFor`: a key matches the field's full path or
 * its end, list indexes written `[]`); used in "is required" and "must be" messages.
 */
export const OPENSLO_HINTS: Readonly<Record<string, string>> = {
  apiVersion: `"${OPENSLO_API_VERSION}"`,
  kind: `one of ${OPENSLO_KINDS.join(', ')}`,
  metadata: 'metadata with a name',
  'metadata.name': NAME_RULE,
  displayName: 'a string',
  description: 'a string of at most 1050 characters',
  spec: 'a spec (a mapping of fields)',
  'spec.service': 'the name of the service the SLO belongs to',
  indicatorRef: 'the name of an SLI document',
  metricSourceRef: 'the name of a DataSource document',
  alertPolicyRef: 'the name of an AlertPolicy document',
  conditionRef: 'the name of an AlertCondition document',
  targetRef: 'the name of an AlertNotificationTarget document',
  budgetingMethod: 'Occurrences, Timeslices or RatioTimeslices',
  objectives: 'a list of objectives, e.g. "- target: 0.99"',
  timeWindow:
    'a list with one time window, e.g. "- duration: 28d" and "isRolling: true"',
  'timeWindow[].duration': `${DURATION_SHORTHAND_HINT}, at most 400d`,
  lookbackWindow: DURATION_SHORTHAND_HINT,
  alertAfter: DURATION_SHORTHAND_HINT,
  timeSliceWindow: `a whole number of minutes or ${DURATION_SHORTHAND_HINT}`,
  startTime:
    'a local date and time "YYYY-MM-DD HH:mm:ss", e.g. "2024-01-01 00:00:00"',
  timeZone: 'an IANA time zone name such as "UTC" or "Europe/Berlin"',
  isRolling: 'true (rolling window) or false (calendar-aligned)',
  counter: 'true (the queries return counters) or false',
  'objectives[].target': 'a ratio in [0, 1), e.g. 0.995',
  'spec.target':
    'where notifications go, e.g. an e-mail address, a Slack channel or a URL',
  targetPercent: 'a percentage in [0, 100), e.g. 99.5',
  timeSliceTarget: 'a ratio in (0, 1], e.g. 0.95',
  compositeWeight: 'a number greater than 0',
  'objectives[].value': 'a number',
  'condition.threshold': 'a number',
  severity: 'a severity such as page or ticket',
  condition:
    'a condition, e.g. kind: burnrate, op: gt, threshold: 2, lookbackWindow: 1h',
  conditions: 'a list with one condition',
  notificationTargets:
    'a list of at least one notification target, e.g. "- targetRef: on-call"',
  'metricSource.type': 'a metric source type such as Prometheus',
  'spec.type': 'a data source type such as Prometheus',
  connectionDetails:
    'a mapping of how to reach the data source, e.g. url: http://prometheus:9090',
  metricSource:
    'a metricSource with type (e.g. Prometheus) and spec (e.g. query)',
  query: 'a query, e.g. a PromQL expression',
};

const name = z.string().refine(isRfc1123Name, `must be ${NAME_RULE}`);

const duration = z
  .string()
  .refine(
    text => parseDuration(text) !== undefined,
    `must be ${DURATION_SHORTHAND_HINT}`,
  );

/** A duration that may be zero (`alertAfter` defaults to `0m`). */
const durationOrZero = z
  .string()
  .refine(
    text => /^0[mhdwMQY]$/.test(text) || parseDuration(text) !== undefined,
    `must be 0m or ${DURATION_SHORTHAND_HINT}`,
  );

const description = z.string().max(1050);

/**
 * Lengths of the texts an SLO carries, so that every one fits where it is stored and shown:
 * a display name (an SLO's, or an objective's, joined into the label of a multi-objective
 * SLO), a label value, an annotation value, and how many labels and annotations.
 * @public
 */
export const SLO_TEXT_LIMITS = Object.freeze({
  displayName: 120,
  labelValue: 255,
  annotationValue: 2048,
  entries: 64,
});

/** A string with at most `max` characters, saying so when longer. */
const textAtMost = (max: number) =>
  z.string().max(max, `must be at most ${max} characters`);

const displayName = textAtMost(SLO_TEXT_LIMITS.displayName);
const labelValueText = textAtMost(SLO_TEXT_LIMITS.labelValue);

/** zod 4 numbers are finite: `.inf` and `.nan` are rejected. */
const finite = z.number();

/** The name of a label key, or of an annotation key after its prefix (OpenSLO v1). */
const KEY_NAME = /^[a-zA-Z0-9]([-_.a-zA-Z0-9]{0,61}[a-zA-Z0-9])?$/;
/** A DNS subdomain: the optional prefix of an annotation key. */
const DNS_SUBDOMAIN =
  /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const KEY_NAME_RULE =
  'at most 63 letters, digits, "-", "_" and ".", starting and ending with a letter or digit';

/** Whether a key is a valid OpenSLO label key. @public */
export function isOpenSloLabelKey(key: string): boolean {
  return KEY_NAME.test(key);
}

/** Whether a key is a valid OpenSLO annotation key (`[prefix/]name`). @public */
export function isOpenSloAnnotationKey(key: string): boolean {
  const slash = key.lastIndexOf('/');
  if (slash < 0) return KEY_NAME.test(key);
  const prefix = key.slice(0, slash);
  return (
    prefix.length <= 253 &&
    DNS_SUBDOMAIN.test(prefix) &&
    KEY_NAME.test(key.slice(slash + 1))
  );
}

const labelKey = z
  .string()
  .refine(
    isOpenSloLabelKey,
    `label keys must be ${KEY_NAME_RULE}, e.g. "team" or "cost-centre"`,
  );

const annotationKey = z
  .string()
  .refine(
    isOpenSloAnnotationKey,
    `annotation keys must be a name (${KEY_NAME_RULE}), optionally after a DNS subdomain prefix and "/", e.g. "airworthy.dev/runbook-url"`,
  );

/** A map of at most {@link SLO_TEXT_LIMITS.entries} entries (`what` names them in the error). */
const boundedRecord = <V extends z.ZodTypeAny>(
  key: z.ZodType<string>,
  value: V,
  what: string,
) =>
  z
    .record(key, value)
    .refine(
      entries => Object.keys(entries).length <= SLO_TEXT_LIMITS.entries,
      `must have at most ${SLO_TEXT_LIMITS.entries} ${what}`,
    );

/** `metadata` of every OpenSLO document. */
export const metadataSchema = z.strictObject({
  name,
  displayName: displayName.optional(),
  labels: boundedRecord(
    labelKey,
    z.union([
      labelValueText,
      z
        .array(labelValueText)
        .max(
          SLO_TEXT_LIMITS.entries,
          `must list at most ${SLO_TEXT_LIMITS.entries} values`,
        ),
    ]),
    'labels',
  ).optional(),
  annotations: boundedRecord(
    annotationKey,
    textAtMost(SLO_TEXT_LIMITS.annotationValue),
    'annotations',
  ).optional(),
});

const metricSourceSchema = z.strictObject({
  metricSourceRef: name.optional(),
  type: z.string().min(1).optional(),
  spec: z.record(z.string(), z.unknown()),
});

const metricSchema = z.strictObject({ metricSource: metricSourceSchema });

const ratioMetricSchema = z.strictObject({
  counter: z.boolean().optional(),
  good: metricSchema.optional(),
  bad: metricSchema.optional(),
  total: metricSchema.optional(),
  rawType: z.enum(['success', 'failure']).optional(),
  raw: metricSchema.optional(),
});

/** `spec` of an SLI (document or inline indicator). */
export const sliSpecSchema = z.strictObject({
  description: description.optional(),
  thresholdMetric: metricSchema.optional(),
  ratioMetric: ratioMetricSchema.optional(),
});

const inlineSliSchema = z.strictObject({
  apiVersion: z.literal(OPENSLO_API_VERSION).optional(),
  kind: z.literal('SLI').optional(),
  metadata: metadataSchema,
  spec: sliSpecSchema,
});

/** A period (time window duration): a duration in the one range every entry point accepts. */
const period = duration.superRefine((text, ctx) => {
  const parsed = parseDuration(text);
  const problem = parsed && sloPeriodProblem(parsed.ms);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

const timeWindowSchema = z.strictObject({
  duration: period,
  isRolling: z.boolean().optional(),
  calendar: z
    .strictObject({
      startTime: z
        .string()
        .refine(
          isValidCalendarStartTime,
          'must be a local date and time "YYYY-MM-DD HH:mm:ss" that exists, e.g. "2024-01-01 00:00:00"',
        ),
      timeZone: z
        .string()
        .refine(
          isValidTimeZone,
          'must be an IANA time zone name such as "UTC" or "Europe/Berlin"',
        ),
    })
    .optional(),
});

const operator = z.enum(['lt', 'lte', 'gt', 'gte']);

const objectiveSchema = z.strictObject({
  displayName: displayName.optional(),
  op: operator.optional(),
  value: finite.optional(),
  target: finite
    .refine(
      t => t >= 0 && t < 1,
      'must be a ratio in [0, 1), e.g. 0.995 for 99.5% (or write targetPercent: 99.5)',
    )
    .optional(),
  targetPercent: finite
    .refine(
      t => t >= 0 && t < 100,
      'must be a percentage in [0, 100), e.g. 99.5',
    )
    .optional(),
  timeSliceTarget: finite
    .refine(
      t => t > 0 && t <= 1,
      'must be a ratio in (0, 1], e.g. 0.95: the share of good events that makes a slice good',
    )
    .optional(),
  timeSliceWindow: z
    .union([
      z
        .number()
        .refine(
          n => Number.isInteger(n) && n > 0,
          'must be a positive whole number of minutes, or a duration such as 1m or 5m',
        ),
      duration,
    ])
    .optional(),
  indicator: inlineSliSchema.optional(),
  indicatorRef: name.optional(),
  compositeWeight: finite
    .refine(w => w > 0, 'must be greater than 0 (default 1)')
    .optional(),
});

const alertConditionSpecSchema = z.strictObject({
  description: description.optional(),
  severity: z.string().min(1),
  condition: z.strictObject({
    kind: z.literal('burnrate').optional(),
    op: operator,
    threshold: finite,
    lookbackWindow: period,
    alertAfter: durationOrZero.optional(),
  }),
});

const notificationTargetSpecSchema = z.strictObject({
  target: z.string().min(1),
  description: description.optional(),
});

/** A list item that names a document (`refKey: name`) or inlines one of `kind`. */
function refOrInline<
  R extends string,
  K extends OpenSloKind,
  S extends z.ZodType,
>(refKey: R, kind: K, spec: S) {
  return z.union([
    z.strictObject({ [refKey]: name } as Record<R, typeof name>),
    z.strictObject({
      apiVersion: z.literal(OPENSLO_API_VERSION).optional(),
      kind: z.literal(kind),
      metadata: metadataSchema,
      spec,
    }),
  ]);
}

const conditionItemSchema = refOrInline(
  'conditionRef',
  'AlertCondition',
  alertConditionSpecSchema,
);

const targetItemSchema = refOrInline(
  'targetRef',
  'AlertNotificationTarget',
  notificationTargetSpecSchema,
);

const alertPolicySpecSchema = z.strictObject({
  description: description.optional(),
  alertWhenNoData: z.boolean().optional(),
  alertWhenResolved: z.boolean().optional(),
  alertWhenBreaching: z.boolean().optional(),
  conditions: z.array(conditionItemSchema).min(1).max(1),
  notificationTargets: z.array(targetItemSchema).min(1),
});

const alertPolicyItemSchema = refOrInline(
  'alertPolicyRef',
  'AlertPolicy',
  alertPolicySpecSchema,
);

const sloSpecSchema = z.strictObject({
  description: description.optional(),
  service: z.string().min(1),
  indicator: inlineSliSchema.optional(),
  indicatorRef: name.optional(),
  timeWindow: z.array(timeWindowSchema).optional(),
  budgetingMethod: z.enum(['Occurrences', 'Timeslices', 'RatioTimeslices']),
  objectives: z.array(objectiveSchema).min(1),
  alertPolicies: z.array(alertPolicyItemSchema).nullish(),
});

/** The `spec` schema of each kind. */
export const OPENSLO_SPEC_SCHEMAS = {
  SLO: sloSpecSchema,
  SLI: sliSpecSchema,
  Service: z.strictObject({ description: description.optional() }),
  DataSource: z.strictObject({
    description: description.optional(),
    type: z.string().min(1),
    connectionDetails: z.record(z.string(), z.unknown()),
  }),
  AlertPolicy: alertPolicySpecSchema,
  AlertCondition: alertConditionSpecSchema,
  AlertNotificationTarget: notificationTargetSpecSchema,
} satisfies Record<OpenSloKind, z.ZodType>;

/** Envelope of every OpenSLO document; its `spec` is checked with the kind's schema. */
export const envelopeSchema = z.strictObject({
  apiVersion: z.literal(OPENSLO_API_VERSION),
  kind: z.enum(OPENSLO_KINDS),
  metadata: metadataSchema,
  spec: z.record(z.string(), z.unknown()),
});

export type OpenSloMetadata = z.infer<typeof metadataSchema>;
export type OpenSloSloSpec = z.infer<typeof sloSpecSchema>;
export type OpenSloSliSpec = z.infer<typeof sliSpecSchema>;
export type OpenSloMetricSource = z.infer<typeof metricSourceSchema>;
export type OpenSloObjective = z.infer<typeof objectiveSchema>;
export type OpenSloTimeWindow = z.infer<typeof timeWindowSchema>;
export type OpenSloAlertPolicySpec = z.infer<typeof alertPolicySpecSchema>;
export type OpenSloAlertConditionSpec = z.infer<
  typeof alertConditionSpecSchema
>;
export type OpenSloNotificationTargetSpec = z.infer<
  typeof notificationTargetSpecSchema
>;
export type OpenSloDataSourceSpec = z.infer<
  (typeof OPENSLO_SPEC_SCHEMAS)['DataSource']
>;
