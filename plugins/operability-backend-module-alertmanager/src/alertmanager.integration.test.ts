// The end-to-end test runs the module inside the plugin it extends.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import operabilityPlugin from '@airworthy/plugin-operability-backend';
import type { IncidentRecord } from '@airworthy/plugin-operability-common';
import {
  createOperabilityTestBackend,
  fetchIncidentRecords,
  testComponent,
} from '@airworthy/plugin-operability-node/testUtils';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http, { type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { operabilityModuleAlertmanager } from './module';

/*
 * Debian's Alertmanager delivers to Airworthy through its own webhook receiver: alerts are
 * posted to Alertmanager's API, which groups them and notifies (group_wait 1 s), repeats
 * the notification (repeat_interval 2 s) and sends the resolution (send_resolved).
 */

const ALERTMANAGER =
  process.env.ALERTMANAGER_BIN ?? '/usr/bin/prometheus-alertmanager';
const missing = fs.existsSync(ALERTMANAGER)
  ? undefined
  : `${ALERTMANAGER} is not installed (Debian: apt-get install -y prometheus-alertmanager; or set ALERTMANAGER_BIN)`;
if (missing) {
  // eslint-disable-next-line no-console
  console.warn(`Skipping the Alertmanager integration test: ${missing}`);
}
const describeWithAlertmanager = missing ? describe.skip : describe;

jest.setTimeout(90_000);

const TOKEN = 'am-integration-token-6b1f0c2d9e';
const startOperabilityBackend = createOperabilityTestBackend(operabilityPlugin);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it stops throwing (or the time is up, then its error). */
async function eventually<T>(
  check: () => Promise<T>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise(resolve => setTimeout(resolve, 200));
    }
  }
}

interface Delivery {
  status: string;
  alerts: number;
  answer: { status: number; body: Record<string, unknown> };
}

/**
 * A recording hop between Alertmanager and Airworthy: forwards each webhook call as it is
 * and keeps what Alertmanager sent and what Airworthy answered.
 */
async function startRecorder(target: string) {
  const deliveries: Delivery[] = [];
  const server: Server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const answer = await fetch(`${target}${req.url}`, {
        method: 'POST',
        headers: {
          'Content-Type': String(req.headers['content-type']),
          Authorization: String(req.headers.authorization),
        },
        body,
      });
      const text = await answer.text();
      const payload = JSON.parse(body.toString('utf8'));
      deliveries.push({
        status: payload.status,
        alerts: payload.alerts.length,
        answer: { status: answer.status, body: JSON.parse(text) },
      });
      res.writeHead(answer.status, { 'Content-Type': 'application/json' });
      res.end(text);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    deliveries,
    close: () => new Promise(resolve => server.close(resolve)),
  };
}

/** Alertmanager on a loopback port, clustering off, one webhook receiver. */
async function startAlertmanager(webhookUrl: string) {
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'airworthy-am-'));
  const config = path.join(dir, 'alertmanager.yml');
  await fsp.writeFile(
    config,
    `route:
  receiver: airworthy
  group_by: [alertname, service]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: airworthy
    webhook_configs:
      - url: ${webhookUrl}
        send_resolved: true
        max_alerts: 0
        http_config:
          authorization:
            type: Bearer
            credentials: ${TOKEN}
`,
  );
  const port = await freePort();
  const log: string[] = [];
  const child: ChildProcess = spawn(
    ALERTMANAGER,
    [
      `--config.file=${config}`,
      `--storage.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout?.on('data', chunk => log.push(String(chunk)));
  child.stderr?.on('data', chunk => log.push(String(chunk)));
  const exited = new Promise<void>(resolve =>
    child.once('exit', () => resolve()),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await eventually(async () => {
    if (child.exitCode !== null) {
      throw new Error(`alertmanager exited:\n${log.join('')}`);
    }
    const res = await fetch(`${baseUrl}/-/ready`);
    if (!res.ok) throw new Error(`alertmanager not ready: ${res.status}`);
  }).catch(error => {
    child.kill('SIGKILL');
    throw error;
  });
  // Alertmanager's clock, which need not be this process's (CI runs the tests again under
  // faketime, which Go's clock does not see): its start, per /api/v2/status, is a lower bound.
  const status = await (await fetch(`${baseUrl}/api/v2/status`)).json();
  const offsetMs = Date.parse(status.uptime) - Date.now();
  return {
    /** Now as Alertmanager sees it (at most a second behind), in whole seconds. */
    now: () => new Date(Math.floor((Date.now() + offsetMs) / 1000) * 1000),
    /** Posts alerts to Alertmanager's own API, as Prometheus does. */
    async postAlerts(alerts: object[]) {
      const res = await fetch(`${baseUrl}/api/v2/alerts`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(alerts),
      });
      if (!res.ok) {
        throw new Error(`Alertmanager refused the alerts: ${res.status}`);
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

describeWithAlertmanager('Alertmanager delivering to Airworthy', () => {
  let stops: Array<() => Promise<unknown>> = [];
  afterEach(async () => {
    for (const stop of stops.reverse()) await stop();
    stops = [];
  });

  it('stores the incident of a posted alert, ignores repeats and resolves it with the alert', async () => {
    const { server } = await startOperabilityBackend({
      entities: [
        testComponent('jupyterhub', {
          'airworthy.dev/alert-selector': 'service=jupyterhub',
        }),
        testComponent('trino', {
          'airworthy.dev/alert-selector': 'service=trino',
        }),
      ],
      config: {
        operability: { incidents: { alertmanager: { token: TOKEN } } },
      },
      features: [operabilityModuleAlertmanager],
    });
    const airworthy = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }`;
    const recorder = await startRecorder(airworthy);
    stops.push(recorder.close);
    const alertmanager = await startAlertmanager(
      `${recorder.url}/api/operability/webhooks/alertmanager`,
    );
    stops.push(alertmanager.stop);

    const startsAt = new Date(alertmanager.now().getTime() - 60_000);
    const alert = {
      labels: {
        alertname: 'JupyterHubDown',
        service: 'jupyterhub',
        severity: 'critical',
      },
      annotations: {
        summary: 'JupyterHub is unreachable',
        runbook_url: 'https://runbooks.example.org/jupyterhub/down',
      },
      generatorURL: 'https://prometheus.example.org/graph?g0.expr=up',
      startsAt: startsAt.toISOString(),
    };
    await alertmanager.postAlerts([alert]);

    const opened: IncidentRecord = await eventually(async () => {
      const { items } = await fetchIncidentRecords(server, 'jupyterhub');
      expect(items).toHaveLength(1);
      return items[0];
    });
    expect(opened).toMatchObject({
      source: 'alertmanager',
      entityRefs: ['component:default/jupyterhub'],
      title: 'JupyterHubDown: JupyterHub is unreachable',
      severity: 'critical',
      status: 'open',
      startedAt: startsAt.toISOString(),
      links: {
        issue: alert.generatorURL,
        runbook: alert.annotations.runbook_url,
      },
    });
    expect(opened.sourceKey).toMatch(
      new RegExp(`^[0-9a-f]+@${startsAt.toISOString()}$`),
    );

    // Alertmanager repeats the notification every repeat_interval: nothing changes.
    await eventually(async () =>
      expect(
        recorder.deliveries.filter(d => d.status === 'firing').length,
      ).toBeGreaterThanOrEqual(3),
    );
    const firing = recorder.deliveries.filter(d => d.status === 'firing');
    expect(firing[0].answer).toEqual({
      status: 200,
      body: { alerts: 1, created: 1, updated: 0, unchanged: 0, unmatched: 0 },
    });
    for (const repeat of firing.slice(1)) {
      expect(repeat.answer).toEqual({
        status: 200,
        body: { alerts: 1, created: 0, updated: 0, unchanged: 1, unmatched: 0 },
      });
    }
    const afterRepeats = await fetchIncidentRecords(server, 'jupyterhub');
    expect(afterRepeats.items).toEqual([opened]);

    // The alert resolves (Prometheus sends it with an end): so does the incident.
    const endsAt = alertmanager.now();
    await alertmanager.postAlerts([{ ...alert, endsAt: endsAt.toISOString() }]);
    const resolved: IncidentRecord = await eventually(async () => {
      const { items } = await fetchIncidentRecords(server, 'jupyterhub');
      expect(items[0].status).toBe('resolved');
      return items[0];
    });
    expect(resolved).toMatchObject({
      id: opened.id,
      status: 'resolved',
      startedAt: startsAt.toISOString(),
      resolvedAt: endsAt.toISOString(),
    });
    expect(
      recorder.deliveries.find(d => d.status === 'resolved')?.answer,
    ).toEqual({
      status: 200,
      body: { alerts: 1, created: 0, updated: 1, unchanged: 0, unmatched: 0 },
    });
    expect(recorder.deliveries.every(d => d.answer.status === 200)).toBe(true);
    expect((await fetchIncidentRecords(server, 'jupyterhub')).totalItems).toBe(
      1,
    );
    expect((await fetchIncidentRecords(server, 'trino')).totalItems).toBe(0);
  });
});
