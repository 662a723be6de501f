export interface Config {
  operability?: {
    incidents?: {
      /** The PagerDuty v3 webhook receiver, `POST /api/operability/webhooks/pagerduty`. */
      pagerduty?: {
        /**
         * Signing secrets of the webhook subscriptions (one per subscription; during a
         * rotation PagerDuty signs with both its old and new secret, and either matches).
         * Without any the webhook answers 404.
         * @visibility secret
         */
        webhookSecrets?: string[];
      };
    };
  };
}
