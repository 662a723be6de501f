import { expect, test, type APIRequestContext } from '@playwright/test';
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import {
  getApi,
  guestToken,
  KEEP_ALIVE_RACE,
  waitForEvaluatedSlos,
} from './helpers';

/*
 * The bad-input suite: malformed, out-of-range and hostile requests against every route of
 * the real backend (production mode, demo data). Each must get a 4xx with
 * `{"error":{"name","message"}}` quickly, never a 5xx, a hang or a stack trace, and the data
 * stored before is unchanged after.
 */

test.setTimeout(600_000);

/** The demo's webhook secrets (app-config.yaml). */
const ALERTMANAGER_TOKEN = 'demo-alertmanager-token';
const GITHUB_SECRET = 'demo-github-webhook-secret';
const PAGERDUTY_SECRET = 'demo-pagerduty-webhook-secret';
/** The demo's external-access token for scripts, restricted to operability.sli.write. */
const SLI_PUSH_TOKEN = 'demo-sli-push-token-for-scripts';

const HUB = '/api/operability/entities/component/default/jupyterhub';
/** An entity the guest user's team owns: writes pass the permission check. */
const OWNED = HUB;

type Auth = 'guest' | 'none' | 'sli-token';

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string | ((ids: Ids) => string);
  auth?: Auth;
  headers?: Record<string, string>;
  /** JSON body (serialized here), or raw text/bytes. */
  json?: unknown;
  raw?: string | Buffer;
  /** The expected status; any 4xx when absent. */
  status?: number;
}

interface Ids {
  sloId: string;
  repoSloId: string;
  /** A manual incident record of jupyterhub, and the incident it belongs to. */
  incidentId: string;
  manualIncidentId: string;
  /** A record of jupyterhub from a source (not manual). */
  sourceIncidentId: string;
}

const nested = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const minute = (offsetMinutes = 0) =>
  new Date(
    Math.floor(Date.now() / 60_000) * 60_000 + offsetMinutes * 60_000,
  ).toISOString();
const opensloYaml = (spec: Record<string, string>) => `apiVersion: openslo/v1
kind: SLO
metadata:
  name: ${spec.name ?? 'bad-input'}
spec:
  service: x
  budgetingMethod: Occurrences
  timeWindow:
    - duration: ${spec.duration ?? '28d'}
      isRolling: true
  indicator:
    metadata:
      name: probes
    spec:
      ratioMetric:
        counter: false
        good:
          metricSource:
            type: Prometheus
            spec:
              query: sum(up)
        total:
          metricSource:
            type: Prometheus
            spec:
              query: count(up)
  objectives:
${spec.objectives ?? '    - target: 0.99'}
`;
const bucket = (over: Record<string, unknown> = {}) => ({
  start: minute(-5),
  good: 1,
  total: 2,
  ...over,
});
const incident = (over: Record<string, unknown> = {}) => ({
  title: 'Bad input',
  severity: 'warning',
  startedAt: minute(-60),
  ...over,
});
const sign = (secret: string, body: string) =>
  createHmac('sha256', secret).update(body).digest('hex');

const CASES: Case[] = [
  // Paths, params and routes
  {
    name: 'unknown route',
    method: 'GET',
    path: '/api/operability/nope',
    status: 404,
  },
  {
    name: 'unknown nested route',
    method: 'GET',
    path: `${HUB}/nope`,
    status: 404,
  },
  {
    name: 'wrong method',
    method: 'PATCH',
    path: ids => `/api/operability/slos/${ids.sloId}`,
    status: 404,
  },
  {
    name: 'entity kind with spaces',
    method: 'GET',
    path: '/api/operability/entities/com%20ponent/default/jupyterhub/slos',
    status: 400,
  },
  {
    name: 'entity name of 300 characters',
    method: 'GET',
    path: `/api/operability/entities/component/default/${'a'.repeat(300)}/slos`,
    status: 400,
  },
  {
    name: 'entity name with an encoded slash',
    method: 'GET',
    path: '/api/operability/entities/component/default/a%2Fb/slos',
    status: 400,
  },
  {
    name: 'entity name with a NUL byte',
    method: 'GET',
    path: '/api/operability/entities/component/default/a%00b/slos',
    status: 400,
  },
  {
    name: 'unknown entity',
    method: 'GET',
    path: '/api/operability/entities/component/default/nobody/slos',
    status: 404,
  },
  {
    name: 'SLO id with dots',
    method: 'GET',
    path: '/api/operability/slos/..%2F..%2Fetc',
    status: 400,
  },
  {
    name: 'SLO id of 200 characters',
    method: 'GET',
    path: `/api/operability/slos/${'a'.repeat(200)}`,
    status: 400,
  },
  {
    name: 'SLO id with SQL',
    method: 'GET',
    path: "/api/operability/slos/1'%20OR%20'1'='1",
    status: 400,
  },
  {
    name: 'unknown SLO',
    method: 'GET',
    path: '/api/operability/slos/no-such-slo',
    status: 404,
  },
  {
    name: 'incident id not a UUID',
    method: 'GET',
    path: '/api/operability/incidents/42',
    status: 400,
  },
  {
    name: 'unknown incident',
    method: 'GET',
    path: '/api/operability/incidents/6f1c3d2e-1111-4222-8333-444455556666',
    status: 404,
  },
  {
    name: 'no credentials',
    method: 'GET',
    path: `${HUB}/slos`,
    auth: 'none',
    status: 401,
  },
  {
    name: 'a forged token',
    method: 'GET',
    path: `${HUB}/slos`,
    auth: 'none',
    headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.e30.' },
    status: 401,
  },
  {
    name: 'oversized headers',
    method: 'GET',
    path: `${HUB}/slos`,
    headers: { 'x-padding': 'x'.repeat(40_000) },
    status: 431,
  },

  // Series queries
  ...[
    '0m',
    '0h',
    '0d',
    '00m',
    '9999999999d',
    '1Y',
    '5x',
    '-1m',
    '1.5h',
    '401d',
  ].map(
    (window): Case => ({
      name: `series window ${window}`,
      method: 'GET',
      path: ids =>
        `/api/operability/slos/${ids.sloId}/series?window=${encodeURIComponent(
          window,
        )}`,
      status: 400,
    }),
  ),
  {
    name: 'series from after to',
    method: 'GET',
    path: ids =>
      `/api/operability/slos/${ids.sloId}/series?from=2026-11-20T00:00:00Z&to=2026-11-10T00:00:00Z`,
    status: 400,
  },
  {
    name: 'series range over 400 days',
    method: 'GET',
    path: ids =>
      `/api/operability/slos/${ids.sloId}/series?from=2024-01-01T00:00:00Z&to=2026-11-10T00:00:00Z`,
    status: 400,
  },
  {
    name: 'series from year 1',
    method: 'GET',
    path: ids =>
      `/api/operability/slos/${ids.sloId}/series?from=0001-01-01T00:00:00Z`,
    status: 400,
  },
  {
    name: 'series date without zone',
    method: 'GET',
    path: ids =>
      `/api/operability/slos/${ids.sloId}/series?from=2026-11-10T00:00:00`,
    status: 400,
  },
  {
    name: 'series unknown parameter',
    method: 'GET',
    path: ids => `/api/operability/slos/${ids.sloId}/series?foo=1`,
    status: 400,
  },
  {
    name: 'series repeated window',
    method: 'GET',
    path: ids =>
      `/api/operability/slos/${ids.sloId}/series?window=1h&window=5m`,
    status: 400,
  },

  // Incident and portfolio queries
  ...['-1', '0', '101', '1e3', 'abc', '1.5'].map(
    (limit): Case => ({
      name: `incident list limit ${limit}`,
      method: 'GET',
      path: `${HUB}/incidents?limit=${limit}`,
      status: 400,
    }),
  ),
  {
    name: 'incident list offset -1',
    method: 'GET',
    path: `${HUB}/incidents?offset=-1`,
    status: 400,
  },
  {
    name: 'incident list unknown severity',
    method: 'GET',
    path: `${HUB}/incidents?severity=apocalyptic`,
    status: 400,
  },
  {
    name: 'incident list 100 statuses',
    method: 'GET',
    path: `${HUB}/incidents?status=${Array(100).fill('open').join(',')}`,
    status: 400,
  },
  {
    name: 'incident list from year 9999',
    method: 'GET',
    path: `${HUB}/incidents?from=9999-01-01T00:00:00Z`,
    status: 400,
  },
  {
    name: 'incident stats to before from',
    method: 'GET',
    path: `${HUB}/incidents/stats?from=2026-11-20T00:00:00Z&to=2026-11-01T00:00:00Z`,
    status: 400,
  },
  {
    name: 'incident stats from year 1',
    method: 'GET',
    path: `${HUB}/incidents/stats?from=0001-01-01T00:00:00Z`,
    status: 400,
  },
  {
    name: 'score history 0 days',
    method: 'GET',
    path: `${HUB}/score/history?days=0`,
    status: 400,
  },
  {
    name: 'score history 5000 days',
    method: 'GET',
    path: `${HUB}/score/history?days=5000`,
    status: 400,
  },
  {
    name: 'portfolio unknown sort',
    method: 'GET',
    path: '/api/operability/portfolio?sort=drop table',
    status: 400,
  },
  {
    name: 'portfolio unknown group',
    method: 'GET',
    path: '/api/operability/portfolio?groupBy=planet',
    status: 400,
  },
  {
    name: 'portfolio unknown format',
    method: 'GET',
    path: '/api/operability/portfolio?format=xml',
    status: 400,
  },
  {
    name: 'portfolio limit 10000',
    method: 'GET',
    path: '/api/operability/portfolio?limit=10000',
    status: 400,
  },
  {
    name: 'portfolio unknown level',
    method: 'GET',
    path: '/api/operability/portfolio?level=sprint',
    status: 400,
  },
  {
    name: 'portfolio unscored kind',
    method: 'GET',
    path: '/api/operability/portfolio?kind=user',
    status: 400,
  },
  {
    name: 'portfolio nested parameter',
    method: 'GET',
    path: '/api/operability/portfolio?limit[x]=1',
    status: 400,
  },

  // SLO documents
  {
    name: 'SLO body empty',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: '',
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO body not YAML',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: 'key: [unclosed',
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO body a YAML list',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: '- a\n- b\n',
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO body of aliases (billion laughs)',
    method: 'POST',
    path: `${OWNED}/slos`,
    headers: { 'content-type': 'application/yaml' },
    raw: [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      ...'bcdefghi'
        .split('')
        .map(
          (k, i) =>
            `${k}: &${k} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`,
        ),
    ].join('\n'),
    status: 400,
  },
  {
    name: 'SLO body nested 5000 levels (JSON)',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: nested(5000),
    headers: { 'content-type': 'application/json' },
    status: 400,
  },
  {
    name: 'SLO body nested 5000 levels (YAML)',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: nested(5000),
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO body over 1 MB',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: `# ${'x'.repeat(1_100_000)}`,
    headers: { 'content-type': 'application/yaml' },
    status: 413,
  },
  {
    name: 'SLO body as text/html',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: '<html></html>',
    headers: { 'content-type': 'text/html' },
    status: 400,
  },
  {
    name: 'SLO body JSON of a number',
    method: 'POST',
    path: `${OWNED}/slos`,
    json: 42,
    status: 400,
  },
  {
    name: 'SLO body JSON with __proto__',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: '{"__proto__":{"polluted":true},"apiVersion":"openslo/v1"}',
    headers: { 'content-type': 'application/json' },
    status: 400,
  },
  {
    name: 'SLO timeWindow 999999999d',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: opensloYaml({ duration: '999999999d' }),
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO timeWindow 0d',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: opensloYaml({ duration: '0d' }),
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO target 1.5',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: opensloYaml({ objectives: '    - target: 1.5' }),
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO target -1',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: opensloYaml({ objectives: '    - target: -1' }),
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO with 1000 objectives',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: opensloYaml({
      objectives: Array.from(
        { length: 1000 },
        (_, i) => `    - target: 0.${String(i).padStart(4, '0')}1`,
      ).join('\n'),
    }),
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO name of 300 characters',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: opensloYaml({ name: 'a'.repeat(300) }),
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO name with spaces',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: opensloYaml({ name: 'a b' }),
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO of a wrong apiVersion',
    method: 'POST',
    path: `${OWNED}/slos`,
    raw: opensloYaml({}).replace('openslo/v1', 'openslo/v9'),
    headers: { 'content-type': 'application/yaml' },
    status: 400,
  },
  {
    name: 'SLO create for another team',
    method: 'POST',
    path: '/api/operability/entities/component/default/thanos/slos',
    raw: opensloYaml({}),
    headers: { 'content-type': 'application/yaml' },
    status: 403,
  },
  {
    name: 'SLO update of a repository SLO',
    method: 'PUT',
    path: ids => `/api/operability/slos/${ids.sloId}`,
    raw: opensloYaml({}),
    headers: { 'content-type': 'application/yaml' },
    status: 409,
  },
  {
    name: 'SLO delete of a repository SLO',
    method: 'DELETE',
    path: ids => `/api/operability/slos/${ids.sloId}`,
    status: 409,
  },
  {
    name: 'SLO restore of an SLO in force',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/restore`,
    status: 409,
  },

  // SLI pushes
  {
    name: 'SLI counts of 1e308',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ good: 1e308, total: 1e308 })] },
    status: 400,
  },
  {
    name: 'SLI count negative',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ good: -1 })] },
    status: 400,
  },
  {
    name: 'SLI good over total',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ good: 3, total: 2 })] },
    status: 400,
  },
  {
    name: 'SLI count as a string',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ good: '1' })] },
    status: 400,
  },
  {
    name: 'SLI count Infinity (as text)',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    raw: `{"buckets":[{"start":"${minute(-5)}","good":Infinity,"total":1}]}`,
    headers: { 'content-type': 'application/json' },
    status: 400,
  },
  {
    name: 'SLI bucket not aligned',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ start: '2026-11-25T10:00:30Z' })] },
    status: 400,
  },
  {
    name: 'SLI bucket in the future',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ start: minute(120) })] },
    status: 400,
  },
  {
    name: 'SLI bucket in year 1',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ start: '0001-01-01T00:00:00Z' })] },
    status: 400,
  },
  {
    name: 'SLI bucket in year 9999',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ start: '9999-01-01T00:00:00Z' })] },
    status: 400,
  },
  {
    name: 'SLI bucket past retention',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ start: '2020-01-01T00:00:00Z' })] },
    status: 400,
  },
  {
    name: 'SLI duplicate buckets',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket(), bucket()] },
    status: 400,
  },
  {
    name: 'SLI no buckets',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [] },
    status: 400,
  },
  {
    name: 'SLI 10001 buckets',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: {
      buckets: Array.from({ length: 10_001 }, (_, i) =>
        bucket({ start: minute(-10_002 + i) }),
      ),
    },
    status: 400,
  },
  {
    name: 'SLI extra field',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ bad: 1 })] },
    status: 400,
  },
  {
    name: 'SLI body missing',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: {},
    status: 400,
  },
  {
    name: 'SLI start without zone',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    json: { buckets: [bucket({ start: '2026-11-25T10:00:00' })] },
    status: 400,
  },
  {
    name: 'SLI push for another team',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.repoSloId}/sli`,
    json: { buckets: [bucket()] },
    status: 403,
  },
  {
    name: 'SLI push token reading',
    method: 'GET',
    path: `${HUB}/slos`,
    auth: 'sli-token',
    status: 403,
  },
  {
    name: 'SLI push token writing an SLO',
    method: 'POST',
    path: `${OWNED}/slos`,
    auth: 'sli-token',
    raw: opensloYaml({}),
    headers: { 'content-type': 'application/yaml' },
    status: 403,
  },
  {
    name: 'SLI push token with bad counts',
    method: 'POST',
    path: ids => `/api/operability/slos/${ids.sloId}/sli`,
    auth: 'sli-token',
    json: { buckets: [bucket({ good: 5, total: 1 })] },
    status: 400,
  },

  // Manual incidents
  {
    name: 'incident starting in year 1',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: incident({ startedAt: '0001-01-01T00:00:00Z' }),
    status: 400,
  },
  {
    name: 'incident starting in year 9999',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: incident({ startedAt: '9999-12-31T00:00:00Z' }),
    status: 400,
  },
  {
    name: 'incident starting in an hour',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: incident({ startedAt: minute(60) }),
    status: 400,
  },
  {
    name: 'incident resolved before it started',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: incident({ resolvedAt: minute(-120) }),
    status: 400,
  },
  {
    name: 'incident with an empty title',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: incident({ title: '   ' }),
    status: 400,
  },
  {
    name: 'incident title of 10000 characters',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: incident({ title: 'x'.repeat(10_000) }),
    status: 400,
  },
  {
    name: 'incident of an unknown severity',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: incident({ severity: 'meh' }),
    status: 400,
  },
  {
    name: 'incident with a javascript: link',
    method: 'POST',
    path: `${OWNED}/incidents`,
    // eslint-disable-next-line no-script-url
    json: incident({ links: { issue: 'javascript:alert(1)' } }),
    status: 400,
  },
  {
    name: 'incident with 100 labels',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: incident({ labels: Array.from({ length: 100 }, (_, i) => `l${i}`) }),
    status: 400,
  },
  {
    name: 'incident with an unknown field',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: incident({ owner: 'me' }),
    status: 400,
  },
  {
    name: 'incident body a string',
    method: 'POST',
    path: `${OWNED}/incidents`,
    json: 'incident',
    status: 400,
  },
  {
    name: 'incident for another team',
    method: 'POST',
    path: '/api/operability/entities/component/default/thanos/incidents',
    json: incident(),
    status: 403,
  },
  {
    name: 'incident patch with nothing',
    method: 'PATCH',
    path: ids => `/api/operability/incidents/records/${ids.incidentId}`,
    json: {},
    status: 400,
  },
  {
    name: 'incident patch to year 1',
    method: 'PATCH',
    path: ids => `/api/operability/incidents/records/${ids.incidentId}`,
    json: { startedAt: '0001-01-01T00:00:00Z' },
    status: 400,
  },
  {
    name: 'incident patch resolving before start',
    method: 'PATCH',
    path: ids => `/api/operability/incidents/records/${ids.incidentId}`,
    json: { resolvedAt: '2000-01-01T00:00:00Z' },
    status: 400,
  },
  {
    name: 'incident patch of a source incident',
    method: 'PATCH',
    path: ids => `/api/operability/incidents/records/${ids.sourceIncidentId}`,
    json: { title: 'x' },
    status: 409,
  },
  {
    name: 'incident merge without the other incident',
    method: 'POST',
    path: ids => `/api/operability/incidents/${ids.manualIncidentId}/merge`,
    json: {},
    status: 400,
  },
  {
    name: 'incident split of a record it does not have',
    method: 'POST',
    path: ids => `/api/operability/incidents/${ids.manualIncidentId}/split`,
    json: { recordId: '6f1c3d2e-1111-4222-8333-444455556666' },
    status: 404,
  },

  // Exemptions
  {
    name: 'exemption from an unknown check',
    method: 'PUT',
    path: `${OWNED}/exemptions/teleport`,
    json: { reason: 'x', expiresAt: minute(60 * 24) },
    status: 404,
  },
  {
    name: 'exemption expired',
    method: 'PUT',
    path: `${OWNED}/exemptions/dashboard`,
    json: { reason: 'x', expiresAt: '2020-01-01T00:00:00Z' },
    status: 400,
  },
  {
    name: 'exemption for 10 years',
    method: 'PUT',
    path: `${OWNED}/exemptions/dashboard`,
    json: { reason: 'x', expiresAt: '2090-01-01T00:00:00Z' },
    status: 400,
  },
  {
    name: 'exemption without a reason',
    method: 'PUT',
    path: `${OWNED}/exemptions/dashboard`,
    json: { expiresAt: minute(60 * 24) },
    status: 400,
  },
  {
    name: 'exemption check id with SQL',
    method: 'PUT',
    path: `${OWNED}/exemptions/${encodeURIComponent("'; drop table x;--")}`,
    json: { reason: 'x', expiresAt: minute(60 * 24) },
    status: 400,
  },
  {
    name: 'exemption revoked that does not exist',
    method: 'DELETE',
    path: `${OWNED}/exemptions/dashboard`,
    status: 404,
  },

  // Webhooks (no Backstage credentials)
  {
    name: 'webhook of an unknown source',
    method: 'POST',
    path: '/api/operability/webhooks/nagios',
    auth: 'none',
    json: {},
    status: 404,
  },
  {
    name: 'Alertmanager without a token',
    method: 'POST',
    path: '/api/operability/webhooks/alertmanager',
    auth: 'none',
    json: { alerts: [] },
    status: 401,
  },
  {
    name: 'Alertmanager with a wrong token',
    method: 'POST',
    path: '/api/operability/webhooks/alertmanager',
    auth: 'none',
    headers: { authorization: 'Bearer wrong' },
    json: { alerts: [] },
    status: 401,
  },
  {
    name: 'Alertmanager payload not JSON',
    method: 'POST',
    path: '/api/operability/webhooks/alertmanager',
    auth: 'none',
    headers: {
      authorization: `Bearer ${ALERTMANAGER_TOKEN}`,
      'content-type': 'application/json',
    },
    raw: '{not json',
    status: 400,
  },
  {
    name: 'Alertmanager payload without alerts',
    method: 'POST',
    path: '/api/operability/webhooks/alertmanager',
    auth: 'none',
    headers: { authorization: `Bearer ${ALERTMANAGER_TOKEN}` },
    json: { version: '4' },
    status: 400,
  },
  {
    name: 'Alertmanager alert starting in year 9999',
    method: 'POST',
    path: '/api/operability/webhooks/alertmanager',
    auth: 'none',
    headers: { authorization: `Bearer ${ALERTMANAGER_TOKEN}` },
    json: {
      version: '4',
      status: 'firing',
      receiver: 'x',
      groupKey: 'g',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'Bad', service: 'jupyterhub' },
          annotations: {},
          startsAt: '9999-01-01T00:00:00Z',
          endsAt: '0001-01-01T00:00:00Z',
          fingerprint: 'bad9999',
        },
      ],
    },
    status: 400,
  },
  {
    name: 'GitHub without a signature',
    method: 'POST',
    path: '/api/operability/webhooks/github',
    auth: 'none',
    headers: { 'x-github-event': 'issues' },
    json: {},
    status: 401,
  },
  {
    name: 'GitHub with a wrong signature',
    method: 'POST',
    path: '/api/operability/webhooks/github',
    auth: 'none',
    headers: {
      'x-github-event': 'issues',
      'x-hub-signature-256': `sha256=${sign('wrong', '{}')}`,
    },
    raw: '{}',
    status: 401,
  },
  {
    name: 'GitHub signed payload not JSON',
    method: 'POST',
    path: '/api/operability/webhooks/github',
    auth: 'none',
    headers: {
      'x-github-event': 'issues',
      'x-github-delivery': 'bad-1',
      'x-hub-signature-256': `sha256=${sign(GITHUB_SECRET, '{oops')}`,
      'content-type': 'application/json',
    },
    raw: '{oops',
    status: 400,
  },
  {
    name: 'PagerDuty with a wrong signature',
    method: 'POST',
    path: '/api/operability/webhooks/pagerduty',
    auth: 'none',
    headers: { 'x-pagerduty-signature': `v1=${sign('wrong', '{}')}` },
    raw: '{}',
    status: 401,
  },
  {
    name: 'PagerDuty signed event of no shape',
    method: 'POST',
    path: '/api/operability/webhooks/pagerduty',
    auth: 'none',
    headers: {
      'x-pagerduty-signature': `v1=${sign(PAGERDUTY_SECRET, '{"event":1}')}`,
      'content-type': 'application/json',
    },
    raw: '{"event":1}',
    status: 400,
  },
  {
    name: 'webhook body over 1 MB',
    method: 'POST',
    path: '/api/operability/webhooks/alertmanager',
    auth: 'none',
    headers: {
      authorization: `Bearer ${ALERTMANAGER_TOKEN}`,
      'content-type': 'application/json',
    },
    raw: `{"x":"${'y'.repeat(1_100_000)}"}`,
    status: 413,
  },
  {
    name: 'badge of an entity that did not opt in',
    method: 'GET',
    path: '/api/operability/badges/component/default/seldon.svg',
    auth: 'none',
    status: 404,
  },
  {
    name: 'badge path traversal',
    method: 'GET',
    path: '/api/operability/badges/component/default/..%2F..%2Fetc.svg',
    auth: 'none',
    status: 404,
  },
];

/** Sends one case with Node's HTTP client (raw bytes, any header size); never waits long. */
function send(
  baseURL: string,
  token: string,
  ids: Ids,
  c: Case,
): Promise<{ status: number; body: string; ms: number }> {
  const path = typeof c.path === 'function' ? c.path(ids) : c.path;
  let body: Buffer | undefined;
  if (c.raw !== undefined) body = Buffer.from(c.raw);
  else if (c.json !== undefined) body = Buffer.from(JSON.stringify(c.json));
  const credentials: Record<Auth, Record<string, string>> = {
    none: {},
    'sli-token': { authorization: `Bearer ${SLI_PUSH_TOKEN}` },
    guest: { authorization: `Bearer ${token}` },
  };
  const headers: Record<string, string> = {
    ...(c.json !== undefined ? { 'content-type': 'application/json' } : {}),
    ...credentials[c.auth ?? 'guest'],
    ...c.headers,
    ...(body ? { 'content-length': String(body.length) } : {}),
  };
  const started = Date.now();
  return new Promise((resolve, reject) => {
    let status = 0;
    const chunks: Buffer[] = [];
    const done = () =>
      resolve({
        status,
        body: Buffer.concat(chunks).toString('utf8'),
        ms: Date.now() - started,
      });
    // A connection per request: no keep-alive race with the server closing idle sockets.
    const req = httpRequest(
      new URL(path, baseURL),
      { method: c.method, headers, timeout: 30_000, agent: false },
      res => {
        status = res.statusCode ?? 0;
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', done);
        // The server may close once it has answered (e.g. 413 before the body was read).
        res.on('error', () => (status ? done() : undefined));
      },
    );
    req.on('timeout', () =>
      req.destroy(new Error(`${c.name}: no answer in 30 s (a hang)`)),
    );
    req.on('error', error =>
      status
        ? done()
        : reject(new Error(`${c.name}: ${(error as Error).message}`)),
    );
    if (body) req.write(body);
    req.end();
  });
}

/** What the suite must not change: SLOs, their definitions, incidents, exemptions, SLI history. */
async function storedData(request: APIRequestContext, ids: Ids) {
  const entities = ['jupyterhub', 'thanos', 'seldon'];
  const data: Record<string, unknown> = {};
  for (const name of entities) {
    const path = `/entities/component/default/${name}`;
    const slos = (await getApi(request, `${path}/slos`)).items;
    data[`${name} slos`] = await Promise.all(
      slos.map(async (s: { id: string }) => {
        const detail = await getApi(request, `/slos/${s.id}`);
        return [
          detail.id,
          detail.name,
          detail.target,
          detail.period,
          detail.definition,
        ];
      }),
    );
    data[`${name} retired`] = (
      await getApi(request, `${path}/slos/retired`)
    ).items.map((s: { id: string }) => s.id);
    data[`${name} incidents`] = (
      await getApi(request, `${path}/incidents?limit=100`)
    ).items.map((i: Record<string, unknown>) => [
      i.id,
      i.title,
      i.severity,
      i.status,
      i.startedAt,
      i.resolvedAt,
      i.acknowledgedAt,
    ]);
    data[`${name} exemptions`] = (
      await getApi(request, `${path}/exemptions`)
    ).items;
  }
  // SLI history of a window that collection no longer writes: two to three days ago.
  const to = new Date(
    Math.floor(Date.now() / 3_600_000) * 3_600_000 - 2 * 86_400_000,
  );
  const from = new Date(to.getTime() - 86_400_000);
  const series = await getApi(
    request,
    `/slos/${
      ids.sloId
    }/series?from=${from.toISOString()}&to=${to.toISOString()}`,
  );
  data.sli = series.sli;
  return data;
}

test('bad input gets a clear 4xx and changes nothing', async ({
  request,
  baseURL,
}) => {
  expect(CASES.length).toBeGreaterThanOrEqual(100);
  await waitForEvaluatedSlos(request, 'component/default/jupyterhub');
  // The demo's incidents are delivered shortly after start-up: wait for the last ones.
  await expect
    .poll(
      async () =>
        (
          await getApi(
            request,
            '/entities/component/default/jupyterhub/incidents?view=records&limit=100',
          )
        ).items
          .map((i: { title: string }) => i.title)
          .join('\n'),
      { timeout: 120_000 },
    )
    .toMatch(/Drill: hub probe failing[\s\S]*Planned power outage/);

  const token = await guestToken(request);
  const owned = (
    await getApi(request, '/entities/component/default/jupyterhub/slos')
  ).items;
  const others = (
    await getApi(request, '/entities/component/default/thanos/slos')
  ).items;
  const hubIncidents = (
    await getApi(
      request,
      '/entities/component/default/jupyterhub/incidents?view=records&limit=100',
    )
  ).items as Array<{ id: string; source: string; incidentId: string }>;
  const manual = hubIncidents.filter(i => i.source === 'manual');
  expect(
    manual.length,
    'the demo has a manual incident of jupyterhub',
  ).toBeGreaterThan(0);
  const ids: Ids = {
    sloId: owned.find((s: { source: string }) => s.source === 'repo').id,
    repoSloId: others.find((s: { source: string }) => s.source === 'repo').id,
    incidentId: manual[0].id,
    manualIncidentId: manual[0].incidentId,
    sourceIncidentId: hubIncidents.find(i => i.source !== 'manual')!.id,
  };

  const before = await storedData(request, ids);
  const failures: string[] = [];
  const counts = { cases: 0, '4xx': 0, '5xx': 0, other: 0 };
  const timings: Array<[number, string]> = [];
  for (const c of CASES) {
    const res = await send(baseURL!, token, ids, c);
    timings.push([res.ms, c.name]);
    counts.cases++;
    if (res.status >= 500) counts['5xx']++;
    else if (res.status >= 400) counts['4xx']++;
    else counts.other++;
    let error: { name?: unknown; message?: unknown } | undefined;
    try {
      error = JSON.parse(res.body).error;
    } catch {
      error = undefined;
    }
    const problems = [
      c.status !== undefined &&
        res.status !== c.status &&
        `status ${res.status}, expected ${c.status}`,
      (res.status < 400 || res.status >= 500) &&
        `status ${res.status} is not a 4xx`,
      !(
        typeof error?.name === 'string' && typeof error?.message === 'string'
      ) &&
        `body is not {"error":{"name","message"}}: ${res.body.slice(0, 120)}`,
      /\bat [^\s]+ \(?[^\s]*\.(c?js|ts):\d+/.test(res.body) &&
        'body holds a stack trace',
      /"stack"/.test(res.body) && 'body has a stack field',
    ].filter(Boolean);
    if (problems.length) failures.push(`${c.name}: ${problems.join('; ')}`);
  }
  timings.sort((a, b) => b[0] - a[0]);
  process.stdout.write(
    `bad-input suite: ${counts.cases} cases, ${counts['4xx']} answered 4xx, ${
      counts['5xx']
    } 5xx, ${counts.other} other; slowest: ${timings
      .slice(0, 3)
      .map(([ms, name]) => `${name} ${ms} ms`)
      .join(', ')}\n`,
  );
  expect(failures).toEqual([]);
  expect(counts['5xx']).toBe(0);

  const after = await storedData(request, ids);
  expect(after).toEqual(before);
});

test('the demo token for scripts pushes SLI data and nothing else', async ({
  request,
  baseURL,
}) => {
  const [slo] = await waitForEvaluatedSlos(
    request,
    'component/default/jupyterhub',
  );
  const start = minute(-3);
  const res = await request.post(
    `${baseURL}/api/operability/slos/${slo.id}/sli`,
    {
      ...KEEP_ALIVE_RACE,
      headers: { authorization: `Bearer ${SLI_PUSH_TOKEN}` },
      data: { buckets: [{ start, good: 7, total: 7 }] },
    },
  );
  // The demo collects this SLO too; a push of the same bucket later replaces or confirms it.
  expect(res.status(), await res.text()).toBe(200);
  const other = await request.get(`${baseURL}/api/operability/portfolio`, {
    ...KEEP_ALIVE_RACE,
    headers: { authorization: `Bearer ${SLI_PUSH_TOKEN}` },
  });
  expect(other.status()).toBe(403);
});
