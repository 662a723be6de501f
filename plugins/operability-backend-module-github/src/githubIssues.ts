import {
  INCIDENT_SEVERITIES,
  normalizeIncidentSeverity,
  type IncidentSeverity,
} from '@airworthy/plugin-operability-common';
import {
  alertLinkKey,
  incidentReferencesInText,
  parseInstant,
  type IncidentObservation,
} from '@airworthy/plugin-operability-node';
import { z } from 'zod';

/** The label an issue needs to be an incident, unless one is given. */
export const DEFAULT_INCIDENT_LABEL = 'incident';

const instant = z
  .string()
  .refine(s => parseInstant(s) !== undefined, 'must be an ISO 8601 instant');

/**
 * An issue, as GitHub sends it in `issues` webhook events and in the REST API's issue
 * lists (the fields Airworthy reads).
 */
export const issueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  body: z.string().nullish(),
  state: z.enum(['open', 'closed']),
  html_url: z.string(),
  labels: z.array(z.union([z.string(), z.object({ name: z.string() })])),
  assignees: z.array(z.object({ login: z.string() })).nullish(),
  created_at: instant,
  updated_at: instant,
  closed_at: instant.nullish(),
  pull_request: z.unknown().optional(),
});

/** A GitHub issue (the fields Airworthy reads). */
export type GithubIssue = z.output<typeof issueSchema>;

/** A repository and the label that makes its issues incidents, both lower-case. */
export interface IncidentRepository {
  repository: string;
  label: string;
}

const REPOSITORY = /^[a-z0-9](?:[a-z0-9-]{0,38})\/[a-z0-9._-]{1,100}$/;

/**
 * Parses `owner/repo` with an optional `:label` (default `incident`), as in the
 * `airworthy.dev/github-incidents` annotation (comma-separated) and in config. Throws an
 * Error that says what is wrong.
 */
export function parseIncidentRepository(value: string): IncidentRepository {
  const [repo, ...rest] = value.trim().split(':');
  const repository = repo.trim().toLowerCase();
  const label = rest.join(':').trim().toLowerCase() || DEFAULT_INCIDENT_LABEL;
  if (!REPOSITORY.test(repository)) {
    throw new Error(`"${value.trim()}" is not owner/repo or owner/repo:label`);
  }
  return { repository, label };
}

/** Every entry of an `airworthy.dev/github-incidents` annotation. */
export function parseIncidentRepositories(value: string): IncidentRepository[] {
  return value
    .split(',')
    .filter(s => s.trim())
    .map(parseIncidentRepository);
}

/**
 * Operate First's incident titles: `[INCIDENT][<cluster>/<service>] what happened`. Gives
 * the cluster and service (lower-case) when the title follows the convention; a scope
 * without a `/` is taken as the service.
 */
export function parseIncidentTitle(title: string): {
  cluster?: string;
  service?: string;
} {
  const match = /^\s*\[\s*incident\s*\]\s*\[([^\]]*)\]/i.exec(title);
  if (!match) return {};
  const parts = match[1]
    .split('/')
    .map(s => s.trim().toLowerCase())
    .filter(Boolean);
  if (parts.length === 0) return {};
  if (parts.length === 1) return { service: parts[0] };
  return { cluster: parts[0], service: parts.slice(1).join('/') };
}

/** Lower-case letters and digits only: `JUPYTER HUB` and `jupyter-hub` both give `jupyterhub`. */
export function comparableName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The first http(s) URL on a line of the body that mentions one of the words. */
function linkNear(body: string, words: RegExp): string | undefined {
  for (const line of body.split('\n')) {
    if (!words.test(line)) continue;
    const url = /https?:\/\/[^\s)<>\]"'`]+/i.exec(line)?.[0];
    if (url) return url;
  }
  return undefined;
}

const labelName = (label: GithubIssue['labels'][number]) =>
  (typeof label === 'string' ? label : label.name).trim();

/** The names of an issue's labels, lower-case. */
export function issueLabels(issue: GithubIssue): string[] {
  return issue.labels.map(label => labelName(label).toLowerCase());
}

/** The most severe severity any label names (`severity/critical`, `P1`, `sev2`, ...). */
function severityFromLabels(labels: string[]): IncidentSeverity | undefined {
  const found = new Set(labels.map(normalizeIncidentSeverity));
  return INCIDENT_SEVERITIES.find(s => s !== 'unknown' && found.has(s));
}

/** Settings of how issues become incidents. */
export interface IssueMapping {
  /** Labels that say a post-mortem exists (lower-case). */
  postMortemLabels: string[];
  /** The severity of an issue whose labels name none. */
  defaultSeverity: IncidentSeverity;
}

/**
 * The observation an issue makes at its `updated_at`: open or resolved (closed at
 * `closed_at`), acknowledged once someone is assigned (at `acknowledgedAt` when known, else
 * no later than `updated_at`), with the post-mortem label or link, the runbook link and the
 * cluster and service of an Operate First title. The PagerDuty incidents and alerts its body
 * links (a pasted notification carries the alert's source link) are the same incident.
 */
export function issueToObservation(
  repository: string,
  issue: GithubIssue,
  entityRefs: string[],
  mapping: IssueMapping,
  acknowledgedAt?: number,
): IncidentObservation {
  const labels = issueLabels(issue);
  const { cluster, service } = parseIncidentTitle(issue.title);
  const body = issue.body ?? '';
  const postMortemLink = linkNear(
    body,
    /post[-\s]?mortem|root[-\s]cause|\brca\b/i,
  );
  const runbook = linkNear(body, /run[-\s]?book/i);
  // Links the issue names as its runbook or post-mortem are not alerts.
  const documents = new Set([
    alertLinkKey(runbook),
    alertLinkKey(postMortemLink),
  ]);
  const updatedAt = parseInstant(issue.updated_at)!;
  const assigned = (issue.assignees ?? []).length > 0;
  const closed = issue.state === 'closed';
  let status: IncidentObservation['status'] = 'open';
  if (assigned) status = 'acknowledged';
  if (closed) status = 'resolved';
  return {
    sourceKey: `${repository}#${issue.number}`,
    entityRefs,
    title: issue.title,
    description: body || undefined,
    severity: severityFromLabels(labels) ?? mapping.defaultSeverity,
    status,
    startedAt: parseInstant(issue.created_at)!,
    acknowledgedAt: acknowledgedAt ?? (assigned ? updatedAt : undefined),
    resolvedAt: closed ? parseInstant(issue.closed_at) : undefined,
    observedAt: updatedAt,
    links: {
      issue: issue.html_url,
      postMortem: postMortemLink,
      runbook,
    },
    postMortem:
      labels.some(l => mapping.postMortemLabels.includes(l)) ||
      Boolean(postMortemLink),
    labels: [
      ...labels,
      ...(cluster ? [`cluster=${cluster}`] : []),
      ...(service ? [`service=${service}`] : []),
    ],
    correlation: {
      references: incidentReferencesInText(body).filter(
        key => !documents.has(key),
      ),
    },
  };
}
