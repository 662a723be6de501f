import { TIME } from '@airworthy/plugin-operability-common';

const { HOUR, DAY } = TIME;
/*
 * The demo's story: how each SLO's traffic behaves, and the outages of the last 90 days,
 * modelled on incidents the Operate First community cloud really had (2021-2022; see
 * docs/demo.md). Times are offsets from the demo's anchor (the hour the backend started),
 * so every start shows the same story, ending now.
 */

/** How an SLO's events arrive and how many are bad on an ordinary day. */
export interface TrafficProfile {
  /** Events per minute at the daily peak on a weekday. */
  peakPerMinute: number;
  /** Probes (and scrapes) do not follow users: a constant rate. */
  constant?: boolean;
  /** Share of events that are bad on an ordinary day. */
  baselineBad: number;
}

/** The traffic of every demo SLO, by the SLO's `metadata.name`. */
export const TRAFFIC: Record<string, TrafficProfile> = {
  // probes: one per minute from each cluster that runs the service
  'jupyterhub-availability': {
    peakPerMinute: 2,
    constant: true,
    baselineBad: 0.0015,
  },
  'trino-availability': {
    peakPerMinute: 2,
    constant: true,
    baselineBad: 0.001,
  },
  'cloudbeaver-availability': {
    peakPerMinute: 1,
    constant: true,
    baselineBad: 0.012,
  },
  'thanos-query-availability': {
    peakPerMinute: 2,
    constant: true,
    baselineBad: 0.001,
  },
  'website-availability': {
    peakPerMinute: 1,
    constant: true,
    baselineBad: 0.0008,
  },
  // consumer lag: four scrapes a minute, each good when the lag is under 1,000
  'kafka-consumer-lag': {
    peakPerMinute: 4,
    constant: true,
    baselineBad: 0.004,
  },
  // requests, runs and sync loops
  'jupyterhub-hub-latency': { peakPerMinute: 120, baselineBad: 0.004 },
  'odh-dashboard-availability': { peakPerMinute: 60, baselineBad: 0.0008 },
  'kfp-tekton-pipeline-success': { peakPerMinute: 0.4, baselineBad: 0.02 },
  'trino-query-latency': { peakPerMinute: 25, baselineBad: 0.02 },
  'superset-availability': { peakPerMinute: 20, baselineBad: 0.002 },
  'kafka-produce-availability': { peakPerMinute: 3000, baselineBad: 0.0002 },
  'prometheus-query-availability': { peakPerMinute: 400, baselineBad: 0.0001 },
  'thanos-query-latency': { peakPerMinute: 150, baselineBad: 0.003 },
  'grafana-availability': { peakPerMinute: 200, baselineBad: 0.0005 },
  // Loki's push path fails a little too often: its SLO is still informing
  'loki-push-availability': { peakPerMinute: 1500, baselineBad: 0.0042 },
  'argocd-api-availability': { peakPerMinute: 80, baselineBad: 0.0003 },
  'vault-availability': { peakPerMinute: 150, baselineBad: 0.00004 },
  'keycloak-login-availability': { peakPerMinute: 90, baselineBad: 0.0002 },
  'ceph-s3-availability': { peakPerMinute: 900, baselineBad: 0.0002 },
  'prow-tide-sync': { peakPerMinute: 1, constant: true, baselineBad: 0.003 },
};

/** Where a demo incident is delivered from: the same handlers that take real webhooks. */
export type DemoIncidentSource =
  | 'alertmanager'
  | 'github'
  | 'pagerduty'
  | 'manual';

/** An outage and the incident records it left in each source. */
export interface DemoOutage {
  /** Short id, used in source keys. */
  id: string;
  /** The real incident it is modelled on (operate-first-incidents.json). */
  modelledOn?: string;
  title: string;
  description: string;
  /** Offset of the start from the anchor (negative: in the past). */
  startOffset: number;
  /** How long the errors last; `undefined` for one still going on. */
  duration?: number;
  /** `flapping`: errors come and go minute by minute (a failing switch). */
  pattern: 'steady' | 'flapping';
  /** Share of events that fail, per SLO name, while the outage lasts. */
  bad: Record<string, number>;
  severity: 'critical' | 'warning' | 'info';
  /**
   * Entities the incident records name (catalog names of Components); the first is the one
   * a GitHub issue is filed for (`[INCIDENT][cluster/entity] title`), the others are seen
   * through their alerts and PagerDuty services.
   */
  entities: string[];
  /** Clusters, for titles and labels. */
  clusters: string[];
  /** Incident records: which sources saw it and when it was handled. */
  sources: DemoIncidentSource[];
  /** From the start to acknowledgement. */
  acknowledgedAfter?: number;
  /** From the start to resolution of the incident (may outlast the errors). */
  resolvedAfter?: number;
  postMortem?: boolean;
  labels?: string[];
}

/** The last 90 days, oldest first. */
export const OUTAGES: DemoOutage[] = [
  {
    id: 'power-outage',
    modelledOn: 'ops-478',
    title: 'Planned power outage: MOC clusters down for 40 hours',
    description:
      'Facility power work at the data centre. All workloads on smaug are stopped; ' +
      'JupyterHub and Trino keep serving from osc-cl1.',
    startOffset: -61 * DAY + 2 * HOUR,
    duration: 40 * HOUR,
    pattern: 'steady',
    bad: {
      'jupyterhub-availability': 0.5,
      'jupyterhub-hub-latency': 0.5,
      'odh-dashboard-availability': 1,
      'trino-availability': 0.5,
      'trino-query-latency': 0.5,
      'superset-availability': 1,
      'kafka-produce-availability': 1,
      'kafka-consumer-lag': 1,
      'thanos-query-availability': 1,
      'thanos-query-latency': 1,
      'grafana-availability': 1,
      'loki-push-availability': 1,
      'argocd-api-availability': 1,
      'ceph-s3-availability': 1,
      'prow-tide-sync': 1,
      'website-availability': 1,
      'cloudbeaver-availability': 1,
    },
    severity: 'critical',
    entities: [
      'jupyterhub',
      'odh-dashboard',
      'trino',
      'superset',
      'kafka',
      'thanos',
      'grafana',
      'loki',
      'argocd',
      'ceph-object-storage',
      'prow',
      'community-website',
      'cloudbeaver',
    ],
    clusters: ['smaug', 'infra'],
    sources: ['manual'],
    acknowledgedAfter: 0,
    resolvedAfter: 40 * HOUR,
    labels: ['planned-maintenance'],
  },
  {
    id: 'morty-down',
    modelledOn: 'sup-643',
    title: 'Morty cluster is down; its S3 buckets fail',
    description: 'The EMEA cluster is unreachable; its S3 buckets fail.',
    startOffset: -47 * DAY - 5 * HOUR,
    duration: 8 * HOUR,
    pattern: 'steady',
    bad: { 'ceph-s3-availability': 0.2 },
    severity: 'warning',
    entities: ['ceph-object-storage'],
    clusters: ['morty'],
    sources: ['github', 'alertmanager'],
    acknowledgedAfter: 35 * 60_000,
    resolvedAfter: 9 * HOUR,
  },
  {
    id: 'vault-sealed',
    title: 'Vault sealed after a node drain',
    description:
      'A drained node restarted two Vault pods, which came back sealed.',
    startOffset: -40 * DAY + 9 * HOUR,
    duration: 20 * 60_000,
    pattern: 'steady',
    bad: { 'vault-availability': 0.5 },
    severity: 'critical',
    entities: ['vault'],
    clusters: ['infra'],
    sources: ['alertmanager'],
    acknowledgedAfter: 6 * 60_000,
    resolvedAfter: 25 * 60_000,
  },
  {
    id: 'object-storage-down',
    modelledOn: 'sup-490',
    title: 'Object storage is down on smaug; prow cannot sync',
    description: 'The S3 gateway answers 504; tide cannot sync.',
    startOffset: -34 * DAY + 3 * HOUR,
    duration: 6 * HOUR,
    pattern: 'steady',
    bad: { 'ceph-s3-availability': 0.7, 'prow-tide-sync': 0.5 },
    severity: 'critical',
    entities: ['ceph-object-storage', 'prow'],
    clusters: ['smaug'],
    sources: ['github', 'alertmanager'],
    acknowledgedAfter: 50 * 60_000,
    resolvedAfter: 6 * HOUR + 20 * 60_000,
    postMortem: true,
  },
  {
    id: 'network-switches',
    modelledOn: 'ops-459',
    title: 'Networking issues on the MOC clusters infra and smaug',
    description:
      'Ageing switches to the public network drop connections; services on smaug and ' +
      'infra fail intermittently.',
    startOffset: -26 * DAY + 14 * HOUR,
    duration: 3.5 * HOUR,
    pattern: 'flapping',
    bad: {
      'argocd-api-availability': 0.3,
      'grafana-availability': 0.3,
      'thanos-query-availability': 0.3,
      'thanos-query-latency': 0.4,
      'superset-availability': 0.3,
      'jupyterhub-availability': 0.1,
      'trino-availability': 0.3,
    },
    severity: 'critical',
    entities: [
      'argocd',
      'grafana',
      'thanos',
      'superset',
      'jupyterhub',
      'trino',
    ],
    clusters: ['smaug', 'infra'],
    sources: ['github', 'alertmanager', 'pagerduty'],
    acknowledgedAfter: 12 * 60_000,
    resolvedAfter: 4 * HOUR,
    postMortem: true,
  },
  {
    id: 'zero-down',
    modelledOn: 'ops-377',
    title: 'Zero cluster is down; the dashboard fails for users routed there',
    description:
      'Nodes of the Zero cluster are down; the dashboard fails for users routed there. ' +
      'Rolling node reboots did not help; closed without resolution when Zero was retired.',
    startOffset: -23 * DAY + 8 * HOUR,
    duration: 9 * DAY,
    pattern: 'steady',
    bad: { 'odh-dashboard-availability': 0.05 },
    severity: 'warning',
    entities: ['odh-dashboard'],
    clusters: ['zero'],
    sources: ['github', 'alertmanager'],
    acknowledgedAfter: 3 * HOUR,
    resolvedAfter: 9 * DAY,
  },
  {
    id: 'osc-console-down',
    modelledOn: 'sup-642',
    title: 'OSC-CL1 console down, routes behind it failing',
    description: 'The osc-cl1 console and the routes behind it fail.',
    startOffset: -19 * DAY + 8.5 * HOUR,
    duration: 2.5 * HOUR,
    pattern: 'steady',
    bad: {
      'trino-availability': 0.5,
      'trino-query-latency': 0.25,
      'superset-availability': 0.25,
      'jupyterhub-availability': 0.5,
      'kfp-tekton-pipeline-success': 0.6,
    },
    severity: 'warning',
    entities: ['trino', 'superset', 'jupyterhub', 'kfp-tekton'],
    clusters: ['osc-cl1'],
    sources: ['github', 'pagerduty'],
    acknowledgedAfter: 20 * 60_000,
    resolvedAfter: 2.75 * HOUR,
  },
  {
    id: 'certificate-expired',
    modelledOn: 'ops-435',
    title:
      'Authentication down on clusters infra, smaug, rick, balrog: certificate expired',
    description:
      'The certificate of the identity provider expired; logins fail on four clusters ' +
      'until a new certificate is deployed by hand.',
    startOffset: -12 * DAY + 21 * HOUR + 40 * 60_000,
    duration: 19 * HOUR,
    pattern: 'steady',
    bad: {
      'keycloak-login-availability': 0.92,
      'grafana-availability': 0.03,
      'argocd-api-availability': 0.03,
    },
    severity: 'critical',
    entities: ['keycloak', 'grafana', 'argocd'],
    clusters: ['infra', 'smaug', 'rick', 'balrog'],
    sources: ['github', 'pagerduty', 'alertmanager'],
    acknowledgedAfter: 2 * HOUR,
    resolvedAfter: 19 * HOUR + 15 * 60_000,
    postMortem: true,
  },
  {
    id: 'thanos-slow-queries',
    title: 'Thanos range queries slow after compaction backlog',
    description: 'A compaction backlog makes long range queries slow.',
    startOffset: -8 * DAY + 16 * HOUR,
    duration: 2 * HOUR,
    pattern: 'steady',
    bad: { 'thanos-query-latency': 0.15 },
    severity: 'warning',
    entities: ['thanos'],
    clusters: ['smaug'],
    sources: ['alertmanager'],
    acknowledgedAfter: 25 * 60_000,
    resolvedAfter: 2 * HOUR,
  },
  {
    id: 'jupyterhub-drill',
    modelledOn: 'ops-399',
    title: 'Drill: hub probe failing (not a real incident)',
    description:
      'A game day: the hub probe is made to fail to exercise the incident process.',
    startOffset: -5 * DAY + 10 * HOUR,
    duration: 10 * 60_000,
    pattern: 'steady',
    bad: { 'jupyterhub-availability': 0.5 },
    severity: 'info',
    entities: ['jupyterhub'],
    clusters: ['demo'],
    sources: ['github', 'alertmanager'],
    acknowledgedAfter: 3 * 60_000,
    resolvedAfter: 25 * 60_000,
    labels: ['drill'],
  },
  {
    id: 'kafka-slow-burn',
    title: 'Kafka produce errors after broker upgrade',
    description:
      'One broker rejects a share of produce requests since the upgrade; consumers lag.',
    startOffset: -30 * HOUR,
    duration: 2 * DAY,
    pattern: 'steady',
    bad: { 'kafka-produce-availability': 0.0035, 'kafka-consumer-lag': 0.02 },
    severity: 'warning',
    entities: ['kafka'],
    clusters: ['smaug'],
    sources: ['pagerduty', 'alertmanager'],
    acknowledgedAfter: 4 * HOUR,
  },
  {
    id: 'superset-errors',
    title: 'Superset answers 5xx for SQL Lab',
    description:
      'SQL Lab requests fail since the last deployment; users see server errors.',
    startOffset: -90 * 60_000,
    duration: 6 * HOUR,
    pattern: 'steady',
    bad: { 'superset-availability': 0.2 },
    severity: 'critical',
    entities: ['superset'],
    clusters: ['smaug'],
    sources: ['alertmanager'],
  },
];
