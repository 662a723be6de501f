import { ResponseError } from '@backstage/errors';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { entityPath } from './entityRefs';
import type { SliPushRequest, SliPushResponse } from './sli';
import type {
  EntityIncidentsResponse,
  Incident,
  IncidentSeverity,
  IncidentStatsResponse,
  IncidentStatus,
  ManualIncidentCreateRequest,
  ManualIncidentUpdateRequest,
} from './incidents';
import type { EntitySlosResponse, HealthResponse } from './types';

/** The plugin id, used for discovery (`/api/operability`). @public */
export const OPERABILITY_PLUGIN_ID = 'operability';

/** What the client needs to find the backend: Backstage's DiscoveryApi satisfies it. @public */
export interface OperabilityDiscovery {
  getBaseUrl(pluginId: string): Promise<string>;
}

/** What the client uses to send requests: Backstage's FetchApi (credentials included) satisfies it. @public */
export interface OperabilityFetch {
  fetch: typeof fetch;
}

/** Options of a request: an abort signal. @public */
export interface RequestOptions {
  signal?: AbortSignal;
}

/** Filters and page of an entity's incident list. @public */
export interface IncidentListOptions extends RequestOptions {
  severity?: IncidentSeverity[];
  status?: IncidentStatus[];
  source?: string[];
  /** Incidents open at any moment of `[from, to)`, ISO 8601. */
  from?: string;
  to?: string;
  /** Page size, 1 to 100 (default 20). */
  limit?: number;
  offset?: number;
}

/** The period of incident statistics (ISO 8601; default: the configured days up to now). @public */
export interface IncidentStatsOptions extends RequestOptions {
  from?: string;
  to?: string;
}

/** The operability HTTP API. @public */
export interface OperabilityApi {
  getHealth(options?: RequestOptions): Promise<HealthResponse>;
  getEntitySlos(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<EntitySlosResponse>;
  /** Pushes good/total counts of an SLO's buckets (idempotent). */
  pushSli(
    sloId: string,
    request: SliPushRequest,
    options?: RequestOptions,
  ): Promise<SliPushResponse>;
  getEntityIncidents(
    entityRef: string | CompoundEntityRef,
    options?: IncidentListOptions,
  ): Promise<EntityIncidentsResponse>;
  getEntityIncidentStats(
    entityRef: string | CompoundEntityRef,
    options?: IncidentStatsOptions,
  ): Promise<IncidentStatsResponse>;
  getIncident(id: string, options?: RequestOptions): Promise<Incident>;
  createIncident(
    entityRef: string | CompoundEntityRef,
    incident: ManualIncidentCreateRequest,
    options?: RequestOptions,
  ): Promise<Incident>;
  updateIncident(
    id: string,
    update: ManualIncidentUpdateRequest,
    options?: RequestOptions,
  ): Promise<Incident>;
}

/**
 * Typed client of the operability backend, usable in the browser, in Node.js and in tests.
 * Non-2xx answers throw a `ResponseError` carrying the backend's error body.
 * @public
 */
export class OperabilityClient implements OperabilityApi {
  private readonly discoveryApi: OperabilityDiscovery;
  private readonly fetchApi: OperabilityFetch;

  constructor(options: {
    discoveryApi: OperabilityDiscovery;
    fetchApi: OperabilityFetch;
  }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  getHealth(options?: RequestOptions): Promise<HealthResponse> {
    return this.get('health', undefined, options);
  }

  getEntitySlos(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<EntitySlosResponse> {
    return this.get(`${entityPath(entityRef)}/slos`, undefined, options);
  }

  pushSli(
    sloId: string,
    request: SliPushRequest,
    options?: RequestOptions,
  ): Promise<SliPushResponse> {
    return this.request(
      'POST',
      `slos/${encodeURIComponent(sloId)}/sli`,
      undefined,
      request,
      options,
    );
  }

  getEntityIncidents(
    entityRef: string | CompoundEntityRef,
    options: IncidentListOptions = {},
  ): Promise<EntityIncidentsResponse> {
    const { signal, ...query } = options;
    return this.get(`${entityPath(entityRef)}/incidents`, query, { signal });
  }

  getEntityIncidentStats(
    entityRef: string | CompoundEntityRef,
    options: IncidentStatsOptions = {},
  ): Promise<IncidentStatsResponse> {
    const { signal, ...query } = options;
    return this.get(`${entityPath(entityRef)}/incidents/stats`, query, {
      signal,
    });
  }

  getIncident(id: string, options?: RequestOptions): Promise<Incident> {
    return this.get(`incidents/${encodeURIComponent(id)}`, undefined, options);
  }

  createIncident(
    entityRef: string | CompoundEntityRef,
    incident: ManualIncidentCreateRequest,
    options?: RequestOptions,
  ): Promise<Incident> {
    return this.request(
      'POST',
      `${entityPath(entityRef)}/incidents`,
      undefined,
      incident,
      options,
    );
  }

  updateIncident(
    id: string,
    update: ManualIncidentUpdateRequest,
    options?: RequestOptions,
  ): Promise<Incident> {
    return this.request(
      'PATCH',
      `incidents/${encodeURIComponent(id)}`,
      undefined,
      update,
      options,
    );
  }

  /** GET `path` (relative to the plugin's base URL) with optional query parameters. */
  protected async get<T>(
    path: string,
    query?: Record<string, string | number | boolean | string[] | undefined>,
    options?: RequestOptions,
  ): Promise<T> {
    return this.request<T>('GET', path, query, undefined, options);
  }

  /** Sends a request and parses the JSON answer; throws `ResponseError` on non-2xx. */
  protected async request<T>(
    method: string,
    path: string,
    query?: Record<string, string | number | boolean | string[] | undefined>,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(OPERABILITY_PLUGIN_ID);
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query ?? {})) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [value])
        params.append(key, String(v));
    }
    const search = params.toString();
    const url = `${baseUrl}/${path}${search ? `?${search}` : ''}`;
    const response = await this.fetchApi.fetch(url, {
      method,
      signal: options?.signal,
      ...(body === undefined
        ? {}
        : {
            headers: { 'Content-Type': 'application/json' },
            body: JSON.stringify(body),
          }),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}
