import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';

const bin = path.resolve(__dirname, '../bin/airworthy');
const root = path.resolve(__dirname, '../../..');
const fixture = path.join(
  root,
  'plugins/operability-common/src/slo/__fixtures__/jupyterhub.yaml',
);
/** The JupyterHub SLO (no alert policies, no runbook), copied into the test directory. */
let jupyterhub: string;

function airworthy(...args: string[]) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    encoding: 'utf8',
    cwd: root,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'airworthy-cli-'));
  jupyterhub = path.join(dir, 'jupyterhub.yaml');
  fs.copyFileSync(fixture, jupyterhub);
  fs.writeFileSync(
    path.join(dir, 'broken.yaml'),
    `apiVersion: openslo/v1
kind: SLO
metadata:
  name: Broken
spec:
  service: x
  budgetingMethod: Occurrences
  indicatorRef: missing
  objectives:
    - target: 99.9
---
apiVersion: openslo/v1
kind: Service
metadata:
  name: fine
spec: {}
---
hello: world
`,
  );
  fs.writeFileSync(
    path.join(dir, 'sloth.yaml'),
    `version: prometheus/v1
service: hub
slos:
  - name: requests
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(hub_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(hub_requests_total[{{.window}}]))
    alerting:
      name: HubRequestErrors
      annotations:
        runbook_url: https://runbooks.example/hub
`,
  );
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('airworthy validate', () => {
  it('accepts every SLO file of the demo catalog, each on its own', () => {
    const files = fs
      .readdirSync(path.join(root, 'examples/slos'))
      .filter(f => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThan(10);
    for (const file of files) {
      const result = airworthy('validate', path.join('examples/slos', file));
      expect({ file, code: result.code, stdout: result.stdout }).toEqual({
        file,
        code: 0,
        stdout: expect.stringMatching(/valid documents? in 1 file/),
      });
    }
  });

  it('counts valid documents and exits 0', () => {
    const result = airworthy(
      'validate',
      jupyterhub,
      path.join(dir, 'sloth.yaml'),
    );
    expect(result).toEqual({
      code: 0,
      stdout: '2 valid documents in 2 files (2 SLOs)\n',
      stderr: '',
    });
  });

  it('reads the YAML files of a directory: the repository examples are valid', () => {
    const result = airworthy('validate', 'examples/slos');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^\d+ valid documents in \d+ files \(\d+ SLOs\)\n$/,
    );
    const files = fs
      .readdirSync(path.join(root, 'examples/slos'))
      .filter(f => /\.ya?ml$/.test(f));
    expect(result.stdout).toContain(` in ${files.length} files `);
  });

  it('prints one FILE:DOC:PATH: message line per problem and exits 1', () => {
    const file = path.join(dir, 'broken.yaml');
    const result = airworthy('validate', file);
    expect(result.code).toBe(1);
    expect(result.stdout.split('\n').filter(Boolean)).toEqual([
      `${file}:0:metadata.name: must be an RFC 1123 name: at most 63 lower-case letters, digits and "-", starting and ending with a letter or digit (e.g. "checkout-availability")`,
      `${file}:0:spec.objectives[0].target: must be a ratio in [0, 1), e.g. 0.995 for 99.5% (or write targetPercent: 99.5)`,
      `${file}:0:spec.indicatorRef: refers to an SLI named "missing", but the documents given have none: add an SLI document with metadata.name: missing, or fix the name`,
      `${file}:2: is not an SLO spec: expected an OpenSLO document (apiVersion: openslo/v1, with kind, metadata and spec), a Sloth spec (version: prometheus/v1, with service and slos) or a Sloth PrometheusServiceLevel (apiVersion: sloth.slok.dev/v1)`,
    ]);
    expect(result.stderr).toBe('4 problems; 1 of 3 documents valid\n');
  });

  it('prints JSON with --json', () => {
    const result = airworthy(
      'validate',
      '--json',
      path.join(dir, 'broken.yaml'),
      jupyterhub,
    );
    expect(result.code).toBe(1);
    const json = JSON.parse(result.stdout);
    expect(json).toMatchObject({
      valid: false,
      files: 2,
      slos: ['jupyterhub-availability'],
    });
    expect(json.errors).toHaveLength(4);
    expect(json.documents).toHaveLength(4);
  });

  it('exits 2 with usage for missing files and arguments', () => {
    const missing = airworthy('validate', 'nope.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'error: cannot read nope.yaml: no such file or directory\n(run with --help for usage)\n',
    );
    const none = airworthy('validate');
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("error: missing required argument 'files'");
    expect(none.stderr).toContain('(run with --help for usage)');
    const period = airworthy(
      'validate',
      '--sloth-period',
      '30 days',
      jupyterhub,
    );
    expect(period.code).toBe(2);
    expect(period.stderr).toContain(
      "argument '30 days' is invalid. must be a positive whole number",
    );
  });
});

describe('airworthy rules', () => {
  it('prints a Prometheus rule file, with warnings on stderr', () => {
    const result = airworthy('rules', jupyterhub, path.join(dir, 'sloth.yaml'));
    expect(result.code).toBe(0);
    expect(result.stderr).toBe(
      `${jupyterhub}:0: warning: SLO jupyterhub-availability: no runbook_url: add the annotation airworthy.dev/runbook-url (OpenSLO), alerting.annotations.runbook_url (Sloth) or pass a runbook URL template\n`,
    );
    const file = parse(result.stdout);
    expect(file.groups.map((g: { name: string }) => g.name)).toEqual([
      'sloth-slo-sli-recordings-jupyterhub-availability',
      'sloth-slo-meta-recordings-jupyterhub-availability',
      'sloth-slo-alerts-jupyterhub-availability',
      'airworthy-slo-recordings-jupyterhub-availability',
      'sloth-slo-sli-recordings-hub-requests',
      'sloth-slo-meta-recordings-hub-requests',
      'sloth-slo-alerts-hub-requests',
      'airworthy-slo-recordings-hub-requests',
    ]);
  });

  it('prints a PrometheusRule per Sloth PrometheusServiceLevel, as Sloth does', () => {
    const crd = path.join(dir, 'crd.yaml');
    fs.writeFileSync(
      crd,
      `apiVersion: sloth.slok.dev/v1
kind: PrometheusServiceLevel
metadata:
  name: hub-slos
  namespace: monitoring
spec:
  service: hub
  labels: { generated: true }
  slos:
    - name: requests
      objective: 99.5
      sli:
        events:
          errorQuery: sum(rate(hub_requests_total{code=~"5.."}[{{.window}}]))
          totalQuery: sum(rate(hub_requests_total[{{.window}}]))
      alerting:
        name: HubRequestErrors
        annotations: { runbook_url: "https://runbooks.example/hub" }
`,
    );
    const result = airworthy(
      'rules',
      crd,
      '--format',
      'prometheus-operator',
      '--sloth-period',
      '28d',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const resource = parse(result.stdout);
    expect(resource.metadata).toEqual({
      name: 'hub-slos',
      namespace: 'monitoring',
      labels: {
        'app.kubernetes.io/component': 'SLO',
        'app.kubernetes.io/managed-by': 'sloth',
      },
    });
    const records = resource.spec.groups[0].rules.map(
      (r: { record: string }) => r.record,
    );
    expect(records.at(-1)).toBe('slo:sli_error:ratio_rate4w');
    expect(resource.spec.groups[0].rules[0].labels.generated).toBe('true');
    expect(
      resource.spec.groups[2].rules.map(
        (r: {
          alert: string;
          for?: string;
          labels: Record<string, string>;
        }) => [r.alert, r.labels.sloth_severity, r.for],
      ),
    ).toEqual([
      ['HubRequestErrors', 'page', undefined],
      ['HubRequestErrors', 'ticket', undefined],
    ]);
  });

  it('prints a PrometheusRule with runbook URLs and labels', () => {
    const result = airworthy(
      'rules',
      jupyterhub,
      '--format',
      'prometheus-operator',
      '--name',
      'jupyterhub-slos',
      '--namespace',
      'opf-monitoring',
      '--label',
      'role=alert-rules',
      '--rule-label',
      'cluster=smaug',
      '--runbook-url',
      'https://runbooks.example/{service}',
    );
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const resource = parse(result.stdout);
    expect(resource).toMatchObject({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: {
        name: 'jupyterhub-slos',
        namespace: 'opf-monitoring',
        labels: { role: 'alert-rules' },
      },
    });
    expect(resource.spec.groups[0].rules[0].labels).toMatchObject({
      cluster: 'smaug',
    });
    const alert = resource.spec.groups[2].rules[0];
    expect(alert.labels).toEqual({
      severity: 'critical',
      sloth_severity: 'page',
    });
    expect(alert.annotations.runbook_url).toBe(
      'https://runbooks.example/jupyterhub',
    );
  });

  it('exits 1 without rules when a file is invalid', () => {
    const result = airworthy('rules', path.join(dir, 'broken.yaml'));
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n').filter(Boolean)).toHaveLength(4);
  });

  it('exits 2 for an unknown format', () => {
    const result = airworthy('rules', '--format', 'thanos', jupyterhub);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "error: option '--format <format>' argument 'thanos' is invalid. Allowed choices are prometheus, prometheus-operator.",
    );
  });
});

describe('one range of periods, and files that say nothing', () => {
  it('refuses a period that validate, rules and windows cannot use, alike', () => {
    const huge = path.join(dir, 'huge.yaml');
    fs.writeFileSync(
      huge,
      fs
        .readFileSync(jupyterhub, 'utf8')
        .replace(/duration: 28d/, 'duration: 999999999Y'),
    );
    const validate = airworthy('validate', huge);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(
      'spec.timeWindow[0].duration: must be at most 400d: the SLI store keeps data that long at the most, so a longer budget could not be measured',
    );
    expect(airworthy('rules', huge).code).toBe(1);
    const windows = airworthy('windows', '--period', '999999999Y');
    expect(windows.code).toBe(2);
    expect(windows.stderr).toContain('must be at most 400d');
    expect(airworthy('rules', '--sloth-period', '3Y', jupyterhub).code).toBe(2);
  });

  it('says why a short period has no alert windows', () => {
    const result = airworthy('windows', '--period', '30m');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'no burn-rate alert fits a 30m period: every long window (the shortest is 1h) is longer than the period, so no alert could ever be met; use a period of 1h or more\n',
    );
    const json = airworthy('windows', '--period', '30m', '--json');
    expect(JSON.parse(json.stdout)).toEqual([]);
    expect(json.stderr).toContain('no burn-rate alert fits a 30m period');
  });

  it('exits 1 for an empty file', () => {
    const empty = path.join(dir, 'empty.yaml');
    fs.writeFileSync(empty, '# SLOs to come\n');
    const result = airworthy('validate', empty);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      `${empty}: holds no YAML document: expected an OpenSLO document (apiVersion: openslo/v1, with kind, metadata and spec), a Sloth spec (version: prometheus/v1, with service and slos) or a Sloth PrometheusServiceLevel (apiVersion: sloth.slok.dev/v1)\n`,
    );
  });
});

describe('airworthy windows', () => {
  it('prints the 30-day table as JSON', () => {
    const result = airworthy('windows', '--period', '30d', '--json');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([
      {
        severity: 'page',
        longWindow: '1h',
        shortWindow: '5m',
        burnRateFactor: 14.4,
        budgetConsumed: 0.02,
      },
      {
        severity: 'page',
        longWindow: '6h',
        shortWindow: '30m',
        burnRateFactor: 6,
        budgetConsumed: 0.05,
      },
      {
        severity: 'ticket',
        longWindow: '1d',
        shortWindow: '2h',
        burnRateFactor: 3,
        budgetConsumed: 0.1,
      },
      {
        severity: 'ticket',
        longWindow: '3d',
        shortWindow: '6h',
        burnRateFactor: 1,
        budgetConsumed: 0.1,
      },
    ]);
  });

  it('adds error-ratio thresholds with a target', () => {
    const result = airworthy(
      'windows',
      '--period',
      '30d',
      '--target',
      '0.999',
      '--json',
    );
    expect(
      JSON.parse(result.stdout).map(
        (r: { errorRatioThreshold: number }) => r.errorRatioThreshold,
      ),
    ).toEqual([0.0144, 0.006, 0.003, 0.001]);
  });

  it('prints a table for people', () => {
    const result = airworthy('windows', '--period', '28d', '--target', '98%');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'Multiwindow, multi-burn-rate alerts for a 28d period, target 98% (error budget 2%)',
        '',
        'severity  long window  short window  budget consumed  burn-rate factor  error-ratio threshold',
        'page      1h           5m            2%               13.44             26.88%',
        'page      6h           30m           5%               5.6               11.2%',
        'ticket    1d           2h            10%              2.8               5.6%',
        'ticket    3d           6h            10%              0.9333            1.867%',
        '',
        'An alert fires when the error ratio of both windows exceeds factor x (1 - target).',
        '',
      ].join('\n'),
    );
  });

  it.each([
    [['windows'], "error: required option '--period <duration>' not specified"],
    [
      ['windows', '--period', '30'],
      "argument '30' is invalid. must be a positive whole number",
    ],
    [
      ['windows', '--period', '30d', '--target', '1.5'],
      "argument '1.5' is invalid. must be a ratio in [0, 1)",
    ],
    [
      ['windows', '--period', '30d', '--frobnicate'],
      "error: unknown option '--frobnicate'",
    ],
  ])('exits 2 for %j', (args, message) => {
    const result = airworthy(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(message);
  });
});

describe('airworthy budget', () => {
  it('99.9% over 30 days is 43.2 minutes of budget', () => {
    const result = airworthy(
      'budget',
      '--target',
      '0.999',
      '--period',
      '30d',
      '--good',
      '999500',
      '--total',
      '1000000',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      [
        'SLI                 99.95% (999500 good of 1000000)',
        'Error budget        0.1% = 1000 bad events over 30d = 43.2 minutes (43m 12s)',
        'Consumed            50% (500 bad events)',
        'Remaining           50% (500 events, 21.6 minutes)',
        'Burn rate           0.5',
        'Time to exhaustion  30d at burn rate 0.5',
        '',
      ].join('\n'),
    );
  });

  it('projects the budget of a partly elapsed period, as JSON', () => {
    const result = airworthy(
      'budget',
      '--target',
      '99.9%',
      '--period',
      '30d',
      '--good',
      '999500',
      '--total',
      '1000000',
      '--elapsed',
      '12d',
      '--json',
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      target: 0.999,
      period: '30d',
      elapsed: '12d',
      good: 999500,
      total: 1000000,
      sli: 0.9995,
      errorRatio: 0.0005,
      errorBudget: 0.001,
      budgetEvents: 2500,
      budgetMinutes: 43.2,
      consumedEvents: 500,
      consumed: 0.2,
      remaining: 0.8,
      remainingEvents: 2000,
      remainingMinutes: 34.56,
      burnRate: 0.5,
      timeToExhaustionMs: 48 * 86_400_000,
    });
  });

  it('says when the budget is spent', () => {
    const result = airworthy(
      'budget',
      '--target',
      '0.99',
      '--period',
      '28d',
      '--good',
      '97',
      '--total',
      '100',
    );
    expect(result.stdout).toContain('Remaining           -200%');
    expect(result.stdout).toContain(
      'Time to exhaustion  now: the budget is spent',
    );
  });

  it.each([
    [
      ['budget', '--period', '30d', '--good', '1', '--total', '1'],
      "required option '--target <ratio>' not specified",
    ],
    [
      [
        'budget',
        '--target',
        '0.99',
        '--period',
        '30d',
        '--good',
        '2',
        '--total',
        '1',
      ],
      'error: --good (2) cannot exceed --total (1)',
    ],
    [
      [
        'budget',
        '--target',
        '0.99',
        '--period',
        '30d',
        '--good',
        '-1',
        '--total',
        '1',
      ],
      "argument '-1' is invalid. must be a number of events, 0 or more",
    ],
    [
      [
        'budget',
        '--target',
        '0.99',
        '--period',
        '30d',
        '--good',
        'many',
        '--total',
        '1',
      ],
      "argument 'many' is invalid",
    ],
    [
      [
        'budget',
        '--target',
        '0.99',
        '--period',
        '30d',
        '--good',
        '1',
        '--total',
        '1',
        '--elapsed',
        '31d',
      ],
      'error: --elapsed (31d) cannot exceed --period (30d)',
    ],
  ])('exits 2 for %j', (args, message) => {
    const result = airworthy(...args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('(run with --help for usage)');
  });
});
