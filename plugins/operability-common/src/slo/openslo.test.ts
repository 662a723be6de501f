import fs from 'node:fs';
import path from 'node:path';
import type { SloValidationError } from '../api/types';
import { toOpenSloYaml } from './export';
import { parseSloFiles, parseSloYaml } from './parse';

const examples = path.resolve(__dirname, '../../../../examples/slos');
/** The JupyterHub SLO of the community cloud, as the first example file had it. */
const JUPYTERHUB = fs.readFileSync(
  path.join(__dirname, '__fixtures__/jupyterhub.yaml'),
  'utf8',
);

/** A valid SLO to break one field at a time. */
const VALID = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-availability
  displayName: API availability
spec:
  service: api
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 30d
      isRolling: true
  indicator:
    metadata:
      name: api-requests
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{code!~"5.."}[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total[{{.window}}]))
  objectives:
    - target: 0.999
`;

function errorsOf(yaml: string): SloValidationError[] {
  return parseSloYaml(yaml, 'test.yaml').errors;
}

function line(e: SloValidationError) {
  return `${e.document}:${e.path ?? ''}: ${e.message}`;
}

describe('OpenSLO v1 parser', () => {
  it('reads the JupyterHub SLO', () => {
    const result = parseSloFiles([
      { file: 'jupyterhub.yaml', content: JUPYTERHUB },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.slos).toHaveLength(1);
    const [slo] = result.slos;
    expect(slo).toMatchObject({
      ref: 'jupyterhub-availability',
      name: 'jupyterhub-availability',
      displayName: 'JupyterHub availability',
      service: 'jupyterhub',
      target: 0.98,
      timeWindow: {
        duration: '28d',
        durationMs: 28 * 86_400_000,
        isRolling: true,
      },
      budgetingMethod: 'Occurrences',
      indicator: {
        type: 'ratio',
        counter: false,
        good: {
          type: 'Prometheus',
          spec: { query: 'sum(probe_success{service="jupyterhub"})' },
        },
        total: {
          type: 'Prometheus',
          spec: { query: 'count(probe_success{service="jupyterhub"})' },
        },
      },
      objective: { index: 0, count: 1, displayName: 'Available' },
      origin: { format: 'openslo/v1', file: 'jupyterhub.yaml', document: 0 },
    });
    // Plain data: survives JSON.
    expect(JSON.parse(JSON.stringify(slo))).toEqual(slo);
    expect(result.documents).toEqual([
      expect.objectContaining({ kind: 'SLO', valid: true, document: 0 }),
    ]);
  });

  it('reads every example SLO file of the repository, alone and all together', () => {
    const files = fs
      .readdirSync(examples)
      .filter(name => /\.ya?ml$/.test(name))
      .map(name => ({
        file: name,
        content: fs.readFileSync(path.join(examples, name), 'utf8'),
      }));
    expect(files.length).toBeGreaterThan(0);
    let slos = 0;
    for (const file of files) {
      const alone = parseSloFiles([file]);
      expect(alone.errors).toEqual([]);
      expect(alone.slos.length).toBeGreaterThan(0);
      slos += alone.slos.length;
    }
    // The files repeat a shared DataSource: identical copies are not a conflict.
    const together = parseSloFiles(files);
    expect(together.errors).toEqual([]);
    expect(together.slos).toHaveLength(slos);
  });

  it('resolves references across files, and reads calendar windows without implicit timestamps', () => {
    const shared = `apiVersion: openslo/v1
kind: DataSource
metadata:
  name: thanos
spec:
  type: Prometheus
  connectionDetails:
    url: http://thanos.example:9090
---
apiVersion: openslo/v1
kind: SLI
metadata:
  name: hub-latency
spec:
  ratioMetric:
    bad:
      metricSource:
        metricSourceRef: thanos
        spec:
          query: sum(rate(hub_slow_total[{{.window}}]))
    total:
      metricSource:
        metricSourceRef: thanos
        type: Prometheus
        spec:
          query: sum(rate(hub_requests_total[{{.window}}]))
---
apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: fast-burn
spec:
  severity: page
  condition:
    kind: burnrate
    op: gt
    threshold: 14.4
    lookbackWindow: 1h
    alertAfter: 5m
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: oncall
spec:
  target: email
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: page-oncall
spec:
  alertWhenBreaching: true
  conditions:
    - conditionRef: fast-burn
  notificationTargets:
    - targetRef: oncall
`;
    const slos = `apiVersion: openslo/v1
kind: Service
metadata:
  name: hub
spec:
  description: JupyterHub
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: hub-latency
  labels:
    team: [sre, hub]
  annotations:
    airworthy.dev/runbook-url: https://runbooks.example/hub
spec:
  service: hub
  indicatorRef: hub-latency
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 1M
      calendar:
        startTime: 2024-01-01 00:00:00
        timeZone: Europe/Berlin
  objectives:
    - displayName: Most
      targetPercent: 99.5
    - displayName: Nearly all
      target: 0.95
  alertPolicies:
    - alertPolicyRef: page-oncall
`;
    const result = parseSloFiles([
      { file: 'shared.yaml', content: shared },
      { file: 'slos.yaml', content: slos },
    ]);
    expect(result.errors).toEqual([]);
    expect(result.documents.filter(d => d.valid)).toHaveLength(7);
    expect(
      result.slos.map(s => [s.ref, s.target, s.objective.displayName]),
    ).toEqual([
      ['hub-latency', 0.995, 'Most'],
      ['hub-latency/1', 0.95, 'Nearly all'],
    ]);
    const [slo] = result.slos;
    expect(slo.timeWindow).toEqual({
      duration: '1M',
      durationMs: 30 * 86_400_000,
      isRolling: false,
      calendar: { startTime: '2024-01-01 00:00:00', timeZone: 'Europe/Berlin' },
    });
    expect(slo.labels).toEqual({ team: 'sre,hub' });
    expect(slo.annotations).toEqual({
      'airworthy.dev/runbook-url': 'https://runbooks.example/hub',
    });
    expect(slo.indicator).toMatchObject({
      type: 'ratio',
      name: 'hub-latency',
      counter: true,
      bad: {
        type: 'Prometheus',
        dataSource: {
          name: 'thanos',
          type: 'Prometheus',
          connectionDetails: { url: 'http://thanos.example:9090' },
        },
        spec: { query: 'sum(rate(hub_slow_total[{{.window}}]))' },
      },
    });
    expect(slo.alertPolicies).toEqual([
      {
        name: 'page-oncall',
        alertWhenNoData: false,
        alertWhenResolved: false,
        alertWhenBreaching: true,
        conditions: [
          {
            name: 'fast-burn',
            severity: 'page',
            kind: 'burnrate',
            op: 'gt',
            threshold: 14.4,
            lookbackWindow: '1h',
            lookbackWindowMs: 3_600_000,
            alertAfter: '5m',
            alertAfterMs: 300_000,
          },
        ],
        notificationTargets: [{ name: 'oncall', target: 'email' }],
      },
    ]);
  });

  it('reads Timeslices, RatioTimeslices, threshold, raw and composite SLOs', () => {
    const yaml = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-uptime
spec:
  service: web
  budgetingMethod: Timeslices
  timeWindow:
    - duration: 2w
      isRolling: true
  indicator:
    metadata:
      name: web-latency
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            query: histogram_quantile(0.99, sum by (le) (rate(web_seconds_bucket[1m])))
  objectives:
    - op: lte
      value: 0.5
      target: 0.95
      timeSliceTarget: 0.9
      timeSliceWindow: 1
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-ratio-slices
spec:
  service: web
  budgetingMethod: RatioTimeslices
  indicator:
    metadata:
      name: web-success
    spec:
      ratioMetric:
        rawType: failure
        raw:
          metricSource:
            type: Prometheus
            spec:
              query: web:error_ratio
  objectives:
    - target: 0.99
      timeSliceWindow: 5m
  alertPolicies:
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout-journey
spec:
  service: shop
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  objectives:
    - displayName: Cart
      target: 0.99
      compositeWeight: 2
      indicator:
        metadata:
          name: cart
        spec:
          ratioMetric:
            good: { metricSource: { type: Prometheus, spec: { query: cart_ok } } }
            total: { metricSource: { type: Prometheus, spec: { query: cart_all } } }
    - displayName: Pay
      target: 0.999
      indicator:
        metadata:
          name: pay
        spec:
          ratioMetric:
            good: { metricSource: { type: Prometheus, spec: { query: pay_ok } } }
            total: { metricSource: { type: Prometheus, spec: { query: pay_all } } }
`;
    const result = parseSloYaml(yaml);
    expect(result.errors).toEqual([]);
    const [uptime, slices, cart, pay] = result.slos;
    expect(uptime).toMatchObject({
      budgetingMethod: 'Timeslices',
      timeSlice: { target: 0.9, window: '1m', windowMs: 60_000 },
      objective: { op: 'lte', value: 0.5 },
      indicator: { type: 'threshold', metric: { type: 'Prometheus' } },
      timeWindow: { duration: '2w', durationMs: 14 * 86_400_000 },
    });
    expect(slices).toMatchObject({
      budgetingMethod: 'RatioTimeslices',
      timeSlice: { window: '5m', windowMs: 300_000 },
      indicator: { type: 'raw', rawType: 'failure' },
      // An SLO without timeWindow gets 28 days rolling.
      timeWindow: { duration: '28d', isRolling: true },
      alertPolicies: [],
    });
    expect(slices.timeSlice?.target).toBeUndefined();
    expect(cart).toMatchObject({
      ref: 'checkout-journey',
      indicator: { name: 'cart' },
      objective: { compositeWeight: 2 },
    });
    expect(pay).toMatchObject({
      ref: 'checkout-journey/1',
      target: 0.999,
      indicator: { name: 'pay' },
    });
  });

  it('writes the model back as OpenSLO YAML that parses to the same SLOs', () => {
    const inputs = [
      JUPYTERHUB,
      VALID.replace(
        '  objectives:\n    - target: 0.999\n',
        `  timeWindow:
    - duration: 1M
      isRolling: false
      calendar: { startTime: "2024-01-01 00:00:00", timeZone: UTC }
  objectives:
    - target: 0.999
    - target: 0.99
      displayName: relaxed
  alertPolicies:
    - kind: AlertPolicy
      metadata: { name: burn }
      spec:
        conditions:
          - kind: AlertCondition
            metadata: { name: fast }
            spec: { severity: page, condition: { op: gt, threshold: 10, lookbackWindow: 1h } }
        notificationTargets:
          - kind: AlertNotificationTarget
            metadata: { name: mail }
            spec: { target: email }
`,
      ).replace(
        / {2}timeWindow:\n {4}- duration: 30d\n {6}isRolling: true\n/,
        '',
      ),
    ];
    for (const input of inputs) {
      const first = parseSloYaml(input, 'in.yaml');
      expect(first.errors).toEqual([]);
      const yaml = toOpenSloYaml(first.slos);
      const second = parseSloYaml(yaml, 'out.yaml');
      expect(second.errors).toEqual([]);
      const strip = (slos: typeof first.slos) =>
        slos.map(({ origin, ...rest }) => rest);
      expect(strip(second.slos)).toEqual(strip(first.slos));
    }
  });

  it('quotes strings that YAML 1.1 tools would read as dates, and exports DataSources once', () => {
    const result = parseSloYaml(`apiVersion: openslo/v1
kind: DataSource
metadata: { name: prom }
spec: { type: Prometheus, connectionDetails: { url: "http://prom:9090" } }
---
${VALID.replace(/type: Prometheus\n/g, 'metricSourceRef: prom\n').replace(
  '      isRolling: true',
  '      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: UTC',
)}`);
    expect(result.errors).toEqual([]);
    const yaml = toOpenSloYaml(result.slos);
    expect(yaml).toContain('startTime: "2024-01-01 00:00:00"');
    expect(yaml.match(/kind: DataSource/g)).toHaveLength(1);
    expect(yaml).toContain('metricSourceRef: prom');
  });

  it('leaves DataSource connection details (which may hold credentials) out unless asked', () => {
    const result = parseSloYaml(`apiVersion: openslo/v1
kind: DataSource
metadata: { name: prom }
spec:
  type: Prometheus
  connectionDetails: { url: "http://prom:9090", token: s3cret }
---
${VALID.replace(/type: Prometheus\n/g, 'metricSourceRef: prom\n')}`);
    expect(result.errors).toEqual([]);
    expect(toOpenSloYaml(result.slos)).not.toContain('s3cret');
    const full = toOpenSloYaml(result.slos, { includeConnectionDetails: true });
    expect(full).toContain('token: s3cret');
    expect(parseSloYaml(full).slos).toEqual(
      result.slos.map(slo => ({
        ...slo,
        origin: { ...slo.origin, file: 'slos.yaml' },
      })),
    );
  });

  it('reports YAML syntax errors and duplicate keys with line and column, and goes on', () => {
    const result = parseSloYaml(
      `${VALID}---\nkind: [\n---\na: 1\na: 2\n---\n${VALID.replace(
        'api-availability',
        'other',
      )}`,
    );
    expect(result.errors.map(line)).toEqual([
      expect.stringMatching(/^1:: invalid YAML: .*line \d+, column \d+/),
      expect.stringMatching(
        /^2:: invalid YAML: Map keys must be unique at line \d+, column 1/,
      ),
    ]);
    expect(result.slos.map(s => s.name)).toEqual(['api-availability', 'other']);
  });

  it('skips empty documents but counts them in document indexes', () => {
    const result = parseSloYaml(
      `${VALID}---\n---\n${VALID.replace('api-availability', 'other')}`,
    );
    expect(result.errors).toEqual([]);
    expect(result.documents.map(d => d.document)).toEqual([0, 2]);
    expect(result.slos.map(s => s.origin.document)).toEqual([0, 2]);
  });

  it('reports every problem of a document at once', () => {
    const errors = errorsOf(`apiVersion: openslo/v1
kind: SLO
metadata:
  name: Bad_Name
spec:
  service: x
  budgetingmethod: Occurrences
  indicatorRef: missing-sli
  timeWindow:
    - duration: 28days
  objectives:
    - target: 99
    - displayName: x
  alertPolicies:
    - alertPolicyRef: missing-policy
`);
    expect(errors.map(line)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^0:metadata.name: must be an RFC 1123 name/),
        expect.stringMatching(
          /^0:spec.budgetingmethod: unknown field "budgetingmethod": did you mean "budgetingMethod"/,
        ),
        expect.stringMatching(
          /^0:spec.budgetingMethod: is required: add Occurrences, Timeslices or RatioTimeslices/,
        ),
        expect.stringMatching(
          /^0:spec.timeWindow\[0\].duration: must be a positive whole number followed by/,
        ),
        expect.stringMatching(
          /^0:spec.timeWindow\[0\]: a calendar-aligned window needs calendar/,
        ),
        expect.stringMatching(
          /^0:spec.objectives\[0\].target: must be a ratio in \[0, 1\)/,
        ),
        expect.stringMatching(/^0:spec.objectives\[1\]: needs target/),
        expect.stringMatching(
          /^0:spec.indicatorRef: refers to an SLI named "missing-sli"/,
        ),
        expect.stringMatching(
          /^0:spec.alertPolicies\[0\].alertPolicyRef: refers to an AlertPolicy named "missing-policy"/,
        ),
      ]),
    );
    expect(errors).toHaveLength(9);
    expect(errors.every(e => e.file === 'test.yaml')).toBe(true);
  });

  /** [rule, YAML, expected path, expected message] */
  const rules: Array<[string, string, string | undefined, RegExp]> = [
    [
      'a list is not a document',
      '- 1\n- 2\n',
      undefined,
      /is a list, not an OpenSLO document: .*separate documents with a line "---"/,
    ],
    [
      'unknown format',
      'foo: bar\n',
      undefined,
      /is not an SLO spec: expected an OpenSLO document/,
    ],
    [
      'apiVersion',
      VALID.replace('openslo/v1', 'openslo/v2'),
      'apiVersion',
      /must be "openslo\/v1", not the string "openslo\/v2"/,
    ],
    [
      'kind',
      VALID.replace('kind: SLO', 'kind: Slo'),
      'kind',
      /must be one of "SLO", "SLI", .*not the string "Slo"/,
    ],
    [
      'metadata required',
      VALID.replace(
        /metadata:\n {2}name: api-availability\n {2}displayName: API availability\n/,
        '',
      ),
      'metadata',
      /is required: add metadata with a name/,
    ],
    [
      'name RFC 1123',
      VALID.replace('name: api-availability', 'name: API'),
      'metadata.name',
      /must be an RFC 1123 name/,
    ],
    [
      'name at most 63',
      VALID.replace('name: api-availability', `name: ${'a'.repeat(64)}`),
      'metadata.name',
      /at most 63/,
    ],
    [
      'unknown metadata field',
      VALID.replace('  displayName: API availability', '  namespace: x'),
      'metadata.namespace',
      /unknown field "namespace": remove it \(allowed here: name, displayName, labels, annotations\)/,
    ],
    [
      'spec must be a mapping',
      VALID.replace(/spec:\n {2}service: api/, 'spec: 1\nx:\n  service: api'),
      'spec',
      /must be a spec \(a mapping of fields\), not number 1/,
    ],
    [
      'service required',
      VALID.replace('  service: api\n', ''),
      'spec.service',
      /is required: add the name of the service/,
    ],
    [
      'description length',
      VALID.replace(
        '  service: api\n',
        `  service: api\n  description: ${'x'.repeat(1051)}\n`,
      ),
      'spec.description',
      /at most 1050 characters/,
    ],
    [
      'budgetingMethod value',
      VALID.replace(
        'budgetingMethod: Occurrences',
        'budgetingMethod: occurrences',
      ),
      'spec.budgetingMethod',
      /must be one of "Occurrences", "Timeslices" or "RatioTimeslices", not the string "occurrences"/,
    ],
    [
      'objectives required',
      VALID.replace('  objectives:\n    - target: 0.999\n', ''),
      'spec.objectives',
      /is required/,
    ],
    [
      'objectives not empty',
      VALID.replace(
        '  objectives:\n    - target: 0.999\n',
        '  objectives: []\n',
      ),
      'spec.objectives',
      /must have at least 1 item/,
    ],
    [
      'target below 1',
      VALID.replace('target: 0.999', 'target: 1'),
      'spec.objectives[0].target',
      /must be a ratio in \[0, 1\)/,
    ],
    [
      'target not negative',
      VALID.replace('target: 0.999', 'target: -0.1'),
      'spec.objectives[0].target',
      /must be a ratio in \[0, 1\)/,
    ],
    [
      'target a number',
      VALID.replace('target: 0.999', 'target: "99.9%"'),
      'spec.objectives[0].target',
      /must be a ratio in \[0, 1\), e.g. 0.995, not the string "99.9%"/,
    ],
    [
      'target finite',
      VALID.replace('target: 0.999', 'target: .nan'),
      'spec.objectives[0].target',
      /must be a ratio in \[0, 1\), e.g. 0.995, not number NaN/,
    ],
    [
      'targetPercent range',
      VALID.replace('target: 0.999', 'targetPercent: 100'),
      'spec.objectives[0].targetPercent',
      /must be a percentage in \[0, 100\)/,
    ],
    [
      'target xor targetPercent',
      VALID.replace(
        'target: 0.999',
        'target: 0.999\n      targetPercent: 99.9',
      ),
      'spec.objectives[0].targetPercent',
      /cannot be used together with target/,
    ],
    [
      'target or targetPercent',
      VALID.replace('target: 0.999', 'displayName: none'),
      'spec.objectives[0]',
      /needs target .* or targetPercent/,
    ],
    [
      'timeSliceTarget range',
      VALID.replace(
        'budgetingMethod: Occurrences',
        'budgetingMethod: Timeslices',
      ).replace(
        'target: 0.999',
        'target: 0.999\n      timeSliceTarget: 0\n      timeSliceWindow: 1m',
      ),
      'spec.objectives[0].timeSliceTarget',
      /must be a ratio in \(0, 1\]/,
    ],
    [
      'Timeslices needs timeSliceTarget',
      VALID.replace(
        'budgetingMethod: Occurrences',
        'budgetingMethod: Timeslices',
      ).replace('target: 0.999', 'target: 0.999\n      timeSliceWindow: 1m'),
      'spec.objectives[0].timeSliceTarget',
      /is required with budgetingMethod Timeslices/,
    ],
    [
      'Timeslices needs timeSliceWindow',
      VALID.replace(
        'budgetingMethod: Occurrences',
        'budgetingMethod: Timeslices',
      ).replace('target: 0.999', 'target: 0.999\n      timeSliceTarget: 0.9'),
      'spec.objectives[0].timeSliceWindow',
      /is required with budgetingMethod Timeslices/,
    ],
    [
      'RatioTimeslices needs timeSliceWindow',
      VALID.replace(
        'budgetingMethod: Occurrences',
        'budgetingMethod: RatioTimeslices',
      ),
      'spec.objectives[0].timeSliceWindow',
      /is required with budgetingMethod RatioTimeslices/,
    ],
    [
      'timeSliceWindow format',
      VALID.replace(
        'budgetingMethod: Occurrences',
        'budgetingMethod: RatioTimeslices',
      ).replace('target: 0.999', 'target: 0.999\n      timeSliceWindow: 1.5'),
      'spec.objectives[0].timeSliceWindow',
      /positive whole number of minutes/,
    ],
    [
      'timeSliceWindow within the window',
      VALID.replace(
        'budgetingMethod: Occurrences',
        'budgetingMethod: RatioTimeslices',
      ).replace('target: 0.999', 'target: 0.999\n      timeSliceWindow: 31d'),
      'spec.objectives[0].timeSliceWindow',
      /is longer than the time window \(30d\)/,
    ],
    [
      'compositeWeight positive',
      VALID.replace('target: 0.999', 'target: 0.999\n      compositeWeight: 0'),
      'spec.objectives[0].compositeWeight',
      /greater than 0/,
    ],
    [
      'op values',
      VALID.replace('target: 0.999', 'target: 0.999\n      op: le'),
      'spec.objectives[0].op',
      /must be one of "lt", "lte", "gt" or "gte"/,
    ],
    [
      'duration format',
      VALID.replace('duration: 30d', 'duration: 30 days'),
      'spec.timeWindow[0].duration',
      /must be a positive whole number followed by one of m \(minutes\)/,
    ],
    [
      'duration units are case-sensitive',
      VALID.replace('duration: 30d', 'duration: 30D'),
      'spec.timeWindow[0].duration',
      /must be a positive whole number/,
    ],
    [
      'one time window',
      VALID.replace(
        '      isRolling: true',
        '      isRolling: true\n    - duration: 7d\n      isRolling: true',
      ),
      'spec.timeWindow[1]',
      /only one time window is allowed/,
    ],
    [
      'a time window',
      VALID.replace(/ {4}- duration: 30d\n {6}isRolling: true\n/, '').replace(
        'timeWindow:',
        'timeWindow: []',
      ),
      'spec.timeWindow',
      /needs exactly one time window/,
    ],
    [
      'rolling has no calendar',
      VALID.replace(
        '      isRolling: true',
        '      isRolling: true\n      calendar: { startTime: "2024-01-01 00:00:00", timeZone: UTC }',
      ),
      'spec.timeWindow[0].calendar',
      /a rolling window has no calendar/,
    ],
    [
      'calendar needs calendar',
      VALID.replace('isRolling: true', 'isRolling: false'),
      'spec.timeWindow[0]',
      /a calendar-aligned window needs calendar/,
    ],
    [
      'startTime format',
      VALID.replace(
        '      isRolling: true',
        '      calendar: { startTime: "2024-01-01T00:00:00Z", timeZone: UTC }',
      ),
      'spec.timeWindow[0].calendar.startTime',
      /must be a local date and time "YYYY-MM-DD HH:mm:ss"/,
    ],
    [
      'startTime exists',
      VALID.replace(
        '      isRolling: true',
        '      calendar: { startTime: "2023-02-29 00:00:00", timeZone: UTC }',
      ),
      'spec.timeWindow[0].calendar.startTime',
      /that exists/,
    ],
    [
      'timeZone IANA',
      VALID.replace(
        '      isRolling: true',
        '      calendar: { startTime: "2024-01-01 00:00:00", timeZone: CEST }',
      ),
      'spec.timeWindow[0].calendar.timeZone',
      /must be an IANA time zone name/,
    ],
    [
      'timeZone required',
      VALID.replace(
        '      isRolling: true',
        '      calendar: { startTime: "2024-01-01 00:00:00" }',
      ),
      'spec.timeWindow[0].calendar.timeZone',
      /is required: add an IANA time zone name/,
    ],
    [
      'indicator or ref',
      VALID.replace(/ {2}indicator:\n[\s\S]*? {2}objectives:/, '  objectives:'),
      'spec.objectives[0]',
      /has no indicator: add indicator or indicatorRef/,
    ],
    [
      'indicator xor ref',
      VALID.replace(
        '  indicator:\n',
        '  indicatorRef: api-requests\n  indicator:\n',
      ),
      'spec.indicatorRef',
      /cannot be used together with indicator/,
    ],
    [
      'indicator metadata name',
      VALID.replace('      name: api-requests\n', '      displayName: x\n'),
      'spec.indicator.metadata.name',
      /is required/,
    ],
    [
      'ratio or threshold',
      VALID.replace(
        / {4}spec:\n {6}ratioMetric:[\s\S]*? {2}objectives:/,
        '    spec:\n      description: nothing\n  objectives:',
      ),
      'spec.indicator.spec',
      /needs ratioMetric .* or thresholdMetric/,
    ],
    [
      'ratio and threshold',
      VALID.replace(
        '      ratioMetric:',
        '      thresholdMetric: { metricSource: { type: Prometheus, spec: { query: x } } }\n      ratioMetric:',
      ),
      'spec.indicator.spec.thresholdMetric',
      /cannot be used together with ratioMetric/,
    ],
    [
      'total required',
      VALID.replace(/ {8}total:\n[\s\S]*? {2}objectives:/, '  objectives:'),
      'spec.indicator.spec.ratioMetric.total',
      /is required: the denominator/,
    ],
    [
      'good xor bad',
      VALID.replace(
        '        total:',
        '        bad: { metricSource: { type: Prometheus, spec: { query: x } } }\n        total:',
      ),
      'spec.indicator.spec.ratioMetric.bad',
      /cannot be used together with good/,
    ],
    [
      'a numerator',
      VALID.replace(/ {8}good:\n[\s\S]*? {8}total:/, '        total:'),
      'spec.indicator.spec.ratioMetric',
      /needs a numerator, good or bad/,
    ],
    [
      'raw alone',
      VALID.replace(
        '        counter: true',
        '        rawType: success\n        raw: { metricSource: { type: Prometheus, spec: { query: x } } }',
      ),
      'spec.indicator.spec.ratioMetric.raw',
      /cannot be combined with good and total/,
    ],
    [
      'raw needs rawType',
      VALID.replace(
        / {8}counter: true\n[\s\S]*? {2}objectives:/,
        '        raw: { metricSource: { type: Prometheus, spec: { query: x } } }\n  objectives:',
      ),
      'spec.indicator.spec.ratioMetric.rawType',
      /is required with raw: success .* or failure/,
    ],
    [
      'rawType only with raw',
      VALID.replace('        counter: true', '        rawType: success'),
      'spec.indicator.spec.ratioMetric.rawType',
      /is only used with raw/,
    ],
    [
      'rawType values',
      VALID.replace(
        / {8}counter: true\n[\s\S]*? {2}objectives:/,
        '        rawType: good\n        raw: { metricSource: { type: Prometheus, spec: { query: x } } }\n  objectives:',
      ),
      'spec.indicator.spec.ratioMetric.rawType',
      /must be one of "success" or "failure"/,
    ],
    [
      'counter boolean',
      VALID.replace('counter: true', 'counter: yes'),
      'spec.indicator.spec.ratioMetric.counter',
      /must be true \(the queries return counters\) or false, not the string "yes"/,
    ],
    [
      'metric source type or ref',
      VALID.replace('            type: Prometheus\n', ''),
      'spec.indicator.spec.ratioMetric.good.metricSource',
      /needs type \(e.g. Prometheus\) or metricSourceRef/,
    ],
    [
      'metric source spec',
      VALID.replace(
        / {12}spec:\n {14}query: sum\(rate\(http_requests_total\{code/,
        '            specs:\n              query: sum(rate(http_requests_total{code',
      ),
      'spec.indicator.spec.ratioMetric.good.metricSource.specs',
      /did you mean "spec"/,
    ],
    [
      'metricSourceRef resolves',
      VALID.replace(
        '            type: Prometheus\n',
        '            metricSourceRef: prom\n',
      ),
      'spec.indicator.spec.ratioMetric.good.metricSource.metricSourceRef',
      /refers to a DataSource named "prom", but the documents given have none/,
    ],
    [
      'indicatorRef resolves',
      VALID.replace(
        / {2}indicator:\n[\s\S]*? {2}objectives:/,
        '  indicatorRef: api-requests\n  objectives:',
      ),
      'spec.indicatorRef',
      /refers to an SLI named "api-requests", but the documents given have none: add an SLI document with metadata.name: api-requests/,
    ],
    [
      'alertPolicyRef resolves',
      `${VALID}  alertPolicies:\n    - alertPolicyRef: pager\n`,
      'spec.alertPolicies[0].alertPolicyRef',
      /refers to an AlertPolicy named "pager"/,
    ],
    [
      'inline policy kind',
      `${VALID}  alertPolicies:\n    - metadata: { name: p }\n      spec: { conditions: [ { conditionRef: c } ] }\n`,
      'spec.alertPolicies[0].kind',
      /^is required: add AlertPolicy$/,
    ],
    [
      'one condition',
      `${VALID}  alertPolicies:\n    - kind: AlertPolicy\n      metadata: { name: p }\n      spec:\n        conditions: [ { conditionRef: a }, { conditionRef: b } ]\n`,
      'spec.alertPolicies[0].spec.conditions',
      /must have at most 1 item/,
    ],
    [
      'conditionRef resolves',
      `${VALID}  alertPolicies:\n    - kind: AlertPolicy\n      metadata: { name: p }\n      spec:\n        conditions: [ { conditionRef: nope } ]\n`,
      'spec.alertPolicies[0].spec.conditions[0].conditionRef',
      /refers to an AlertCondition named "nope"/,
    ],
    [
      'targetRef resolves',
      `${VALID}  alertPolicies:\n    - kind: AlertPolicy\n      metadata: { name: p }\n      spec:\n        conditions: [ { kind: AlertCondition, metadata: { name: c }, spec: { severity: page, condition: { op: gt, threshold: 2, lookbackWindow: 1h } } } ]\n        notificationTargets: [ { targetRef: nope } ]\n`,
      'spec.alertPolicies[0].spec.notificationTargets[0].targetRef',
      /refers to an AlertNotificationTarget named "nope"/,
    ],
    [
      'condition kind burnrate',
      `${VALID}  alertPolicies:\n    - kind: AlertPolicy\n      metadata: { name: p }\n      spec:\n        conditions: [ { kind: AlertCondition, metadata: { name: c }, spec: { severity: page, condition: { kind: static, op: gt, threshold: 2, lookbackWindow: 1h } } } ]\n`,
      'spec.alertPolicies[0].spec.conditions[0].spec.condition.kind',
      /must be "burnrate"/,
    ],
    [
      'condition lookbackWindow',
      `${VALID}  alertPolicies:\n    - kind: AlertPolicy\n      metadata: { name: p }\n      spec:\n        conditions: [ { kind: AlertCondition, metadata: { name: c }, spec: { severity: page, condition: { op: gt, threshold: 2 } } } ]\n`,
      'spec.alertPolicies[0].spec.conditions[0].spec.condition.lookbackWindow',
      /is required: add a positive whole number/,
    ],
    [
      'condition severity',
      `${VALID}  alertPolicies:\n    - kind: AlertPolicy\n      metadata: { name: p }\n      spec:\n        conditions: [ { kind: AlertCondition, metadata: { name: c }, spec: { condition: { op: gt, threshold: 2, lookbackWindow: 1h } } } ]\n`,
      'spec.alertPolicies[0].spec.conditions[0].spec.severity',
      /is required: add a severity such as page or ticket/,
    ],
    [
      'threshold needs op',
      VALID.replace(
        / {6}ratioMetric:[\s\S]*? {2}objectives:/,
        '      thresholdMetric: { metricSource: { type: Prometheus, spec: { query: x } } }\n  objectives:',
      ).replace('target: 0.999', 'target: 0.999\n      value: 1'),
      'spec.objectives[0].op',
      /is required with a thresholdMetric indicator/,
    ],
    [
      'threshold needs value',
      VALID.replace(
        / {6}ratioMetric:[\s\S]*? {2}objectives:/,
        '      thresholdMetric: { metricSource: { type: Prometheus, spec: { query: x } } }\n  objectives:',
      ).replace('target: 0.999', 'target: 0.999\n      op: lt'),
      'spec.objectives[0].value',
      /is required with a thresholdMetric indicator/,
    ],
    [
      'threshold one objective',
      VALID.replace(
        / {6}ratioMetric:[\s\S]*? {2}objectives:/,
        '      thresholdMetric: { metricSource: { type: Prometheus, spec: { query: x } } }\n  objectives:',
      ).replace(
        '    - target: 0.999',
        '    - { target: 0.99, op: lt, value: 1 }\n    - { target: 0.9, op: lt, value: 2 }',
      ),
      'spec.objectives',
      /allows only one objective/,
    ],
    [
      'notificationTargets required',
      `apiVersion: openslo/v1
kind: AlertPolicy
metadata: { name: fast-burn }
spec:
  conditions:
    - kind: AlertCondition
      metadata: { name: burn }
      spec:
        severity: page
        condition: { kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h }
`,
      'spec.notificationTargets',
      /is required: add a list of at least one notification target/,
    ],
    [
      'notificationTargets not empty',
      `apiVersion: openslo/v1
kind: AlertPolicy
metadata: { name: fast-burn }
spec:
  conditions:
    - kind: AlertCondition
      metadata: { name: burn }
      spec:
        severity: page
        condition: { kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h }
  notificationTargets: []\n`,
      'spec.notificationTargets',
      /must have at least 1 item/,
    ],
    [
      'indicator at one level only',
      VALID.replace(
        '    - target: 0.999',
        '    - target: 0.999\n      indicatorRef: api-requests',
      ),
      'spec.objectives[0].indicatorRef',
      /cannot be used together with the SLO's spec.indicator: an SLO has one indicator for all objectives, or \(a composite SLO\) one in every objective, not both/,
    ],
    [
      'DataSource connectionDetails',
      'apiVersion: openslo/v1\nkind: DataSource\nmetadata: { name: prom }\nspec: { type: Prometheus }\n',
      'spec.connectionDetails',
      /is required: add a mapping of how to reach the data source/,
    ],
    [
      'label keys',
      VALID.replace(
        '  displayName: API availability',
        '  displayName: API availability\n  labels:\n    "team owner": sre',
      ),
      'metadata.labels["team owner"]',
      /label keys must be at most 63 letters, digits, "-", "_" and "."/,
    ],
    [
      'annotation keys',
      VALID.replace(
        '  displayName: API availability',
        '  displayName: API availability\n  annotations:\n    Airworthy.dev/runbook: x',
      ),
      'metadata.annotations["Airworthy.dev/runbook"]',
      /annotation keys must be a name .* optionally after a DNS subdomain prefix/,
    ],
    [
      'period range',
      VALID.replace('duration: 30d', 'duration: 999999999Y'),
      'spec.timeWindow[0].duration',
      /must be at most 400d: the SLI store keeps data that long at the most/,
    ],
    [
      'hint of a notification target',
      'apiVersion: openslo/v1\nkind: AlertNotificationTarget\nmetadata: { name: oncall }\nspec: { description: x }\n',
      'spec.target',
      /^is required: add where notifications go, e.g. an e-mail address/,
    ],
    [
      'no hint inside labels',
      VALID.replace(
        '  displayName: API availability',
        '  displayName: API availability\n  labels:\n    target: 0.5',
      ),
      'metadata.labels.target',
      /^must be a string, not number 0.5$/,
    ],
  ];

  it.each(rules)('rule: %s', (_rule, yaml, expectedPath, message) => {
    const errors = errorsOf(yaml);
    expect(errors.length).toBeGreaterThan(0);
    const matching = errors.filter(
      e => e.path === expectedPath && message.test(e.message),
    );
    if (matching.length === 0) {
      throw new Error(
        `expected ${expectedPath}: ${message}, got:\n${errors
          .map(line)
          .join('\n')}`,
      );
    }
    expect(parseSloYaml(yaml).slos).toEqual([]);
  });

  it('rule: names are unique per kind (identical copies are allowed)', () => {
    const other = VALID.replace('target: 0.999', 'target: 0.99');
    const result = parseSloYaml(`${VALID}---\n${other}`, 'test.yaml');
    expect(result.errors.map(line)).toEqual([
      expect.stringMatching(
        /^1:metadata.name: another SLO named "api-availability", with other content, is in test.yaml document 0: names must be unique per kind \(identical copies are allowed\)/,
      ),
    ]);
    expect(result.slos).toHaveLength(1);
    const copies = parseSloYaml(`${VALID}---\n${VALID}`, 'test.yaml');
    expect(copies.errors).toEqual([]);
    expect(copies.slos).toHaveLength(1);
  });

  it('rule: a DataSource and the metric source that names it agree on the type', () => {
    const result = parseSloYaml(`apiVersion: openslo/v1
kind: DataSource
metadata: { name: dd }
spec: { type: Datadog, connectionDetails: {} }
---
${VALID.replace(
  '            type: Prometheus\n',
  '            metricSourceRef: dd\n            type: Prometheus\n',
)}`);
    expect(result.errors.map(line)).toEqual([
      expect.stringMatching(
        /^1:spec.indicator.spec.ratioMetric.good.metricSource.type: is Prometheus, but the DataSource "dd" is of type Datadog/,
      ),
    ]);
  });

  it('rule: an SLO that refers to an invalid SLI is invalid too, and says where to look', () => {
    const result = parseSloFiles([
      {
        file: 'sli.yaml',
        content:
          'apiVersion: openslo/v1\nkind: SLI\nmetadata: { name: broken }\nspec: {}\n',
      },
      {
        file: 'slo.yaml',
        content: VALID.replace(
          / {2}indicator:\n[\s\S]*? {2}objectives:/,
          '  indicatorRef: broken\n  objectives:',
        ),
      },
    ]);
    expect(result.errors.map(e => `${e.file}:${line(e)}`)).toEqual([
      expect.stringMatching(/^sli.yaml:0:spec: needs ratioMetric/),
      expect.stringMatching(
        /^slo.yaml:0:spec.indicatorRef: refers to an SLI "broken" that is invalid: fix sli.yaml document 0/,
      ),
    ]);
    expect(result.slos).toEqual([]);
    expect(result.documents.map(d => d.valid)).toEqual([false, false]);
  });

  it('lists the names that exist when a reference names none', () => {
    const result = parseSloYaml(`apiVersion: openslo/v1
kind: SLI
metadata: { name: api-request }
spec:
  ratioMetric:
    good: { metricSource: { type: Prometheus, spec: { query: a } } }
    total: { metricSource: { type: Prometheus, spec: { query: b } } }
---
${VALID.replace(
  / {2}indicator:\n[\s\S]*? {2}objectives:/,
  '  indicatorRef: api-requests\n  objectives:',
)}`);
    expect(result.errors.map(line)).toEqual([
      expect.stringMatching(
        /^1:spec.indicatorRef: refers to an SLI named "api-requests", but the documents given have none \(SLI names: api-request\)/,
      ),
    ]);
  });
});
