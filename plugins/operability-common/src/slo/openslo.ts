/**
 * OpenSLO v1 documents: validation of each document, resolution of references within the set
 * of documents given, and normalization into `Slo`s.
 */
import { z } from 'zod';
import type { SloValidationError } from '../api/types';
import { DURATION_UNIT_MS, durationToMs, parseDuration } from './duration';
import { percentToRatio } from './math';
import type {
  Slo,
  SloAlertCondition,
  SloAlertPolicy,
  SloDataSource,
  SloIndicator,
  SloMetricSource,
  SloNotificationTarget,
  SloTimeSlice,
  SloTimeWindow,
} from './model';
import { checkSliSpec, checkSloSpec } from './opensloChecks';
import {
  envelopeSchema,
  OPENSLO_HINTS,
  OPENSLO_KINDS,
  OPENSLO_SPEC_SCHEMAS,
  OpenSloAlertConditionSpec,
  OpenSloAlertPolicySpec,
  OpenSloDataSourceSpec,
  OpenSloKind,
  OpenSloMetadata,
  OpenSloMetricSource,
  OpenSloNotificationTargetSpec,
  OpenSloSliSpec,
  OpenSloSloSpec,
  OpenSloTimeWindow,
} from './opensloSchemas';
import { DocumentProblems, FieldPath, isRecord } from './validation';
import type { YamlDocument } from './yamlDocuments';

/** The time window of an SLO that does not write one: 28 days, rolling. */
const DEFAULT_TIME_WINDOW: Readonly<SloTimeWindow> = {
  duration: '28d',
  durationMs: 28 * DURATION_UNIT_MS.d,
  isRolling: true,
};

/** One OpenSLO document, validated on its own. */
interface Entry {
  kind: OpenSloKind;
  name: string;
  file: string;
  document: number;
  problems: DocumentProblems;
  metadata?: OpenSloMetadata;
  /** The spec as zod parsed it; undefined when the document has problems. */
  spec?: unknown;
  /** Set for kinds other than SLO once resolved (undefined: invalid). */
  resolved?: unknown;
  /** The spec as written. */
  raw: unknown;
  /** The whole document as written. */
  value: unknown;
  /** Set when an identical document of the same kind and name came first. */
  duplicateOf?: Entry;
}

/** JSON with sorted keys, to compare documents whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v) =>
    isRecord(v)
      ? Object.fromEntries(
          Object.keys(v)
            .sort()
            .map(k => [k, v[k]]),
        )
      : v,
  );
}

/** A reference written in a document: what it names and where. */
interface RefSite {
  kind: OpenSloKind;
  name: string;
  path: FieldPath;
}

function refsOfMetrics(spec: unknown, path: FieldPath): RefSite[] {
  if (!isRecord(spec)) return [];
  const holders: Array<[unknown, FieldPath]> = [
    [spec.thresholdMetric, [...path, 'thresholdMetric']],
  ];
  if (isRecord(spec.ratioMetric)) {
    for (const key of ['good', 'bad', 'total', 'raw']) {
      holders.push([spec.ratioMetric[key], [...path, 'ratioMetric', key]]);
    }
  }
  return holders.flatMap(([holder, at]) =>
    isRecord(holder) &&
    isRecord(holder.metricSource) &&
    typeof holder.metricSource.metricSourceRef === 'string'
      ? [
          {
            kind: 'DataSource' as const,
            name: holder.metricSource.metricSourceRef,
            path: [...at, 'metricSource', 'metricSourceRef'],
          },
        ]
      : [],
  );
}

function refsOfIndicatorHolder(holder: unknown, path: FieldPath): RefSite[] {
  if (!isRecord(holder)) return [];
  const sites: RefSite[] = [];
  if (typeof holder.indicatorRef === 'string') {
    sites.push({
      kind: 'SLI',
      name: holder.indicatorRef,
      path: [...path, 'indicatorRef'],
    });
  }
  if (isRecord(holder.indicator)) {
    sites.push(
      ...refsOfMetrics(holder.indicator.spec, [...path, 'indicator', 'spec']),
    );
  }
  return sites;
}

function refsOfList(
  list: unknown,
  path: FieldPath,
  key: string,
  kind: OpenSloKind,
  inline: (item: Record<string, unknown>, at: FieldPath) => RefSite[],
): RefSite[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index) => {
    if (!isRecord(item)) return [];
    const at = [...path, index];
    if (typeof item[key] === 'string') {
      return [{ kind, name: item[key] as string, path: [...at, key] }];
    }
    return inline(item, at);
  });
}

function refsOfAlertPolicySpec(spec: unknown, path: FieldPath): RefSite[] {
  if (!isRecord(spec)) return [];
  return [
    ...refsOfList(
      spec.conditions,
      [...path, 'conditions'],
      'conditionRef',
      'AlertCondition',
      () => [],
    ),
    ...refsOfList(
      spec.notificationTargets,
      [...path, 'notificationTargets'],
      'targetRef',
      'AlertNotificationTarget',
      () => [],
    ),
  ];
}

/** Every reference a document writes, found in the spec as written. */
function refSites(kind: OpenSloKind, spec: unknown): RefSite[] {
  const path = ['spec'];
  if (!isRecord(spec)) return [];
  switch (kind) {
    case 'SLI':
      return refsOfMetrics(spec, path);
    case 'AlertPolicy':
      return refsOfAlertPolicySpec(spec, path);
    case 'SLO':
      return [
        ...refsOfIndicatorHolder(spec, path),
        ...(Array.isArray(spec.objectives)
          ? spec.objectives.flatMap((objective, index) =>
              refsOfIndicatorHolder(objective, [...path, 'objectives', index]),
            )
          : []),
        ...refsOfList(
          spec.alertPolicies,
          [...path, 'alertPolicies'],
          'alertPolicyRef',
          'AlertPolicy',
          (item, at) => refsOfAlertPolicySpec(item.spec, [...at, 'spec']),
        ),
      ];
    default:
      return [];
  }
}

const ARTICLE: Record<OpenSloKind, string> = {
  SLO: 'an SLO',
  SLI: 'an SLI',
  Service: 'a Service',
  DataSource: 'a DataSource',
  AlertPolicy: 'an AlertPolicy',
  AlertCondition: 'an AlertCondition',
  AlertNotificationTarget: 'an AlertNotificationTarget',
};

function labelsOf(metadata?: OpenSloMetadata): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata?.labels ?? {})) {
    labels[key] = Array.isArray(value) ? value.join(',') : value;
  }
  return labels;
}

function optional<T extends object>(value: T): T {
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] === undefined) delete value[key];
  }
  return value;
}

/**
 * A set of OpenSLO documents (from one or more files) in which references are resolved.
 */
export class OpenSloDocumentSet {
  readonly #entries: Entry[] = [];
  readonly #byKind = new Map<OpenSloKind, Map<string, Entry>>();
  readonly #errors: SloValidationError[];

  constructor(errors: SloValidationError[]) {
    this.#errors = errors;
  }

  /** Validates one document on its own; returns its problems (more may come with `resolve`). */
  add(doc: YamlDocument): DocumentProblems {
    const problems = new DocumentProblems(doc.file, doc.document, this.#errors);
    const value = doc.value;
    const envelope = envelopeSchema.safeParse(value, { reportInput: true });
    if (!envelope.success) {
      problems.addIssues(
        envelope.error.issues,
        [],
        envelopeSchema,
        OPENSLO_HINTS,
      );
    }
    const raw = isRecord(value) ? value : {};
    const kind = OPENSLO_KINDS.find(k => k === raw.kind);
    const rawName =
      isRecord(raw.metadata) && typeof raw.metadata.name === 'string'
        ? raw.metadata.name
        : undefined;
    if (!kind) {
      return problems;
    }
    const schema = OPENSLO_SPEC_SCHEMAS[kind] as z.ZodType;
    let spec: unknown;
    if (isRecord(raw.spec)) {
      const parsed = schema.safeParse(raw.spec, { reportInput: true });
      if (parsed.success) {
        spec = parsed.data;
      } else {
        problems.addIssues(
          parsed.error.issues,
          ['spec'],
          schema,
          OPENSLO_HINTS,
        );
      }
      if (kind === 'SLO') checkSloSpec(raw.spec, ['spec'], problems);
      if (kind === 'SLI') checkSliSpec(raw.spec, ['spec'], problems);
    }
    const entry: Entry = {
      value,
      raw: raw.spec,
      kind,
      name: rawName ?? '',
      file: doc.file,
      document: doc.document,
      problems,
      metadata: envelope.success ? envelope.data.metadata : undefined,
      spec: problems.count === 0 ? spec : undefined,
    };
    this.#entries.push(entry);
    if (rawName !== undefined) {
      let byName = this.#byKind.get(kind);
      if (!byName) {
        byName = new Map();
        this.#byKind.set(kind, byName);
      }
      const first = byName.get(rawName);
      if (first && canonical(first.value) === canonical(value)) {
        // The same document again (files that each carry a shared DataSource): use the first.
        entry.duplicateOf = first;
      } else if (first) {
        problems.add(
          ['metadata', 'name'],
          `another ${kind} named "${rawName}", with other content, is in ${first.file} document ${first.document}: names must be unique per kind (identical copies are allowed); rename one of them`,
        );
        entry.spec = undefined;
      } else {
        byName.set(rawName, entry);
      }
    }
    return problems;
  }

  /** Resolves references between the documents added and returns the SLOs of the valid ones. */
  resolve(): Slo[] {
    const order: OpenSloKind[] = [
      'DataSource',
      'AlertCondition',
      'AlertNotificationTarget',
      'Service',
      'SLI',
      'AlertPolicy',
    ];
    const distinct = this.#entries.filter(e => !e.duplicateOf);
    for (const kind of order) {
      for (const entry of distinct.filter(e => e.kind === kind)) {
        this.#resolveEntry(entry);
      }
    }
    const slos: Slo[] = [];
    for (const entry of distinct.filter(e => e.kind === 'SLO')) {
      slos.push(...this.#buildSlos(entry));
    }
    // Documents with problems were not resolved: still report the references they write that
    // name no document, so that one run shows every problem.
    for (const entry of this.#entries.filter(e => e.spec === undefined)) {
      for (const site of refSites(entry.kind, entry.raw)) {
        if (!this.#byKind.get(site.kind)?.has(site.name)) {
          this.#lookup(site.kind, site.name, site.path, entry.problems);
        }
      }
    }
    return slos;
  }

  #resolveEntry(entry: Entry): void {
    if (entry.spec === undefined || !entry.metadata) return;
    const { metadata, problems } = entry;
    const before = problems.count;
    let resolved: unknown;
    switch (entry.kind) {
      case 'DataSource': {
        const spec = entry.spec as OpenSloDataSourceSpec;
        resolved = optional<SloDataSource>({
          name: metadata.name,
          displayName: metadata.displayName,
          description: spec.description,
          type: spec.type,
          connectionDetails: spec.connectionDetails ?? {},
        });
        break;
      }
      case 'AlertCondition':
        resolved = this.#condition(
          metadata,
          entry.spec as OpenSloAlertConditionSpec,
        );
        break;
      case 'AlertNotificationTarget':
        resolved = this.#target(
          metadata,
          entry.spec as OpenSloNotificationTargetSpec,
        );
        break;
      case 'SLI':
        resolved = this.#indicator(
          metadata,
          entry.spec as OpenSloSliSpec,
          ['spec'],
          problems,
        );
        break;
      case 'AlertPolicy':
        resolved = this.#alertPolicy(
          metadata,
          entry.spec as OpenSloAlertPolicySpec,
          ['spec'],
          problems,
        );
        break;
      default:
        resolved = true;
    }
    entry.resolved = problems.count === before ? resolved : undefined;
  }

  /** Looks up a referenced document; reports a missing or invalid one at `path`. */
  #lookup(
    kind: OpenSloKind,
    name: string,
    path: FieldPath,
    problems: DocumentProblems,
  ): unknown {
    const target = this.#byKind.get(kind)?.get(name);
    if (!target) {
      const known = [...(this.#byKind.get(kind)?.keys() ?? [])];
      problems.add(
        path,
        `refers to ${
          ARTICLE[kind]
        } named "${name}", but the documents given have none${
          known.length ? ` (${kind} names: ${known.join(', ')})` : ''
        }: add ${
          ARTICLE[kind]
        } document with metadata.name: ${name}, or fix the name`,
      );
      return undefined;
    }
    if (target.resolved === undefined) {
      problems.add(
        path,
        `refers to ${ARTICLE[kind]} "${name}" that is invalid: fix ${target.file} document ${target.document}`,
      );
    }
    return target.resolved;
  }

  #metricSource(
    source: OpenSloMetricSource,
    path: FieldPath,
    problems: DocumentProblems,
  ): SloMetricSource | undefined {
    let dataSource: SloDataSource | undefined;
    if (source.metricSourceRef) {
      dataSource = this.#lookup(
        'DataSource',
        source.metricSourceRef,
        [...path, 'metricSourceRef'],
        problems,
      ) as SloDataSource | undefined;
      if (!dataSource) return undefined;
      if (source.type && source.type !== dataSource.type) {
        problems.add(
          [...path, 'type'],
          `is ${source.type}, but the DataSource "${dataSource.name}" is of type ${dataSource.type}: make them agree (or leave type out)`,
        );
        return undefined;
      }
    }
    const type = source.type ?? dataSource?.type;
    if (!type) return undefined;
    return optional<SloMetricSource>({ type, dataSource, spec: source.spec });
  }

  #indicator(
    metadata: OpenSloMetadata | undefined,
    spec: OpenSloSliSpec,
    path: FieldPath,
    problems: DocumentProblems,
  ): SloIndicator | undefined {
    const base = optional({
      name: metadata?.name,
      displayName: metadata?.displayName,
      description: spec.description,
    });
    const source = (
      metric: { metricSource: OpenSloMetricSource } | undefined,
      at: FieldPath,
    ) =>
      metric
        ? this.#metricSource(
            metric.metricSource,
            [...at, 'metricSource'],
            problems,
          )
        : undefined;
    if (spec.thresholdMetric) {
      const metric = source(spec.thresholdMetric, [...path, 'thresholdMetric']);
      return metric ? { ...base, type: 'threshold', metric } : undefined;
    }
    const ratio = spec.ratioMetric;
    if (!ratio) return undefined;
    const at = [...path, 'ratioMetric'];
    if (ratio.raw && ratio.rawType) {
      const raw = source(ratio.raw, [...at, 'raw']);
      return raw
        ? { ...base, type: 'raw', rawType: ratio.rawType, raw }
        : undefined;
    }
    const good = source(ratio.good, [...at, 'good']);
    const bad = source(ratio.bad, [...at, 'bad']);
    const total = source(ratio.total, [...at, 'total']);
    if (!total || !(good || bad)) return undefined;
    return optional({
      ...base,
      type: 'ratio' as const,
      counter: ratio.counter ?? true,
      good,
      bad,
      total,
    });
  }

  #condition(
    metadata: OpenSloMetadata,
    spec: OpenSloAlertConditionSpec,
  ): SloAlertCondition {
    const alertAfter = spec.condition.alertAfter ?? '0m';
    return optional<SloAlertCondition>({
      name: metadata.name,
      displayName: metadata.displayName,
      description: spec.description,
      severity: spec.severity,
      kind: 'burnrate',
      op: spec.condition.op,
      threshold: spec.condition.threshold,
      lookbackWindow: spec.condition.lookbackWindow,
      lookbackWindowMs: durationToMs(spec.condition.lookbackWindow),
      alertAfter,
      alertAfterMs: parseDuration(alertAfter)?.ms ?? 0,
    });
  }

  #target(
    metadata: OpenSloMetadata,
    spec: OpenSloNotificationTargetSpec,
  ): SloNotificationTarget {
    return optional<SloNotificationTarget>({
      name: metadata.name,
      displayName: metadata.displayName,
      description: spec.description,
      target: spec.target,
    });
  }

  #alertPolicy(
    metadata: OpenSloMetadata,
    spec: OpenSloAlertPolicySpec,
    path: FieldPath,
    problems: DocumentProblems,
  ): SloAlertPolicy | undefined {
    const conditions = this.#resolveList<SloAlertCondition>(
      spec.conditions,
      [...path, 'conditions'],
      'AlertCondition',
      problems,
      item => this.#condition(item.metadata, item.spec),
    );
    const targets = this.#resolveList<SloNotificationTarget>(
      spec.notificationTargets ?? [],
      [...path, 'notificationTargets'],
      'AlertNotificationTarget',
      problems,
      item => this.#target(item.metadata, item.spec),
    );
    if (!conditions || !targets) return undefined;
    return optional<SloAlertPolicy>({
      name: metadata.name,
      displayName: metadata.displayName,
      description: spec.description,
      alertWhenNoData: spec.alertWhenNoData ?? false,
      alertWhenResolved: spec.alertWhenResolved ?? false,
      alertWhenBreaching: spec.alertWhenBreaching ?? true,
      conditions,
      notificationTargets: targets,
    });
  }

  /**
   * Resolves a list whose items name a document of `kind` (`conditionRef: x`) or inline one;
   * undefined when an item does not resolve.
   */
  #resolveList<T, I extends { metadata: OpenSloMetadata } = any>(
    items: ReadonlyArray<I | Record<string, string>>,
    path: FieldPath,
    kind: OpenSloKind,
    problems: DocumentProblems,
    inline: (item: I, index: number) => T | undefined,
  ): T[] | undefined {
    const resolved: T[] = [];
    items.forEach((item, index) => {
      const refKey = Object.keys(item).find(key => key.endsWith('Ref'));
      const value = refKey
        ? (this.#lookup(
            kind,
            (item as Record<string, string>)[refKey],
            [...path, index, refKey],
            problems,
          ) as T | undefined)
        : inline(item as I, index);
      if (value !== undefined) resolved.push(value);
    });
    return resolved.length === items.length ? resolved : undefined;
  }

  #buildSlos(entry: Entry): Slo[] {
    if (entry.spec === undefined || !entry.metadata) return [];
    const spec = entry.spec as OpenSloSloSpec;
    const { metadata, problems } = entry;
    const before = problems.count;

    const indicatorFrom = (
      holder: Pick<OpenSloSloSpec, 'indicator' | 'indicatorRef'>,
      at: FieldPath,
    ): SloIndicator | undefined => {
      if (holder.indicator) {
        return this.#indicator(
          holder.indicator.metadata,
          holder.indicator.spec,
          [...at, 'indicator', 'spec'],
          problems,
        );
      }
      if (holder.indicatorRef) {
        return this.#lookup(
          'SLI',
          holder.indicatorRef,
          [...at, 'indicatorRef'],
          problems,
        ) as SloIndicator | undefined;
      }
      return undefined;
    };
    const sloIndicator =
      spec.indicator || spec.indicatorRef
        ? indicatorFrom(spec, ['spec'])
        : undefined;

    const timeWindow = toTimeWindow(spec.timeWindow?.[0]);

    const alertPolicies =
      this.#resolveList<SloAlertPolicy>(
        spec.alertPolicies ?? [],
        ['spec', 'alertPolicies'],
        'AlertPolicy',
        problems,
        (item, index) =>
          this.#alertPolicy(
            item.metadata,
            item.spec,
            ['spec', 'alertPolicies', index, 'spec'],
            problems,
          ),
      ) ?? [];

    const slos: Slo[] = [];
    spec.objectives.forEach((objective, index) => {
      const at: FieldPath = ['spec', 'objectives', index];
      const indicator =
        objective.indicator || objective.indicatorRef
          ? indicatorFrom(objective, at)
          : sloIndicator;
      if (!indicator) return;
      if (indicator.type === 'threshold') {
        if (spec.objectives.length > 1 && index === 1) {
          problems.add(
            ['spec', 'objectives'],
            'a thresholdMetric indicator allows only one objective: write one SLO per threshold',
          );
        }
        if (objective.op === undefined) {
          problems.add(
            [...at, 'op'],
            'is required with a thresholdMetric indicator: lt, lte, gt or gte (how a good value compares with value)',
          );
        }
        if (objective.value === undefined) {
          problems.add(
            [...at, 'value'],
            'is required with a thresholdMetric indicator: the threshold a good value is compared with',
          );
        }
      }
      let timeSlice: SloTimeSlice | undefined;
      if (
        spec.budgetingMethod !== 'Occurrences' &&
        objective.timeSliceWindow !== undefined
      ) {
        const window =
          typeof objective.timeSliceWindow === 'number'
            ? `${objective.timeSliceWindow}m`
            : objective.timeSliceWindow;
        const windowMs = parseDuration(window)?.ms ?? 0;
        if (windowMs > timeWindow.durationMs) {
          problems.add(
            [...at, 'timeSliceWindow'],
            `is longer than the time window (${timeWindow.duration}): use a slice much shorter than the window, e.g. 1m or 5m`,
          );
        }
        timeSlice = optional<SloTimeSlice>({
          target:
            spec.budgetingMethod === 'Timeslices'
              ? objective.timeSliceTarget
              : undefined,
          window,
          windowMs,
        });
      }
      const target =
        objective.target ??
        (objective.targetPercent === undefined
          ? undefined
          : percentToRatio(objective.targetPercent));
      if (target === undefined) return;
      slos.push(
        optional<Slo>({
          ref: index === 0 ? metadata.name : `${metadata.name}/${index}`,
          name: metadata.name,
          displayName: metadata.displayName,
          description: spec.description,
          service: spec.service,
          labels: labelsOf(metadata),
          annotations: { ...(metadata.annotations ?? {}) },
          target,
          objective: optional({
            index,
            count: spec.objectives.length,
            displayName: objective.displayName,
            op: objective.op,
            value: objective.value,
            compositeWeight: objective.compositeWeight,
          }),
          timeWindow,
          budgetingMethod: spec.budgetingMethod,
          timeSlice,
          indicator,
          alertPolicies,
          origin: {
            format: 'openslo/v1',
            file: entry.file,
            document: entry.document,
          },
        }),
      );
    });
    if (problems.count !== before) return [];
    if (slos.length !== spec.objectives.length) return [];
    return slos;
  }
}

function toTimeWindow(window: OpenSloTimeWindow | undefined): SloTimeWindow {
  if (!window) return { ...DEFAULT_TIME_WINDOW };
  return optional<SloTimeWindow>({
    duration: window.duration,
    durationMs: durationToMs(window.duration),
    isRolling: window.isRolling ?? false,
    calendar: window.calendar ? { ...window.calendar } : undefined,
  });
}
