import { ResponseError } from '@backstage/errors';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { entityPath } from './entityRefs';
import type { SliPushRequest, SliPushResponse } from './sli';
import type {
  EntityIncidentRecordsResponse,
  EntityIncidentsResponse,
  Incident,
  IncidentRangeMatch,
  IncidentRecord,
  IncidentSeverity,
  IncidentSplitResponse,
  IncidentStatsResponse,
  IncidentStatus,
  ManualIncidentCreateRequest,
  ManualIncidentUpdateRequest,
} from './incidents';
import type {
  EntityExemptionsResponse,
  EntityScoreResponse,
  ExemptionWriteRequest,
  PortfolioGrouping,
  PortfolioResponse,
  PortfolioSortKey,
  ScoreHistoryResponse,
  ScoreSettingsResponse,
} from './scores';
import type { SloPhase } from '../annotations';
import type { ScoreExemption } from '../score/model';
import type {
  SloDetailResponse,
  SloListResponse,
  SloListSortKey,
  SloSeriesQuery,
  SloSeriesResponse,
  SloWriteResponse,
} from './slos';
import type { EntitySlosResponse, HealthResponse } from './types';
import type {
  DeployGateResponse,
  GateException,
  GateExceptionsResponse,
  GateExceptionWriteRequest,
} from './gate';

/** The plugin id, used for discovery (`/api/operability`). */
const OPERABILITY_PLUGIN_ID = 'operability';

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
  /** Incidents with a record of any of these sources. */
  source?: string[];
  /** Incidents open at any moment of `[from, to)`, ISO 8601 (see `match`). */
  from?: string;
  to?: string;
  /** `started`: incidents that started in `[from, to)` instead (default `open`). */
  match?: IncidentRangeMatch;
  /** Page size, 1 to 100 (default 20). */
  limit?: number;
  offset?: number;
}

/** The period of incident statistics (ISO 8601; default: the configured days up to now). @public */
export interface IncidentStatsOptions extends RequestOptions {
  from?: string;
  to?: string;
}

/** Filters, grouping, sorting and page of the portfolio (see `portfolioQuerySchema`). @public */
export interface PortfolioOptions extends RequestOptions {
  owner?: string[];
  system?: string[];
  domain?: string[];
  tag?: string[];
  level?: string[];
  kind?: string[];
  groupBy?: PortfolioGrouping;
  sort?: PortfolioSortKey;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
  trendDays?: number;
}

/** Filters, sorting and page of the SLO list (see `sloListQuerySchema`). @public */
export interface SloListOptions extends RequestOptions {
  entity?: string[];
  owner?: string[];
  status?: string[];
  source?: Array<'repo' | 'api'>;
  q?: string;
  sort?: SloListSortKey;
  order?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

/** The range and burn-rate window of an SLO's series. @public */
export interface SloSeriesOptions extends RequestOptions, SloSeriesQuery {}

/** The operability HTTP API. @public */
export interface OperabilityApi {
  getHealth(options?: RequestOptions): Promise<HealthResponse>;
  getEntitySlos(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<EntitySlosResponse>;
  /** The SLOs of every entity the caller may read, filtered, sorted and paged. */
  listSlos(options?: SloListOptions): Promise<SloListResponse>;
  /** One SLO: identity, latest evaluation and normalized definition. */
  getSlo(id: string, options?: RequestOptions): Promise<SloDetailResponse>;
  /** An SLO's budget, burn-rate and SLI series (at most 1,000 points each). */
  getSloSeries(
    id: string,
    options?: SloSeriesOptions,
  ): Promise<SloSeriesResponse>;
  /** An SLO's definition as OpenSLO YAML. */
  exportSlo(id: string, options?: RequestOptions): Promise<string>;
  /** Creates API-managed SLOs of an entity from OpenSLO YAML (one per objective). */
  createSlos(
    entityRef: string | CompoundEntityRef,
    yaml: string,
    options?: RequestOptions,
  ): Promise<SloWriteResponse>;
  /** Replaces an API-managed SLO's definition with OpenSLO YAML. */
  updateSlo(
    id: string,
    yaml: string,
    options?: RequestOptions,
  ): Promise<SloWriteResponse>;
  /** Deletes an API-managed SLO. */
  deleteSlo(id: string, options?: RequestOptions): Promise<void>;
  /** Sets the phase of an SLO created through the API (`operability.slo.write`). */
  setSloPhase(
    id: string,
    phase: SloPhase,
    options?: RequestOptions,
  ): Promise<SloWriteResponse>;
  /** Pushes good/total counts of an SLO's buckets (idempotent). */
  pushSli(
    sloId: string,
    request: SliPushRequest,
    options?: RequestOptions,
  ): Promise<SliPushResponse>;
  /** An entity's incidents, each with the records of every source that reported it. */
  getEntityIncidents(
    entityRef: string | CompoundEntityRef,
    options?: IncidentListOptions,
  ): Promise<EntityIncidentsResponse>;
  /** An entity's incident records one by one (`view=records`). */
  getEntityIncidentRecords(
    entityRef: string | CompoundEntityRef,
    options?: IncidentListOptions,
  ): Promise<EntityIncidentRecordsResponse>;
  getEntityIncidentStats(
    entityRef: string | CompoundEntityRef,
    options?: IncidentStatsOptions,
  ): Promise<IncidentStatsResponse>;
  /** One incident with its records. */
  getIncident(id: string, options?: RequestOptions): Promise<Incident>;
  /** Records a manual incident of the entity; answers the record, with its incident's id. */
  createIncident(
    entityRef: string | CompoundEntityRef,
    incident: ManualIncidentCreateRequest,
    options?: RequestOptions,
  ): Promise<IncidentRecord>;
  /** Changes a manual record. */
  updateIncidentRecord(
    id: string,
    update: ManualIncidentUpdateRequest,
    options?: RequestOptions,
  ): Promise<IncidentRecord>;
  /** Moves the records of incident `otherId` into incident `id` (same entity). */
  mergeIncidents(
    id: string,
    otherId: string,
    options?: RequestOptions,
  ): Promise<Incident>;
  /** Takes a record out of incident `id` into an incident of its own. */
  splitIncident(
    id: string,
    recordId: string,
    options?: RequestOptions,
  ): Promise<IncidentSplitResponse>;
  /** The entity's operability score, checks, exemptions and trends. */
  getEntityScore(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<EntityScoreResponse>;
  /** Daily snapshots of the entity's score over the last `days` (default 90). */
  getEntityScoreHistory(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions & { days?: number },
  ): Promise<ScoreHistoryResponse>;
  /** The checks and levels in force. */
  getScoreSettings(options?: RequestOptions): Promise<ScoreSettingsResponse>;
  getPortfolio(options?: PortfolioOptions): Promise<PortfolioResponse>;
  /** The portfolio as CSV text (every matching row unless a page is given). */
  getPortfolioCsv(options?: PortfolioOptions): Promise<string>;
  getEntityExemptions(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<EntityExemptionsResponse>;
  /** Grants (or replaces) the entity's API exemption from a check. */
  putExemption(
    entityRef: string | CompoundEntityRef,
    check: string,
    exemption: ExemptionWriteRequest,
    options?: RequestOptions,
  ): Promise<ScoreExemption>;
  /** Revokes the entity's API exemption from a check. */
  deleteExemption(
    entityRef: string | CompoundEntityRef,
    check: string,
    options?: RequestOptions,
  ): Promise<void>;
  /** The URL of the entity's badge (served without credentials to entities that opt in). */
  getBadgeUrl(entityRef: string | CompoundEntityRef): Promise<string>;
  /** The deploy gate's decision for the entity now. */
  getDeployGate(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<DeployGateResponse>;
  /** The entity's exceptions to the error-budget policy, newest first. */
  getGateExceptions(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<GateExceptionsResponse>;
  /** Grants an exception (`operability.exception.write`). */
  createGateException(
    entityRef: string | CompoundEntityRef,
    exception: GateExceptionWriteRequest,
    options?: RequestOptions,
  ): Promise<GateException>;
  /** Revokes an exception (`operability.exception.write`). */
  revokeGateException(
    entityRef: string | CompoundEntityRef,
    id: string,
    options?: RequestOptions,
  ): Promise<GateException>;
}

/** A request body sent as OpenSLO YAML text. */
class YamlBody {
  constructor(readonly text: string) {}
}

function requestBody(body: unknown): RequestInit {
  if (body === undefined) return {};
  if (body instanceof YamlBody) {
    return {
      headers: { 'Content-Type': 'application/yaml' },
      body: body.text,
    };
  }
  return {
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  };
}

function sloPath(id: string): string {
  return `slos/${encodeURIComponent(id)}`;
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

  listSlos(options: SloListOptions = {}): Promise<SloListResponse> {
    const { signal, ...query } = options;
    return this.get('slos', query, { signal });
  }

  getSlo(id: string, options?: RequestOptions): Promise<SloDetailResponse> {
    return this.get(sloPath(id), undefined, options);
  }

  getSloSeries(
    id: string,
    options: SloSeriesOptions = {},
  ): Promise<SloSeriesResponse> {
    const { signal, ...query } = options;
    return this.get(`${sloPath(id)}/series`, { ...query }, { signal });
  }

  async exportSlo(id: string, options?: RequestOptions): Promise<string> {
    const response = await this.send(
      'GET',
      `${sloPath(id)}/openslo`,
      undefined,
      undefined,
      options,
    );
    return response.text();
  }

  createSlos(
    entityRef: string | CompoundEntityRef,
    yaml: string,
    options?: RequestOptions,
  ): Promise<SloWriteResponse> {
    return this.request(
      'POST',
      `${entityPath(entityRef)}/slos`,
      undefined,
      new YamlBody(yaml),
      options,
    );
  }

  updateSlo(
    id: string,
    yaml: string,
    options?: RequestOptions,
  ): Promise<SloWriteResponse> {
    return this.request(
      'PUT',
      sloPath(id),
      undefined,
      new YamlBody(yaml),
      options,
    );
  }

  deleteSlo(id: string, options?: RequestOptions): Promise<void> {
    return this.request('DELETE', sloPath(id), undefined, undefined, options);
  }

  setSloPhase(
    id: string,
    phase: SloPhase,
    options?: RequestOptions,
  ): Promise<SloWriteResponse> {
    return this.request(
      'PUT',
      `${sloPath(id)}/phase`,
      undefined,
      { phase },
      options,
    );
  }

  pushSli(
    sloId: string,
    request: SliPushRequest,
    options?: RequestOptions,
  ): Promise<SliPushResponse> {
    return this.request(
      'POST',
      `${sloPath(sloId)}/sli`,
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

  getEntityIncidentRecords(
    entityRef: string | CompoundEntityRef,
    options: IncidentListOptions = {},
  ): Promise<EntityIncidentRecordsResponse> {
    const { signal, ...query } = options;
    return this.get(
      `${entityPath(entityRef)}/incidents`,
      { ...query, view: 'records' },
      { signal },
    );
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
  ): Promise<IncidentRecord> {
    return this.request(
      'POST',
      `${entityPath(entityRef)}/incidents`,
      undefined,
      incident,
      options,
    );
  }

  updateIncidentRecord(
    id: string,
    update: ManualIncidentUpdateRequest,
    options?: RequestOptions,
  ): Promise<IncidentRecord> {
    return this.request(
      'PATCH',
      `incidents/records/${encodeURIComponent(id)}`,
      undefined,
      update,
      options,
    );
  }

  mergeIncidents(
    id: string,
    otherId: string,
    options?: RequestOptions,
  ): Promise<Incident> {
    return this.request(
      'POST',
      `incidents/${encodeURIComponent(id)}/merge`,
      undefined,
      { incidentId: otherId },
      options,
    );
  }

  splitIncident(
    id: string,
    recordId: string,
    options?: RequestOptions,
  ): Promise<IncidentSplitResponse> {
    return this.request(
      'POST',
      `incidents/${encodeURIComponent(id)}/split`,
      undefined,
      { recordId },
      options,
    );
  }

  getEntityScore(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<EntityScoreResponse> {
    return this.get(`${entityPath(entityRef)}/score`, undefined, options);
  }

  getEntityScoreHistory(
    entityRef: string | CompoundEntityRef,
    options: RequestOptions & { days?: number } = {},
  ): Promise<ScoreHistoryResponse> {
    const { signal, ...query } = options;
    return this.get(`${entityPath(entityRef)}/score/history`, query, {
      signal,
    });
  }

  getDeployGate(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<DeployGateResponse> {
    return this.get(`${entityPath(entityRef)}/deploy-gate`, undefined, options);
  }

  getGateExceptions(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<GateExceptionsResponse> {
    return this.get(
      `${entityPath(entityRef)}/gate-exceptions`,
      undefined,
      options,
    );
  }

  createGateException(
    entityRef: string | CompoundEntityRef,
    exception: GateExceptionWriteRequest,
    options?: RequestOptions,
  ): Promise<GateException> {
    return this.request(
      'POST',
      `${entityPath(entityRef)}/gate-exceptions`,
      undefined,
      exception,
      options,
    );
  }

  revokeGateException(
    entityRef: string | CompoundEntityRef,
    id: string,
    options?: RequestOptions,
  ): Promise<GateException> {
    return this.request(
      'DELETE',
      `${entityPath(entityRef)}/gate-exceptions/${encodeURIComponent(id)}`,
      undefined,
      undefined,
      options,
    );
  }

  getScoreSettings(options?: RequestOptions): Promise<ScoreSettingsResponse> {
    return this.get('score/checks', undefined, options);
  }

  getPortfolio(options: PortfolioOptions = {}): Promise<PortfolioResponse> {
    const { signal, ...query } = options;
    return this.get('portfolio', query, { signal });
  }

  async getPortfolioCsv(options: PortfolioOptions = {}): Promise<string> {
    const { signal, ...query } = options;
    const response = await this.send(
      'GET',
      'portfolio',
      { ...query, format: 'csv' },
      undefined,
      { signal },
    );
    return response.text();
  }

  getEntityExemptions(
    entityRef: string | CompoundEntityRef,
    options?: RequestOptions,
  ): Promise<EntityExemptionsResponse> {
    return this.get(`${entityPath(entityRef)}/exemptions`, undefined, options);
  }

  putExemption(
    entityRef: string | CompoundEntityRef,
    check: string,
    exemption: ExemptionWriteRequest,
    options?: RequestOptions,
  ): Promise<ScoreExemption> {
    return this.request(
      'PUT',
      `${entityPath(entityRef)}/exemptions/${encodeURIComponent(check)}`,
      undefined,
      exemption,
      options,
    );
  }

  deleteExemption(
    entityRef: string | CompoundEntityRef,
    check: string,
    options?: RequestOptions,
  ): Promise<void> {
    return this.request(
      'DELETE',
      `${entityPath(entityRef)}/exemptions/${encodeURIComponent(check)}`,
      undefined,
      undefined,
      options,
    );
  }

  async getBadgeUrl(entityRef: string | CompoundEntityRef): Promise<string> {
    const baseUrl = await this.discoveryApi.getBaseUrl(OPERABILITY_PLUGIN_ID);
    const path = entityPath(entityRef).replace(/^entities\//, 'badges/');
    return `${baseUrl}/${path}.svg`;
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
    const response = await this.send(method, path, query, body, options);
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }

  /** Sends a request (a `YamlBody` as YAML, anything else as JSON); throws `ResponseError` on non-2xx. */
  protected async send(
    method: string,
    path: string,
    query?: Record<string, string | number | boolean | string[] | undefined>,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<Response> {
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
      ...requestBody(body),
    });
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}
