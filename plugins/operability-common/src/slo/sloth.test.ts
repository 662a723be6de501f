import type { SloValidationError } from '../api/types';
import { parseSloFiles, parseSloYaml } from './parse';

const SLOTH = `version: prometheus/v1
service: jupyterhub
labels:
  owner: sre
slos:
  - name: requests-availability
    objective: 99.9
    description: Hub API requests that do not fail
    labels:
      category: availability
    sli:
      events:
        error_query: sum(rate(jupyterhub_request_duration_seconds_count{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(jupyterhub_request_duration_seconds_count[{{.window}}]))
    alerting:
      name: JupyterHubHighErrorRate
      labels:
        team: sre
      annotations:
        runbook_url: https://runbooks.example/jupyterhub
      page_alert:
        labels:
          routing_key: sre-pager
      ticket_alert:
        disable: true
  - name: probe-availability
    objective: 98
    sli:
      raw:
        error_ratio_query: 1 - avg_over_time(probe_success{service="jupyterhub"}[{{ .window }}])
    alerting:
      page_alert: { disable: true }
      ticket_alert: { disable: true }
`;

function line(e: SloValidationError) {
  return `${e.document}:${e.path ?? ''}: ${e.message}`;
}

describe('Sloth prometheus/v1 import', () => {
  it('imports SLOs into the normalized model', () => {
    const result = parseSloYaml(SLOTH, 'sloth.yaml');
    expect(result.errors).toEqual([]);
    expect(result.documents).toEqual([
      {
        file: 'sloth.yaml',
        document: 0,
        format: 'sloth/prometheus/v1',
        name: 'jupyterhub',
        valid: true,
      },
    ]);
    const [requests, probe] = result.slos;
    expect(requests).toEqual({
      ref: 'jupyterhub-requests-availability',
      name: 'requests-availability',
      description: 'Hub API requests that do not fail',
      service: 'jupyterhub',
      labels: { owner: 'sre', category: 'availability' },
      annotations: {},
      target: 0.999,
      objectivePercent: 99.9,
      objective: { index: 0, count: 1 },
      timeWindow: {
        duration: '30d',
        durationMs: 30 * 86_400_000,
        isRolling: true,
      },
      budgetingMethod: 'Occurrences',
      indicator: {
        type: 'ratio',
        counter: true,
        bad: {
          type: 'Prometheus',
          spec: {
            query:
              'sum(rate(jupyterhub_request_duration_seconds_count{code=~"5.."}[{{.window}}]))',
          },
        },
        total: {
          type: 'Prometheus',
          spec: {
            query:
              'sum(rate(jupyterhub_request_duration_seconds_count[{{.window}}]))',
          },
        },
      },
      alertPolicies: [],
      alerting: {
        name: 'JupyterHubHighErrorRate',
        labels: { team: 'sre' },
        annotations: { runbook_url: 'https://runbooks.example/jupyterhub' },
        page: {
          enabled: true,
          labels: { routing_key: 'sre-pager' },
          annotations: {},
        },
        ticket: { enabled: false, labels: {}, annotations: {} },
      },
      origin: {
        format: 'sloth/prometheus/v1',
        file: 'sloth.yaml',
        document: 0,
      },
    });
    expect(probe).toMatchObject({
      ref: 'jupyterhub-probe-availability',
      target: 0.98,
      indicator: { type: 'raw', rawType: 'failure' },
    });
    expect(JSON.parse(JSON.stringify(result.slos))).toEqual(result.slos);
  });

  it('takes the period from the options (Sloth specs carry none)', () => {
    const result = parseSloYaml(SLOTH, 'sloth.yaml', { slothPeriod: '28d' });
    expect(result.slos[0].timeWindow).toEqual({
      duration: '28d',
      durationMs: 28 * 86_400_000,
      isRolling: true,
    });
    expect(() =>
      parseSloYaml(SLOTH, 'sloth.yaml', { slothPeriod: '4 weeks' }),
    ).toThrow(/the Sloth period "4 weeks" is not a duration/);
  });

  it('mixes with OpenSLO documents and refuses colliding refs', () => {
    const openslo = `apiVersion: openslo/v1
kind: SLO
metadata: { name: jupyterhub-requests-availability }
spec:
  service: jupyterhub
  budgetingMethod: Occurrences
  indicator:
    metadata: { name: x }
    spec:
      ratioMetric:
        good: { metricSource: { type: Prometheus, spec: { query: a } } }
        total: { metricSource: { type: Prometheus, spec: { query: b } } }
  objectives: [ { target: 0.99 } ]
`;
    const result = parseSloFiles([
      { file: 'a.yaml', content: openslo },
      { file: 'b.yaml', content: SLOTH },
    ]);
    expect(result.errors.map(e => `${e.file}:${line(e)}`)).toEqual([
      expect.stringMatching(
        /^b.yaml:0:: defines the SLO "jupyterhub-requests-availability", which a.yaml document 0 defines too/,
      ),
    ]);
    expect(result.slos.map(s => s.ref)).toEqual([
      'jupyterhub-requests-availability',
      'jupyterhub-probe-availability',
    ]);
    expect(result.slos[0].origin.format).toBe('openslo/v1');
  });

  const rules: Array<[string, string, string | undefined, RegExp]> = [
    [
      'version',
      SLOTH.replace('version: prometheus/v1', 'version: prometheus/v2'),
      'version',
      /must be "prometheus\/v1"/,
    ],
    [
      'service required',
      SLOTH.replace('service: jupyterhub\n', ''),
      'service',
      /is required: add a name of letters/,
    ],
    [
      'service name',
      SLOTH.replace('service: jupyterhub', 'service: "jupyter hub"'),
      'service',
      /must be a name of letters, digits/,
    ],
    [
      'slos required',
      'version: prometheus/v1\nservice: x\n',
      'slos',
      /is required: add a list of SLOs/,
    ],
    [
      'slos not empty',
      'version: prometheus/v1\nservice: x\nslos: []\n',
      'slos',
      /must have at least 1 item/,
    ],
    [
      'SLO name',
      SLOTH.replace('name: requests-availability', 'name: -requests'),
      'slos[0].name',
      /must be a name of letters/,
    ],
    [
      'SLO names unique',
      SLOTH.replace('name: probe-availability', 'name: requests-availability'),
      'slos[1].name',
      /is also the name of slos\[0\]/,
    ],
    [
      'objective range',
      SLOTH.replace('objective: 99.9', 'objective: 100'),
      'slos[0].objective',
      /must be a percentage in \(0, 100\).*100 leaves no error budget/,
    ],
    [
      'objective ratio by mistake',
      SLOTH.replace('objective: 99.9', 'objective: "99.9%"'),
      'slos[0].objective',
      /must be the objective in percent, in \(0, 100\), e.g. 99.9, not the string "99.9%"/,
    ],
    [
      'sli type',
      SLOTH.replace(/ {6}raw:\n.*\n/, '      {}\n'),
      'slos[1].sli',
      /needs events .* or raw/,
    ],
    [
      'one sli type',
      SLOTH.replace(
        '      raw:',
        '      events: { error_query: "a[{{.window}}]", total_query: "b[{{.window}}]" }\n      raw:',
      ),
      'slos[1].sli.raw',
      /cannot be used together with events/,
    ],
    [
      'window variable',
      SLOTH.replace(
        '[{{.window}}]))\n        total_query',
        '[5m]))\n        total_query',
      ),
      'slos[0].sli.events.error_query',
      /must use the \{\{.window\}\} variable/,
    ],
    [
      'different queries',
      SLOTH.replace(
        /error_query: .*/,
        'error_query: sum(rate(jupyterhub_request_duration_seconds_count[{{.window}}]))',
      ),
      'slos[0].sli.events.total_query',
      /is the same query as error_query/,
    ],
    [
      'plugins unsupported',
      SLOTH.replace(
        / {6}raw:\n.*\n/,
        '      plugin: { id: sloth-common/availability }\n',
      ),
      'slos[1].sli.plugin',
      /Sloth SLI plugins are not supported: they are Go code that Sloth runs/,
    ],
    [
      'alert name',
      SLOTH.replace('      name: JupyterHubHighErrorRate\n', ''),
      'slos[0].alerting.name',
      /is required while page or ticket alerts are enabled/,
    ],
    [
      'label names',
      SLOTH.replace('  owner: sre', '  team-owner: sre'),
      'labels.team-owner',
      /label names must be letters, digits and "_"/,
    ],
    [
      'unknown field',
      SLOTH.replace('    objective: 98', '    objetive: 98'),
      'slos[1].objetive',
      /did you mean "objective"/,
    ],
    [
      'disable boolean',
      SLOTH.replace('disable: true\n  - name', 'disable: "yes"\n  - name'),
      'slos[0].alerting.ticket_alert.disable',
      /must be true or false, not the string "yes"/,
    ],
  ];

  it.each(rules)('rule: %s', (_rule, yaml, expectedPath, message) => {
    const result = parseSloYaml(yaml, 'sloth.yaml');
    const matching = result.errors.filter(
      e => e.path === expectedPath && message.test(e.message),
    );
    if (matching.length === 0) {
      throw new Error(
        `expected ${expectedPath}: ${message}, got:\n${result.errors
          .map(line)
          .join('\n')}`,
      );
    }
    expect(result.slos).toEqual([]);
  });
});

describe('Sloth PrometheusServiceLevel, OpenSLO v1alpha and what is not a spec', () => {
  const CRD = `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: jupyterhub-slos
  namespace: monitoring
spec:
  service: jupyterhub
  labels:
    generated: true
    tier: 2
  slos:
    - name: requests-availability
      objective: 99.9
      sli:
        events:
          errorQuery: sum(rate(hub_requests_total{code=~"5.."}[{{.window}}]))
          totalQuery: sum(rate(hub_requests_total[{{.window}}]))
      alerting:
        name: HubErrors
        pageAlert:
          labels: { urgent: yes }
        ticketAlert:
          disable: true
`;

  it('reads a PrometheusServiceLevel as Sloth does, label values written as scalars included', () => {
    const result = parseSloYaml(CRD, 'crd.yaml', { slothPeriod: '28d' });
    expect(result.errors).toEqual([]);
    expect(result.documents).toEqual([
      {
        file: 'crd.yaml',
        document: 0,
        format: 'sloth/kubernetes/v1',
        kind: 'PrometheusServiceLevel',
        name: 'jupyterhub',
        valid: true,
      },
    ]);
    const [slo] = result.slos;
    expect(slo).toMatchObject({
      ref: 'jupyterhub-requests-availability',
      labels: { generated: 'true', tier: '2' },
      target: 0.999,
      objectivePercent: 99.9,
      timeWindow: { duration: '28d', durationMs: 28 * 86_400_000 },
      indicator: {
        type: 'ratio',
        bad: { spec: { query: expect.stringContaining('code=~"5.."') } },
      },
      alerting: {
        name: 'HubErrors',
        page: { enabled: true, labels: { urgent: 'yes' } },
        ticket: { enabled: false },
      },
      origin: {
        format: 'sloth/kubernetes/v1',
        kubernetes: {
          name: 'jupyterhub-slos',
          namespace: 'monitoring',
          labels: {},
          annotations: {},
        },
      },
    });
  });

  it.each([
    [
      'camelCase keys of the resource',
      CRD.replace('errorQuery:', 'error_query:'),
      'spec.slos[0].sli.events.error_query',
      /unknown field "error_query": did you mean "errorQuery"/,
    ],
    [
      'SLI plugins, with a message that says why',
      CRD.replace(
        /events:\n.*\n.*\n/,
        'plugin: { id: sloth-common/kubernetes/apiserver/availability }\n',
      ),
      'spec.slos[0].sli.plugin',
      /^Sloth SLI plugins are not supported: they are Go code that Sloth runs, and Airworthy runs no plugin; write the SLI as events \(errorQuery and totalQuery\) or raw \(errorRatioQuery\)/,
    ],
    [
      'SLO plugins',
      CRD.replace('  slos:', '  sloPlugins: { chain: [{ id: x }] }\n  slos:'),
      'spec.sloPlugins',
      /^Sloth SLO plugins are not supported/,
    ],
    [
      'metadata name',
      CRD.replace('  name: jupyterhub-slos\n', ''),
      'metadata.name',
      /is required/,
    ],
    [
      'alert name while alerts are on',
      CRD.replace('        name: HubErrors\n', ''),
      'spec.slos[0].alerting.name',
      /pageAlert.disable and ticketAlert.disable/,
    ],
  ])(
    'refuses in a PrometheusServiceLevel: %s',
    (_rule, yaml, path, message) => {
      const result = parseSloYaml(yaml);
      expect(result.slos).toEqual([]);
      expect(
        result.errors.filter(e => e.path === path && message.test(e.message)),
      ).toHaveLength(1);
    },
  );

  it('reads OpenSLO v1alpha SLOs, one per objective, and refuses what Sloth cannot map', () => {
    const v1alpha = `apiVersion: openslo/v1alpha
kind: SLO
metadata: { name: hub }
spec:
  service: jupyterhub
  budgetingMethod: Occurrences
  objectives:
    - ratioMetrics:
        good: { source: prometheus, queryType: promql, query: 'sum(rate(ok[{{.window}}]))' }
        total: { source: prometheus, queryType: promql, query: 'sum(rate(all[{{.window}}]))' }
      target: 0.99
    - ratioMetrics:
        good: { source: prometheus, queryType: promql, query: 'sum(rate(ok[{{.window}}]))' }
        total: { source: prometheus, queryType: promql, query: 'sum(rate(all[{{.window}}]))' }
      target: 0.999
  timeWindows:
    - count: 28
      unit: Day
---
apiVersion: openslo/v1alpha
kind: Service
metadata: { name: jupyterhub }
spec: { description: The hub }
`;
    const result = parseSloYaml(v1alpha);
    expect(result.errors).toEqual([]);
    expect(
      result.slos.map(s => [s.ref, s.name, s.target, s.timeWindow.duration]),
    ).toEqual([
      ['jupyterhub-hub-0', 'hub-0', 0.99, '28d'],
      ['jupyterhub-hub-1', 'hub-1', 0.999, '28d'],
    ]);
    expect(result.documents.map(d => [d.format, d.kind, d.valid])).toEqual([
      ['openslo/v1alpha', 'SLO', true],
      ['openslo/v1alpha', 'Service', true],
    ]);
    const weeks = parseSloYaml(v1alpha.replace('unit: Day', 'unit: Week'));
    expect(weeks.errors.map(line)).toContain(
      '0:spec.timeWindows[0].unit: must be Day: Sloth reads day-based time windows only',
    );
  });

  it('says that an empty file holds no document, and that a list is not a document', () => {
    const result = parseSloFiles([
      { file: 'empty.yaml', content: '# nothing yet\n' },
      { file: 'list.yaml', content: '- apiVersion: openslo/v1\n  kind: SLO\n' },
    ]);
    expect(result.errors).toEqual([
      {
        file: 'empty.yaml',
        message: expect.stringMatching(
          /^holds no YAML document: expected an OpenSLO document/,
        ),
      },
      {
        file: 'list.yaml',
        document: 0,
        message: expect.stringMatching(
          /^is a list, not an OpenSLO document: .* separate documents with a line "---"/,
        ),
      },
    ]);
  });
});
