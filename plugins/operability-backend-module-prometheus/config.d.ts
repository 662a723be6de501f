import type { HumanDuration } from '@backstage/types';

export interface Config {
  operability?: {
    /** Prometheus instances that SLI data is collected from. Only these URLs are ever called. */
    prometheus?: {
      instances?: Array<{
        /** The name SLOs use: the `metadata.name` of the DataSource that a metric source refers to. */
        name: string;
        /** Base URL of the query API (`api/v1/query_range` is resolved against it). Redirects are not followed. */
        baseUrl: string;
        /**
         * Sent as `Authorization: Bearer ...`.
         * @visibility secret
         */
        bearerToken?: string;
        /**
         * Extra request headers, e.g. `X-Scope-OrgID` of a multi-tenant Thanos, Cortex or Mimir.
         * @visibility secret
         */
        headers?: { [name: string]: string };
      }>;
      /** The instance of metric sources that name no DataSource; default: the only instance. */
      defaultInstance?: string;
      /** Most points of one `query_range` request (1 to 11000; default 11000). */
      maxPointsPerRequest?: number;
      /** Requests at a time to one instance (default 2). */
      concurrency?: number;
      /** Time allowed for one request (default 30s). */
      timeout?: string | HumanDuration;
      /** Further attempts after a network error, 429 or 5xx (default 3). */
      retries?: number;
      /** Wait before the first retry, doubled for each further one (default 1s). */
      backoff?: string | HumanDuration;
      /**
       * Sampling step of values per instant (`counter: false`, raw ratios, thresholds):
       * each sample counts as one event. Default: the bucket width (one sample per bucket).
       */
      sampleInterval?: string | HumanDuration;
    };
  };
}
