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
      /Sloth plugins are not supported/,
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
