/**
 * Prometheus recording and alerting rules for SLOs, with Sloth-compatible record names and
 * labels, as a rule file or as a PrometheusRule resource.
 */
import { stringify } from 'yaml';
import { formatDurationShorthand } from './duration';
import { metricSourcesOf } from './indicators';
import { errorBudget, tidyNumber } from './math';
import type { Slo, SloAlertCondition, SloMetricSource } from './model';
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
  /** Labels added to every rule, e.g. `{ cluster: 'smaug' }`. */
  labels?: Record<string, string>;
}

/** Result of `generatePrometheusRules`. @public */
export interface RuleGeneration {
  groups: PrometheusRuleGroup[];
  warnings: RuleWarning[];
}

/** The annotation of OpenSLO SLOs that names their runbook. @public */
export const RUNBOOK_URL_ANNOTATION = 'airworthy.dev/runbook-url';

const WINDOW_VARIABLE = /\{\{ *\.window *\}\}/g;
const SELECTOR = /^\s*[a-zA-Z_:][a-zA-Z0-9_:]*\s*(\{[^{}]*\})?\s*$/;
const SEVERITY: Record<BurnRateSeverity, string> = {
  page: 'critical',
  ticket: 'warning',
};

/** A number in PromQL: 12 significant digits. */
function number(value: number): string {
  return String(tidyNumber(value));
}

/** A number for people: 4 significant digits (0.9333, 1.867). */
function human(value: number): string {
  return String(Number(value.toPrecision(4)));
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

/** `JupyterhubAvailability` for `jupyterhub-availability`. */
function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map(part => part[0].toUpperCase() + part.slice(1))
    .join('');
}

/** A PromQL expression of the events of a metric source over a window. */
function eventsOver(
  source: SloMetricSource,
  counter: boolean,
  window: string,
): string | undefined {
  const query = source.spec.query;
  if (typeof query !== 'string') return undefined;
  if (new RegExp(WINDOW_VARIABLE.source).test(query)) {
    return `(${query.replace(WINDOW_VARIABLE, window)})`;
  }
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

/** Error ratio of an SLO over a window, from its queries. */
function errorRatioExpr(slo: Slo, window: string): string {
  const indicator = slo.indicator;
  if (indicator.type === 'raw') {
    const query = indicator.raw.spec.query as string;
    const ratio = new RegExp(WINDOW_VARIABLE.source).test(query)
      ? `(${query.replace(WINDOW_VARIABLE, window)})`
      : `avg_over_time((${query})[${window}:])`;
    return indicator.rawType === 'failure' ? ratio : `1 - ${ratio}`;
  }
  if (indicator.type !== 'ratio') throw new Error('unsupported indicator');
  const total = eventsOver(indicator.total, indicator.counter, window)!;
  if (indicator.bad) {
    return `${eventsOver(
      indicator.bad,
      indicator.counter,
      window,
    )}\n/\n${total}`;
  }
  const good = eventsOver(indicator.good!, indicator.counter, window)!;
  return `1 - (\n${good}\n/\n${total}\n)`;
}

function runbookUrl(slo: Slo, options: RuleOptions): string | undefined {
  const alerting = slo.alerting;
  const written =
    alerting?.annotations.runbook_url ??
    slo.annotations[RUNBOOK_URL_ANNOTATION];
  if (written) return written;
  return options.runbookUrl
    ?.replace(/\{service\}/g, slo.service)
    .replace(/\{slo\}/g, slo.name);
}

/** The multiwindow table of an SLO's period, windows in d/h/m. */
function tableOf(slo: Slo): BurnRateWindow[] {
  return multiwindowTable(slo.timeWindow.durationMs, slo.target);
}

const COMPARE: Record<SloAlertCondition['op'], string> = {
  lt: '<',
  lte: '<=',
  gt: '>',
  gte: '>=',
};

/**
 * Prometheus rules for SLOs, three groups per SLO as Sloth writes them:
 *
 * - `sloth-slo-sli-recordings-<ref>`: `slo:sli_error:ratio_rate<W>` for every window of the
 *   multiwindow table (5m, 30m, 1h, 2h, 6h, 1d, 3d) and of OpenSLO alert conditions, from the
 *   SLO's queries; `slo:sli_error_events:rate5m` and `slo:sli_total_events:rate5m`; and
 *   `slo:sli_error:ratio_rate<period>` as the sum of bad over the sum of total events of the
 *   period (not an average of 5-minute ratios; raw SLIs, which have no counts, are averaged);
 * - `sloth-slo-meta-recordings-<ref>`: `slo:objective:ratio`, `slo:error_budget:ratio`,
 *   `slo:time_period:days`, `slo:current_burn_rate:ratio`, `slo:period_burn_rate:ratio`,
 *   `slo:period_error_budget_remaining:ratio` and `sloth_slo_info`;
 * - `sloth-slo-alerts-<ref>`: one alert per row of the multiwindow table, firing when both
 *   windows' error ratio exceeds factor x (1 - target), `for` the row's `alertAfter`, labelled
 *   `severity` critical (page) or warning (ticket), annotated with `summary`, `description` and
 *   `runbook_url`. An OpenSLO SLO with alert policies gets an alert per burn-rate condition
 *   instead. A Sloth spec can disable page or ticket alerts and add labels and annotations.
 *
 * Every rule carries `sloth_id` (the ref), `sloth_service`, `sloth_slo` and the SLO's labels.
 * SLOs that cannot get rules (Timeslices, threshold indicators, other sources) are reported in
 * `warnings`.
 * @public
 */
export function generatePrometheusRules(
  slos: ReadonlyArray<Slo>,
  options: RuleOptions = {},
): RuleGeneration {
  const groups: PrometheusRuleGroup[] = [];
  const warnings: RuleWarning[] = [];
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
    const ids = {
      sloth_id: slo.ref,
      sloth_service: slo.service,
      sloth_slo: slo.name,
    };
    const common = {
      ...promLabels(slo.labels),
      ...promLabels(options.labels ?? {}),
      ...ids,
    };
    const selector = `{${Object.entries(ids)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(', ')}}`;
    const period = formatDurationShorthand(slo.timeWindow.durationMs);
    const table = tableOf(slo);
    const conditions = slo.alertPolicies
      .filter(policy => policy.alertWhenBreaching)
      .flatMap(policy =>
        policy.conditions.map(condition => ({ policy, condition })),
      );

    const windows = new Map<number, string>();
    for (const { window, windowMs } of alertWindows(table)) {
      windows.set(windowMs, window);
    }
    for (const { condition } of conditions) {
      windows.set(
        condition.lookbackWindowMs,
        formatDurationShorthand(condition.lookbackWindowMs),
      );
    }
    windows.set(300_000, '5m');
    const sliRules: PrometheusRecordingRule[] = [...windows.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([, window]) => ({
        record: `slo:sli_error:ratio_rate${window}`,
        expr: errorRatioExpr(slo, window),
        labels: { ...common, sloth_window: window },
      }));
    const indicator = slo.indicator;
    if (indicator.type === 'ratio') {
      const total = eventsOver(indicator.total, indicator.counter, '5m')!;
      const bad = indicator.bad
        ? eventsOver(indicator.bad, indicator.counter, '5m')!
        : `(\n${total}\n-\n${eventsOver(
            indicator.good!,
            indicator.counter,
            '5m',
          )}\n)`;
      sliRules.push(
        {
          record: 'slo:sli_error_events:rate5m',
          expr: bad,
          labels: { ...common, sloth_window: '5m' },
        },
        {
          record: 'slo:sli_total_events:rate5m',
          expr: total,
          labels: { ...common, sloth_window: '5m' },
        },
        {
          record: `slo:sli_error:ratio_rate${period}`,
          expr:
            `sum_over_time(slo:sli_error_events:rate5m${selector}[${period}])\n` +
            `/ ignoring (sloth_window)\n` +
            `sum_over_time(slo:sli_total_events:rate5m${selector}[${period}])`,
          labels: { ...common, sloth_window: period },
        },
      );
    } else {
      sliRules.push({
        record: `slo:sli_error:ratio_rate${period}`,
        expr: `avg_over_time(slo:sli_error:ratio_rate5m${selector}[${period}])`,
        labels: { ...common, sloth_window: period },
      });
    }
    groups.push({
      name: `sloth-slo-sli-recordings-${slo.ref}`,
      rules: sliRules,
    });

    const budget = errorBudget(slo.target);
    const byIds = 'on (sloth_id, sloth_slo, sloth_service) group_left';
    groups.push({
      name: `sloth-slo-meta-recordings-${slo.ref}`,
      rules: [
        {
          record: 'slo:objective:ratio',
          expr: `vector(${number(slo.target)})`,
          labels: common,
        },
        {
          record: 'slo:error_budget:ratio',
          expr: `vector(${number(budget)})`,
          labels: common,
        },
        {
          record: 'slo:time_period:days',
          expr: `vector(${number(slo.timeWindow.durationMs / 86_400_000)})`,
          labels: common,
        },
        {
          record: 'slo:current_burn_rate:ratio',
          expr: `slo:sli_error:ratio_rate5m${selector}\n/ ${byIds}\nslo:error_budget:ratio${selector}`,
          labels: common,
        },
        {
          record: 'slo:period_burn_rate:ratio',
          expr: `slo:sli_error:ratio_rate${period}${selector}\n/ ${byIds}\nslo:error_budget:ratio${selector}`,
          labels: common,
        },
        {
          record: 'slo:period_error_budget_remaining:ratio',
          expr: `1 - slo:period_burn_rate:ratio${selector}`,
          labels: common,
        },
        {
          record: 'sloth_slo_info',
          expr: 'vector(1)',
          labels: {
            ...common,
            sloth_mode: 'cli-gen-prom',
            sloth_spec: 'airworthy',
            sloth_objective: number(slo.target * 100),
          },
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
    const alertName =
      slo.alerting?.name ?? `${pascalCase(slo.name)}ErrorBudgetBurn`;
    const objective = `${number(slo.target * 100)}%`;
    const alerts: PrometheusAlertingRule[] = [];
    if (conditions.length > 0) {
      for (const { policy, condition } of conditions) {
        const window = formatDurationShorthand(condition.lookbackWindowMs);
        const severity =
          SEVERITY[condition.severity as BurnRateSeverity] ??
          condition.severity;
        const alert: PrometheusAlertingRule = {
          alert: `${pascalCase(slo.name)}${pascalCase(policy.name)}`,
          expr: `slo:sli_error:ratio_rate${window}${selector} / ${number(
            budget,
          )} ${COMPARE[condition.op]} ${number(condition.threshold)}`,
          labels: {
            ...common,
            severity,
            sloth_severity: condition.severity,
            ...(policy.notificationTargets.length
              ? {
                  notification_targets: policy.notificationTargets
                    .map(t => t.name)
                    .join(','),
                }
              : {}),
          },
          annotations: {
            summary: `SLO ${slo.ref} of ${
              slo.service
            }: burn rate over ${window} ${COMPARE[condition.op]} ${number(
              condition.threshold,
            )} (alert policy ${policy.name})`,
            description:
              `The error budget of ${slo.ref} (objective ${objective} over ${period}) burns at ` +
              `{{ $value | printf "%.2f" }} times the sustainable rate over the last ${window}.`,
            ...(runbook ? { runbook_url: runbook } : {}),
          },
        };
        if (condition.alertAfterMs > 0) {
          alert.for = formatDurationShorthand(condition.alertAfterMs);
        }
        alerts.push(alert);
      }
    } else {
      for (const row of table) {
        const kind = slo.alerting?.[row.severity];
        if (kind && !kind.enabled) continue;
        const threshold = `(${number(row.burnRateFactor)} * ${number(budget)})`;
        alerts.push({
          alert: alertName,
          expr:
            `max(slo:sli_error:ratio_rate${row.shortWindow}${selector} > ${threshold}) without (sloth_window)\n` +
            `and\n` +
            `max(slo:sli_error:ratio_rate${row.longWindow}${selector} > ${threshold}) without (sloth_window)`,
          for: row.alertAfter,
          labels: {
            ...common,
            severity: SEVERITY[row.severity],
            sloth_severity: row.severity,
            long_window: row.longWindow,
            ...promLabels(slo.alerting?.labels ?? {}),
            ...promLabels(kind?.labels ?? {}),
          },
          annotations: {
            summary: `SLO ${slo.ref} of ${
              slo.service
            } is burning its error budget ${human(
              row.burnRateFactor,
            )}x too fast`,
            description:
              `Over the last ${row.longWindow} and ${row.shortWindow} the error ratio of ${slo.ref} ` +
              `exceeded ${human(row.burnRateFactor * budget * 100)}% (${human(
                row.burnRateFactor,
              )} x the ${human(
                budget * 100,
              )}% budget of a ${objective} objective over ${period}): ` +
              `at this rate ${human(
                row.budgetConsumed * 100,
              )}% of the ${period} error budget ` +
              `is spent in ${row.longWindow}.`,
            ...(runbook ? { runbook_url: runbook } : {}),
            ...(slo.alerting?.annotations ?? {}),
            ...(kind?.annotations ?? {}),
          },
        });
      }
    }
    if (alerts.length) {
      groups.push({ name: `sloth-slo-alerts-${slo.ref}`, rules: alerts });
    }
  }
  return { groups, warnings };
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

/**
 * Writes rule groups as YAML: a Prometheus rule file, or a PrometheusRule resource
 * (`monitoring.coreos.com/v1`) for the Prometheus Operator.
 * @public
 */
export function rulesToYaml(
  groups: ReadonlyArray<PrometheusRuleGroup>,
  options: RulesYamlOptions,
): string {
  const body = { groups };
  const document =
    options.format === 'prometheus'
      ? body
      : {
          apiVersion: 'monitoring.coreos.com/v1',
          kind: 'PrometheusRule',
          metadata: {
            name: options.name ?? 'airworthy-slos',
            ...(options.namespace ? { namespace: options.namespace } : {}),
            ...(options.labels && Object.keys(options.labels).length
              ? { labels: options.labels }
              : {}),
          },
          spec: body,
        };
  return stringify(document, {
    version: '1.2',
    compat: 'yaml-1.1',
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
}
