import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { parseSloYaml } from './parse';
import {
  generatePrometheusRules,
  PrometheusRuleGroup,
  rulesToYaml,
} from './rules';

const fixture = (name: string) =>
  fs.readFileSync(path.join(__dirname, '__fixtures__', name), 'utf8');

/** The rules Sloth writes for sloth-myservice.yaml over 28 days (derived by hand, see the file). */
const expected = parse(fixture('sloth-myservice.rules.yaml'), {
  merge: true,
}) as { groups: PrometheusRuleGroup[] };

/** Airworthy's additions: the `airworthy-` groups, and its name as `sloth_version`. */
function withoutAdditions(groups: PrometheusRuleGroup[]) {
  return groups
    .filter(g => !g.name.startsWith('airworthy-'))
    .map(g => ({
      ...g,
      rules: g.rules.map(rule =>
        rule.labels?.sloth_version
          ? { ...rule, labels: { ...rule.labels, sloth_version: 'v0.16.0' } }
          : rule,
      ),
    }));
}

function rulesOf(yaml: string, format: 'prometheus' | 'prometheus-operator') {
  const result = parseSloYaml(yaml, 'spec.yaml', { slothPeriod: '28d' });
  expect(result.errors).toEqual([]);
  return rulesToYaml(generatePrometheusRules(result.slos), { format });
}

describe('the rules Sloth writes', () => {
  it('are written for a Sloth prometheus/v1 spec: groups, records, expressions, labels, alerts', () => {
    const written = parse(
      rulesOf(fixture('sloth-myservice.yaml'), 'prometheus'),
    );
    expect(withoutAdditions(written.groups)).toEqual(expected.groups);
    // What Airworthy adds: one group of its own, and its name in sloth_slo_info.
    expect(
      written.groups
        .filter((g: PrometheusRuleGroup) => g.name.startsWith('airworthy-'))
        .map((g: PrometheusRuleGroup) =>
          g.rules.map(r => 'record' in r && r.record),
        ),
    ).toEqual([
      [
        'airworthy:sli_error_events:rate5m',
        'airworthy:sli_total_events:rate5m',
        'airworthy:sli_error:ratio_rate4w',
      ],
    ]);
    const info = written.groups[1].rules.at(-1);
    expect(info.labels.sloth_version).toBe('airworthy');
  });

  it("are written for a PrometheusServiceLevel as Sloth's Kubernetes mode writes its PrometheusRule", () => {
    const crd = `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: sloth-slo-my-service
  namespace: monitoring
  labels:
    prometheus: main
spec:
  service: "myservice"
  labels:
    owner: "myteam"
    tier: "2"
  slos:
    - name: "requests-availability"
      objective: 99.9
      description: "Common SLO based on availability for HTTP request responses."
      sli:
        events:
          errorQuery: sum(rate(http_request_duration_seconds_count{job="myservice",code=~"(5..|429)"}[{{.window}}]))
          totalQuery: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
      alerting:
        name: MyServiceHighErrorRate
        labels:
          category: "availability"
        annotations:
          summary: "High error rate on 'myservice' requests responses"
        pageAlert:
          labels:
            severity: pageteam
            routing_key: myteam
        ticketAlert:
          labels:
            severity: "slack"
            slack_channel: "#alerts-myteam"
`;
    const written = parse(rulesOf(crd, 'prometheus-operator'));
    expect(written).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: 'sloth-slo-my-service',
        namespace: 'monitoring',
        labels: {
          prometheus: 'main',
          'app.kubernetes.io/component': 'SLO',
          'app.kubernetes.io/managed-by': 'sloth',
        },
      },
    });
    // The same rules as for the file spec, with Sloth's Kubernetes mode and spec in the info.
    const groups = structuredClone(expected.groups);
    Object.assign(groups[1].rules[6].labels!, {
      sloth_mode: 'cli-gen-k8s',
      sloth_spec: 'sloth.slok.dev/v1',
    });
    expect(withoutAdditions(written.spec.groups)).toEqual(groups);
  });

  it('puts each PrometheusServiceLevel in its own PrometheusRule, other SLOs in one named by the options', () => {
    const crd = (
      name: string,
      service: string,
    ) => `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata: { name: ${name} }
spec:
  service: ${service}
  slos:
    - name: availability
      objective: 99
      sli: { raw: { errorRatioQuery: "1 - avg_over_time(up{job='${service}'}[{{.window}}])" } }
      alerting: { pageAlert: { disable: true }, ticketAlert: { disable: true } }
`;
    const yaml = [
      crd('a-slos', 'alpha'),
      crd('b-slos', 'beta'),
      fixture('sloth-myservice.yaml'),
    ].join('---\n');
    const result = parseSloYaml(yaml, 'all.yaml');
    expect(result.errors).toEqual([]);
    const documents = rulesToYaml(generatePrometheusRules(result.slos), {
      format: 'prometheus-operator',
      name: 'others',
      namespace: 'monitoring',
    })
      .split(/^---$/m)
      .map(text => parse(text));
    expect(
      documents.map(d => [
        d.metadata.name,
        d.metadata.namespace,
        d.spec.groups.map((g: PrometheusRuleGroup) => g.name).join(' '),
      ]),
    ).toEqual([
      [
        'others',
        'monitoring',
        expect.stringMatching(
          /^sloth-slo-sli-recordings-myservice-requests-availability /,
        ),
      ],
      [
        'a-slos',
        'monitoring',
        'sloth-slo-sli-recordings-alpha-availability sloth-slo-meta-recordings-alpha-availability',
      ],
      [
        'b-slos',
        'monitoring',
        'sloth-slo-sli-recordings-beta-availability sloth-slo-meta-recordings-beta-availability',
      ],
    ]);
  });

  it('are written for an OpenSLO v1alpha SLO as Sloth maps it (a raw 1 - good/total SLI, no alerts)', () => {
    const written = parse(
      rulesOf(
        `apiVersion: openslo/v1alpha
kind: SLO
metadata:
  name: sloth-slo-my-service
  displayName: Requests Availability
spec:
  service: my-service
  description: "Common SLO based on availability for HTTP request responses."
  budgetingMethod: Occurrences
  objectives:
    - ratioMetrics:
        good:
          source: prometheus
          queryType: promql
          query: sum(rate(http_request_duration_seconds_count{job="myservice",code!~"(5..|429)"}[{{.window}}]))
        total:
          source: prometheus
          queryType: promql
          query: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
      target: 0.999
  timeWindows:
    - count: 30
      unit: Day
`,
        'prometheus',
      ),
    );
    // Sloth names the objective <name>-<index>, its id <service>-<name>-<index>, and writes its
    // ratio with the template "\n  1 - (\n    (\n      good\n    )\n    /\n    (\n      total\n    )\n  )\n"
    // wrapped in parentheses.
    expect(written.groups.map((g: PrometheusRuleGroup) => g.name)).toEqual([
      'sloth-slo-sli-recordings-my-service-sloth-slo-my-service-0',
      'sloth-slo-meta-recordings-my-service-sloth-slo-my-service-0',
      'airworthy-slo-recordings-my-service-sloth-slo-my-service-0',
    ]);
    expect(written.groups[0].rules[0]).toEqual({
      record: 'slo:sli_error:ratio_rate5m',
      expr: [
        '(',
        '  1 - (',
        '    (',
        '      sum(rate(http_request_duration_seconds_count{job="myservice",code!~"(5..|429)"}[5m]))',
        '    )',
        '    /',
        '    (',
        '      sum(rate(http_request_duration_seconds_count{job="myservice"}[5m]))',
        '    )',
        '  )',
        ')',
      ].join('\n'),
      labels: {
        sloth_id: 'my-service-sloth-slo-my-service-0',
        sloth_service: 'my-service',
        sloth_slo: 'sloth-slo-my-service-0',
        sloth_window: '5m',
      },
    });
    expect(written.groups[1].rules.at(-1).labels).toEqual({
      sloth_id: 'my-service-sloth-slo-my-service-0',
      sloth_mode: 'cli-gen-openslo',
      sloth_objective: '99.9',
      sloth_service: 'my-service',
      sloth_slo: 'sloth-slo-my-service-0',
      sloth_spec: 'openslo/v1alpha',
      sloth_version: 'airworthy',
    });
    expect(written.groups[1].rules[0].expr).toBe('vector(0.9990000000000001)');
  });
});
