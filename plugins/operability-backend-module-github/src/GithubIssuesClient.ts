import { validatePayload } from '@airworthy/plugin-operability-node';
import type { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
  type GithubCredentialsProvider,
  type GithubIntegrationConfig,
} from '@backstage/integration';
import { z } from 'zod';
import { issueSchema, type GithubIssue } from './githubIssues';

const issueListSchema = z.array(issueSchema);
const issueEventsSchema = z.array(
  z.object({ event: z.string(), created_at: z.string() }),
);

/** The `rel="next"` URL of a `Link` header. */
function nextLink(link: string | null): string | undefined {
  for (const part of (link ?? '').split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Reads issues through Backstage's GitHub integration (`integrations.github`): its API base
 * URL and credentials (token or GitHub App). Requests only ever go to that API base URL.
 */
export class GithubIssuesClient {
  static fromConfig(config: Config, host: string): GithubIssuesClient {
    const integrations = ScmIntegrations.fromConfig(config);
    const integration = integrations.github.byHost(host);
    if (!integration) {
      throw new Error(
        `No integrations.github entry for host ${host}: add one (with a token or app) to reconcile GitHub incidents`,
      );
    }
    return new GithubIssuesClient(
      integration.config,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    );
  }

  private readonly apiBaseUrl: string;

  constructor(
    private readonly integration: GithubIntegrationConfig,
    private readonly credentials: GithubCredentialsProvider,
    private readonly maxPages = 50,
  ) {
    this.apiBaseUrl = (
      integration.apiBaseUrl ?? `https://api.${integration.host}`
    ).replace(/\/+$/, '');
  }

  private async get(url: string, repository: string): Promise<Response> {
    if (!url.startsWith(`${this.apiBaseUrl}/`)) {
      throw new Error(`Refusing to call ${url}: not under ${this.apiBaseUrl}`);
    }
    const { headers } = await this.credentials.getCredentials({
      url: `https://${this.integration.host}/${repository}`,
    });
    const response = await fetch(url, {
      headers: {
        Accept: 'application/vnd.github+json',
        'X-GitHub-Api-Version': '2022-11-28',
        ...headers,
      },
    });
    if (!response.ok) {
      throw new Error(
        `GitHub answered ${response.status} ${response.statusText} for ${url}`,
      );
    }
    return response;
  }

  /**
   * The repository's issues with the label updated at or after `since`, oldest update
   * first, one page (up to 100) at a time; pull requests are left out.
   */
  async *listIssues(
    repository: string,
    label: string,
    since: Date,
  ): AsyncGenerator<GithubIssue[]> {
    const query = new URLSearchParams({
      labels: label,
      state: 'all',
      since: since.toISOString(),
      sort: 'updated',
      direction: 'asc',
      per_page: '100',
    });
    let url:
      | string
      | undefined = `${this.apiBaseUrl}/repos/${repository}/issues?${query}`;
    for (let page = 0; url && page < this.maxPages; page++) {
      const response = await this.get(url, repository);
      const issues = validatePayload(
        issueListSchema,
        await response.json(),
        'issues',
      );
      yield issues.filter(issue => issue.pull_request === undefined);
      url = nextLink(response.headers.get('link'));
    }
  }

  /** When someone was first assigned to the issue (epoch ms), from its events. */
  async firstAssignment(
    repository: string,
    issueNumber: number,
  ): Promise<number | undefined> {
    const response = await this.get(
      `${this.apiBaseUrl}/repos/${repository}/issues/${issueNumber}/events?per_page=100`,
      repository,
    );
    const events = validatePayload(
      issueEventsSchema,
      await response.json(),
      'events',
    );
    const times = events
      .filter(e => e.event === 'assigned')
      .map(e => Date.parse(e.created_at))
      .filter(Number.isFinite);
    return times.length ? Math.min(...times) : undefined;
  }
}
