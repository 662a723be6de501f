import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { parseSloFiles, parseSloYaml } from './parse';
import {
  generatePrometheusRules,
  PrometheusAlertingRule,
  PrometheusRecordingRule,
  rulesToYaml,
} from './rules';

const examples = path.resolve(__dirname, '../../../../examples/slos');
/** The JupyterHub SLO of the community cloud, without alert policies or runbook. */
const jupyterhub = fs.readFileSync(
  path.join(__dirname, '__fixtures__/jupyterhub.yaml'),
  'utf8',
);

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
if (!hasPromtool) {
  // eslint-disable-next-line no-console
  console.warn(
    'promtool not found: the promtool tests of rules.test.ts are skipped; install it with `apt-get install -y prometheus`',
  );
}
const describeWithPromtool = hasPromtool ? describe : describe.skip;

function promtool(args: string[], files: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airworthy-rules-'));
  try {
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, name), content);
    }
    const result = spawnSync('promtool', args, { cwd: dir, encoding: 'utf8' });
    return {
      status: result.status,
      output: `${result.stdout}${result.stderr}`,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function slosOf(yaml: string) {
  const result = parseSloYaml(yaml, 'test.yaml');
  expect(result.errors).toEqual([]);
  return result.slos;
}

const EVENTS = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: api-availability
  labels:
    team: api
    cost-centre: oss
  annotations:
    airworthy.dev/runbook-url: https://runbooks.example/api
spec:
  service: api
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 30d
      isRolling: true
  indicator:
    metadata:
      name: api-errors
    spec:
      ratioMetric:
        counter: true
        bad:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{job="api",code=~"5.."}[{{.window}}]))
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(rate(http_requests_total{job="api"}[{{.window}}]))
  objectives:
    - target: 0.99
`;

const SELECTORS = `apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-availability
spec:
  service: web
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 30d
      isRolling: true
  indicator:
    metadata:
      name: web-ok
    spec:
      ratioMetric:
        good:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{job="web",code="200"}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{job="web"}
  objectives:
    - target: 0.99
`;

const SLOTH = `version: prometheus/v1
service: hub
labels:
  owner: sre
slos:
  - name: requests
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(hub_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(hub_requests_total[{{.window}}]))
    alerting:
      name: HubRequestErrors
      labels:
        team: sre
      annotations:
        runbook_url: https://runbooks.example/hub
      page_alert:
        labels:
          routing_key: pager
      ticket_alert:
        disable: true
  - name: probes
    objective: 98
    sli:
      raw:
        error_ratio_query: 1 - avg_over_time(probe_success{job="hub"}[{{.window}}])
    alerting:
      name: HubProbes
`;

const POLICY = EVENTS.replace('name: api-availability', 'name: api-policy')
  .concat(`  alertPolicies:
    - kind: AlertPolicy
      metadata:
        name: fast-burn
      spec:
        alertWhenBreaching: true
        conditions:
          - kind: AlertCondition
            metadata:
              name: burn-over-2
            spec:
              severity: page
              condition:
                kind: burnrate
                op: gte
                threshold: 2
                lookbackWindow: 45m
                alertAfter: 5m
        notificationTargets:
          - kind: AlertNotificationTarget
            metadata:
              name: oncall
            spec:
              target: email
`);

describe('Prometheus rules', () => {
  it('records Sloth-compatible series for every window and the period', () => {
    const { groups, warnings } = generatePrometheusRules(slosOf(EVENTS));
    expect(warnings).toEqual([]);
    expect(groups.map(g => g.name)).toEqual([
      'sloth-slo-sli-recordings-api-availability',
      'sloth-slo-meta-recordings-api-availability',
      'sloth-slo-alerts-api-availability',
    ]);
    const records = groups
      .flatMap(g => g.rules as PrometheusRecordingRule[])
      .map(r => r.record);
    expect(records.filter(Boolean)).toEqual([
      'slo:sli_error:ratio_rate5m',
      'slo:sli_error:ratio_rate30m',
      'slo:sli_error:ratio_rate1h',
      'slo:sli_error:ratio_rate2h',
      'slo:sli_error:ratio_rate6h',
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate3d',
      'slo:sli_error_events:rate5m',
      'slo:sli_total_events:rate5m',
      'slo:sli_error:ratio_rate30d',
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:time_period:days',
      'slo:current_burn_rate:ratio',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
      'sloth_slo_info',
    ]);
    const rule1h = groups[0].rules[2] as PrometheusRecordingRule;
    expect(rule1h.expr).toBe(
      '(sum(rate(http_requests_total{job="api",code=~"5.."}[1h])))\n/\n(sum(rate(http_requests_total{job="api"}[1h])))',
    );
    expect(rule1h.labels).toEqual({
      team: 'api',
      cost_centre: 'oss',
      sloth_id: 'api-availability',
      sloth_service: 'api',
      sloth_slo: 'api-availability',
      sloth_window: '1h',
    });
    // The period's ratio divides sums of events; it does not average 5-minute ratios.
    const period = groups[0].rules[9] as PrometheusRecordingRule;
    expect(period.expr).toContain('sum_over_time(slo:sli_error_events:rate5m{');
    expect(period.expr).toContain('sum_over_time(slo:sli_total_events:rate5m{');
    expect(period.expr).not.toContain('ratio_rate5m');
  });

  it('pages and tickets with severity, summary, description and runbook_url', () => {
    const { groups } = generatePrometheusRules(slosOf(EVENTS));
    const alerts = groups[2].rules as PrometheusAlertingRule[];
    expect(
      alerts.map(a => [
        a.alert,
        a.for,
        a.labels?.severity,
        a.labels?.long_window,
      ]),
    ).toEqual([
      ['ApiAvailabilityErrorBudgetBurn', '2m', 'critical', '1h'],
      ['ApiAvailabilityErrorBudgetBurn', '15m', 'critical', '6h'],
      ['ApiAvailabilityErrorBudgetBurn', '1h', 'warning', '1d'],
      ['ApiAvailabilityErrorBudgetBurn', '3h', 'warning', '3d'],
    ]);
    expect(alerts[0].expr).toContain(
      'slo:sli_error:ratio_rate5m{sloth_id="api-availability", sloth_service="api", sloth_slo="api-availability"} > (14.4 * 0.01)',
    );
    expect(alerts[0].expr).toContain('slo:sli_error:ratio_rate1h{');
    expect(alerts[0].annotations).toEqual({
      summary:
        'SLO api-availability of api is burning its error budget 14.4x too fast',
      description:
        'Over the last 1h and 5m the error ratio of api-availability exceeded 14.4% (14.4 x the 1% budget of a 99% objective over 30d): at this rate 2% of the 30d error budget is spent in 1h.',
      runbook_url: 'https://runbooks.example/api',
    });
  });

  it('uses the JupyterHub thresholds for a 98% objective over 28 days', () => {
    const { groups, warnings } = generatePrometheusRules(slosOf(jupyterhub), {
      runbookUrl: 'https://runbooks.example/{service}/{slo}',
    });
    expect(warnings).toEqual([]);
    const alerts = groups[2].rules as PrometheusAlertingRule[];
    expect(alerts.map(a => /> \(([\d.]+) \* 0.02\)/.exec(a.expr)?.[1])).toEqual(
      ['13.44', '5.6', '2.8', '0.933333333333'],
    );
    expect(alerts[0].annotations?.runbook_url).toBe(
      'https://runbooks.example/jupyterhub/jupyterhub-availability',
    );
    // Values per instant (counter: false) are summed over time, then divided.
    expect((groups[0].rules[0] as PrometheusRecordingRule).expr).toBe(
      '1 - (\nsum_over_time((sum(probe_success{service="jupyterhub"}))[5m:])\n/\nsum_over_time((count(probe_success{service="jupyterhub"}))[5m:])\n)',
    );
  });

  it('warns when an SLO has no runbook', () => {
    const { warnings } = generatePrometheusRules(slosOf(jupyterhub));
    expect(warnings).toEqual([
      expect.objectContaining({
        ref: 'jupyterhub-availability',
        message: expect.stringMatching(
          /^no runbook_url: add the annotation airworthy.dev\/runbook-url/,
        ),
      }),
    ]);
  });

  it('follows a Sloth spec: alert name, labels, annotations, disabled ticket alerts', () => {
    const { groups, warnings } = generatePrometheusRules(slosOf(SLOTH));
    expect(warnings).toEqual([
      expect.objectContaining({
        ref: 'hub-probes',
        message: expect.stringMatching(/no runbook_url/),
      }),
    ]);
    const alerts = groups.find(g => g.name === 'sloth-slo-alerts-hub-requests')!
      .rules as PrometheusAlertingRule[];
    expect(alerts.map(a => a.labels?.sloth_severity)).toEqual(['page', 'page']);
    expect(alerts[0]).toMatchObject({
      alert: 'HubRequestErrors',
      labels: {
        owner: 'sre',
        team: 'sre',
        routing_key: 'pager',
        severity: 'critical',
        sloth_id: 'hub-requests',
      },
      annotations: { runbook_url: 'https://runbooks.example/hub' },
    });
    // A raw SLI has no counts: its period ratio is the average of its 5-minute ratios.
    const probes = groups.find(
      g => g.name === 'sloth-slo-sli-recordings-hub-probes',
    )!.rules as PrometheusRecordingRule[];
    expect(probes.at(-1)).toMatchObject({
      record: 'slo:sli_error:ratio_rate30d',
      expr: 'avg_over_time(slo:sli_error:ratio_rate5m{sloth_id="hub-probes", sloth_service="hub", sloth_slo="probes"}[30d])',
    });
  });

  it('turns OpenSLO burn-rate conditions into alerts that replace the default ones', () => {
    const { groups } = generatePrometheusRules(slosOf(POLICY));
    const sli = groups[0].rules as PrometheusRecordingRule[];
    expect(sli.map(r => r.record)).toContain('slo:sli_error:ratio_rate45m');
    expect(groups[2].rules).toEqual([
      {
        alert: 'ApiPolicyFastBurn',
        expr: 'slo:sli_error:ratio_rate45m{sloth_id="api-policy", sloth_service="api", sloth_slo="api-policy"} / 0.01 >= 2',
        for: '5m',
        labels: expect.objectContaining({
          severity: 'critical',
          sloth_severity: 'page',
          notification_targets: 'oncall',
        }),
        annotations: expect.objectContaining({
          summary:
            'SLO api-policy of api: burn rate over 45m >= 2 (alert policy fast-burn)',
          runbook_url: 'https://runbooks.example/api',
        }),
      },
    ]);
  });

  it('explains which SLOs get no rules', () => {
    const timeslices = EVENTS.replace(
      'budgetingMethod: Occurrences',
      'budgetingMethod: Timeslices',
    ).replace(
      'target: 0.99',
      'target: 0.99\n      timeSliceTarget: 0.9\n      timeSliceWindow: 1m',
    );
    const datadog = EVENTS.replace(/type: Prometheus/g, 'type: Datadog');
    const expression = SELECTORS.replace(
      'query: http_requests_total{job="web"}',
      'query: sum(http_requests_total{job="web"})',
    );
    const result = parseSloFiles([
      { file: 'a.yaml', content: timeslices },
      { file: 'b.yaml', content: datadog.replace('api-availability', 'dd') },
      { file: 'c.yaml', content: expression },
    ]);
    expect(result.errors).toEqual([]);
    const { groups, warnings } = generatePrometheusRules(result.slos);
    expect(groups).toEqual([]);
    expect(warnings.map(w => `${w.file}: ${w.message}`)).toEqual([
      expect.stringMatching(
        /^a.yaml: no rules: rules are generated for budgetingMethod Occurrences only/,
      ),
      expect.stringMatching(
        /^b.yaml: no rules: rules need Prometheus metric sources, not Datadog/,
      ),
      expect.stringMatching(
        /^c.yaml: no rules: the counter query "sum\(http_requests_total\{job="web"\}\)" is neither a metric selector nor uses \{\{.window\}\}/,
      ),
    ]);
  });

  it('writes a rule file or a PrometheusRule resource', () => {
    const { groups } = generatePrometheusRules(slosOf(EVENTS));
    const file = parse(rulesToYaml(groups, { format: 'prometheus' }));
    expect(Object.keys(file)).toEqual(['groups']);
    const resource = parse(
      rulesToYaml(groups, {
        format: 'prometheus-operator',
        name: 'api-slos',
        namespace: 'monitoring',
        labels: { role: 'alert-rules' },
      }),
    );
    expect(resource).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: 'api-slos',
        namespace: 'monitoring',
        labels: { role: 'alert-rules' },
      },
    });
    expect(resource.spec).toEqual(file);
  });
});

describeWithPromtool('Prometheus rules, checked by promtool', () => {
  it('promtool check rules accepts every output', () => {
    const all = [EVENTS, SELECTORS, SLOTH, POLICY, jupyterhub].flatMap(slosOf);
    const { groups } = generatePrometheusRules(all);
    expect(groups.length).toBe(18);
    const plain = rulesToYaml(groups, { format: 'prometheus' });
    const operator = parse(
      rulesToYaml(groups, { format: 'prometheus-operator' }),
    );
    const checked = promtool(
      ['check', 'rules', 'plain.yaml', 'operator.yaml'],
      {
        'plain.yaml': plain,
        'operator.yaml': stringify(operator.spec),
      },
    );
    expect(checked.output).toContain('SUCCESS: 120 rules found');
    expect(checked.status).toBe(0);
  });

  it('promtool check rules accepts the rules of every example SLO file', () => {
    const files = fs
      .readdirSync(examples)
      .filter(name => /\.ya?ml$/.test(name))
      .map(name => ({
        file: name,
        content: fs.readFileSync(path.join(examples, name), 'utf8'),
      }));
    const result = parseSloFiles(files);
    expect(result.errors).toEqual([]);
    const { groups } = generatePrometheusRules(result.slos);
    expect(groups.length).toBeGreaterThan(0);
    const checked = promtool(['check', 'rules', 'examples.yaml'], {
      'examples.yaml': rulesToYaml(groups, { format: 'prometheus' }),
    });
    expect(checked.output).toMatch(/SUCCESS: \d+ rules found/);
    expect(checked.status).toBe(0);
  });

  it('promtool check rules rejects a broken rule (the check can fail)', () => {
    const checked = promtool(['check', 'rules', 'bad.yaml'], {
      'bad.yaml':
        'groups:\n  - name: x\n    rules:\n      - record: a\n        expr: sum(\n',
    });
    expect(checked.status).not.toBe(0);
  });

  it('Prometheus computes the error ratios, the period ratio and the alerts', () => {
    const slos = [
      ...slosOf(EVENTS),
      ...slosOf(SELECTORS),
      ...slosOf(jupyterhub),
    ];
    const { groups } = generatePrometheusRules(slos, {
      runbookUrl: 'https://runbooks.example/{slo}',
    });
    const pageAlerts = (groups[2].rules as PrometheusAlertingRule[]).slice(
      0,
      2,
    );
    const tests = {
      rule_files: ['rules.yaml'],
      evaluation_interval: '1m',
      tests: [
        {
          // 20 of 100 requests a minute fail: error ratio 0.2, far above 14.4 x 1%.
          interval: '1m',
          input_series: [
            {
              series: 'http_requests_total{job="api",code="500"}',
              values: '0+20x240',
            },
            {
              series: 'http_requests_total{job="api",code="200"}',
              values: '0+80x240',
            },
            {
              series: 'http_requests_total{job="web",code="500"}',
              values: '0+20x240',
            },
            {
              series: 'http_requests_total{job="web",code="200"}',
              values: '0+80x240',
            },
            // Two probed instances, one always up and one always down.
            {
              series: 'probe_success{service="jupyterhub",instance="a"}',
              values: '1x240',
            },
            {
              series: 'probe_success{service="jupyterhub",instance="b"}',
              values: '0x240',
            },
          ],
          promql_expr_test: [
            ['api-availability', '5m', 0.2],
            ['api-availability', '1h', 0.2],
            ['web-availability', '1h', 0.2],
            ['jupyterhub-availability', '1h', 0.5],
            ['api-availability', '30d', 0.2],
          ].map(([slo, window, value]) => ({
            // Within 1e-9 of the hand computation (floating point).
            expr: `abs(slo:sli_error:ratio_rate${window}{sloth_slo="${slo}"} - ${value}) < bool 1e-9`,
            eval_time: '2h',
            exp_samples: [
              {
                labels: `{sloth_id="${slo}",sloth_service="${
                  String(slo).split('-')[0]
                }",sloth_slo="${slo}",sloth_window="${window}"${
                  slo === 'api-availability'
                    ? ',team="api",cost_centre="oss"'
                    : ''
                }}`,
                value: 1,
              },
            ],
          })),
          alert_rule_test: [
            {
              // At 30 minutes the page rows (for 2m and 15m) fire; the ticket rows are pending.
              eval_time: '30m',
              alertname: 'ApiAvailabilityErrorBudgetBurn',
              exp_alerts: pageAlerts.map(alert => ({
                exp_labels: {
                  ...alert.labels,
                },
                exp_annotations: alert.annotations,
              })),
            },
          ],
        },
        {
          // Spiky traffic: an hour with 1 request a minute, all failing, then an hour with
          // 100 a minute, all good. Bad/total over the period is 60/6060 = 0.99%; the average of
          // the 5-minute ratios would be about 50%.
          interval: '1m',
          input_series: [
            {
              series: 'http_requests_total{job="api",code="500"}',
              values: '0+1x60 60x60',
            },
            {
              series: 'http_requests_total{job="api",code="200"}',
              values: '0x60 0+100x60',
            },
          ],
          promql_expr_test: [
            {
              expr: 'slo:sli_error:ratio_rate30d{sloth_slo="api-availability"} < bool 0.012',
              eval_time: '121m',
              exp_samples: [
                {
                  labels:
                    '{sloth_id="api-availability",sloth_service="api",sloth_slo="api-availability",sloth_window="30d",team="api",cost_centre="oss"}',
                  value: 1,
                },
              ],
            },
            {
              expr: 'slo:sli_error:ratio_rate30d{sloth_slo="api-availability"} > bool 0.008',
              eval_time: '121m',
              exp_samples: [
                {
                  labels:
                    '{sloth_id="api-availability",sloth_service="api",sloth_slo="api-availability",sloth_window="30d",team="api",cost_centre="oss"}',
                  value: 1,
                },
              ],
            },
            {
              expr: 'avg_over_time(slo:sli_error:ratio_rate5m{sloth_slo="api-availability"}[30d]) > bool 0.4',
              eval_time: '121m',
              exp_samples: [
                {
                  labels:
                    '{sloth_id="api-availability",sloth_service="api",sloth_slo="api-availability",sloth_window="5m",team="api",cost_centre="oss"}',
                  value: 1,
                },
              ],
            },
          ],
        },
      ],
    };
    const result = promtool(['test', 'rules', 'tests.yaml'], {
      'rules.yaml': rulesToYaml(groups, { format: 'prometheus' }),
      'tests.yaml': stringify(tests),
    });
    if (result.status !== 0) throw new Error(result.output);
    expect(result.output).toContain('SUCCESS');
  });
});
