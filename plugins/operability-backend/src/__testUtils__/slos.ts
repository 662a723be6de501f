import {
  parseSloYaml,
  sloPhaseOf,
  type Slo,
} from '@airworthy/plugin-operability-common';
import type { SloInput } from '../database/slo/SloStore';

/** An OpenSLO document of a ratio SLO on Prometheus probe results (the demo's JupyterHub SLO). */
export function openSloYaml(
  options: {
    name?: string;
    target?: number;
    duration?: string;
    extraObjective?: number;
    /** Every objective's target (replaces `target` and `extraObjective`). */
    objectives?: number[];
    dataSource?: string;
    /** Written as the `airworthy.dev/phase` annotation. */
    phase?: string;
  } = {},
): string {
  const {
    name = 'availability',
    target = 0.98,
    duration = '28d',
    extraObjective,
    dataSource,
  } = options;
  const source = dataSource
    ? `metricSourceRef: ${dataSource}\n            type: Prometheus`
    : 'type: Prometheus';
  return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${name}
  displayName: Hub availability
${
  options.phase === undefined
    ? ''
    : `  annotations:\n    airworthy.dev/phase: ${options.phase}\n`
}spec:
  service: jupyterhub
  budgetingMethod: Occurrences
  timeWindow:
    - duration: ${duration}
      isRolling: true
  indicator:
    metadata:
      name: probe-success
    spec:
      ratioMetric:
        counter: false
        good:
          metricSource:
            ${source}
            spec:
              query: sum(probe_success{service="jupyterhub"})
        total:
          metricSource:
            ${source}
            spec:
              query: count(probe_success{service="jupyterhub"})
  objectives:
${
  options.objectives
    ? options.objectives
        .map(
          (t, i) => `    - displayName: Objective ${i}\n      target: ${t}\n`,
        )
        .join('')
    : `    - displayName: Available\n      target: ${target}\n${
        extraObjective === undefined
          ? ''
          : `    - displayName: Mostly available\n      target: ${extraObjective}\n`
      }`
}`;
}

/** The normalized SLOs of `openSloYaml(options)`; throws on validation errors. */
export function exampleSlos(
  options: Parameters<typeof openSloYaml>[0] = {},
): Slo[] {
  const dataSourceDoc = options.dataSource
    ? `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: ${options.dataSource}
spec:
  type: Prometheus
  connectionDetails: {}
---
`
    : '';
  const result = parseSloYaml(dataSourceDoc + openSloYaml(options));
  if (result.errors.length > 0) {
    throw new Error(JSON.stringify(result.errors));
  }
  return result.slos;
}

/** A store input for the first objective of `exampleSlos(options)`. */
export function sloInput(
  overrides: Partial<SloInput> = {},
  options: Parameters<typeof openSloYaml>[0] = {},
): SloInput {
  const [slo] = exampleSlos(options);
  return {
    entityRef: 'component:default/jupyterhub',
    name: slo.name,
    ref: slo.ref,
    displayName: slo.displayName,
    source: 'api',
    target: slo.target,
    period: slo.timeWindow.duration,
    phase: sloPhaseOf(slo),
    definition: slo,
    ...overrides,
  };
}
