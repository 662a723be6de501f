/**
 * OpenSLO `v1alpha` SLOs, which Sloth reads: each objective with `ratioMetrics` (good and
 * total PromQL queries) becomes an SLO named `<name>-<index>` with Sloth's id
 * `<service>-<name>-<index>`, alerts disabled, as Sloth maps them.
 */
import { z } from 'zod';
import { DURATION_UNIT_MS, sloPeriodProblem } from './duration';
import { percentToRatio } from './math';
import type { Slo } from './model';
import { DocumentProblems, isRecord } from './validation';
import type { YamlDocument } from './yamlDocuments';

/** @public */
export const OPENSLO_V1ALPHA_API_VERSION = 'openslo/v1alpha';

const HINTS: Readonly<Record<string, string>> = {
  kind: 'SLO or Service',
  'metadata.name': 'the SLO name',
  'spec.service': 'the name of the service the SLO belongs to',
  objectives: 'a list of objectives, each with ratioMetrics and target',
  ratioMetrics:
    'good and total, each with source: prometheus, queryType: promql and query',
  source: 'prometheus (or sloth)',
  queryType: 'promql',
  query: 'a PromQL query that uses {{.window}}',
  'objectives[].target': 'a ratio in [0, 1), e.g. 0.999',
  timeWindows:
    'a list with one time window in days, e.g. "- count: 30" and "unit: Day"',
  count: 'a whole number of days greater than 0',
  unit: 'Day (Sloth reads day-based windows only)',
};

const metricSource = z.looseObject({
  source: z.enum(['prometheus', 'sloth']),
  queryType: z.literal('promql'),
  query: z.string().min(1),
});

const objective = z.looseObject({
  displayName: z.string().optional(),
  ratioMetrics: z.looseObject({
    good: metricSource,
    total: metricSource,
  }),
  target: z
    .number()
    .refine(t => t >= 0 && t < 1, 'must be a ratio in [0, 1), e.g. 0.999'),
});

const sloSchema = z.looseObject({
  apiVersion: z.literal(OPENSLO_V1ALPHA_API_VERSION),
  kind: z.literal('SLO'),
  metadata: z.looseObject({
    name: z.string().min(1),
    displayName: z.string().optional(),
  }),
  spec: z.looseObject({
    service: z.string().min(1),
    description: z.string().optional(),
    objectives: z.array(objective).min(1),
    timeWindows: z
      .array(
        z.looseObject({
          count: z
            .number()
            .refine(
              c => Number.isInteger(c) && c > 0,
              'must be a whole number of days greater than 0',
            ),
          unit: z
            .string()
            .refine(
              u => u.toLowerCase() === 'day',
              'must be Day: Sloth reads day-based time windows only',
            ),
        }),
      )
      .max(1)
      .optional(),
  }),
});

/**
 * Validates an OpenSLO v1alpha document. A `Service` is valid and yields no SLO; an `SLO`
 * yields one SLO per objective, each a good/total ratio of counters whose rules Sloth writes
 * as a raw `1 - good/total` query. The period is the time window's days, else `period`.
 */
export function parseOpenSloV1alphaDocument(
  doc: YamlDocument,
  problems: DocumentProblems,
  period: { duration: string; durationMs: number },
): Slo[] {
  const value = doc.value;
  if (isRecord(value) && value.kind === 'Service') return [];
  const before = problems.count;
  const parsed = sloSchema.safeParse(value, { reportInput: true });
  if (!parsed.success) {
    problems.addIssues(parsed.error.issues, [], sloSchema, HINTS);
    return [];
  }
  const { metadata, spec } = parsed.data;
  const window = spec.timeWindows?.[0];
  const timeWindow = window
    ? {
        duration: `${window.count}d`,
        durationMs: window.count * DURATION_UNIT_MS.d,
      }
    : period;
  const problem = sloPeriodProblem(timeWindow.durationMs);
  if (problem) problems.add(['spec', 'timeWindows', 0, 'count'], problem);
  if (!/^[A-Za-z0-9][-A-Za-z0-9_.]*[A-Za-z0-9]$/.test(metadata.name)) {
    problems.add(
      ['metadata', 'name'],
      'must be a name of letters, digits, ".", "_" and "-" that starts and ends with a letter or digit',
    );
  }
  if (problems.count !== before) return [];
  return spec.objectives.map((item, index) => {
    const name = `${metadata.name}-${index}`;
    const objectivePercent = item.target * 100;
    const prometheus = (query: string) => ({
      type: 'Prometheus',
      spec: { query },
    });
    const slo: Slo = {
      ref: `${spec.service}-${name}`,
      name,
      service: spec.service,
      labels: {},
      annotations: {},
      target: percentToRatio(objectivePercent),
      objectivePercent,
      objective: { index: 0, count: 1 },
      timeWindow: { ...timeWindow, isRolling: true },
      budgetingMethod: 'Occurrences',
      indicator: {
        type: 'ratio',
        counter: true,
        good: prometheus(item.ratioMetrics.good.query),
        total: prometheus(item.ratioMetrics.total.query),
      },
      alertPolicies: [],
      alerting: {
        labels: {},
        annotations: {},
        page: { enabled: false, labels: {}, annotations: {} },
        ticket: { enabled: false, labels: {}, annotations: {} },
      },
      origin: {
        format: 'openslo/v1alpha',
        file: doc.file,
        document: doc.document,
      },
    };
    if (metadata.displayName) slo.displayName = metadata.displayName;
    if (item.displayName) slo.objective.displayName = item.displayName;
    if (spec.description) slo.description = spec.description;
    return slo;
  });
}
