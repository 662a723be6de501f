import {
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  normalizeIncidentSeverity,
  type IncidentSeverity,
  type IncidentStatus,
} from '@airworthy/plugin-operability-common';
import {
  headerValue,
  hmacSha256Hex,
  INCIDENT_KEYS,
  listAnnotatedEntities,
  parseInstant,
  parseWebhookPayload,
  secretsEqual,
  validatePayload,
  type IncidentObservation,
  type IncidentSource,
  type IncidentSourceConnection,
  type IncidentWebhookRequest,
  type IncidentWebhookResponse,
} from '@airworthy/plugin-operability-node';
import type { AuthService } from '@backstage/backend-plugin-api';
import { AuthenticationError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { z } from 'zod';

const instant = z
  .string()
  .refine(s => parseInstant(s) !== undefined, 'must be an ISO 8601 instant');

/** The envelope of every v3 webhook: one event. */
const envelopeSchema = z.object({
  event: z.object({
    id: z.string().min(1),
    event_type: z.string().min(1),
    resource_type: z.string(),
    occurred_at: instant,
    data: z.unknown(),
  }),
});

/** `event.data` of incident events whose data type is `incident`. */
const incidentSchema = z.object({
  id: z.string().min(1).max(64),
  type: z.literal('incident'),
  html_url: z.string().optional(),
  number: z.number().optional(),
  status: z.enum(['triggered', 'acknowledged', 'resolved']),
  created_at: instant,
  title: z.string(),
  service: z.object({ id: z.string().min(1), summary: z.string().optional() }),
  priority: z.object({ summary: z.string() }).nullish(),
  urgency: z.enum(['high', 'low']).optional(),
  incident_key: z.string().max(255).nullish(),
});

const STATUS: Record<string, IncidentStatus> = {
  triggered: 'open',
  acknowledged: 'acknowledged',
  resolved: 'resolved',
};

/** Priority (`P1`..`P5`) when the account uses priorities, else the urgency. */
function severityOf(
  incident: z.output<typeof incidentSchema>,
): IncidentSeverity {
  const fromPriority = normalizeIncidentSeverity(incident.priority?.summary);
  if (fromPriority) return fromPriority;
  if (incident.urgency === 'high') return 'critical';
  if (incident.urgency === 'low') return 'warning';
  return 'unknown';
}

/**
 * The observation an incident event makes: the incident's state at `occurred_at`. Its
 * `incident_key` (the dedup key of the events that opened it: Alertmanager sends the SHA-256
 * of the alert group's key, other senders often the alert's fingerprint) links it to the
 * alert's firing nearest in time.
 */
export function incidentEventToObservation(
  event: { event_type: string; occurred_at: string },
  incident: z.output<typeof incidentSchema>,
  entityRefs: string[],
): IncidentObservation {
  const occurredAt = parseInstant(event.occurred_at)!;
  const labels = [
    `pagerduty_service=${incident.service.id}`,
    ...(incident.service.summary
      ? [`service=${incident.service.summary}`]
      : []),
    ...(incident.urgency ? [`urgency=${incident.urgency}`] : []),
    ...(incident.priority ? [`priority=${incident.priority.summary}`] : []),
    ...(incident.number !== undefined ? [`number=${incident.number}`] : []),
  ];
  return {
    sourceKey: incident.id,
    entityRefs,
    title: incident.title,
    severity: severityOf(incident),
    status: STATUS[incident.status],
    startedAt: parseInstant(incident.created_at)!,
    acknowledgedAt:
      event.event_type === 'incident.acknowledged' ? occurredAt : undefined,
    resolvedAt:
      event.event_type === 'incident.resolved' ? occurredAt : undefined,
    observedAt: occurredAt,
    links: { issue: incident.html_url },
    labels,
    correlation: {
      references: incident.incident_key?.trim()
        ? [INCIDENT_KEYS.alert(incident.incident_key)]
        : [],
    },
  };
}

/**
 * Incidents from PagerDuty v3 webhooks, verified with `X-PagerDuty-Signature` (any of the
 * signatures PagerDuty sends, against any configured secret) and deduplicated on
 * `X-Webhook-Id`; entities are mapped with the `pagerduty.com/service-id` annotation.
 */
export class PagerDutyIncidentSource implements IncidentSource {
  readonly id = 'pagerduty';
  private connection?: IncidentSourceConnection;

  constructor(
    private readonly options: {
      /** Signing secrets of the webhook subscriptions; none: the webhook answers 404. */
      webhookSecrets: string[];
      catalog: CatalogService;
      auth: AuthService;
    },
  ) {}

  async connect(connection: IncidentSourceConnection): Promise<void> {
    this.connection = connection;
  }

  private verify(request: IncidentWebhookRequest): void {
    const header = headerValue(request.headers, 'x-pagerduty-signature') ?? '';
    const received = header
      .split(',')
      .map(s => s.trim())
      .filter(s => s.startsWith('v1='));
    const expected = this.options.webhookSecrets.map(
      secret => `v1=${hmacSha256Hex(secret, request.body)}`,
    );
    // Compare every pair, so timing does not depend on which one matches.
    let valid = false;
    for (const signature of received) {
      for (const candidate of expected) {
        valid = secretsEqual(signature, candidate) || valid;
      }
    }
    if (!valid) {
      throw new AuthenticationError(
        'PagerDuty deliveries need an X-PagerDuty-Signature (v1=...) made with a configured webhook secret',
      );
    }
  }

  async handleWebhook(
    request: IncidentWebhookRequest,
  ): Promise<IncidentWebhookResponse> {
    if (!this.options.webhookSecrets.length) {
      throw new NotFoundError(
        'The PagerDuty webhook is not configured: set operability.incidents.pagerduty.webhookSecrets',
      );
    }
    this.verify(request);
    const { event } = parseWebhookPayload(envelopeSchema, request.body);
    const type = (event.data as { type?: unknown } | null)?.type;
    if (event.resource_type !== 'incident' || type !== 'incident') {
      // Pings, notes, responders, status updates and service events carry no incident state.
      return {
        status: 202,
        body: { event: event.event_type, ignored: true },
      };
    }
    const incident = validatePayload(
      incidentSchema,
      event.data,
      'body.event.data',
    );
    const entityRefs = (
      await listAnnotatedEntities(
        this.options.catalog,
        this.options.auth,
        ANNOTATION_PAGERDUTY_SERVICE_ID,
      )
    )
      .filter(({ value }) => value === incident.service.id)
      .map(({ entityRef }) => entityRef);
    const result = await this.connection!.record({
      deliveryId: headerValue(request.headers, 'x-webhook-id') ?? event.id,
      observations: [incidentEventToObservation(event, incident, entityRefs)],
    });
    return { status: 200, body: { event: event.event_type, ...result } };
  }
}
