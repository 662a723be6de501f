import type {
  IncidentLinks,
  IncidentSeverity,
  IncidentStatus,
} from '@airworthy/plugin-operability-common';
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { JsonObject } from '@backstage/types';
import type { IncomingHttpHeaders } from 'node:http';
import type { IncidentCorrelation } from './correlation';

/**
 * What a source saw of one incident at one moment (`observedAt`). The history merges the
 * observations of one source's incident (its record) whatever their order: the newest
 * observation sets status, title, severity, links, labels, correlation and entities; start,
 * detection and acknowledgement are the earliest times any observation reported; the
 * resolution time is the earliest one reported since the record was last seen open.
 * Delivering an observation twice changes nothing. Records of other sources of the same
 * event then group into one incident by time and by `correlation`.
 * @public
 */
export interface IncidentObservation {
  /** The source's natural key (alert fingerprint and start, `owner/repo#42`, PagerDuty id). */
  sourceKey: string;
  /** Canonical refs of the entities affected; an incident seen with none is not stored. */
  entityRefs: string[];
  title: string;
  description?: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  /** Epoch milliseconds. */
  startedAt: number;
  /** Epoch milliseconds; `startedAt` when absent. */
  detectedAt?: number;
  /** Epoch milliseconds, when the source says who took it on and when. */
  acknowledgedAt?: number;
  /** Epoch milliseconds; with status `resolved` and no time, `observedAt` is used. */
  resolvedAt?: number;
  /** Only http(s) links are kept; others are dropped. */
  links?: IncidentLinks;
  labels?: string[];
  /** A post-mortem exists (a label or a link). */
  postMortem?: boolean;
  /** When the source was in this state (epoch ms): the event time, the issue's `updated_at`. */
  observedAt: number;
  /**
   * Other names of the record and the records of other sources it links to (see
   * `INCIDENT_KEYS`); records of an entity that share a key are one incident.
   */
  correlation?: IncidentCorrelation;
}

/** A delivery of observations: one webhook call, or one page of a reconciliation. @public */
export interface IncidentDelivery {
  /**
   * The source's id of the delivery (GitHub's `X-GitHub-Delivery`, PagerDuty's
   * `X-Webhook-Id`): a delivery whose id was already recorded is skipped entirely.
   */
  deliveryId?: string;
  observations: IncidentObservation[];
}

/** What recording a delivery did. @public */
export interface IncidentDeliveryResult {
  /** The delivery id had been recorded before: nothing was written. */
  duplicate: boolean;
  created: number;
  updated: number;
  /** Observations that changed nothing (older or identical). */
  unchanged: number;
  /** Observations of unknown incidents with no entity: not stored. */
  unmatched: number;
}

/**
 * What the operability plugin gives a source when it connects: a place to record
 * observations, and a small store for the source's own cursors (e.g. the time of its last
 * reconciliation).
 * @public
 */
export interface IncidentSourceConnection {
  /** Records a delivery atomically: all of its observations, or none. */
  record(delivery: IncidentDelivery): Promise<IncidentDeliveryResult>;
  /** A cursor of this source, as last written. */
  readCursor(key: string): Promise<string | undefined>;
  writeCursor(key: string, value: string): Promise<void>;
}

/** A webhook request as received: headers and the raw, unparsed body. @public */
export interface IncidentWebhookRequest {
  headers: IncomingHttpHeaders;
  /** The exact bytes received, for signature checks. */
  body: Buffer;
}

/** The answer to a webhook delivery. @public */
export interface IncidentWebhookResponse {
  /** 200 when something was recorded or ignored on purpose; 202 for events not handled. */
  status: number;
  body: JsonObject;
}

/**
 * A source of incidents. The plugin connects every source at start-up and serves
 * `POST /api/operability/webhooks/{id}` (unauthenticated, rate-limited, raw body) for those
 * with `handleWebhook`. A webhook handler verifies the source's credentials first and
 * throws `AuthenticationError` (401) when they are missing or wrong, `InputError` (400) for
 * a malformed payload and `NotFoundError` (404) when its webhook is not configured; any
 * other error is answered 500, which sources that retry (Alertmanager, PagerDuty) retry.
 * @public
 */
export interface IncidentSource {
  /** Lower-case id, also the `source` of its incidents and its webhook path. */
  readonly id: string;
  /** Called once at start-up; sources that poll schedule their work here. */
  connect(connection: IncidentSourceConnection): Promise<void>;
  handleWebhook?(
    request: IncidentWebhookRequest,
  ): Promise<IncidentWebhookResponse>;
}

/** The extension point through which modules add incident sources. @public */
export interface OperabilityIncidentsExtensionPoint {
  addIncidentSource(...sources: IncidentSource[]): void;
}

/** @public */
export const operabilityIncidentsExtensionPoint =
  createExtensionPoint<OperabilityIncidentsExtensionPoint>({
    id: 'operability.incidents',
  });
