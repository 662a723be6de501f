import type { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  operability?: {
    incidents?: {
      /**
       * Incidents from GitHub issues: the webhook receiver
       * `POST /api/operability/webhooks/github` and a scheduled reconciliation through
       * `integrations.github`.
       */
      github?: {
        /**
         * The secret of the repository or organization webhook (`X-Hub-Signature-256`).
         * Without it the webhook answers 404; reconciliation still runs.
         * @visibility secret
         */
        webhookSecret?: string;
        /** The `integrations.github` host to read issues from. Default `github.com`. */
        host?: string;
        /** The label that makes an issue an incident, unless one is given. Default `incident`. */
        label?: string;
        /** Labels that say a post-mortem exists. Default `[post-mortem, postmortem]`. */
        postMortemLabels?: string[];
        /** Severity of an issue whose labels name none. Default `critical`. */
        defaultSeverity?: 'critical' | 'warning' | 'info' | 'unknown';
        /**
         * Repositories whose labelled issues are incidents, besides those named by the
         * `airworthy.dev/github-incidents` annotation of entities.
         */
        repositories?: Array<{
          /** `owner/repo`. */
          repository: string;
          /** Default: `label` above. */
          label?: string;
          /**
           * The entities of every incident of the repository. Without any, the service in an
           * `[INCIDENT][cluster/service]` title names the entity.
           */
          entityRefs?: string[];
        }>;
        /** How far back the first reconciliation reads, in days. Default 90. */
        initialLookbackDays?: number;
        /** When to reconcile. Default every 30 minutes (scope global). */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
        /**
         * Whether the scheduled reconciliation runs. Default true; the embedded demo turns it
         * off (it has no GitHub to reach) and relies on the webhook alone.
         */
        reconcile?: boolean;
      };
    };
  };
}
