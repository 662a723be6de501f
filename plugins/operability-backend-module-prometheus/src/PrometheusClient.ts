import { z } from 'zod';

/** A configured Prometheus (or Thanos, Cortex, Mimir) query endpoint. */
export interface PrometheusInstance {
  /** The name SLOs use for it (a DataSource's `metadata.name`). */
  name: string;
  /** Base URL; `api/v1/...` is resolved against it (a path prefix is kept). */
  baseUrl: string;
  /** Headers sent with every request (including `Authorization` for a bearer token). */
  headers: Record<string, string>;
}

/** Limits of the client. */
export interface PrometheusClientOptions {
  /** Time allowed for one HTTP request. */
  timeoutMs: number;
  /** Further attempts after a failed one (network errors, 429, 5xx). */
  retries: number;
  /** Wait before the first retry; doubled for each further one. */
  backoffMs: number;
  /** Runs a request within the instance's concurrency limit. */
  limit: <T>(fn: () => Promise<T>) => Promise<T>;
  /** The fetch to use (Node's by default). */
  fetch?: typeof fetch;
  /** How to wait (tests pass one that does not). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** One series of a range query: its labels and its [unix seconds, value] points. */
export interface RangeSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

/** An error of a query, with whether retrying may help. */
export class PrometheusQueryError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
    this.name = 'PrometheusQueryError';
  }
}

const rangeResponseSchema = z.object({
  status: z.literal('success'),
  data: z.object({
    resultType: z.literal('matrix'),
    result: z.array(
      z.object({
        metric: z.record(z.string(), z.string()),
        values: z.array(z.tuple([z.number(), z.string()])),
      }),
    ),
  }),
});

const errorResponseSchema = z.object({
  status: z.literal('error'),
  errorType: z.string().optional(),
  error: z.string().optional(),
});

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/**
 * Calls one configured Prometheus. Only URLs under the instance's base URL are requested,
 * redirects are refused (never followed), each request has a timeout, and failures that may
 * pass (network errors, 429, 5xx) are retried with exponential backoff.
 */
export class PrometheusClient {
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly apiBase: URL;

  constructor(
    readonly instance: PrometheusInstance,
    private readonly options: PrometheusClientOptions,
  ) {
    this.fetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
    const base = new URL(instance.baseUrl);
    if (base.protocol !== 'http:' && base.protocol !== 'https:') {
      throw new Error(
        `Prometheus instance ${instance.name}: baseUrl must be an http(s) URL`,
      );
    }
    if (!base.pathname.endsWith('/')) base.pathname += '/';
    base.search = '';
    base.hash = '';
    this.apiBase = base;
  }

  /**
   * `query_range` of a PromQL expression from `start` to `end` (inclusive, unix seconds) at
   * `step` seconds, sent as a form POST (long queries fit; Prometheus accepts both).
   */
  async queryRange(
    query: string,
    start: number,
    end: number,
    step: number,
    signal?: AbortSignal,
  ): Promise<RangeSeries[]> {
    const body = new URLSearchParams({
      query,
      start: String(start),
      end: String(end),
      step: String(step),
    });
    const json = await this.post('api/v1/query_range', body, signal);
    const parsed = rangeResponseSchema.safeParse(json);
    if (!parsed.success) {
      throw new PrometheusQueryError(
        `Prometheus ${this.instance.name} answered query_range with an unexpected body`,
        false,
      );
    }
    return parsed.data.data.result;
  }

  private async post(
    path: string,
    body: URLSearchParams,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const url = new URL(path, this.apiBase);
    let lastError: PrometheusQueryError | undefined;
    for (let attempt = 0; attempt <= this.options.retries; attempt++) {
      if (attempt > 0) {
        await this.sleep(this.options.backoffMs * 2 ** (attempt - 1), signal);
      }
      try {
        return await this.options.limit(() => this.attempt(url, body, signal));
      } catch (error) {
        if (signal?.aborted) throw signal.reason;
        if (!(error instanceof PrometheusQueryError) || !error.retryable) {
          throw error;
        }
        lastError = error;
      }
    }
    throw new PrometheusQueryError(
      `${lastError!.message} (gave up after ${
        this.options.retries + 1
      } attempts)`,
      true,
    );
  }

  private async attempt(
    url: URL,
    body: URLSearchParams,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const name = this.instance.name;
    const timeout = AbortSignal.timeout(this.options.timeoutMs);
    let response: Response;
    try {
      response = await this.fetch(url, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          ...this.instance.headers,
          Accept: 'application/json',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const reason = timeout.aborted
        ? `timed out after ${this.options.timeoutMs} ms`
        : String((error as Error).cause ?? (error as Error).message);
      throw new PrometheusQueryError(
        `Prometheus ${name} could not be reached: ${reason}`,
        true,
      );
    }
    if (
      response.type === 'opaqueredirect' ||
      (response.status >= 300 && response.status < 400)
    ) {
      await response.body?.cancel();
      throw new PrometheusQueryError(
        `Prometheus ${name} answered with a redirect (${response.status}); redirects are not followed, configure the final URL as baseUrl`,
        false,
      );
    }
    const text = await response.text();
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (response.ok) {
      if (json === undefined) {
        throw new PrometheusQueryError(
          `Prometheus ${name} answered ${response.status} without JSON`,
          false,
        );
      }
      return json;
    }
    const error = errorResponseSchema.safeParse(json);
    const detail = error.success
      ? `${error.data.errorType ?? 'error'}: ${error.data.error ?? ''}`
      : `HTTP ${response.status}`;
    throw new PrometheusQueryError(
      `Prometheus ${name} refused the query (${response.status} ${detail})`,
      response.status === 429 || response.status >= 500,
    );
  }
}
