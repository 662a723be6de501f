import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
// The backend plugin is the receiver's host in this end-to-end test.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import operabilityPlugin from '@airworthy/plugin-operability-backend';
import {
  generatePrometheusRules,
  rulesToYaml,
  TIME,
} from '@airworthy/plugin-operability-common';
import {
  createOperabilityTestBackend,
  fetchIncidentRecords,
  testComponent,
} from '@airworthy/plugin-operability-node/testUtils';
// The real chain ends in the Alertmanager receiver and starts at the demo's exporter.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import operabilityModuleAlertmanager from '@airworthy/plugin-operability-backend-module-alertmanager';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import {
  DemoMetricsExporter,
  readDemoSlos,
  writeDemoOpenMetrics,
} from '@airworthy/plugin-operability-backend-module-demo';
import { prometheusMissing } from './__testUtils__/prometheus';
import {
  ALERTMANAGER,
  alertmanagerMissing,
  backfillOpenMetrics,
  RunningServer,
  startPrometheusOn,
  startServer,
} from './__testUtils__/realLoop';

const { MINUTE, HOUR } = TIME;

jest.setTimeout(120_000);

/**
 * Under faketime (CI runs the suite again 400 days ahead) this process' clock moves but the Go
 * binaries' does not (Go reads the clock without libc): a live chain needs one clock.
 */
const fakeClock =
  process.env.FAKETIME !== undefined ||
  /faketime/.test(process.env.LD_PRELOAD ?? '')
    ? `this process runs under faketime (FAKETIME=${process.env.FAKETIME}), whose clock Prometheus and Alertmanager do not share; the test runs in the suite's run on the real clock`
    : undefined;
const missing = prometheusMissing() ?? alertmanagerMissing() ?? fakeClock;
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the Prometheus-Alertmanager-Airworthy chain test: ${missing}`,
  );
}
const describeWithBinaries = missing ? describe.skip : describe;

const TOKEN = 'chain-test-token-0123456789';
const startOperabilityBackend = createOperabilityTestBackend(operabilityPlugin);

/*
 * The real chain, live: a Prometheus with the rules Airworthy generates for Superset's SLO
 * scrapes the demo's exporter (after two hours of the same history were backfilled) and sends
 * its firing burn alerts to a real Alertmanager, which routes them to Airworthy's receiver.
 * The demo's story ends now, with Superset failing 20% of requests for 90 minutes: the page
 * and the ticket alert must arrive as incidents of the Superset component. This part runs on
 * the real clock (Prometheus scrapes and evaluates in real time), anchored at the current
 * minute.
 */
describeWithBinaries('Prometheus, Alertmanager and Airworthy, live', () => {
  const servers: RunningServer[] = [];
  let exporter: http.Server | undefined;
  let dir: string;

  afterAll(async () => {
    for (const server of servers.reverse()) await server.stop();
    if (exporter) await new Promise(resolve => exporter!.close(resolve));
    if (dir) await fsp.rm(dir, { recursive: true, force: true });
  });

  it("brings the demo's Superset burn alerts to Airworthy through a real Alertmanager", async () => {
    const started = Date.now();
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'airworthy-chain-'));
    const now = Math.floor(Date.now() / MINUTE) * MINUTE;
    const from = now - 2 * HOUR;
    const sloNames = ['superset-availability'];
    const slos = readDemoSlos(
      path.resolve(__dirname, '../../../examples/slos'),
    ).filter(s => sloNames.includes(s.name));

    // Two hours of history, then the live exporter continues the same counters.
    const data = path.join(dir, 'data');
    const input = path.join(dir, 'history.om');
    const out = fs.createWriteStream(input);
    await writeDemoOpenMetrics(out, { from, to: now, anchor: now, sloNames });
    await new Promise(resolve => out.end(resolve));
    await backfillOpenMetrics(input, data);
    const metrics = new DemoMetricsExporter({ from, anchor: now, sloNames });
    exporter = http.createServer((_req, res) => {
      res.setHeader('Content-Type', 'text/plain; version=0.0.4');
      res.end(metrics.text(Date.now()));
    });
    await new Promise<void>(resolve =>
      exporter!.listen(0, '127.0.0.1', resolve),
    );
    const exporterPort = (exporter.address() as AddressInfo).port;

    const { server } = await startOperabilityBackend({
      entities: [
        testComponent('superset', {
          'airworthy.dev/alert-selector': 'sloth_service=superset',
        }),
      ],
      config: {
        operability: { incidents: { alertmanager: { token: TOKEN } } },
      },
      features: [operabilityModuleAlertmanager],
    });
    const backendPort = (server.address() as AddressInfo).port;

    const amConfig = path.join(dir, 'alertmanager.yml');
    await fsp.writeFile(
      amConfig,
      // JSON is YAML.
      JSON.stringify({
        route: {
          receiver: 'airworthy',
          group_by: ['alertname', 'sloth_id', 'sloth_severity'],
          group_wait: '1s',
          group_interval: '1s',
          repeat_interval: '1h',
        },
        receivers: [
          {
            name: 'airworthy',
            webhook_configs: [
              {
                url: `http://127.0.0.1:${backendPort}/api/operability/webhooks/alertmanager`,
                send_resolved: true,
                http_config: {
                  authorization: { type: 'Bearer', credentials: TOKEN },
                },
              },
            ],
          },
        ],
      }),
    );
    const alertmanager = await startServer(
      ALERTMANAGER,
      port => [
        `--config.file=${amConfig}`,
        `--storage.path=${path.join(dir, 'alertmanager')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--cluster.listen-address=',
        '--log.level=warn',
      ],
      '/-/ready',
    );
    servers.push(alertmanager);

    const rules = path.join(dir, 'rules.yaml');
    await fsp.writeFile(
      rules,
      rulesToYaml(generatePrometheusRules(slos), { format: 'prometheus' }),
    );
    const config = path.join(dir, 'prometheus.yml');
    await fsp.writeFile(
      config,
      JSON.stringify({
        global: { scrape_interval: '2s', evaluation_interval: '2s' },
        rule_files: [rules],
        scrape_configs: [
          {
            job_name: 'demo',
            static_configs: [{ targets: [`127.0.0.1:${exporterPort}`] }],
          },
        ],
        alerting: {
          alertmanagers: [
            {
              static_configs: [{ targets: [`127.0.0.1:${alertmanager.port}`] }],
            },
          ],
        },
      }),
    );
    // Alerts are sent again every second: the first send can come before the Alertmanager is
    // discovered, and is then dropped (by default the next one waits a minute).
    servers.push(
      await startPrometheusOn(data, config, ['--rules.alert.resend-delay=1s']),
    );

    const deadline = Date.now() + 60_000;
    // Records, one per alert: the page and the ticket alert of one burn are one incident.
    let incidents: Awaited<ReturnType<typeof fetchIncidentRecords>>['items'] =
      [];
    for (;;) {
      incidents = (await fetchIncidentRecords(server, 'superset')).items;
      const severities = new Set(
        incidents.map(
          i => JSON.stringify(i).match(/sloth_severity=(\w+)/)?.[1],
        ),
      );
      if (severities.has('page') && severities.has('ticket')) break;
      if (Date.now() > deadline) {
        const get = async (url: string) => (await fetch(url)).text();
        throw new Error(
          `no page and ticket incidents after 60 s: ${JSON.stringify(
            incidents,
          )}\nPrometheus alerts: ${await get(
            `${servers[1].baseUrl}/api/v1/alerts`,
          )}\nrecords: ${await get(
            `${servers[1].baseUrl}/api/v1/query?query=slo:sli_error:ratio_rate5m`,
          )}\ntargets: ${await get(
            `${servers[1].baseUrl}/api/v1/targets`,
          )}\nAlertmanager: ${await get(
            `${alertmanager.baseUrl}/api/v2/alerts`,
          )}\n${alertmanager.log()}\n${servers[1]?.log()}`,
        );
      }
      await new Promise(resolve => setTimeout(resolve, 500));
    }
    // eslint-disable-next-line no-console
    console.log(
      `alert chain: ${
        incidents.length
      } incident records through Prometheus and Alertmanager in ${(
        (Date.now() - started) /
        1000
      ).toFixed(1)} s`,
    );
    expect(incidents).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          source: 'alertmanager',
          severity: 'critical',
          labels: expect.arrayContaining([
            'alertname=SupersetAvailabilityErrorBudgetBurn',
            'sloth_severity=page',
            'sloth_slo=superset-availability',
          ]),
        }),
        expect.objectContaining({
          source: 'alertmanager',
          severity: 'warning',
          labels: expect.arrayContaining(['sloth_severity=ticket']),
        }),
      ]),
    );
  });
});
