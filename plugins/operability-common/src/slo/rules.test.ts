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
      'airworthy-slo-recordings-api-availability',
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
      'slo:sli_error:ratio_rate30d',
      'slo:objective:ratio',
      'slo:error_budget:ratio',
      'slo:time_period:days',
      'slo:current_burn_rate:ratio',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
      'sloth_slo_info',
      'airworthy:sli_error_events:rate5m',
      'airworthy:sli_total_events:rate5m',
      'airworthy:sli_error:ratio_rate30d',
    ]);
    const rule1h = groups[0].rules[2] as PrometheusRecordingRule;
    expect(rule1h.expr).toBe(
      '(sum(rate(http_requests_total{job="api",code=~"5.."}[1h])))\n/\n(sum(rate(http_requests_total{job="api"}[1h])))\n',
    );
    expect(rule1h.labels).toEqual({
      cost_centre: 'oss',
      sloth_id: 'api-availability',
      sloth_service: 'api',
      sloth_slo: 'api-availability',
      sloth_window: '1h',
      team: 'api',
    });
    // Sloth's period record averages the 5-minute ratios; Airworthy's own divides sums of
    // events.
    const sloth = groups[0].rules[7] as PrometheusRecordingRule;
    expect(sloth.expr).toBe(
      'sum_over_time(slo:sli_error:ratio_rate5m{sloth_id="api-availability", sloth_service="api", sloth_slo="api-availability"}[30d])\n' +
        '/ ignoring (sloth_window)\n' +
        'count_over_time(slo:sli_error:ratio_rate5m{sloth_id="api-availability", sloth_service="api", sloth_slo="api-availability"}[30d])\n',
    );
    const exact = groups[3].rules[2] as PrometheusRecordingRule;
    expect(exact.expr).toContain(
      'sum_over_time(airworthy:sli_error_events:rate5m{',
    );
    expect(exact.expr).toContain(
      'sum_over_time(airworthy:sli_total_events:rate5m{',
    );
    expect(exact.expr).not.toContain('ratio_rate5m');
  });

  it('pages and tickets as Sloth does: two alerts, each OR-ing its two window pairs, without for', () => {
    const { groups } = generatePrometheusRules(slosOf(EVENTS));
    const alerts = groups[2].rules as PrometheusAlertingRule[];
    expect(alerts).toEqual([
      {
        alert: 'ApiAvailabilityErrorBudgetBurn',
        expr: [
          '(',
          '    max(slo:sli_error:ratio_rate5m{sloth_id="api-availability", sloth_service="api", sloth_slo="api-availability"} > (14.4 * 0.01)) without (sloth_window)',
          '    and',
          '    max(slo:sli_error:ratio_rate1h{sloth_id="api-availability", sloth_service="api", sloth_slo="api-availability"} > (14.4 * 0.01)) without (sloth_window)',
          ')',
          'or',
          '(',
          '    max(slo:sli_error:ratio_rate30m{sloth_id="api-availability", sloth_service="api", sloth_slo="api-availability"} > (6 * 0.01)) without (sloth_window)',
          '    and',
          '    max(slo:sli_error:ratio_rate6h{sloth_id="api-availability", sloth_service="api", sloth_slo="api-availability"} > (6 * 0.01)) without (sloth_window)',
          ')',
          '',
        ].join('\n'),
        labels: { severity: 'critical', sloth_severity: 'page' },
        annotations: {
          runbook_url: 'https://runbooks.example/api',
          summary:
            '{{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is over expected.',
          title:
            '(page) {{$labels.sloth_service}} {{$labels.sloth_slo}} SLO error budget burn rate is too fast.',
        },
      },
      expect.objectContaining({
        alert: 'ApiAvailabilityErrorBudgetBurn',
        labels: { severity: 'warning', sloth_severity: 'ticket' },
      }),
    ]);
    expect(alerts[1].expr).toContain('ratio_rate2h{');
    expect(alerts[1].expr).toContain('ratio_rate1d{');
    expect(alerts[1].expr).toContain('ratio_rate6h{');
    expect(alerts[1].expr).toContain('ratio_rate3d{');
    expect(alerts[1].expr).toContain('> (3 * 0.01)');
    expect(alerts[1].expr).toContain('> (1 * 0.01)');
  });

  it('uses the JupyterHub thresholds for a 98% objective over 28 days', () => {
    const { groups, warnings } = generatePrometheusRules(slosOf(jupyterhub), {
      runbookUrl: 'https://runbooks.example/{service}/{slo}',
    });
    expect(warnings).toEqual([]);
    const alerts = groups[2].rules as PrometheusAlertingRule[];
    // Sloth's float64 arithmetic: (percent x 672 h / 100) / long window in hours, and the
    // budget (100 - 98) / 100.
    expect(
      alerts.map(a =>
        [...a.expr.matchAll(/> \(([\d.e-]+) \* ([\d.e-]+)\)/g)].map(
          m => `${m[1]} * ${m[2]}`,
        ),
      ),
    ).toEqual([
      [
        '13.44 * 0.02',
        '13.44 * 0.02',
        '5.6000000000000005 * 0.02',
        '5.6000000000000005 * 0.02',
      ],
      [
        '2.8000000000000003 * 0.02',
        '2.8000000000000003 * 0.02',
        '0.9333333333333333 * 0.02',
        '0.9333333333333333 * 0.02',
      ],
    ]);
    // A 28-day period is 4w, as Prometheus spells it.
    expect(
      groups[0].rules.map(r => (r as PrometheusRecordingRule).record),
    ).toContain('slo:sli_error:ratio_rate4w');
    expect(alerts[0].annotations?.runbook_url).toBe(
      'https://runbooks.example/jupyterhub/jupyterhub-availability',
    );
    // Values per instant (counter: false) are summed over time, then divided.
    expect((groups[0].rules[0] as PrometheusRecordingRule).expr).toBe(
      '1 - (\n(sum_over_time((sum(probe_success{service="jupyterhub"}))[5m:]))\n/\n(sum_over_time((count(probe_success{service="jupyterhub"}))[5m:]))\n)\n',
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
    expect(alerts.map(a => a.labels?.sloth_severity)).toEqual(['page']);
    expect(alerts[0]).toMatchObject({
      alert: 'HubRequestErrors',
      labels: {
        team: 'sre',
        routing_key: 'pager',
        severity: 'critical',
        sloth_severity: 'page',
      },
      annotations: { runbook_url: 'https://runbooks.example/hub' },
    });
    // As Sloth's: the SLO's labels and ids come with the recorded series, not on the alert.
    expect(alerts[0].labels).not.toHaveProperty('owner');
    // A raw SLI has no counts: its period ratio is the average of its 5-minute ratios.
    const probes = groups.find(
      g => g.name === 'sloth-slo-sli-recordings-hub-probes',
    )!.rules as PrometheusRecordingRule[];
    expect(probes.at(-1)).toMatchObject({
      record: 'slo:sli_error:ratio_rate30d',
      expr: 'sum_over_time(slo:sli_error:ratio_rate5m{sloth_id="hub-probes", sloth_service="hub", sloth_slo="probes"}[30d])\n/ ignoring (sloth_window)\ncount_over_time(slo:sli_error:ratio_rate5m{sloth_id="hub-probes", sloth_service="hub", sloth_slo="probes"}[30d])\n',
    });
    expect(
      groups.find(g => g.name === 'airworthy-slo-recordings-hub-probes'),
    ).toBeUndefined();
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
        labels: {
          severity: 'critical',
          sloth_severity: 'page',
          notification_targets: 'oncall',
        },
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
    expect(groups.length).toBe(23);
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
    expect(checked.output).toContain('SUCCESS: 116 rules found');
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
    const alerts = groups[2].rules as PrometheusAlertingRule[];
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
              // Without `for`, the page and the ticket alert fire at the first evaluation
              // with data in both windows of a pair, with the series' labels.
              eval_time: '2m',
              alertname: 'ApiAvailabilityErrorBudgetBurn',
              exp_alerts: alerts.map(alert => ({
                exp_labels: {
                  ...alert.labels,
                  cost_centre: 'oss',
                  sloth_id: 'api-availability',
                  sloth_service: 'api',
                  sloth_slo: 'api-availability',
                  team: 'api',
                },
                exp_annotations: {
                  ...alert.annotations,
                  summary:
                    'api api-availability SLO error budget burn rate is over expected.',
                  title: `(${alert.labels?.sloth_severity}) api api-availability SLO error budget burn rate is too fast.`,
                },
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
              expr: 'airworthy:sli_error:ratio_rate30d{sloth_slo="api-availability"} < bool 0.012',
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
              expr: 'airworthy:sli_error:ratio_rate30d{sloth_slo="api-availability"} > bool 0.008',
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
              // Sloth's period record, the average of the 5-minute ratios.
              expr: 'slo:sli_error:ratio_rate30d{sloth_slo="api-availability"} > bool 0.4',
              eval_time: '121m',
              exp_samples: [
                {
                  labels:
                    '{sloth_id="api-availability",sloth_service="api",sloth_slo="api-availability",sloth_window="30d",team="api",cost_centre="oss"}',
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
