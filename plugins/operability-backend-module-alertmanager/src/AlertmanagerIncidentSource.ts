import {
  ANNOTATION_ALERT_SELECTOR,
  normalizeIncidentSeverity,
} from '@airworthy/plugin-operability-common';
import {
  alertLinkKey,
  headerValue,
  INCIDENT_KEYS,
  incidentKeyOfReference,
  listAnnotatedEntities,
  parseInstant,
  parseWebhookPayload,
  secretsEqual,
  type IncidentObservation,
  type IncidentSource,
  type IncidentSourceConnection,
  type IncidentWebhookRequest,
  type IncidentWebhookResponse,
} from '@airworthy/plugin-operability-node';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { AuthenticationError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import {
  matchesAlert,
  parseAlertSelector,
  type AlertMatcher,
} from './alertSelector';

const labelSet = z.record(z.string(), z.string());
const instant = z
  .string()
  .refine(s => parseInstant(s) !== undefined, 'must be an RFC 3339 instant');

/** Alertmanager's webhook payload, version 4 (the only version it has sent). */
const payloadSchema = z.object({
  version: z.literal('4', { error: 'must be "4" (Alertmanager webhook v4)' }),
  groupKey: z.string(),
  truncatedAlerts: z.number().int().min(0).optional(),
  status: z.enum(['firing', 'resolved']),
  receiver: z.string(),
  groupLabels: labelSet,
  commonLabels: labelSet,
  commonAnnotations: labelSet,
  externalURL: z.string(),
  alerts: z
    .array(
      z.object({
        status: z.enum(['firing', 'resolved']),
        labels: labelSet,
        annotations: labelSet.default({}),
        startsAt: instant,
        endsAt: z.string(),
        generatorURL: z.string().default(''),
        fingerprint: z.string().min(1).max(128),
      }),
    )
    .max(10_000),
});

type Alert = z.output<typeof payloadSchema>['alerts'][number];

/** Alertmanager's "no end" instant, and anything else before the epoch. */
const isRealInstant = (ms: number | undefined): ms is number =>
  ms !== undefined && ms > 0;

/**
 * The dedup key Alertmanager's PagerDuty receiver sends for a notification group: the
 * SHA-256 of the group key, in hex. A PagerDuty incident with this `incident_key` was
 * opened by this group's alerts.
 */
export function groupKeyHash(groupKey: string): string {
  return createHash('sha256').update(groupKey).digest('hex');
}

/**
 * Turns one alert into an observation: the key is the alert's fingerprint and start (a new
 * firing of the same alert is a new incident), firing opens, resolved closes at `endsAt`.
 * The alert is also known by its fingerprint, its notification group (`groupKey`, as
 * PagerDuty's incident key) and its source link; an `incident` label links it to the
 * incident it names (a PagerDuty or GitHub URL, `owner/repo#number`, or a name).
 */
export function alertToObservation(
  alert: Alert,
  entityRefs: string[],
  groupKey?: string,
): IncidentObservation {
  const startedAt = parseInstant(alert.startsAt)!;
  const endsAt = parseInstant(alert.endsAt);
  const resolved = alert.status === 'resolved';
  const resolvedAt = resolved && isRealInstant(endsAt) ? endsAt : undefined;
  const { alertname } = alert.labels;
  const summary = alert.annotations.summary ?? alert.annotations.message;
  return {
    sourceKey: `${alert.fingerprint}@${new Date(startedAt).toISOString()}`,
    entityRefs,
    title:
      alertname && summary
        ? `${alertname}: ${summary}`
        : summary ?? alertname ?? alert.fingerprint,
    description: alert.annotations.description,
    severity: normalizeIncidentSeverity(alert.labels.severity) ?? 'unknown',
    status: resolved ? 'resolved' : 'open',
    startedAt,
    resolvedAt,
    observedAt: resolvedAt ?? startedAt,
    links: {
      issue: alert.generatorURL || undefined,
      runbook: alert.annotations.runbook_url ?? alert.annotations.runbook,
      postMortem:
        alert.annotations.postmortem_url ?? alert.annotations.post_mortem_url,
    },
    labels: Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`),
    correlation: {
      names: [
        INCIDENT_KEYS.alert(alert.fingerprint),
        ...(groupKey ? [INCIDENT_KEYS.alert(groupKeyHash(groupKey))] : []),
        ...[alertLinkKey(alert.generatorURL)].filter(
          (key): key is string => key !== undefined,
        ),
      ],
      references: [incidentKeyOfReference(alert.labels.incident ?? '')].filter(
        (key): key is string => key !== undefined,
      ),
    },
  };
}

/**
 * Incidents from Alertmanager's webhook receiver (payload version 4), authenticated with a
 * bearer token; alerts map to entities through `airworthy.dev/alert-selector`.
 */
export class AlertmanagerIncidentSource implements IncidentSource {
  readonly id = 'alertmanager';
  private connection?: IncidentSourceConnection;

  constructor(
    private readonly options: {
      /** The bearer token Alertmanager sends; without one the webhook answers 404. */
      token?: string;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  async connect(connection: IncidentSourceConnection): Promise<void> {
    this.connection = connection;
  }

  async handleWebhook(
    request: IncidentWebhookRequest,
  ): Promise<IncidentWebhookResponse> {
    const { token } = this.options;
    if (!token) {
      throw new NotFoundError(
        'The Alertmanager webhook is not configured: set operability.incidents.alertmanager.token',
      );
    }
    const authorization = headerValue(request.headers, 'authorization') ?? '';
    const [scheme, credentials] = authorization.split(/\s+/, 2);
    if (
      scheme?.toLowerCase() !== 'bearer' ||
      !secretsEqual(credentials ?? '', token)
    ) {
      throw new AuthenticationError(
        'Alertmanager deliveries need "Authorization: Bearer <token>" with the configured token',
      );
    }
    const payload = parseWebhookPayload(payloadSchema, request.body);
    const selectors = await this.entitySelectors();
    const observations = payload.alerts.map(alert =>
      alertToObservation(
        alert,
        selectors
          .filter(({ matchers }) => matchesAlert(matchers, alert.labels))
          .map(({ entityRef }) => entityRef),
        payload.groupKey,
      ),
    );
    const result = await this.connection!.record({ observations });
    return {
      status: 200,
      body: {
        alerts: payload.alerts.length,
        created: result.created,
        updated: result.updated,
        unchanged: result.unchanged,
        unmatched: result.unmatched,
      },
    };
  }

  /** The entities with an alert selector, and its parsed matchers (invalid ones skipped). */
  private async entitySelectors(): Promise<
    Array<{ entityRef: string; matchers: AlertMatcher[] }>
  > {
    const entities = await listAnnotatedEntities(
      this.options.catalog,
      this.options.auth,
      ANNOTATION_ALERT_SELECTOR,
    );
    return entities.flatMap(({ entityRef, value }) => {
      try {
        return [{ entityRef, matchers: parseAlertSelector(value) }];
      } catch (e) {
        this.options.logger.warn(
          `Ignoring the ${ANNOTATION_ALERT_SELECTOR} annotation of ${entityRef}: ${
            (e as Error).message
          }`,
        );
        return [];
      }
    });
  }
}
