import {
  ANNOTATION_GITHUB_INCIDENTS,
  toEntityRef,
} from '@airworthy/plugin-operability-common';
import {
  headerValue,
  hmacSha256Hex,
  listAnnotatedEntities,
  parseWebhookPayload,
  secretsEqual,
  type IncidentSource,
  type IncidentSourceConnection,
  type IncidentWebhookRequest,
  type IncidentWebhookResponse,
} from '@airworthy/plugin-operability-node';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { AuthenticationError, NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { z } from 'zod';
import {
  comparableName,
  issueLabels,
  issueSchema,
  issueToObservation,
  parseIncidentRepositories,
  parseIncidentTitle,
  type GithubIssue,
  type IncidentRepository,
  type IssueMapping,
} from './githubIssues';
import type { GithubIssuesClient } from './GithubIssuesClient';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

const issuesEventSchema = z.object({
  action: z.string(),
  issue: issueSchema,
  repository: z.object({ full_name: z.string().min(3) }),
});

/** A repository from config: its issues with the label belong to the listed entities. */
export interface ConfiguredRepository extends IncidentRepository {
  /** Entities of every incident; without any, the title's service names the entity. */
  entityRefs: string[];
}

/** Where issues of a repository and label go. */
type Watch = IncidentRepository &
  ({ entityRef: string } | { configured: ConfiguredRepository });

/**
 * `X-Hub-Signature-256` check: `sha256=` and the hex HMAC-SHA256 of the exact body bytes
 * with the webhook secret, compared in constant time.
 */
export function verifyGithubSignature(
  secret: string,
  body: Buffer,
  header: string | undefined,
): boolean {
  return secretsEqual(header ?? '', `sha256=${hmacSha256Hex(secret, body)}`);
}

/**
 * Incidents from GitHub issues: webhooks (`issues` events, verified with
 * `X-Hub-Signature-256`, deduplicated on `X-GitHub-Delivery`) and a scheduled
 * reconciliation through Backstage's GitHub integration, since GitHub does not retry
 * failed deliveries.
 */
export class GithubIncidentSource implements IncidentSource {
  readonly id = 'github';
  private connection?: IncidentSourceConnection;

  constructor(
    private readonly options: {
      webhookSecret?: string;
      repositories: ConfiguredRepository[];
      mapping: IssueMapping;
      initialLookbackDays: number;
      /** Absent without an `integrations.github` entry: no reconciliation. */
      client?: GithubIssuesClient;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
      now?: () => number;
    },
  ) {}

  async connect(connection: IncidentSourceConnection): Promise<void> {
    this.connection = connection;
  }

  async handleWebhook(
    request: IncidentWebhookRequest,
  ): Promise<IncidentWebhookResponse> {
    const { webhookSecret } = this.options;
    if (!webhookSecret) {
      throw new NotFoundError(
        'The GitHub webhook is not configured: set operability.incidents.github.webhookSecret',
      );
    }
    if (
      !verifyGithubSignature(
        webhookSecret,
        request.body,
        headerValue(request.headers, 'x-hub-signature-256'),
      )
    ) {
      throw new AuthenticationError(
        'GitHub deliveries need an X-Hub-Signature-256 made with the configured webhook secret',
      );
    }
    const event = headerValue(request.headers, 'x-github-event');
    if (event === 'ping') return { status: 200, body: { event, ok: true } };
    if (event !== 'issues') {
      return { status: 202, body: { event: event ?? null, ignored: true } };
    }
    const payload = parseWebhookPayload(issuesEventSchema, request.body);
    const repository = payload.repository.full_name.toLowerCase();
    if (['deleted', 'transferred'].includes(payload.action)) {
      return {
        status: 202,
        body: { event, action: payload.action, ignored: true },
      };
    }
    const watches = await this.watches();
    const entityRefs = await this.entitiesOf(
      repository,
      payload.issue,
      watches,
    );
    if (!entityRefs) {
      return {
        status: 202,
        body: { event, action: payload.action, ignored: true },
      };
    }
    const result = await this.connection!.record({
      deliveryId: headerValue(request.headers, 'x-github-delivery'),
      observations: [
        issueToObservation(
          repository,
          payload.issue,
          entityRefs,
          this.options.mapping,
        ),
      ],
    });
    return { status: 200, body: { event, action: payload.action, ...result } };
  }

  /**
   * Reads every watched repository's labelled issues updated since the last run (the first
   * time, `initialLookbackDays` back) and records them. A repository that fails is logged
   * and tried again from the same point next time.
   */
  async reconcile(): Promise<{ repositories: number; issues: number }> {
    const { client, logger } = this.options;
    if (!client) return { repositories: 0, issues: 0 };
    const watches = await this.watches();
    const targets = new Map<string, IncidentRepository>();
    for (const { repository, label } of watches) {
      targets.set(`${repository}:${label}`, { repository, label });
    }
    let issues = 0;
    for (const [key, { repository, label }] of targets) {
      try {
        issues += await this.reconcileRepository(
          key,
          repository,
          label,
          watches,
        );
      } catch (e) {
        logger.warn(
          `Reconciling GitHub incidents of ${key} failed; will retry from the same point: ${
            (e as Error).message
          }`,
        );
      }
    }
    return { repositories: targets.size, issues };
  }

  private async reconcileRepository(
    key: string,
    repository: string,
    label: string,
    watches: Watch[],
  ): Promise<number> {
    const client = this.options.client!;
    const now = this.options.now?.() ?? Date.now();
    const cursor = await this.connection!.readCursor(key);
    const since = cursor
      ? new Date(cursor)
      : new Date(now - this.options.initialLookbackDays * DAY);
    let newest = cursor ? Date.parse(cursor) : undefined;
    let count = 0;
    for await (const page of client.listIssues(repository, label, since)) {
      const observations = [];
      for (const issue of page) {
        const entityRefs = await this.entitiesOf(repository, issue, watches);
        if (!entityRefs) continue;
        const assigned = (issue.assignees ?? []).length > 0;
        observations.push(
          issueToObservation(
            repository,
            issue,
            entityRefs,
            this.options.mapping,
            assigned
              ? await client.firstAssignment(repository, issue.number)
              : undefined,
          ),
        );
        newest = Math.max(newest ?? 0, Date.parse(issue.updated_at));
      }
      await this.connection!.record({ observations });
      count += observations.length;
    }
    if (newest !== undefined) {
      await this.connection!.writeCursor(key, new Date(newest).toISOString());
    }
    return count;
  }

  /** Repositories and labels from the annotation of every entity, and from config. */
  private async watches(): Promise<Watch[]> {
    const watches: Watch[] = this.options.repositories.map(configured => ({
      repository: configured.repository,
      label: configured.label,
      configured,
    }));
    const annotated = await listAnnotatedEntities(
      this.options.catalog,
      this.options.auth,
      ANNOTATION_GITHUB_INCIDENTS,
    );
    for (const { entityRef, value } of annotated) {
      try {
        for (const repo of parseIncidentRepositories(value)) {
          watches.push({ ...repo, entityRef });
        }
      } catch (e) {
        this.options.logger.warn(
          `Ignoring the ${ANNOTATION_GITHUB_INCIDENTS} annotation of ${entityRef}: ${
            (e as Error).message
          }`,
        );
      }
    }
    return watches;
  }

  /**
   * The entities of an issue, or undefined when it is not an incident (no watched label).
   * Entities whose annotation names the repository and one of the issue's labels get it;
   * when several do and the title names a service (`[INCIDENT][cluster/service]`), those
   * named like the service keep it. Configured repositories add their entities, or without
   * any, the catalog entities named like the title's service.
   */
  private async entitiesOf(
    repository: string,
    issue: GithubIssue,
    watches: Watch[],
  ): Promise<string[] | undefined> {
    const labels = new Set(issueLabels(issue));
    const matching = watches.filter(
      w => w.repository === repository && labels.has(w.label),
    );
    if (!matching.length) return undefined;
    const { service } = parseIncidentTitle(issue.title);

    let annotated = [
      ...new Set(
        matching.flatMap(w => ('entityRef' in w ? [w.entityRef] : [])),
      ),
    ];
    if (service && annotated.length > 1) {
      const named = annotated.filter(
        ref =>
          comparableName(parseEntityRef(ref).name) === comparableName(service),
      );
      if (named.length) annotated = named;
    }
    const refs = new Set(annotated);
    for (const w of matching) {
      if (!('configured' in w)) continue;
      const configuredRefs = w.configured.entityRefs.length
        ? w.configured.entityRefs
        : await this.entitiesNamed(service);
      configuredRefs.forEach(ref => refs.add(toEntityRef(ref)));
    }
    return [...refs].sort();
  }

  /** Catalog entities whose name matches a service named in a title. */
  private async entitiesNamed(service: string | undefined): Promise<string[]> {
    if (!service) return [];
    const candidates = [
      ...new Set([service.replace(/\s+/g, '-'), comparableName(service)]),
    ].filter(Boolean);
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { 'metadata.name': candidates },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    return items.map(e =>
      toEntityRef({
        kind: e.kind,
        namespace: e.metadata.namespace ?? 'default',
        name: e.metadata.name,
      }),
    );
  }
}
