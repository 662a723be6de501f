/**
 * The normalized model back to OpenSLO v1 YAML.
 */
import { stringify } from 'yaml';
import type {
  Slo,
  SloAlertCondition,
  SloAlertPolicy,
  SloDataSource,
  SloIndicator,
  SloMetricSource,
  SloNotificationTarget,
} from './model';
import { metricSourcesOf } from './indicators';
import { OPENSLO_API_VERSION } from './opensloSchemas';

type Json = Record<string, unknown>;

function compact(value: Json): Json {
  for (const key of Object.keys(value)) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

function nonEmpty(
  record: Record<string, string>,
): Record<string, string> | undefined {
  return Object.keys(record).length ? { ...record } : undefined;
}

function metric(source: SloMetricSource): Json {
  return {
    metricSource: compact({
      metricSourceRef: source.dataSource?.name,
      type: source.type,
      spec: source.spec,
    }),
  };
}

function indicatorSpec(indicator: SloIndicator): Json {
  const spec: Json = compact({ description: indicator.description });
  if (indicator.type === 'threshold') {
    spec.thresholdMetric = metric(indicator.metric);
  } else if (indicator.type === 'raw') {
    spec.ratioMetric = {
      rawType: indicator.rawType,
      raw: metric(indicator.raw),
    };
  } else {
    spec.ratioMetric = compact({
      counter: indicator.counter,
      good: indicator.good && metric(indicator.good),
      bad: indicator.bad && metric(indicator.bad),
      total: metric(indicator.total),
    });
  }
  return spec;
}

function inlineIndicator(indicator: SloIndicator, fallbackName: string): Json {
  return {
    metadata: compact({
      name: indicator.name ?? fallbackName,
      displayName: indicator.displayName,
    }),
    spec: indicatorSpec(indicator),
  };
}

function condition(c: SloAlertCondition): Json {
  return {
    kind: 'AlertCondition',
    metadata: compact({ name: c.name, displayName: c.displayName }),
    spec: compact({
      description: c.description,
      severity: c.severity,
      condition: {
        kind: c.kind,
        op: c.op,
        threshold: c.threshold,
        lookbackWindow: c.lookbackWindow,
        alertAfter: c.alertAfter,
      },
    }),
  };
}

function notificationTarget(t: SloNotificationTarget): Json {
  return {
    kind: 'AlertNotificationTarget',
    metadata: compact({ name: t.name, displayName: t.displayName }),
    spec: compact({ target: t.target, description: t.description }),
  };
}

function alertPolicy(policy: SloAlertPolicy): Json {
  return {
    kind: 'AlertPolicy',
    metadata: compact({ name: policy.name, displayName: policy.displayName }),
    spec: compact({
      description: policy.description,
      alertWhenNoData: policy.alertWhenNoData,
      alertWhenResolved: policy.alertWhenResolved,
      alertWhenBreaching: policy.alertWhenBreaching,
      conditions: policy.conditions.map(condition),
      notificationTargets: policy.notificationTargets.map(notificationTarget),
    }),
  };
}

function dataSourcesOf(slo: Slo): SloDataSource[] {
  return metricSourcesOf(slo.indicator).flatMap(s =>
    s.dataSource ? [s.dataSource] : [],
  );
}

function sloDocument(objectives: Slo[]): Json {
  const first = objectives[0];
  const indicatorJson = (slo: Slo) => JSON.stringify(slo.indicator);
  const shared = objectives.every(
    slo => indicatorJson(slo) === indicatorJson(first),
  );
  const window = first.timeWindow;
  return {
    apiVersion: OPENSLO_API_VERSION,
    kind: 'SLO',
    metadata: compact({
      name: first.name,
      displayName: first.displayName,
      labels: nonEmpty(first.labels),
      annotations: nonEmpty(first.annotations),
    }),
    spec: compact({
      description: first.description,
      service: first.service,
      indicator: shared
        ? inlineIndicator(first.indicator, `${first.name}-sli`)
        : undefined,
      timeWindow: [
        window.isRolling
          ? { duration: window.duration, isRolling: true }
          : {
              duration: window.duration,
              calendar: window.calendar,
              isRolling: false,
            },
      ],
      budgetingMethod: first.budgetingMethod,
      objectives: objectives.map(slo =>
        compact({
          displayName: slo.objective.displayName,
          op: slo.objective.op,
          value: slo.objective.value,
          target: slo.target,
          timeSliceTarget: slo.timeSlice?.target,
          timeSliceWindow: slo.timeSlice?.window,
          compositeWeight: slo.objective.compositeWeight,
          indicator: shared
            ? undefined
            : inlineIndicator(
                slo.indicator,
                `${slo.name}-sli-${slo.objective.index}`,
              ),
        }),
      ),
      alertPolicies: first.alertPolicies.length
        ? first.alertPolicies.map(alertPolicy)
        : undefined,
    }),
  };
}

/** Options of `toOpenSloYaml`. @public */
export interface ToOpenSloYamlOptions {
  /**
   * Write the DataSources' `connectionDetails`, which may hold credentials (default false: an
   * export served over HTTP must not carry them).
   */
  includeConnectionDetails?: boolean;
}

/**
 * Writes SLOs as OpenSLO v1 YAML: one SLO document per `name` (its objectives in
 * `objective.index` order), indicators and alert policies inline, and before them one DataSource
 * document per data source the indicators name (`metricSourceRef`). Parsing the output gives the
 * same SLOs back (except `origin`, the Sloth-only `alerting`, and connection details unless
 * `includeConnectionDetails`). Strings that YAML 1.1 tools
 * would read as dates or booleans are quoted.
 * @public
 */
export function toOpenSloYaml(
  slos: ReadonlyArray<Slo>,
  options: ToOpenSloYamlOptions = {},
): string {
  const groups = new Map<string, Slo[]>();
  for (const slo of slos) {
    const group = groups.get(slo.name) ?? [];
    group.push(slo);
    groups.set(slo.name, group);
  }
  const dataSources = new Map<string, SloDataSource>();
  for (const slo of slos) {
    for (const dataSource of dataSourcesOf(slo)) {
      if (!dataSources.has(dataSource.name)) {
        dataSources.set(dataSource.name, dataSource);
      }
    }
  }
  const documents: Json[] = [];
  for (const dataSource of dataSources.values()) {
    documents.push({
      apiVersion: OPENSLO_API_VERSION,
      kind: 'DataSource',
      metadata: compact({
        name: dataSource.name,
        displayName: dataSource.displayName,
      }),
      spec: compact({
        description: dataSource.description,
        type: dataSource.type,
        connectionDetails: options.includeConnectionDetails
          ? dataSource.connectionDetails
          : undefined,
      }),
    });
  }
  for (const group of groups.values()) {
    group.sort((a, b) => a.objective.index - b.objective.index);
    documents.push(sloDocument(group));
  }
  return documents
    .map(doc =>
      stringify(doc, { version: '1.2', compat: 'yaml-1.1', lineWidth: 0 }),
    )
    .join('---\n');
}
