import { createHash, createHmac } from 'node:crypto';
import { OUTAGES, type DemoOutage } from './scenario';
import { TIME } from '@airworthy/plugin-operability-common';

/** What the demo knows of a catalog entity it files incidents for. */
export interface DemoEntity {
  /** Canonical entity ref. */
  entityRef: string;
  /** Equality matchers of its `airworthy.dev/alert-selector`, as alert labels. */
  alertLabels?: Record<string, string>;
  /** Its `pagerduty.com/service-id`. */
  pagerdutyServiceId?: string;
}

/** The webhook credentials the demo signs with: the ones the sources are configured with. */
export interface DemoSecrets {
  alertmanagerToken?: string;
  githubWebhookSecret?: string;
  pagerdutyWebhookSecret?: string;
}

/** One webhook delivery, exactly as a source would send it. */
export interface WebhookDelivery {
  kind: 'webhook';
  /** When the source sent it (for ordering). */
  at: number;
  source: 'alertmanager' | 'github' | 'pagerduty';
  headers: Record<string, string>;
  body: string;
}

/** A manual incident, created through the API. */
export interface ManualDelivery {
  kind: 'manual';
  at: number;
  entityRef: string;
  body: {
    title: string;
    description: string;
    severity: string;
    startedAt: string;
    acknowledgedAt?: string;
    resolvedAt?: string;
    labels?: string[];
  };
}

export type DemoDelivery = WebhookDelivery | ManualDelivery;

const GITHUB_REPOSITORY = 'operate-first/operations';
const iso = (t: number) => new Date(t).toISOString();
const isoSeconds = (t: number) => `${iso(t).slice(0, 19)}Z`;
const hex = (text: string, length: number) =>
  createHash('sha256').update(text).digest('hex').slice(0, length);

/** A UUID-shaped id derived from text, so that deliveries are the same on every start. */
function stableUuid(text: string): string {
  const h = hex(text, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(
    17,
    20,
  )}-${h.slice(20, 32)}`;
}

const pascal = (name: string) =>
  name
    .split(/[^a-zA-Z0-9]+/)
    .map(w => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/** The times of an outage, for an anchor. */
function timesOf(outage: DemoOutage, anchor: number) {
  const start = anchor + outage.startOffset;
  return {
    start,
    detected: start + 5 * TIME.MINUTE,
    acknowledged:
      outage.acknowledgedAfter === undefined
        ? undefined
        : start + outage.acknowledgedAfter,
    resolved:
      outage.resolvedAfter === undefined
        ? undefined
        : start + outage.resolvedAfter,
    errorsEnd:
      outage.duration === undefined ? undefined : start + outage.duration,
  };
}

function alertmanagerDeliveries(
  outage: DemoOutage,
  index: number,
  anchor: number,
  entities: Map<string, DemoEntity>,
  token: string,
): WebhookDelivery[] {
  const { start, errorsEnd } = timesOf(outage, anchor);
  const deliveries: WebhookDelivery[] = [];
  for (const name of outage.entities) {
    const entity = entities.get(name);
    if (!entity?.alertLabels) continue;
    const labels = {
      alertname: `${pascal(name)}ErrorBudgetBurn`,
      ...entity.alertLabels,
      cluster: outage.clusters[0],
      severity: outage.severity === 'info' ? 'warning' : outage.severity,
      prometheus: 'openshift-monitoring/k8s',
    };
    const fingerprint = hex(JSON.stringify(labels), 16);
    const annotations = {
      summary: `${outage.title} (${name})`,
      description: `${outage.description} The error budget of ${name} burns faster than its alert thresholds allow.`,
      runbook_url: `https://runbooks.community-cloud.example/${name}`,
    };
    const startsAt = start + 2 * TIME.MINUTE;
    const send = (
      status: 'firing' | 'resolved',
      at: number,
      endsAt?: number,
    ) => {
      const alert = {
        status,
        labels,
        annotations,
        startsAt: iso(startsAt),
        endsAt: endsAt === undefined ? '0001-01-01T00:00:00Z' : iso(endsAt),
        generatorURL: `https://prometheus.community-cloud.example/graph?g0.expr=${encodeURIComponent(
          `slo:sli_error:ratio_rate1h{sloth_service="${name}"}`,
        )}`,
        fingerprint,
      };
      const payload = {
        version: '4',
        groupKey: `{}:{alertname="${labels.alertname}", cluster="${labels.cluster}"}`,
        truncatedAlerts: 0,
        status,
        receiver: 'airworthy',
        groupLabels: { alertname: labels.alertname, cluster: labels.cluster },
        commonLabels: labels,
        commonAnnotations: annotations,
        externalURL: 'https://alertmanager.community-cloud.example',
        alerts: [alert],
      };
      deliveries.push({
        kind: 'webhook',
        at: at + index, // keeps a stable order among simultaneous deliveries
        source: 'alertmanager',
        headers: {
          'content-type': 'application/json',
          authorization: `Bearer ${token}`,
          'user-agent': 'Alertmanager/0.27.0',
        },
        body: JSON.stringify(payload),
      });
    };
    send('firing', startsAt + 30_000);
    if (errorsEnd !== undefined)
      send(
        'resolved',
        errorsEnd + 5 * TIME.MINUTE,
        errorsEnd + 5 * TIME.MINUTE,
      );
  }
  return deliveries;
}

function githubDeliveries(
  outage: DemoOutage,
  index: number,
  anchor: number,
  secret: string,
): WebhookDelivery[] {
  const { detected, acknowledged, resolved } = timesOf(outage, anchor);
  const number = 400 + index * 7;
  const primary = outage.entities[0];
  const title = `[INCIDENT][${outage.clusters[0]}/${primary}] ${outage.title}`;
  const user = (login: string, id: number) => ({
    login,
    id,
    type: 'User',
    site_admin: false,
    html_url: `https://github.com/${login}`,
  });
  const reporter = user('first-responder', 58012301);
  const commander = user('incident-commander', 58012302);
  const baseLabels = [
    { id: 2714418711, name: 'incident', color: 'b60205', default: false },
    {
      id: 2714418712,
      name: `severity/${outage.severity}`,
      color: 'd93f0b',
      default: false,
    },
    ...(outage.labels ?? []).map((name, i) => ({
      id: 2714418720 + i,
      name,
      color: 'c5def5',
      default: false,
    })),
  ];
  const postMortemLabel = {
    id: 2714418799,
    name: 'post-mortem',
    color: '5319e7',
    default: false,
  };
  const body = [
    outage.description,
    '',
    `Runbook: https://runbooks.community-cloud.example/${primary}`,
    ...(outage.postMortem
      ? [
          '',
          `Post-mortem: https://github.com/${GITHUB_REPOSITORY}/blob/main/postmortems/${outage.id}.md`,
        ]
      : []),
  ].join('\n');
  const repository = {
    id: 301110011,
    name: 'operations',
    full_name: GITHUB_REPOSITORY,
    private: false,
    html_url: `https://github.com/${GITHUB_REPOSITORY}`,
    url: `https://api.github.com/repos/${GITHUB_REPOSITORY}`,
    owner: {
      login: 'operate-first',
      id: 70040001,
      type: 'Organization',
      site_admin: false,
    },
  };
  const issue = (state: {
    updatedAt: number;
    assigned: boolean;
    closedAt?: number;
    postMortem: boolean;
  }) => ({
    url: `https://api.github.com/repos/${GITHUB_REPOSITORY}/issues/${number}`,
    repository_url: `https://api.github.com/repos/${GITHUB_REPOSITORY}`,
    html_url: `https://github.com/${GITHUB_REPOSITORY}/issues/${number}`,
    id: 1500000000 + number,
    node_id: `I_kwDOE${number}`,
    number,
    title,
    user: reporter,
    labels: state.postMortem ? [...baseLabels, postMortemLabel] : baseLabels,
    state: state.closedAt === undefined ? 'open' : 'closed',
    locked: false,
    assignee: state.assigned ? commander : null,
    assignees: state.assigned ? [commander] : [],
    comments: 0,
    created_at: isoSeconds(detected),
    updated_at: isoSeconds(state.updatedAt),
    closed_at: state.closedAt === undefined ? null : isoSeconds(state.closedAt),
    author_association: 'MEMBER',
    body,
    state_reason: state.closedAt === undefined ? null : 'completed',
  });

  const events: Array<{
    action: string;
    at: number;
    extra?: object;
    state: Parameters<typeof issue>[0];
  }> = [
    {
      action: 'opened',
      at: detected,
      state: { updatedAt: detected, assigned: false, postMortem: false },
    },
  ];
  if (acknowledged !== undefined) {
    events.push({
      action: 'assigned',
      at: acknowledged,
      extra: { assignee: commander },
      state: { updatedAt: acknowledged, assigned: true, postMortem: false },
    });
  }
  if (resolved !== undefined) {
    events.push({
      action: 'closed',
      at: resolved,
      state: {
        updatedAt: resolved,
        assigned: acknowledged !== undefined,
        closedAt: resolved,
        postMortem: false,
      },
    });
    if (outage.postMortem) {
      const reviewed = resolved + 3 * TIME.DAY;
      events.push({
        action: 'labeled',
        at: reviewed,
        extra: { label: postMortemLabel },
        state: {
          updatedAt: reviewed,
          assigned: acknowledged !== undefined,
          closedAt: resolved,
          postMortem: true,
        },
      });
    }
  }
  return events.map(event => {
    const payload = {
      action: event.action,
      issue: issue(event.state),
      ...event.extra,
      repository,
      sender: event.action === 'opened' ? reporter : commander,
    };
    const text = JSON.stringify(payload);
    return {
      kind: 'webhook' as const,
      at: event.at + index,
      source: 'github' as const,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'GitHub-Hookshot/demo',
        'x-github-event': 'issues',
        'x-github-delivery': stableUuid(`${outage.id}:${event.action}`),
        'x-github-hook-id': '431530001',
        'x-hub-signature-256': `sha256=${createHmac('sha256', secret)
          .update(text)
          .digest('hex')}`,
      },
      body: text,
    };
  });
}

function pagerdutyDeliveries(
  outage: DemoOutage,
  index: number,
  anchor: number,
  entities: Map<string, DemoEntity>,
  secret: string,
): WebhookDelivery[] {
  const { detected, acknowledged, resolved } = timesOf(outage, anchor);
  const deliveries: WebhookDelivery[] = [];
  for (const name of outage.entities) {
    const serviceId = entities.get(name)?.pagerdutyServiceId;
    if (!serviceId) continue;
    const incidentId = `Q${hex(`${outage.id}:${name}`, 13).toUpperCase()}`;
    const service = {
      html_url: `https://community-cloud.pagerduty.com/services/${serviceId}`,
      id: serviceId,
      self: `https://api.pagerduty.com/services/${serviceId}`,
      summary: name,
      type: 'service_reference',
    };
    const responder = {
      html_url: 'https://community-cloud.pagerduty.com/users/PONCALL',
      id: 'PONCALL',
      self: 'https://api.pagerduty.com/users/PONCALL',
      summary: 'SRE on call',
      type: 'user_reference',
    };
    const steps: Array<{ type: string; status: string; at: number }> = [
      { type: 'incident.triggered', status: 'triggered', at: detected },
    ];
    if (acknowledged !== undefined) {
      steps.push({
        type: 'incident.acknowledged',
        status: 'acknowledged',
        at: Math.max(acknowledged, detected),
      });
    }
    if (resolved !== undefined)
      steps.push({
        type: 'incident.resolved',
        status: 'resolved',
        at: resolved,
      });
    for (const step of steps) {
      const payload = {
        event: {
          id: stableUuid(`${outage.id}:${name}:${step.type}`)
            .replace(/-/g, '')
            .slice(0, 26)
            .toUpperCase(),
          event_type: step.type,
          resource_type: 'incident',
          occurred_at: iso(step.at),
          agent: step.type === 'incident.triggered' ? service : responder,
          client: { name: 'Prometheus' },
          data: {
            id: incidentId,
            type: 'incident',
            self: `https://api.pagerduty.com/incidents/${incidentId}`,
            html_url: `https://community-cloud.pagerduty.com/incidents/${incidentId}`,
            number: 1000 + index * 10 + outage.entities.indexOf(name),
            status: step.status,
            incident_key: hex(`${outage.id}:${name}`, 16),
            created_at: isoSeconds(detected),
            title: `${outage.title} (${name})`,
            service,
            assignees: [responder],
            urgency: outage.severity === 'critical' ? 'high' : 'low',
            conference_bridge: null,
            resolve_reason: null,
          },
        },
      };
      const text = JSON.stringify(payload);
      deliveries.push({
        kind: 'webhook',
        at: step.at + index,
        source: 'pagerduty',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'user-agent': 'PagerDuty-Webhook/V3.0',
          'x-webhook-id': stableUuid(
            `${outage.id}:${name}:${step.type}:webhook`,
          ),
          'x-pagerduty-signature': `v1=${createHmac('sha256', secret)
            .update(text)
            .digest('hex')}`,
        },
        body: text,
      });
    }
  }
  return deliveries;
}

function manualDeliveries(
  outage: DemoOutage,
  index: number,
  anchor: number,
  entities: Map<string, DemoEntity>,
): ManualDelivery[] {
  const { start, acknowledged, resolved } = timesOf(outage, anchor);
  return outage.entities.flatMap(name => {
    const entity = entities.get(name);
    if (!entity) return [];
    return [
      {
        kind: 'manual' as const,
        at: start + index,
        entityRef: entity.entityRef,
        body: {
          title: outage.title,
          description: outage.description,
          severity: outage.severity,
          startedAt: iso(start),
          ...(acknowledged !== undefined
            ? { acknowledgedAt: iso(acknowledged) }
            : {}),
          ...(resolved !== undefined ? { resolvedAt: iso(resolved) } : {}),
          labels: outage.labels,
        },
      },
    ];
  });
}

/**
 * Every delivery the demo's outages made up to `now`, oldest first: alerts through
 * Alertmanager's webhook, issues through GitHub's, incidents through PagerDuty's (each signed
 * as the source signs), and manual incidents through the API. Sources whose credentials are
 * not configured are left out.
 */
export function buildDeliveries(options: {
  anchor: number;
  now: number;
  entities: Map<string, DemoEntity>;
  secrets: DemoSecrets;
}): DemoDelivery[] {
  const { anchor, now, entities, secrets } = options;
  const all: DemoDelivery[] = [];
  OUTAGES.forEach((outage, index) => {
    for (const source of outage.sources) {
      if (source === 'alertmanager' && secrets.alertmanagerToken) {
        all.push(
          ...alertmanagerDeliveries(
            outage,
            index,
            anchor,
            entities,
            secrets.alertmanagerToken,
          ),
        );
      } else if (source === 'github' && secrets.githubWebhookSecret) {
        all.push(
          ...githubDeliveries(
            outage,
            index,
            anchor,
            secrets.githubWebhookSecret,
          ),
        );
      } else if (source === 'pagerduty' && secrets.pagerdutyWebhookSecret) {
        all.push(
          ...pagerdutyDeliveries(
            outage,
            index,
            anchor,
            entities,
            secrets.pagerdutyWebhookSecret,
          ),
        );
      } else if (source === 'manual') {
        all.push(...manualDeliveries(outage, index, anchor, entities));
      }
    }
  });
  return all.filter(d => d.at <= now).sort((a, b) => a.at - b.at);
}
