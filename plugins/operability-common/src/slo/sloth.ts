/**
 * Sloth `prometheus/v1` specs, imported into the normalized model.
 */
import { z } from 'zod';
import { DURATION_SHORTHAND_HINT, parseDuration } from './duration';
import { percentToRatio } from './math';
import type { Slo, SloAlertLabels, SloIndicator } from './model';
import { DocumentProblems, FieldPath, isRecord } from './validation';
import type { YamlDocument } from './yamlDocuments';

/** The `version` of Sloth's Prometheus specs. */
const SLOTH_VERSION = 'prometheus/v1';

/** The period Sloth uses when none is configured. */
export const SLOTH_DEFAULT_PERIOD = '30d';

/** Sloth's rule for service and SLO names. */
const SLOTH_NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/;
/** The window variable Sloth queries must contain. */
const WINDOW_VARIABLE = /\{\{ *\.window *\}\}/;
/** A Prometheus label name. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const NAME_RULE =
  'a name of letters, digits, ".", "_" and "-" that starts and ends with a letter or digit';

const HINTS: Readonly<Record<string, string>> = {
  version: `"${SLOTH_VERSION}"`,
  service: NAME_RULE,
  name: NAME_RULE,
  slos: 'a list of SLOs',
  objective: 'the objective in percent, in (0, 100), e.g. 99.9',
  sli: 'an SLI: events (error_query and total_query) or raw (error_ratio_query)',
  error_query:
    'a PromQL query of bad events that uses {{.window}}, e.g. sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
  total_query:
    'a PromQL query of all events that uses {{.window}}, e.g. sum(rate(http_requests_total[{{.window}}]))',
  error_ratio_query: 'a PromQL query of the error ratio that uses {{.window}}',
  disable: 'true or false',
  labels: 'a mapping of label names to strings',
  annotations: 'a mapping of annotation names to strings',
};

const slothName = z
  .string()
  .refine(name => SLOTH_NAME.test(name), `must be ${NAME_RULE}`);

const labelMap = z.record(
  z
    .string()
    .refine(
      key => LABEL_NAME.test(key),
      'label names must be letters, digits and "_", not starting with a digit',
    ),
  z.string(),
);

const windowQuery = z
  .string()
  .refine(
    query => WINDOW_VARIABLE.test(query),
    'must use the {{.window}} variable for the range, e.g. rate(x[{{.window}}])',
  );

const alertSchema = z.strictObject({
  disable: z.boolean().optional(),
  labels: labelMap.nullish(),
  annotations: z.record(z.string(), z.string()).nullish(),
});

const slothSloSchema = z.strictObject({
  name: slothName,
  description: z.string().optional(),
  objective: z
    .number()
    .refine(
      o => o > 0 && o < 100,
      'must be a percentage in (0, 100), e.g. 99.9 (100 leaves no error budget)',
    ),
  labels: labelMap.nullish(),
  sli: z.strictObject({
    events: z
      .strictObject({ error_query: windowQuery, total_query: windowQuery })
      .optional(),
    raw: z.strictObject({ error_ratio_query: windowQuery }).optional(),
    plugin: z.unknown().optional(),
  }),
  alerting: z
    .strictObject({
      name: z.string().optional(),
      labels: labelMap.nullish(),
      annotations: z.record(z.string(), z.string()).nullish(),
      page_alert: alertSchema.nullish(),
      ticket_alert: alertSchema.nullish(),
    })
    .nullish(),
  plugins: z.unknown().optional(),
});

const slothSpecSchema = z.strictObject({
  version: z.literal(SLOTH_VERSION),
  service: slothName,
  labels: labelMap.nullish(),
  slos: z.array(slothSloSchema).min(1),
  slo_plugins: z.unknown().optional(),
});

type SlothSlo = z.infer<typeof slothSloSchema>;

/** Rules between fields, checked on the spec as written. */
function checkSlothSpec(spec: unknown, problems: DocumentProblems): void {
  if (!isRecord(spec)) return;
  const unsupported =
    'Sloth plugins are not supported: write the SLI as events (error_query and total_query) or raw (error_ratio_query)';
  if (spec.slo_plugins !== undefined)
    problems.add(['slo_plugins'], unsupported);
  const slos = Array.isArray(spec.slos) ? spec.slos : [];
  const seen = new Map<string, number>();
  slos.forEach((slo, index) => {
    if (!isRecord(slo)) return;
    const at: FieldPath = ['slos', index];
    if (typeof slo.name === 'string') {
      const first = seen.get(slo.name);
      if (first !== undefined) {
        problems.add(
          [...at, 'name'],
          `is also the name of slos[${first}]: SLO names must be unique within a service`,
        );
      } else {
        seen.set(slo.name, index);
      }
    }
    if (slo.plugins !== undefined)
      problems.add([...at, 'plugins'], unsupported);
    const sli = slo.sli;
    if (isRecord(sli)) {
      if (sli.plugin !== undefined)
        problems.add([...at, 'sli', 'plugin'], unsupported);
      const kinds = ['events', 'raw'].filter(k => sli[k] !== undefined);
      if (kinds.length === 0 && sli.plugin === undefined) {
        problems.add(
          [...at, 'sli'],
          'needs events (error_query and total_query) or raw (error_ratio_query)',
        );
      } else if (kinds.length > 1) {
        problems.add(
          [...at, 'sli', 'raw'],
          'cannot be used together with events: keep one SLI type',
        );
      }
      const events = sli.events;
      if (
        isRecord(events) &&
        typeof events.error_query === 'string' &&
        events.error_query === events.total_query
      ) {
        problems.add(
          [...at, 'sli', 'events', 'total_query'],
          'is the same query as error_query: total_query must count all events, error_query the bad ones',
        );
      }
    }
    const alerting = isRecord(slo.alerting) ? slo.alerting : {};
    const enabled = (key: string) =>
      !(isRecord(alerting[key]) && alerting[key].disable === true);
    if (
      (enabled('page_alert') || enabled('ticket_alert')) &&
      (typeof alerting.name !== 'string' || alerting.name === '')
    ) {
      problems.add(
        [...at, 'alerting', 'name'],
        'is required while page or ticket alerts are enabled: the alert name, e.g. MyServiceHighErrorRate (or set page_alert.disable and ticket_alert.disable)',
      );
    }
  });
}

function alertLabels(
  alert: z.infer<typeof alertSchema> | null | undefined,
): SloAlertLabels {
  return {
    enabled: !alert?.disable,
    labels: { ...(alert?.labels ?? {}) },
    annotations: { ...(alert?.annotations ?? {}) },
  };
}

function toSlo(
  service: string,
  serviceLabels: Record<string, string>,
  slo: SlothSlo,
  doc: YamlDocument,
  period: { duration: string; durationMs: number },
): Slo {
  const prometheus = (query: string) => ({
    type: 'Prometheus',
    spec: { query },
  });
  const indicator: SloIndicator = slo.sli.events
    ? {
        type: 'ratio',
        counter: true,
        bad: prometheus(slo.sli.events.error_query),
        total: prometheus(slo.sli.events.total_query),
      }
    : {
        type: 'raw',
        rawType: 'failure',
        raw: prometheus(slo.sli.raw!.error_ratio_query),
      };
  const result: Slo = {
    ref: `${service}-${slo.name}`,
    name: slo.name,
    service,
    labels: { ...serviceLabels, ...(slo.labels ?? {}) },
    annotations: {},
    target: percentToRatio(slo.objective),
    objective: { index: 0, count: 1 },
    timeWindow: { ...period, isRolling: true },
    budgetingMethod: 'Occurrences',
    indicator,
    alertPolicies: [],
    alerting: {
      labels: { ...(slo.alerting?.labels ?? {}) },
      annotations: { ...(slo.alerting?.annotations ?? {}) },
      page: alertLabels(slo.alerting?.page_alert),
      ticket: alertLabels(slo.alerting?.ticket_alert),
    },
    origin: {
      format: 'sloth/prometheus/v1',
      file: doc.file,
      document: doc.document,
    },
  };
  if (slo.alerting?.name) result.alerting!.name = slo.alerting.name;
  if (slo.description) result.description = slo.description;
  return result;
}

/**
 * Validates a Sloth `prometheus/v1` spec and turns its SLOs into normalized SLOs: `ref` is
 * Sloth's id `<service>-<name>`, the period is `period` (Sloth's specs do not carry one), the
 * objective in percent becomes `target`, events become a bad/total ratio and raw a failure
 * ratio, and `alerting` keeps the alert name, labels and annotations.
 */
export function parseSlothDocument(
  doc: YamlDocument,
  problems: DocumentProblems,
  period: string = SLOTH_DEFAULT_PERIOD,
): Slo[] {
  const before = problems.count;
  const parsedPeriod = parseDuration(period);
  if (!parsedPeriod) {
    throw new TypeError(
      `the Sloth period "${period}" is not a duration: use ${DURATION_SHORTHAND_HINT}`,
    );
  }
  const parsed = slothSpecSchema.safeParse(doc.value, { reportInput: true });
  if (!parsed.success) {
    problems.addIssues(parsed.error.issues, [], slothSpecSchema, HINTS);
  }
  checkSlothSpec(doc.value, problems);
  if (!parsed.success || problems.count !== before) return [];
  const spec = parsed.data;
  return spec.slos.map(slo =>
    toSlo(spec.service, { ...(spec.labels ?? {}) }, slo, doc, {
      duration: period,
      durationMs: parsedPeriod.ms,
    }),
  );
}
