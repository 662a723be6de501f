// @ts-check
'use strict';

/*
 * The workload of a run: the catalog (entities and their SLO files), the incident deliveries
 * of Alertmanager, GitHub and PagerDuty in their documented payload shapes (built on the
 * modules' fixtures), the SLI pushes, and what the stored data must be afterwards.
 */

const { createHmac, randomUUID } = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const PLUGINS = path.resolve(__dirname, '../../plugins');
const fixture = (/** @type {string} */ file) =>
  JSON.parse(fs.readFileSync(path.join(PLUGINS, file), 'utf8'));
const AM_FIRING = fixture(
  'operability-backend-module-alertmanager/src/__fixtures__/firing.json',
);
const PD_TEMPLATES = {
  'incident.triggered': fixture(
    'operability-backend-module-pagerduty/src/__fixtures__/incident.triggered.json',
  ),
  'incident.acknowledged': fixture(
    'operability-backend-module-pagerduty/src/__fixtures__/incident.acknowledged.json',
  ),
  'incident.resolved': fixture(
    'operability-backend-module-pagerduty/src/__fixtures__/incident.resolved.json',
  ),
};

const hmac = (/** @type {string} */ secret, /** @type {string} */ body) =>
  createHmac('sha256', secret).update(body).digest('hex');
const iso = (/** @type {number} */ ms) => new Date(ms).toISOString();
const entityRef = (/** @type {number} */ e) => `component:default/svc-${e}`;

/**
 * @typedef {{ status: string; startedAt: number; acknowledgedAt?: number; resolvedAt?: number; entityRef: string }} ExpectedIncident
 * @typedef {{ path: string; headers: Record<string, string>; body: string }} Request
 * @typedef {{
 *   id: number; kind: 'alertmanager' | 'github' | 'pagerduty' | 'sli';
 *   retries: boolean; duplicateOf?: number;
 *   request?: Request;
 *   prepare?: () => Request;
 *   deliveryId?: string;
 *   alerts?: Array<{ key: string; resolved: boolean }>;
 *   sourceKey?: string;
 *   batch?: { sloIndex: number; starts: number[] };
 * }} Delivery
 */

/** Deterministic SLI counts of one SLO's minute. */
function bucketCounts(
  /** @type {number} */ sloIndex,
  /** @type {number} */ start,
) {
  const h =
    Math.imul((start / MINUTE) ^ (sloIndex * 2654435761), 2246822519) >>> 0;
  const total = 100 + (h % 50);
  const bad = h % 7 === 0 ? h % 11 : 0;
  return { good: total - bad, total };
}

/** Writes the catalog: one Component per service, each with two SLOs in an OpenSLO file. */
function writeCatalog(
  /** @type {string} */ dir,
  /** @type {number} */ entities,
) {
  fs.mkdirSync(path.join(dir, 'slos'), { recursive: true });
  const docs = [];
  for (let e = 0; e < entities; e++) {
    docs.push(`---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc-${e}
  annotations:
    airworthy.dev/alert-selector: service=svc-${e}
    airworthy.dev/github-incidents: airworthy-faults/svc-${e}
    pagerduty.com/service-id: PFLT${e}
    airworthy.dev/slo-files: slos/svc-${e}.yaml
spec:
  type: service
  owner: group:default/sre
  lifecycle: production
`);
    const slo = (
      /** @type {string} */ name,
      /** @type {number} */ target,
    ) => `---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: svc-${e}-${name}
spec:
  service: svc-${e}
  budgetingMethod: Occurrences
  timeWindow:
    - duration: 28d
      isRolling: true
  indicator:
    metadata:
      name: svc-${e}-${name}
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(requests_total{service="svc-${e}",${name}="good"})
        total:
          metricSource:
            type: Prometheus
            spec:
              query: sum(requests_total{service="svc-${e}"})
  objectives:
    - target: ${target}
`;
    fs.writeFileSync(
      path.join(dir, 'slos', `svc-${e}.yaml`),
      slo('availability', 0.99) + slo('latency', 0.95),
    );
  }
  fs.writeFileSync(path.join(dir, 'entities.yaml'), docs.join(''));
}

/**
 * Builds the deliveries of a run: `deliveries` webhook calls (a share `duplicates` of them
 * sent again: Alertmanager's repeats, GitHub's redeliveries, PagerDuty's retries of an
 * event already received) and `buckets` SLI buckets in pushes of `batchSize`, shuffled.
 * Alertmanager and PagerDuty times are in the last two days; GitHub issues change when their
 * delivery is sent (`prepare`), against the fake GitHub.
 *
 * @param {{
 *   random: ReturnType<typeof import('./random').createRandom>;
 *   now: number; entities: number; deliveries: number; duplicates: number;
 *   buckets: number; batchSize: number;
 *   secrets: { alertmanager: string; github: string; pagerduty: string; push: string };
 *   github: import('./github').FakeGithub;
 *   sloIds: string[];
 * }} options
 */
function buildWorkload(options) {
  const { random, now, entities, secrets, github, sloIds } = options;
  const unique =
    options.deliveries - Math.round(options.deliveries * options.duplicates);
  const counts = {
    alertmanager: Math.round(unique * 0.4),
    github: Math.round(unique * 0.3),
    pagerduty: 0,
  };
  counts.pagerduty = unique - counts.alertmanager - counts.github;

  /** @type {Map<string, ExpectedIncident>} `source\tkey` */
  const expected = new Map();
  /** @type {Delivery[]} */
  const uniqueDeliveries = [];
  let nextId = 0;
  const add = (/** @type {Omit<Delivery, 'id'>} */ d) => {
    const delivery = /** @type {Delivery} */ ({ id: nextId++, ...d });
    uniqueDeliveries.push(delivery);
    return delivery;
  };

  // Alertmanager: groups of 1-3 alerts, three notifications each (some firing, all firing,
  // then resolved: all, or the first alert only, or none).
  for (let g = 0; uniqueDeliveries.length < counts.alertmanager; g++) {
    const e = g % entities;
    const alertname = `FaultsCheckFailing${g}`;
    const size = 1 + random.int(3);
    const alerts = Array.from({ length: size }, (_, k) => {
      const startsAt = now - HOUR - random.int(46 * HOUR);
      return {
        labels: {
          alertname,
          service: `svc-${e}`,
          severity: random.pick(['critical', 'warning']),
          instance: `svc-${e}-${k}.faults.example:9090`,
        },
        fingerprint: random.hex(16),
        startsAt,
        // Resolved in the past, as Alertmanager says (a future end is refused with a 400).
        endsAt: Math.min(
          startsAt + 2 * MINUTE + random.int(2 * HOUR),
          now - MINUTE,
        ),
      };
    });
    const resolving = random.next();
    const resolvedCount = resolving < 0.6 ? size : resolving < 0.8 ? 1 : 0;
    const notify = (/** @type {typeof alerts} */ firing, resolvedUpTo = 0) => {
      if (uniqueDeliveries.length >= counts.alertmanager) return;
      const payloadAlerts = firing.map((a, k) => {
        const resolved = k < resolvedUpTo;
        return {
          status: resolved ? 'resolved' : 'firing',
          labels: a.labels,
          annotations: {
            summary: `svc-${e} check ${k} failing`,
            description: `The fault harness's alert ${alertname} of svc-${e}.`,
            runbook_url: `https://runbooks.example.org/svc-${e}`,
          },
          startsAt: iso(a.startsAt),
          endsAt: resolved ? iso(a.endsAt) : '0001-01-01T00:00:00Z',
          generatorURL: `https://prometheus.faults.example/graph?g0.expr=up%7Bservice%3D%22svc-${e}%22%7D`,
          fingerprint: a.fingerprint,
        };
      });
      const status = payloadAlerts.some(a => a.status === 'firing')
        ? 'firing'
        : 'resolved';
      const body = JSON.stringify({
        ...AM_FIRING,
        groupKey: `{}/{severity=~"critical|warning"}:{alertname="${alertname}", service="svc-${e}"}`,
        status,
        groupLabels: { alertname, service: `svc-${e}` },
        commonLabels: { alertname, service: `svc-${e}` },
        commonAnnotations: {},
        externalURL: 'https://alertmanager.faults.example',
        alerts: payloadAlerts,
      });
      add({
        kind: 'alertmanager',
        retries: true,
        request: {
          path: '/api/operability/webhooks/alertmanager',
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${secrets.alertmanager}`,
            'User-Agent': 'Alertmanager/0.25.0',
          },
          body,
        },
        alerts: payloadAlerts.map(a => ({
          key: `${a.fingerprint}@${a.startsAt}`,
          resolved: a.status === 'resolved',
        })),
      });
    };
    const before = uniqueDeliveries.length;
    const first = alerts.slice(0, 1 + random.int(size));
    notify(first);
    notify(alerts);
    notify(alerts, resolvedCount);
    // The last group of the run may be cut short: only what was notified is expected.
    const notified = uniqueDeliveries.length - before;
    const sentAlerts = notified >= 2 ? alerts : first;
    const resolved = notified === 3 ? resolvedCount : 0;
    sentAlerts.forEach((a, k) => {
      expected.set(`alertmanager\t${a.fingerprint}@${iso(a.startsAt)}`, {
        entityRef: entityRef(e),
        status: k < resolved ? 'resolved' : 'open',
        startedAt: a.startsAt,
        resolvedAt: k < resolved ? a.endsAt : undefined,
      });
    });
  }

  // PagerDuty: incidents triggered, then acknowledged and resolved (some stop earlier).
  const pdStart = uniqueDeliveries.length;
  for (let p = 0; uniqueDeliveries.length - pdStart < counts.pagerduty; p++) {
    const e = p % entities;
    const id = `Q${String(p).padStart(6, '0')}${random.hex(6).toUpperCase()}`;
    const createdAt =
      Math.floor((now - HOUR - random.int(46 * HOUR)) / 1000) * 1000;
    const acknowledgedAt = createdAt + MINUTE + random.int(20 * MINUTE);
    const resolvedAt = Math.min(
      acknowledgedAt + 5 * MINUTE + random.int(2 * HOUR),
      Math.floor((now - MINUTE) / 1000) * 1000,
    );
    const r = random.next();
    const steps = Math.min(
      r < 0.15 ? 1 : r < 0.35 ? 2 : 3,
      counts.pagerduty - (uniqueDeliveries.length - pdStart),
    );
    const events = /** @type {const} */ ([
      ['incident.triggered', 'triggered', createdAt],
      ['incident.acknowledged', 'acknowledged', acknowledgedAt],
      ['incident.resolved', 'resolved', resolvedAt],
    ]).slice(0, steps);
    for (const [eventType, status, occurredAt] of events) {
      const template = PD_TEMPLATES[eventType];
      const body = JSON.stringify({
        event: {
          ...template.event,
          id: `01FLT${random.hex(21).toUpperCase()}`,
          event_type: eventType,
          occurred_at: iso(occurredAt),
          data: {
            ...template.event.data,
            id,
            self: `https://api.pagerduty.com/incidents/${id}`,
            html_url: `https://faults.pagerduty.com/incidents/${id}`,
            number: 10_000 + p,
            status,
            incident_key: random.hex(16),
            created_at: iso(createdAt).replace('.000Z', 'Z'),
            title: `svc-${e} is failing its checks`,
            service: {
              ...template.event.data.service,
              id: `PFLT${e}`,
              summary: `svc-${e}`,
            },
          },
        },
      });
      const webhookId = randomUUID();
      add({
        kind: 'pagerduty',
        retries: true,
        deliveryId: webhookId,
        sourceKey: id,
        request: {
          path: '/api/operability/webhooks/pagerduty',
          headers: {
            'Content-Type': 'application/json',
            'User-Agent': 'PagerDuty-Webhook/V3.0',
            'X-Webhook-Id': webhookId,
            'X-Webhook-Subscription': 'PFAULTS',
            'X-PagerDuty-Signature': `v1=${hmac(secrets.pagerduty, body)}`,
          },
          body,
        },
      });
    }
    expected.set(`pagerduty\t${id}`, {
      entityRef: entityRef(e),
      status: ['open', 'acknowledged', 'resolved'][steps - 1],
      startedAt: createdAt,
      acknowledgedAt: steps >= 2 ? acknowledgedAt : undefined,
      resolvedAt: steps === 3 ? resolvedAt : undefined,
    });
  }

  // GitHub: issues opened, assigned and closed (some stop earlier), one change per delivery,
  // made on the fake GitHub when its delivery is sent; sent once, never retried.
  /** @type {Array<{ issue?: import('./github').Issue; e: number; actions: Array<'opened' | 'assigned' | 'closed'> }>} */
  const issues = [];
  const ghStart = uniqueDeliveries.length;
  for (let i = 0; uniqueDeliveries.length - ghStart < counts.github; i++) {
    const r = random.next();
    const steps = Math.min(
      r < 0.15 ? 1 : r < 0.35 ? 2 : 3,
      counts.github - (uniqueDeliveries.length - ghStart),
    );
    const state = {
      e: i % entities,
      /** @type {Array<'opened' | 'assigned' | 'closed'>} */
      actions: /** @type {const} */ (['opened', 'assigned', 'closed']).slice(
        0,
        steps,
      ),
      /** @type {import('./github').Issue | undefined} */
      issue: undefined,
    };
    issues.push(state);
    for (let s = 0; s < steps; s++) {
      const delivery = add({
        kind: 'github',
        retries: false,
        deliveryId: randomUUID(),
        prepare: () => {
          // Each delivery makes the issue's next change, whichever delivery runs first.
          const action = state.actions.shift();
          if (action === 'opened') {
            state.issue = github.open(`airworthy-faults/svc-${state.e}`);
          } else if (action === 'assigned') {
            github.assign(/** @type {any} */ (state.issue));
          } else if (action === 'closed') {
            github.close(/** @type {any} */ (state.issue));
          }
          const issue = /** @type {import('./github').Issue} */ (state.issue);
          delivery.sourceKey = `${issue.repository}#${issue.number}`;
          const body = JSON.stringify(
            github.webhookPayload(/** @type {any} */ (action), issue),
          );
          return {
            path: '/api/operability/webhooks/github',
            headers: {
              'Content-Type': 'application/json',
              'User-Agent': 'GitHub-Hookshot/faults',
              'X-GitHub-Event': 'issues',
              'X-GitHub-Delivery': /** @type {string} */ (delivery.deliveryId),
              'X-GitHub-Hook-ID': '4200',
              'X-Hub-Signature-256': `sha256=${hmac(secrets.github, body)}`,
            },
            body,
          };
        },
      });
    }
  }

  // SLI: every SLO's minutes up to a few minutes ago, in pushes of consecutive buckets.
  const sloCount = sloIds.length;
  const perSlo = Math.max(1, Math.floor(options.buckets / sloCount));
  const end = Math.floor((now - 5 * MINUTE) / MINUTE) * MINUTE;
  const first = end - perSlo * MINUTE;
  /** @type {Map<string, { good: number; total: number }>} `sloId\tstart` */
  const expectedBuckets = new Map();
  for (let s = 0; s < sloCount; s++) {
    for (let from = first; from < end; from += options.batchSize * MINUTE) {
      const starts = [];
      for (
        let t = from;
        t < Math.min(end, from + options.batchSize * MINUTE);
        t += MINUTE
      ) {
        starts.push(t);
        expectedBuckets.set(`${sloIds[s]}\t${t}`, bucketCounts(s, t));
      }
      add({
        kind: 'sli',
        retries: true,
        batch: { sloIndex: s, starts },
        request: {
          path: `/api/operability/slos/${sloIds[s]}/sli`,
          headers: {
            'Content-Type': 'application/json',
            Authorization: `Bearer ${secrets.push}`,
          },
          body: JSON.stringify({
            buckets: starts.map(t => ({
              start: iso(t),
              ...bucketCounts(s, t),
            })),
          }),
        },
      });
    }
  }

  // Duplicates: a later send of a delivery already sent once (picked when they run).
  const duplicateCount = options.deliveries - unique;
  const pushes = uniqueDeliveries.filter(d => d.kind === 'sli').length;
  const sequence = [
    ...uniqueDeliveries.map(d => ({ type: 'send', delivery: d })),
    ...Array.from({ length: duplicateCount }, () => ({
      type: 'duplicate',
      kind: random.pick(
        /** @type {Array<'alertmanager' | 'github' | 'pagerduty'>} */ ([
          'alertmanager',
          'alertmanager',
          'github',
          'pagerduty',
        ]),
      ),
    })),
    ...Array.from({ length: Math.round(pushes * options.duplicates) }, () => ({
      type: 'duplicate',
      kind: 'sli',
    })),
  ];
  random.shuffle(sequence);

  return {
    sequence,
    expected,
    expectedBuckets,
    issues,
    counts: { ...counts, duplicates: duplicateCount, pushes },
    sliRange: { first, end },
  };
}

/**
 * The old SLI data retention has to expire during the run: whole hours of the first SLOs,
 * nine days back (past the 8-day retention of 1-minute buckets), one push per SLO.
 * @param {{ now: number; sloIds: string[]; secrets: { push: string }; hours: number }} options
 */
function retentionSeed(options) {
  const from = Math.floor((options.now - 9 * DAY) / HOUR) * HOUR;
  return options.sloIds.map((sloId, s) => {
    const starts = [];
    for (let t = from; t < from + options.hours * HOUR; t += MINUTE)
      starts.push(t);
    return {
      sloId,
      sloIndex: s,
      starts,
      request: {
        path: `/api/operability/slos/${sloId}/sli`,
        headers: {
          'Content-Type': 'application/json',
          Authorization: `Bearer ${options.secrets.push}`,
        },
        body: JSON.stringify({
          buckets: starts.map(t => ({ start: iso(t), ...bucketCounts(s, t) })),
        }),
      },
    };
  });
}

module.exports = {
  MINUTE,
  HOUR,
  DAY,
  bucketCounts,
  buildWorkload,
  entityRef,
  retentionSeed,
  writeCatalog,
};
