'use strict';

/*
 * The generated operability data, written through the API as adopters write it: SLOs as
 * OpenSLO documents (POST /entities/{ref}/slos), SLI buckets through the ingest path
 * (POST /slos/{id}/sli, at most 10,000 buckets a request) and incidents
 * (POST /entities/{ref}/incidents). Everything is seeded: the same scale gives the same data.
 */

const { createRandom } = require('./random');

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** SLO windows, weighted as adopters pick them: mostly 28 days rolling. */
const WINDOWS = [
  { duration: '28d', rolling: true, weight: 6 },
  { duration: '30d', rolling: true, weight: 2 },
  { duration: '7d', rolling: true, weight: 1 },
  { duration: '1M', rolling: false, weight: 1 },
];
const TARGETS = [0.99, 0.995, 0.999, 0.9995, 0.95];

/**
 * Which entity each SLO belongs to, unevenly: SLO j goes to entity floor(N * u^2) for a
 * uniform u, so the first entities hold dozens of SLOs and most hold none or one.
 */
function sloPlan(slos, entities, seed = 11) {
  const random = createRandom(seed);
  const plan = [];
  const perEntity = new Map();
  for (let j = 0; j < slos; j++) {
    const u = random.next();
    const entity = Math.min(entities - 1, Math.floor(entities * u * u));
    const n = perEntity.get(entity) ?? 0;
    perEntity.set(entity, n + 1);
    let r = random.next() * WINDOWS.reduce((s, w) => s + w.weight, 0);
    const window = WINDOWS.find(w => (r -= w.weight) < 0) ?? WINDOWS[0];
    plan.push({
      index: j,
      entity,
      name: `slo-${n}`,
      window,
      target: TARGETS[j % TARGETS.length],
      // Events a minute: from 5 to 5,000, log-uniform.
      rate: Math.round(5 * Math.pow(1000, random.next())),
    });
  }
  return { plan, perEntity };
}

/** The OpenSLO document of a planned SLO. */
function sloYaml(slo, service) {
  const window = slo.window.rolling
    ? `    - duration: ${slo.window.duration}\n      isRolling: true`
    : `    - duration: ${slo.window.duration}\n      isRolling: false\n      calendar:\n        startTime: '2020-01-01 00:00:00'\n        timeZone: UTC`;
  return `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${slo.name}
  displayName: ${service} requests ${slo.name}
spec:
  service: ${service}
  budgetingMethod: Occurrences
  timeWindow:
${window}
  indicator:
    metadata:
      name: ${service}-requests-ok
    spec:
      ratioMetric:
        counter: true
        good:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="${service}",code!~"5.."}
        total:
          metricSource:
            type: Prometheus
            spec:
              query: http_requests_total{service="${service}"}
  objectives:
    - displayName: Available
      target: ${slo.target}
`;
}

/** Runs `work(item)` over items, `concurrency` at a time. */
async function pool(items, concurrency, work) {
  let next = 0;
  const runners = Array.from({ length: concurrency }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(runners);
}

/** Creates the planned SLOs through the API; returns them with their ids. */
async function createSlos(client, plan, shape) {
  const created = [];
  // One request per entity: its SLOs in one YAML stream.
  const byEntity = new Map();
  for (const slo of plan) {
    const list = byEntity.get(slo.entity) ?? [];
    list.push(slo);
    byEntity.set(slo.entity, list);
  }
  await pool([...byEntity.entries()], 8, async ([entity, slos]) => {
    const name = shape.componentName(entity);
    const body = slos.map(s => sloYaml(s, name)).join('---\n');
    const res = await client.post(
      `/api/operability/entities/component/default/${name}/slos`,
      body,
      { headers: { 'content-type': 'application/yaml' } },
    );
    if (res.status !== 201) {
      throw new Error(
        `Creating SLOs of ${name} answered ${res.status}: ${res.text}`,
      );
    }
    const { items } = res.json();
    slos.forEach(slo => {
      const item = items.find(i => i.name === slo.name);
      created.push({ ...slo, id: item.id, entityName: name });
    });
  });
  return created.sort((a, b) => a.index - b.index);
}

/**
 * The minute buckets of one SLO in [from, to): a daily cycle around its rate, errors at a
 * base ratio of 0.05%, and a few incidents (1 to 4 hours at 2% to 30% errors).
 */
function* sliBuckets(slo, from, to) {
  const random = createRandom(1000 + slo.index);
  const incidents = [];
  for (let t = from; t < to; t += DAY) {
    if (random.next() < 0.15) {
      const start = t + random.int(0, 23) * HOUR;
      incidents.push({
        start,
        end: start + random.int(1, 4) * HOUR,
        ratio: 0.02 + random.next() * 0.28,
      });
    }
  }
  for (let t = from; t < to; t += MINUTE) {
    const phase = ((t % DAY) / DAY) * 2 * Math.PI;
    const total = random.poisson(slo.rate * (0.7 + 0.3 * Math.sin(phase)));
    const incident = incidents.find(i => t >= i.start && t < i.end);
    const ratio = incident ? incident.ratio : 0.0005;
    const bad = Math.min(total, random.poisson(total * ratio));
    yield { start: t, good: total - bad, total };
  }
}

/** A push body of buckets, as JSON text (built by hand: it is the client's hot loop). */
function pushBody(buckets) {
  let json = '{"buckets":[';
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i];
    if (i) json += ',';
    json += `{"start":"${new Date(b.start).toISOString()}","good":${
      b.good
    },"total":${b.total}}`;
  }
  return `${json}]}`;
}

/**
 * Pushes every SLO's buckets of [from, to) through POST /slos/{id}/sli, `batch` buckets a
 * request, `concurrency` SLOs at a time. Returns the bucket count and the wall time.
 */
async function pushSli(
  client,
  slos,
  { from, to, batch, concurrency, onProgress },
) {
  let buckets = 0;
  let requests = 0;
  const started = process.hrtime.bigint();
  await pool(slos, concurrency, async slo => {
    let pending = [];
    const send = async () => {
      const res = await client.post(
        `/api/operability/slos/${slo.id}/sli`,
        pushBody(pending),
      );
      if (res.status !== 200) {
        throw new Error(
          `Pushing SLI of ${slo.id} answered ${res.status}: ${res.text.slice(
            0,
            500,
          )}`,
        );
      }
      buckets += pending.length;
      requests++;
      pending = [];
    };
    for (const bucket of sliBuckets(slo, from, to)) {
      pending.push(bucket);
      if (pending.length === batch) await send();
    }
    if (pending.length) await send();
    onProgress?.(buckets);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { buckets, requests, seconds, perSecond: buckets / seconds };
}

/**
 * Manual incidents over the last `days` days, spread over the entities like the SLOs
 * (unevenly): most resolved, acknowledged after minutes, some with a post-mortem.
 */
async function createIncidents(
  client,
  { count, entities, shape, now, days, concurrency = 8 },
) {
  const random = createRandom(23);
  const items = Array.from({ length: count }, (_, i) => {
    const u = random.next();
    const entity = Math.min(entities - 1, Math.floor(entities * u * u));
    const startedAt = now - random.next() * days * DAY;
    const ackAfter = random.int(1, 60) * MINUTE;
    const resolveAfter = ackAfter + random.int(5, 600) * MINUTE;
    const resolved = startedAt + resolveAfter < now && random.next() < 0.95;
    return {
      entity,
      body: {
        title: `Generated incident ${i}`,
        severity: random.pick(['critical', 'warning', 'info']),
        startedAt: new Date(startedAt).toISOString(),
        ...(startedAt + ackAfter < now
          ? { acknowledgedAt: new Date(startedAt + ackAfter).toISOString() }
          : {}),
        ...(resolved
          ? { resolvedAt: new Date(startedAt + resolveAfter).toISOString() }
          : {}),
        postMortem: resolved && random.next() < 0.3,
      },
    };
  });
  const started = process.hrtime.bigint();
  await pool(items, concurrency, async item => {
    const name = shape.componentName(item.entity);
    const res = await client.post(
      `/api/operability/entities/component/default/${name}/incidents`,
      item.body,
    );
    if (res.status !== 201) {
      throw new Error(
        `Creating an incident of ${name} answered ${res.status}: ${res.text}`,
      );
    }
  });
  return { count, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

module.exports = {
  MINUTE,
  HOUR,
  DAY,
  sloPlan,
  sloYaml,
  createSlos,
  sliBuckets,
  pushBody,
  pushSli,
  createIncidents,
  pool,
};
