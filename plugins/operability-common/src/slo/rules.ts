/**
 * Prometheus recording and alerting rules for SLOs, with Sloth-compatible record names and
 * labels, as a rule file or as a PrometheusRule resource.
 */
import { stringify } from 'yaml';
import { formatPrometheusDuration } from './duration';
import { metricSourcesOf } from './indicators';
import { errorBudget, goFloat, tidyNumber } from './math';
import type {
  Slo,
  SloAlertCondition,
  SloMetricSource,
  SloOrigin,
  SloRatioIndicator,
  SloSpecFormat,
} from './model';
import {
  alertWindows,
  BurnRateSeverity,
  BurnRateWindow,
  multiwindowTable,
} from './windows';

/** A Prometheus recording rule. @public */
export interface PrometheusRecordingRule {
  record: string;
  expr: string;
  labels?: Record<string, string>;
}

/** A Prometheus alerting rule. @public */
export interface PrometheusAlertingRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A Prometheus rule group. @public */
export interface PrometheusRuleGroup {
  name: string;
  rules: Array<PrometheusRecordingRule | PrometheusAlertingRule>;
}

/** Why an SLO got no rules (or fewer than usual). @public */
export interface RuleWarning {
  ref: string;
  file: string;
  document: number;
  message: string;
}

/** Options of `generatePrometheusRules`. @public */
export interface RuleOptions {
  /**
   * Runbook URL of SLOs that name none (Sloth `runbook_url` annotation, or the OpenSLO
   * annotation `airworthy.dev/runbook-url`); `{service}` and `{slo}` are replaced.
   */
  runbookUrl?: string;
  /**
   * Labels added to every recording rule, e.g. `{ cluster: 'smaug' }` (as Sloth's
   * `--extra-labels`); alerts inherit them from the series.
   */
  labels?: Record<string, string>;
  /** The `sloth_version` label of `sloth_slo_info` (default `airworthy`). */
  version?: string;
}

/** The rule groups of one SLO and where the SLO was read from. @public */
export interface RuleSet {
  origin: SloOrigin;
  groups: PrometheusRuleGroup[];
}

/** Result of `generatePrometheusRules`. @public */
export interface RuleGeneration {
  /** Every group, SLO after SLO. */
  groups: PrometheusRuleGroup[];
  warnings: RuleWarning[];
  /** The groups of each SLO with its origin (`rulesToYaml` puts Sloth CRDs' in their own resource). */
  sets: RuleSet[];
}

/** The annotation of OpenSLO SLOs that names their runbook. @public */
export const RUNBOOK_URL_ANNOTATION = 'airworthy.dev/runbook-url';

const WINDOW_VARIABLE = /\{\{ *\.window *\}\}/g;
const SELECTOR = /^\s*[a-zA-Z_:][a-zA-Z0-9_:]*\s*(\{[^{}]*\})?\s*$/;
const SEVERITY: Record<BurnRateSeverity, string> = {
  page: 'critical',
  ticket: 'warning',
};

const HOUR_MS = 3_600_000;

/** A number in PromQL for OpenSLO condition thresholds: 12 significant digits. */
function number(value: number): string {
  return String(tidyNumber(value));
}

function labelName(key: string): string {
  const cleaned = key.replace(/[^a-zA-Z0-9_]/g, '_');
  return /^[0-9]/.test(cleaned) ? `_${cleaned}` : cleaned;
}

function promLabels(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).map(([key, value]) => [labelName(key), value]),
  );
}

/** Labels with their keys in order, as Sloth (Go's YAML) writes maps. */
function sorted(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(labels).sort(([a], [b]) => {
      if (a === b) return 0;
      return a < b ? -1 : 1;
    }),
  );
}

/** `JupyterhubAvailability` for `jupyterhub-availability`. */
function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map(part => part[0].toUpperCase() + part.slice(1))
    .join('');
}

function hasWindowVariable(query: string): boolean {
  return new RegExp(WINDOW_VARIABLE.source).test(query);
}

/** A PromQL expression of the events of a metric source over a window (without outer parentheses). */
function eventsOver(
  source: SloMetricSource,
  counter: boolean,
  window: string,
): string | undefined {
  const query = source.spec.query;
  if (typeof query !== 'string') return undefined;
  if (hasWindowVariable(query)) return query.replace(WINDOW_VARIABLE, window);
  if (counter) {
    return SELECTOR.test(query)
      ? `sum(rate(${query.trim()}[${window}]))`
      : undefined;
  }
  return `sum_over_time((${query})[${window}:])`;
}

/** Why an SLO cannot get rules; undefined when it can. */
function unsupported(slo: Slo): string | undefined {
  if (slo.budgetingMethod !== 'Occurrences') {
    return `rules are generated for budgetingMethod Occurrences only; ${slo.budgetingMethod} SLOs are evaluated by the backend`;
  }
  const indicator = slo.indicator;
  if (indicator.type === 'threshold') {
    return 'rules are generated for ratio indicators only; threshold indicators are evaluated by the backend';
  }
  for (const source of metricSourcesOf(indicator)) {
    if (source.type.toLowerCase() !== 'prometheus') {
      return `rules need Prometheus metric sources, not ${source.type}`;
    }
    if (typeof source.spec.query !== 'string') {
      return 'a Prometheus metric source needs spec.query';
    }
  }
  if (indicator.type === 'ratio') {
    const probe = metricSourcesOf(indicator).find(
      s => eventsOver(s, indicator.counter, '5m') === undefined,
    );
    if (probe) {
      return `the counter query "${probe.spec.query}" is neither a metric selector nor uses {{.window}}: write it as a selector (http_requests_total{job="api"}) or with a range of {{.window}}, e.g. sum(rate(http_requests_total[{{.window}}]))`;
    }
  }
  return undefined;
}

/**
 * Error ratio of an SLO over a window, from its queries, written as Sloth writes it: events
 * `(errors)\n/\n(total)\n`, raw `(ratio)`, and an OpenSLO v1alpha objective (good and total)
 * as Sloth's raw `1 - (good / total)`.
 */
function errorRatioExpr(slo: Slo, window: string): string {
  const indicator = slo.indicator;
  if (indicator.type === 'raw') {
    const query = indicator.raw.spec.query as string;
    const ratio = hasWindowVariable(query)
      ? `(${query.replace(WINDOW_VARIABLE, window)})`
      : `avg_over_time((${query})[${window}:])`;
    return indicator.rawType === 'failure' ? ratio : `1 - ${ratio}`;
  }
  if (indicator.type !== 'ratio') throw new Error('unsupported indicator');
  const total = eventsOver(indicator.total, indicator.counter, window)!;
  if (indicator.bad) {
    return `(${eventsOver(
      indicator.bad,
      indicator.counter,
      window,
    )})\n/\n(${total})\n`;
  }
  const good = eventsOver(indicator.good!, indicator.counter, window)!;
  if (slo.origin.format === 'openslo/v1alpha') {
    return `(\n  1 - (\n    (\n      ${good}\n    )\n    /\n    (\n      ${total}\n    )\n  )\n)`;
  }
  return `1 - (\n(${good})\n/\n(${total})\n)\n`;
}

/** Bad events per second over 5 minutes (Airworthy's exact period ratio sums these). */
function errorEventsExpr(indicator: SloRatioIndicator): string {
  const total = eventsOver(indicator.total, indicator.counter, '5m')!;
  if (indicator.bad) return eventsOver(indicator.bad, indicator.counter, '5m')!;
  return `(${total})\n-\n(${eventsOver(
    indicator.good!,
    indicator.counter,
    '5m',
  )})\n`;
}

function runbookUrl(slo: Slo, options: RuleOptions): string | undefined {
  const alerting = slo.alerting;
  const written =
    alerting?.annotations.runbook_url ??
    alerting?.page.annotations.runbook_url ??
    slo.annotations[RUNBOOK_URL_ANNOTATION];
  if (written) return written;
  return options.runbookUrl
    ?.replace(/\{service\}/g, slo.service)
    .replace(/\{slo\}/g, slo.name);
}

const COMPARE: Record<SloAlertCondition['op'], string> = {
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
};

/** The `sloth_mode` and `sloth_spec` of `sloth_slo_info`, by the format the SLO was read from. */
const SLOTH_INFO: Record<SloSpecFormat, { mode: string; spec: string }> = {
  'sloth/prometheus/v1': { mode: 'cli-gen-prom', spec: 'prometheus/v1' },
  'sloth/kubernetes/v1': { mode: 'cli-gen-k8s', spec: 'sloth.slok.dev/v1' },
  'openslo/v1alpha': { mode: 'cli-gen-openslo', spec: 'openslo/v1alpha' },
  'openslo/v1': { mode: 'cli-gen-openslo', spec: 'openslo/v1' },
};

/** The objective in percent: as a Sloth spec wrote it, else the target x 100. */
function objectivePercent(slo: Slo): number {
  return slo.objectivePercent ?? tidyNumber(slo.target * 100);
}

/**
 * The burn-rate factor of a row as Sloth computes it (in float64, in this order), so that the
 * numbers in the rules are Sloth's to the last digit: 5.6000000000000005 for 5% in 6h of 28d.
 */
function slothFactor(row: BurnRateWindow, periodMs: number): number {
  const periodHours = periodMs / HOUR_MS;
  return (
    (row.budgetConsumed * 100 * periodHours) /
    100 /
    (row.longWindowMs / HOUR_MS)
  );
}

/**
 * Prometheus rules for SLOs, the groups and rules that Sloth writes for the same spec, so that
 * dashboards and alert routes built on Sloth's names keep working:
 *
 * - `sloth-slo-sli-recordings-<ref>`: `slo:sli_error:ratio_rate<W>` for every window of the
 *   multiwindow table (5m, 30m, 1h, 2h, 6h, 1d, 3d) and of OpenSLO alert conditions, from the
 *   SLO's queries, and `slo:sli_error:ratio_rate<period>` (Sloth's average of the 5-minute
 *   ratios). Windows are spelt as Prometheus spells durations: a 28-day period is `4w`.
 * - `sloth-slo-meta-recordings-<ref>`: `slo:objective:ratio`, `slo:error_budget:ratio`,
 *   `slo:time_period:days`, `slo:current_burn_rate:ratio`, `slo:period_burn_rate:ratio`,
 *   `slo:period_error_budget_remaining:ratio` and `sloth_slo_info`;
 * - `sloth-slo-alerts-<ref>`: two alerts, page and ticket, each OR-ing its two window pairs
 *   (both windows above factor x error budget), without `for`, labelled `sloth_severity` and
 *   annotated with Sloth's `title` and `summary`. A Sloth spec names the alerts, can disable
 *   either and adds labels and annotations. An OpenSLO SLO with alert policies gets an alert per
 *   burn-rate condition instead.
 *
 * Every recording rule carries `sloth_id` (the ref), `sloth_service`, `sloth_slo` and the SLO's
 * labels, as Sloth's do. Airworthy adds, without changing any of the above: the group
 * `airworthy-slo-recordings-<ref>` for event-based SLIs (`airworthy:sli_error_events:rate5m`,
 * `airworthy:sli_total_events:rate5m` and the exact period ratio
 * `airworthy:sli_error:ratio_rate<period>`, sum of bad over sum of all events); on alerts a
 * `severity` label (`critical` for page, `warning` for ticket) unless the spec sets one, and a
 * `runbook_url` annotation when one is known. SLOs that cannot get rules (Timeslices, threshold
 * indicators, other sources) are reported in `warnings`.
 * @public
 */
export function generatePrometheusRules(
  slos: ReadonlyArray<Slo>,
  options: RuleOptions = {},
): RuleGeneration {
  const groups: PrometheusRuleGroup[] = [];
  const warnings: RuleWarning[] = [];
  const sets: RuleSet[] = [];
  const warn = (slo: Slo, message: string) =>
    warnings.push({
      ref: slo.ref,
      file: slo.origin.file,
      document: slo.origin.document,
      message,
    });

  for (const slo of slos) {
    const reason = unsupported(slo);
    if (reason) {
      warn(slo, `no rules: ${reason}`);
      continue;
    }
    const sloGroups: PrometheusRuleGroup[] = [];
    const ids = {
      sloth_id: slo.ref,
      sloth_service: slo.service,
      sloth_slo: slo.name,
    };
    const sloLabels = {
      ...promLabels(slo.labels),
      ...promLabels(options.labels ?? {}),
    };
    const labels = sorted({ ...ids, ...sloLabels });
    const windowLabels = (window: string) =>
      sorted({ ...ids, sloth_window: window, ...sloLabels });
    const filter = `{${Object.entries(sorted(ids))
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ')}}`;
    const periodMs = slo.timeWindow.durationMs;
    const period = formatPrometheusDuration(periodMs);
    const table = multiwindowTable(periodMs, slo.target);
    const conditions = slo.alertPolicies
      .filter(policy => policy.alertWhenBreaching)
      .flatMap(policy =>
        policy.conditions.map(condition => ({ policy, condition })),
      );

    const windows = new Set<number>([5 * 60_000]);
    for (const { windowMs } of alertWindows(table)) windows.add(windowMs);
    for (const { condition } of conditions) {
      windows.add(condition.lookbackWindowMs);
    }
    const sliRules: PrometheusRecordingRule[] = [...windows]
      .sort((a, b) => a - b)
      .map(ms => formatPrometheusDuration(ms))
      .map(window => ({
        record: `slo:sli_error:ratio_rate${window}`,
        expr: errorRatioExpr(slo, window),
        labels: windowLabels(window),
      }));
    if (!windows.has(periodMs)) {
      const rate5m = `slo:sli_error:ratio_rate5m${filter}`;
      sliRules.push({
        record: `slo:sli_error:ratio_rate${period}`,
        expr:
          `sum_over_time(${rate5m}[${period}])\n` +
          `/ ignoring (sloth_window)\n` +
          `count_over_time(${rate5m}[${period}])\n`,
        labels: windowLabels(period),
      });
    }
    sloGroups.push({
      name: `sloth-slo-sli-recordings-${slo.ref}`,
      rules: sliRules,
    });

    const objective = objectivePercent(slo);
    const objectiveRatio = goFloat(objective / 100);
    const burnRate = (record: string) =>
      `${record}${filter}\n/ on(sloth_id, sloth_slo, sloth_service) group_left\nslo:error_budget:ratio${filter}\n`;
    const info = SLOTH_INFO[slo.origin.format];
    sloGroups.push({
      name: `sloth-slo-meta-recordings-${slo.ref}`,
      rules: [
        {
          record: 'slo:objective:ratio',
          expr: `vector(${objectiveRatio})`,
          labels,
        },
        {
          record: 'slo:error_budget:ratio',
          expr: `vector(1-${objectiveRatio})`,
          labels,
        },
        {
          record: 'slo:time_period:days',
          expr: `vector(${goFloat(periodMs / HOUR_MS / 24)})`,
          labels,
        },
        {
          record: 'slo:current_burn_rate:ratio',
          expr: burnRate('slo:sli_error:ratio_rate5m'),
          labels,
        },
        {
          record: 'slo:period_burn_rate:ratio',
          expr: burnRate(`slo:sli_error:ratio_rate${period}`),
          labels,
        },
        {
          record: 'slo:period_error_budget_remaining:ratio',
          expr: `1 - slo:period_burn_rate:ratio${filter}`,
          labels,
        },
        {
          record: 'sloth_slo_info',
          expr: 'vector(1)',
          labels: sorted({
            ...labels,
            sloth_version: options.version ?? 'airworthy',
            sloth_mode: info.mode,
            sloth_spec: info.spec,
            sloth_objective: String(objective),
          }),
        },
      ],
    });

    const runbook = runbookUrl(slo, options);
    if (!runbook) {
      warn(
        slo,
        `no runbook_url: add the annotation ${RUNBOOK_URL_ANNOTATION} (OpenSLO), alerting.annotations.runbook_url (Sloth) or pass a runbook URL template`,
      );
    }
    const alerts: PrometheusAlertingRule[] = [];
    if (conditions.length > 0) {
      const budget = errorBudget(slo.target);
      for (const { policy, condition } of conditions) {
        const window = formatPrometheusDuration(condition.lookbackWindowMs);
        const severity =
          SEVERITY[condition.severity as BurnRateSeverity] ??
          condition.severity;
        const alert: PrometheusAlertingRule = {
          alert: `${pascalCase(slo.name)}${pascalCase(policy.name)}`,
          expr: `slo:sli_error:ratio_rate${window}${filter} / ${number(
            budget,
          )} ${COMPARE[condition.op]} ${number(condition.threshold)}`,
          labels: sorted({
            severity,
            sloth_severity: condition.severity,
            ...(policy.notificationTargets.length
              ? {
                  notification_targets: policy.notificationTargets
                    .map(t => t.name)
                    .join(','),
                }
              : {}),
          }),
          annotations: {
            summary: `SLO ${slo.ref} of ${
              slo.service
            }: burn rate over ${window} ${COMPARE[condition.op]} ${number(
              condition.threshold,
            )} (alert policy ${policy.name})`,
            description:
              `The error budget of ${slo.ref} (objective ${number(
                slo.target * 100,
              )}% over ${period}) burns at ` +
              `{{ $value | printf "%.2f" }} times the sustainable rate over the last ${window}.`,
            ...(runbook ? { runbook_url: runbook } : {}),
          },
        };
        if (condition.alertAfterMs > 0) {
          alert.for = formatPrometheusDuration(condition.alertAfterMs);
        }
        alerts.push(alert);
      }
    } else {
      const budgetRatio = goFloat((100 - objective) / 100);
      const alertName =
        slo.alerting?.name ?? `${pascalCase(slo.name)}ErrorBudgetBurn`;
      for (const severity of ['page', 'ticket'] as const) {
        const kind = slo.alerting?.[severity];
        if (kind && !kind.enabled) continue;
        const rows = table.filter(row => row.severity === severity);
        if (!rows.length) continue;
        const above = (window: string, factor: string) =>
          `max(slo:sli_error:ratio_rate${window}${filter} > (${factor} * ${budgetRatio})) without (sloth_window)`;
        const expr = rows
          .map(row => {
            const factor = goFloat(slothFactor(row, periodMs));
            return `(\n    ${above(
              formatPrometheusDuration(row.shortWindowMs),
              factor,
            )}\n    and\n    ${above(
              formatPrometheusDuration(row.longWindowMs),
              factor,
            )}\n)`;
          })
          .join('\nor\n');
        alerts.push({
          alert: alertName,
          expr: `${expr}\n`,
          labels: sorted({
            severity: SEVERITY[severity],
            sloth_severity: severity,
            ...promLabels(slo.alerting?.labels ?? {}),
            ...promLabels(kind?.labels ?? {}),
          }),
          annotations: sorted({
            title: `(${severity}) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.`,
            summary:
              '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.',
            ...(runbook ? { runbook_url: runbook } : {}),
            ...(slo.alerting?.annotations ?? {}),
            ...(kind?.annotations ?? {}),
          }),
        });
      }
    }
    if (alerts.length) {
      sloGroups.push({ name: `sloth-slo-alerts-${slo.ref}`, rules: alerts });
    }

    const indicator = slo.indicator;
    if (indicator.type === 'ratio') {
      const events = (record: string) => `${record}${filter}[${period}]`;
      sloGroups.push({
        name: `airworthy-slo-recordings-${slo.ref}`,
        rules: [
          {
            record: 'airworthy:sli_error_events:rate5m',
            expr: errorEventsExpr(indicator),
            labels: windowLabels('5m'),
          },
          {
            record: 'airworthy:sli_total_events:rate5m',
            expr: eventsOver(indicator.total, indicator.counter, '5m')!,
            labels: windowLabels('5m'),
          },
          {
            record: `airworthy:sli_error:ratio_rate${period}`,
            expr:
              `sum_over_time(${events(
                'airworthy:sli_error_events:rate5m',
              )})\n` +
              `/ ignoring (sloth_window)\n` +
              `sum_over_time(${events('airworthy:sli_total_events:rate5m')})\n`,
            labels: windowLabels(period),
          },
        ],
      });
    }
    groups.push(...sloGroups);
    sets.push({ origin: slo.origin, groups: sloGroups });
  }
  return { groups, warnings, sets };
}

/** Options of `rulesToYaml`. @public */
export interface RulesYamlOptions {
  /** `prometheus`: a rule file (`groups:`); `prometheus-operator`: a PrometheusRule resource. */
  format: 'prometheus' | 'prometheus-operator';
  /** PrometheusRule `metadata.name` (default `airworthy-slos`). */
  name?: string;
  /** PrometheusRule `metadata.namespace`. */
  namespace?: string;
  /** PrometheusRule `metadata.labels` (what the Prometheus's ruleSelector matches). */
  labels?: Record<string, string>;
}

const YAML_OPTIONS = {
  version: '1.2',
  compat: 'yaml-1.1',
  lineWidth: 0,
  aliasDuplicateObjects: false,
} as const;

function prometheusRule(
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  },
  groups: ReadonlyArray<PrometheusRuleGroup>,
) {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: metadata.name,
      ...(metadata.namespace ? { namespace: metadata.namespace } : {}),
      ...(metadata.labels && Object.keys(metadata.labels).length
        ? { labels: metadata.labels }
        : {}),
      ...(metadata.annotations && Object.keys(metadata.annotations).length
        ? { annotations: metadata.annotations }
        : {}),
    },
    spec: { groups },
  };
}

/**
 * Writes rules as YAML: a Prometheus rule file, or PrometheusRule resources
 * (`monitoring.coreos.com/v1`) for the Prometheus Operator. Given a `RuleGeneration`, the SLOs
 * of each Sloth `PrometheusServiceLevel` get their own PrometheusRule, as Sloth's Kubernetes
 * mode writes it (the CRD's name, namespace, labels and annotations, with the labels
 * `app.kubernetes.io/component: SLO` and `app.kubernetes.io/managed-by: sloth`, so that rule
 * selectors keep matching); the other SLOs' rules go into one resource named by the options.
 * @public
 */
export function rulesToYaml(
  rules: ReadonlyArray<PrometheusRuleGroup> | RuleGeneration,
  options: RulesYamlOptions,
): string {
  const generation = 'sets' in rules ? rules : undefined;
  const groups = generation
    ? generation.groups
    : (rules as PrometheusRuleGroup[]);
  if (options.format === 'prometheus') {
    return stringify({ groups }, YAML_OPTIONS);
  }
  const documents: unknown[] = [];
  const rest: PrometheusRuleGroup[] = [];
  const byResource = new Map<string, PrometheusRuleGroup[]>();
  const resources: Array<{ key: string; set: RuleSet }> = [];
  for (const set of generation?.sets ?? [{ origin: undefined, groups }]) {
    const kubernetes = set.origin?.kubernetes;
    if (!kubernetes) {
      rest.push(...set.groups);
      continue;
    }
    const key = JSON.stringify([kubernetes.namespace ?? '', kubernetes.name]);
    if (!byResource.has(key)) {
      byResource.set(key, []);
      resources.push({ key, set: set as RuleSet });
    }
    byResource.get(key)!.push(...set.groups);
  }
  if (rest.length || resources.length === 0) {
    documents.push(
      prometheusRule(
        {
          name: options.name ?? 'airworthy-slos',
          namespace: options.namespace,
          labels: options.labels,
        },
        rest,
      ),
    );
  }
  for (const { key, set } of resources) {
    const kubernetes = set.origin.kubernetes!;
    documents.push(
      prometheusRule(
        {
          name: kubernetes.name,
          namespace: kubernetes.namespace ?? options.namespace,
          labels: {
            ...kubernetes.labels,
            ...(options.labels ?? {}),
            'app.kubernetes.io/component': 'SLO',
            'app.kubernetes.io/managed-by': 'sloth',
          },
          annotations: kubernetes.annotations,
        },
        byResource.get(key)!,
      ),
    );
  }
  return documents
    .map(document => stringify(document, YAML_OPTIONS))
    .join('---\n');
}
