/**
 * Sloth specs, imported into the normalized model: `prometheus/v1` files and the Kubernetes
 * resource `PrometheusServiceLevel` (`sloth.slok.dev/v1`), which carries the same spec with
 * camelCase keys.
 */
import { z } from 'zod';
import {
  DURATION_SHORTHAND_HINT,
  parseDuration,
  sloPeriodProblem,
} from './duration';
import { percentToRatio } from './math';
import type {
  Slo,
  SloAlertLabels,
  SloIndicator,
  SloOrigin,
  SloSpecFormat,
} from './model';
import { DocumentProblems, FieldPath, isRecord } from './validation';
import type { YamlDocument } from './yamlDocuments';

/** The `version` of Sloth's Prometheus specs. @public */
export const SLOTH_VERSION = 'prometheus/v1';

/** The `apiVersion` and `kind` of Sloth's Kubernetes resource. @public */
export const SLOTH_KUBERNETES_API_VERSION = 'sloth.slok.dev/v1';
/** @public */
export const SLOTH_KUBERNETES_KIND = 'PrometheusServiceLevel';

/** The period Sloth uses when none is configured. @public */
export const SLOTH_DEFAULT_PERIOD = '30d';

/** Sloth's rule for service and SLO names. */
const SLOTH_NAME = /^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/;
/** The window variable Sloth queries must contain. */
const WINDOW_VARIABLE = /\{\{ *\.window *\}\}/;
/** A Prometheus label name. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const NAME_RULE =
  'a name of letters, digits, ".", "_" and "-" that starts and ends with a letter or digit';

/** The keys that the two forms of the spec spell differently. */
interface Keys {
  errorQuery: string;
  totalQuery: string;
  errorRatioQuery: string;
  pageAlert: string;
  ticketAlert: string;
  sloPlugins: string;
}

const FILE_KEYS: Keys = {
  errorQuery: 'error_query',
  totalQuery: 'total_query',
  errorRatioQuery: 'error_ratio_query',
  pageAlert: 'page_alert',
  ticketAlert: 'ticket_alert',
  sloPlugins: 'slo_plugins',
};

const KUBERNETES_KEYS: Keys = {
  errorQuery: 'errorQuery',
  totalQuery: 'totalQuery',
  errorRatioQuery: 'errorRatioQuery',
  pageAlert: 'pageAlert',
  ticketAlert: 'ticketAlert',
  sloPlugins: 'sloPlugins',
};

function hints(keys: Keys): Record<string, string> {
  return {
    version: `"${SLOTH_VERSION}"`,
    apiVersion: `"${SLOTH_KUBERNETES_API_VERSION}"`,
    kind: `"${SLOTH_KUBERNETES_KIND}"`,
    'metadata.name': 'the name of the resource (and of the PrometheusRule)',
    service: NAME_RULE,
    'slos[].name': NAME_RULE,
    slos: 'a list of SLOs',
    objective: 'the objective in percent, in (0, 100), e.g. 99.9',
    sli: `an SLI: events (${keys.errorQuery} and ${keys.totalQuery}) or raw (${keys.errorRatioQuery})`,
    [keys.errorQuery]:
      'a PromQL query of bad events that uses {{.window}}, e.g. sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))',
    [keys.totalQuery]:
      'a PromQL query of all events that uses {{.window}}, e.g. sum(rate(http_requests_total[{{.window}}]))',
    [keys.errorRatioQuery]:
      'a PromQL query of the error ratio that uses {{.window}}',
    disable: 'true or false',
    labels: 'a mapping of label names to values',
    annotations: 'a mapping of annotation names to strings',
  };
}

const slothName = z
  .string()
  .max(63, 'must be at most 63 characters')
  .refine(name => SLOTH_NAME.test(name), `must be ${NAME_RULE}`);

/** A label value: a string, or a number or boolean that Sloth reads as its text. */
const labelValue = z
  .union([z.string(), z.number(), z.boolean()])
  .transform(value => String(value))
  .refine(value => value.length <= 2048, 'must be at most 2048 characters');

const labelMap = z.record(
  z
    .string()
    .refine(
      key => LABEL_NAME.test(key),
      'label names must be letters, digits and "_", not starting with a digit',
    ),
  labelValue,
);

const annotationMap = z.record(z.string(), labelValue);

const windowQuery = z
  .string()
  .refine(
    query => WINDOW_VARIABLE.test(query),
    'must use the {{.window}} variable for the range, e.g. rate(x[{{.window}}])',
  );

function schemas(keys: Keys) {
  const alert = z.strictObject({
    disable: z.boolean().optional(),
    labels: labelMap.nullish(),
    annotations: annotationMap.nullish(),
  });
  const slo = z.strictObject({
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
        .strictObject({
          [keys.errorQuery]: windowQuery,
          [keys.totalQuery]: windowQuery,
        })
        .optional(),
      raw: z.strictObject({ [keys.errorRatioQuery]: windowQuery }).optional(),
      plugin: z.unknown().optional(),
    }),
    alerting: z
      .strictObject({
        name: z.string().optional(),
        labels: labelMap.nullish(),
        annotations: annotationMap.nullish(),
        [keys.pageAlert]: alert.nullish(),
        [keys.ticketAlert]: alert.nullish(),
      })
      .nullish(),
    plugins: z.unknown().optional(),
  });
  const spec = {
    service: slothName,
    labels: labelMap.nullish(),
    slos: z.array(slo).min(1),
    [keys.sloPlugins]: z.unknown().optional(),
  };
  return { spec, alert };
}

const fileSchemas = schemas(FILE_KEYS);
const kubernetesSchemas = schemas(KUBERNETES_KEYS);

const slothSpecSchema = z.strictObject({
  version: z.literal(SLOTH_VERSION),
  ...fileSchemas.spec,
});

const kubernetesSpecSchema = z.strictObject(kubernetesSchemas.spec);

const kubernetesSchema = z.strictObject({
  apiVersion: z.literal(SLOTH_KUBERNETES_API_VERSION),
  kind: z.literal(SLOTH_KUBERNETES_KIND),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().min(1).optional(),
    labels: z.record(z.string(), labelValue).optional(),
    annotations: z.record(z.string(), labelValue).optional(),
  }),
  spec: z.record(z.string(), z.unknown()),
  status: z.unknown().optional(),
});

type Labels = Record<string, string>;
type AlertSpec = {
  disable?: boolean;
  labels?: Labels | null;
  annotations?: Labels | null;
};

/** What the checks and the conversion read of a spec, whichever its spelling. */
interface ParsedSlo {
  name: string;
  description?: string;
  objective: number;
  labels?: Labels | null;
  sli: {
    events?: Record<string, string>;
    raw?: Record<string, string>;
  };
  alerting?:
    | (Record<string, unknown> & {
        name?: string;
        labels?: Labels | null;
        annotations?: Labels | null;
      })
    | null;
}

/** Sloth plugins are Go code that Sloth loads; Airworthy reads specs and runs no plugin. */
const PLUGINS =
  'they are Go code that Sloth runs, and Airworthy runs no plugin';

/** Rules between fields, checked on the spec as written. */
function checkSlothSpec(
  spec: unknown,
  at: FieldPath,
  keys: Keys,
  problems: DocumentProblems,
): void {
  if (!isRecord(spec)) return;
  const sliKinds = `events (${keys.errorQuery} and ${keys.totalQuery}) or raw (${keys.errorRatioQuery})`;
  if (spec[keys.sloPlugins] !== undefined)
    problems.add(
      [...at, keys.sloPlugins],
      `Sloth SLO plugins are not supported: ${PLUGINS}; remove them (the rules are those of Sloth's default plugins)`,
    );
  const slos = Array.isArray(spec.slos) ? spec.slos : [];
  const seen = new Map<string, number>();
  slos.forEach((slo, index) => {
    if (!isRecord(slo)) return;
    const path: FieldPath = [...at, 'slos', index];
    if (typeof slo.name === 'string') {
      const first = seen.get(slo.name);
      if (first !== undefined) {
        problems.add(
          [...path, 'name'],
          `is also the name of slos[${first}]: SLO names must be unique within a service`,
        );
      } else {
        seen.set(slo.name, index);
      }
    }
    if (slo.plugins !== undefined)
      problems.add(
        [...path, 'plugins'],
        `Sloth SLO plugins are not supported: ${PLUGINS}; remove them (the rules are those of Sloth's default plugins)`,
      );
    const sli = slo.sli;
    if (isRecord(sli)) {
      if (sli.plugin !== undefined)
        problems.add(
          [...path, 'sli', 'plugin'],
          `Sloth SLI plugins are not supported: ${PLUGINS}; write the SLI as ${sliKinds}, the query the plugin would build`,
        );
      const kinds = ['events', 'raw'].filter(k => sli[k] !== undefined);
      if (kinds.length === 0 && sli.plugin === undefined) {
        problems.add([...path, 'sli'], `needs ${sliKinds}`);
      } else if (kinds.length > 1) {
        problems.add(
          [...path, 'sli', 'raw'],
          'cannot be used together with events: keep one SLI type',
        );
      }
      const events = sli.events;
      if (
        isRecord(events) &&
        typeof events[keys.errorQuery] === 'string' &&
        events[keys.errorQuery] === events[keys.totalQuery]
      ) {
        problems.add(
          [...path, 'sli', 'events', keys.totalQuery],
          `is the same query as ${keys.errorQuery}: ${keys.totalQuery} must count all events, ${keys.errorQuery} the bad ones`,
        );
      }
    }
    const alerting = isRecord(slo.alerting) ? slo.alerting : {};
    const enabled = (key: string) =>
      !(isRecord(alerting[key]) && alerting[key].disable === true);
    if (
      (enabled(keys.pageAlert) || enabled(keys.ticketAlert)) &&
      (typeof alerting.name !== 'string' || alerting.name === '')
    ) {
      problems.add(
        [...path, 'alerting', 'name'],
        `is required while page or ticket alerts are enabled: the alert name, e.g. MyServiceHighErrorRate (or set ${keys.pageAlert}.disable and ${keys.ticketAlert}.disable)`,
      );
    }
  });
}

function alertLabels(alert: AlertSpec | null | undefined): SloAlertLabels {
  return {
    enabled: !alert?.disable,
    labels: { ...(alert?.labels ?? {}) },
    annotations: { ...(alert?.annotations ?? {}) },
  };
}

function toSlo(
  service: string,
  serviceLabels: Labels,
  slo: ParsedSlo,
  keys: Keys,
  origin: SloOrigin,
  period: { duration: string; durationMs: number },
): Slo {
  const prometheus = (query: string) => ({
    type: 'Prometheus',
    spec: { query },
  });
  const { events, raw } = slo.sli;
  const indicator: SloIndicator = events
    ? {
        type: 'ratio',
        counter: true,
        bad: prometheus(events[keys.errorQuery]),
        total: prometheus(events[keys.totalQuery]),
      }
    : {
        type: 'raw',
        rawType: 'failure',
        raw: prometheus(raw![keys.errorRatioQuery]),
      };
  const alerting = slo.alerting ?? {};
  const result: Slo = {
    ref: `${service}-${slo.name}`,
    name: slo.name,
    service,
    labels: { ...serviceLabels, ...(slo.labels ?? {}) },
    annotations: {},
    target: percentToRatio(slo.objective),
    objectivePercent: slo.objective,
    objective: { index: 0, count: 1 },
    timeWindow: { ...period, isRolling: true },
    budgetingMethod: 'Occurrences',
    indicator,
    alertPolicies: [],
    alerting: {
      labels: { ...(alerting.labels ?? {}) },
      annotations: { ...(alerting.annotations ?? {}) },
      page: alertLabels(alerting[keys.pageAlert] as AlertSpec | undefined),
      ticket: alertLabels(alerting[keys.ticketAlert] as AlertSpec | undefined),
    },
    origin,
  };
  if (alerting.name) result.alerting!.name = alerting.name;
  if (slo.description) result.description = slo.description;
  return result;
}

function slothPeriod(period: string) {
  const parsed = parseDuration(period);
  const problem = parsed && sloPeriodProblem(parsed.ms);
  if (!parsed || problem) {
    throw new TypeError(
      `the Sloth period "${period}" ${
        problem ?? `is not a duration: use ${DURATION_SHORTHAND_HINT}`
      }`,
    );
  }
  return { duration: period, durationMs: parsed.ms };
}

function convert(
  spec: { service: string; labels?: Labels | null; slos: ParsedSlo[] },
  keys: Keys,
  doc: YamlDocument,
  format: SloSpecFormat,
  period: string,
  kubernetes?: SloOrigin['kubernetes'],
): Slo[] {
  const origin: SloOrigin = {
    format,
    file: doc.file,
    document: doc.document,
    ...(kubernetes ? { kubernetes } : {}),
  };
  return spec.slos.map(slo =>
    toSlo(
      spec.service,
      { ...(spec.labels ?? {}) },
      slo,
      keys,
      origin,
      slothPeriod(period),
    ),
  );
}

/**
 * Validates a Sloth `prometheus/v1` spec and turns its SLOs into normalized SLOs: `ref` is
 * Sloth's id `<service>-<name>`, the period is `period` (Sloth's specs do not carry one), the
 * objective in percent becomes `target` (and is kept as written in `objectivePercent`), events
 * become a bad/total ratio and raw a failure ratio, and `alerting` keeps the alert name, labels
 * and annotations. Label values written as numbers or booleans are read as their text, as Sloth
 * reads them.
 */
export function parseSlothDocument(
  doc: YamlDocument,
  problems: DocumentProblems,
  period: string = SLOTH_DEFAULT_PERIOD,
): Slo[] {
  const before = problems.count;
  slothPeriod(period);
  const parsed = slothSpecSchema.safeParse(doc.value, { reportInput: true });
  if (!parsed.success) {
    problems.addIssues(
      parsed.error.issues,
      [],
      slothSpecSchema,
      hints(FILE_KEYS),
    );
  }
  checkSlothSpec(doc.value, [], FILE_KEYS, problems);
  if (!parsed.success || problems.count !== before) return [];
  return convert(
    parsed.data as never,
    FILE_KEYS,
    doc,
    'sloth/prometheus/v1',
    period,
  );
}

/**
 * Validates a Sloth `PrometheusServiceLevel` resource (`sloth.slok.dev/v1`) and turns its SLOs
 * into normalized SLOs as `parseSlothDocument` does; the resource's metadata goes into
 * `origin.kubernetes`, for the PrometheusRule that replaces Sloth's.
 */
export function parseSlothKubernetesDocument(
  doc: YamlDocument,
  problems: DocumentProblems,
  period: string = SLOTH_DEFAULT_PERIOD,
): Slo[] {
  const before = problems.count;
  slothPeriod(period);
  const keysHints = hints(KUBERNETES_KEYS);
  const envelope = kubernetesSchema.safeParse(doc.value, {
    reportInput: true,
  });
  if (!envelope.success) {
    problems.addIssues(envelope.error.issues, [], kubernetesSchema, keysHints);
  }
  const raw = isRecord(doc.value) ? doc.value : {};
  let spec: z.infer<typeof kubernetesSpecSchema> | undefined;
  if (isRecord(raw.spec)) {
    const parsed = kubernetesSpecSchema.safeParse(raw.spec, {
      reportInput: true,
    });
    if (parsed.success) spec = parsed.data;
    else {
      problems.addIssues(
        parsed.error.issues,
        ['spec'],
        kubernetesSpecSchema,
        keysHints,
      );
    }
    checkSlothSpec(raw.spec, ['spec'], KUBERNETES_KEYS, problems);
  }
  if (!envelope.success || !spec || problems.count !== before) return [];
  const metadata = envelope.data.metadata;
  return convert(
    spec as never,
    KUBERNETES_KEYS,
    doc,
    'sloth/kubernetes/v1',
    period,
    {
      name: metadata.name,
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      labels: { ...(metadata.labels ?? {}) },
      annotations: { ...(metadata.annotations ?? {}) },
    },
  );
}
