import { createHmac } from 'node:crypto';
import {
  buildDeliveries,
  type DemoEntity,
  type WebhookDelivery,
} from './deliveries';
import { OUTAGES } from './scenario';
import { TIME } from '@airworthy/plugin-operability-common';

const anchor = Date.UTC(2026, 10, 25, 9);
const secrets = {
  alertmanagerToken: 'am-token',
  githubWebhookSecret: 'gh-secret',
  pagerdutyWebhookSecret: 'pd-secret',
};

const entities = new Map<string, DemoEntity>(
  [
    ['jupyterhub', { service: 'jupyterhub', namespace: 'opf-jupyterhub' }],
    ['keycloak', { service: 'keycloak' }, 'PKEYCLK'],
    ['grafana', { service: 'grafana' }],
    ['argocd', { service: 'argocd' }, 'PARGOCD'],
    ['superset', { service: 'superset' }],
    ['kafka', { service: 'kafka' }, 'PKAFKA1'],
    ['trino', { service: 'trino' }, 'PTRINO1'],
  ].map(([name, labels, pd]) => [
    name as string,
    {
      entityRef: `component:default/${name}`,
      alertLabels: labels as Record<string, string>,
      pagerdutyServiceId: pd as string | undefined,
    },
  ]),
);

function webhooks(source: string) {
  return buildDeliveries({ anchor, now: anchor, entities, secrets }).filter(
    (d): d is WebhookDelivery => d.kind === 'webhook' && d.source === source,
  );
}

describe('demo deliveries', () => {
  it('are ordered in time and include nothing later than now', () => {
    const now = anchor - 20 * TIME.DAY;
    const deliveries = buildDeliveries({ anchor, now, entities, secrets });
    expect(deliveries.length).toBeGreaterThan(5);
    expect(deliveries.every(d => d.at <= now)).toBe(true);
    const times = deliveries.map(d => d.at);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('signs GitHub deliveries over the exact body, with a delivery id each', () => {
    const github = webhooks('github');
    expect(github.length).toBeGreaterThan(0);
    for (const d of github) {
      const expected = createHmac('sha256', 'gh-secret')
        .update(d.body)
        .digest('hex');
      expect(d.headers['x-hub-signature-256']).toBe(`sha256=${expected}`);
      expect(d.headers['x-github-event']).toBe('issues');
    }
    const ids = github.map(d => d.headers['x-github-delivery']);
    expect(new Set(ids).size).toBe(ids.length);
    const opened = JSON.parse(github[0].body);
    expect(opened.action).toBe('opened');
    expect(opened.issue.title).toMatch(
      /^\[INCIDENT\]\[[a-z0-9-]+\/[a-z0-9-]+\] /,
    );
    expect(opened.repository.full_name).toBe('operate-first/operations');
  });

  it('signs PagerDuty deliveries (v1=) and only for entities with a service id', () => {
    const pagerduty = webhooks('pagerduty');
    for (const d of pagerduty) {
      const expected = createHmac('sha256', 'pd-secret')
        .update(d.body)
        .digest('hex');
      expect(d.headers['x-pagerduty-signature']).toBe(`v1=${expected}`);
    }
    const services = new Set(
      pagerduty.map(d => JSON.parse(d.body).event.data.service.id),
    );
    expect([...services].sort()).toEqual([
      'PARGOCD',
      'PKAFKA1',
      'PKEYCLK',
      'PTRINO1',
    ]);
  });

  it("sends alerts with the entity's selector labels and the bearer token", () => {
    const alerts = webhooks('alertmanager');
    expect(
      alerts.every(d => d.headers.authorization === 'Bearer am-token'),
    ).toBe(true);
    const superset = alerts
      .map(d => JSON.parse(d.body))
      .filter(p => p.alerts[0].labels.service === 'superset');
    // the ongoing outage: still firing at the anchor, never resolved
    const ongoing = OUTAGES.find(o => o.id === 'superset-errors')!;
    const last = superset[superset.length - 1];
    expect(last.status).toBe('firing');
    expect(Date.parse(last.alerts[0].startsAt)).toBe(
      anchor + ongoing.startOffset + 2 * TIME.MINUTE,
    );
    expect(last.alerts[0].endsAt).toBe('0001-01-01T00:00:00Z');
  });

  it('leaves out sources whose credentials are not configured', () => {
    const deliveries = buildDeliveries({
      anchor,
      now: anchor,
      entities,
      secrets: {},
    });
    expect(deliveries.every(d => d.kind === 'manual')).toBe(true);
    expect(deliveries.length).toBeGreaterThan(0);
  });
});
