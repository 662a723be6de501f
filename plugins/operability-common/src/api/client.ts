import { ResponseError } from '@backstage/errors';
import type { CompoundEntityRef } from '@backstage/catalog-model';
import { entityPath } from './entityRefs';
import type { SliPushRequest, SliPushResponse } from './sli';
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
