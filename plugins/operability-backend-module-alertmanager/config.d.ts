export interface Config {
  operability?: {
    incidents?: {
      /** The Alertmanager webhook receiver, `POST /api/operability/webhooks/alertmanager`. */
      alertmanager?: {
        /**
         * The bearer token Alertmanager sends (`http_config.authorization.credentials` of
         * the webhook receiver). Without it the webhook answers 404.
         * @visibility secret
         */
        token?: string;
      };
    };
  };
}
