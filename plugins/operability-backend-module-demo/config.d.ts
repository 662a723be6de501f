export interface Config {
  operability?: {
    /**
     * The embedded demo (app-config.yaml turns it on; keep it off in production): generated
     * SLI data for the SLOs of examples/slos and incidents delivered through the real webhook
     * and API paths.
     */
    demo?: {
      /** Default false. */
      enabled?: boolean;
      /** Generate SLI data for the demo SLOs (off when a real Prometheus serves them). Default true. */
      sli?: boolean;
      /** Deliver the demo incidents at start-up. Default true. */
      incidents?: boolean;
      /**
       * The instant the demo's story ends at (ISO 8601). Default: the hour the backend
       * started. scripts/demo-prometheus.sh prints the anchor of the history it backfilled,
       * so that the demo's incidents line up with it.
       */
      anchor?: string;
    };
  };
}
