/*
 * Keys that tie the records of one event together across sources. A record is known by
 * names (the plugin always adds `<source>:<sourceKey>`; an alert adds its fingerprint, its
 * notification group and its source link) and links to other records by references (the
 * PagerDuty incident a GitHub issue links, an alert's `incident` label, PagerDuty's incident
 * key). Records of an entity that share a key are one incident; a key of kind `alert` names
 * every firing of one alert, so a reference to it reaches only the nearest firing in time.
 */

/**
 * How a record is tied to the records of other sources of the same event. Keys are
 * `<kind>:<value>`, made with {@link INCIDENT_KEYS}.
 * @public
 */
export interface IncidentCorrelation {
  /** Other names of the record: an alert's fingerprint, notification group and source link. */
  names?: string[];
  /**
   * Records it links to: a PagerDuty incident or GitHub issue (every record of the entity
   * that has the key joins), an incident name shared by records, or an alert (its firing
   * nearest in time joins).
   */
  references?: string[];
}

/**
 * The keys of incident correlation, one function per kind.
 * @public
 */
export const INCIDENT_KEYS = {
  /** A PagerDuty incident, by its id (as its record's `pagerduty:<sourceKey>`). */
  pagerdutyIncident: (id: string) => `pagerduty:${id}`,
  /** A GitHub issue, `owner/repo#number` (as its record's `github:<sourceKey>`). */
  githubIssue: (repository: string, issueNumber: number) =>
    `github:${repository.toLowerCase()}#${issueNumber}`,
  /** A name people give an incident (`INC-42`), compared without case. */
  named: (name: string) => `incident:${name.trim().toLowerCase()}`,
  /**
   * An alert: its fingerprint, the SHA-256 of its notification group key (Alertmanager's
   * PagerDuty dedup key) or its source link. Names every firing of the alert.
   */
  alert: (value: string) => `alert:${value.trim()}`,
};

/**
 * Whether a key names something that recurs (every firing of one alert has it): a reference
 * to it reaches only the record nearest in time.
 * @public
 */
export function isRecurringIncidentKey(key: string): boolean {
  return key.startsWith('alert:');
}

const PAGERDUTY_INCIDENT =
  /^https?:\/\/[a-z0-9-]+\.pagerduty\.com\/incidents\/([A-Z0-9]{1,64})(?:[/?#]|$)/i;
const GITHUB_ISSUE =
  /^https?:\/\/github\.com\/([a-z0-9][a-z0-9-]{0,38}\/[a-z0-9._-]{1,100})\/(?:issues|pull)\/(\d{1,9})(?:[/?#]|$)/i;
const GITHUB_SHORT_REF =
  /^([a-z0-9][a-z0-9-]{0,38}\/[a-z0-9._-]{1,100})#(\d{1,9})$/i;
const URL_IN_TEXT = /https?:\/\/[^\s)<>\]"'`]+/gi;

/** The URL in a canonical form (as `new URL` writes it), or undefined when it is not one. */
function canonicalUrl(value: string): string | undefined {
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:'
      ? url.toString()
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The key of an alert's source link (its generator URL), canonical; undefined for others.
 * @public
 */
export function alertLinkKey(url: string | undefined): string | undefined {
  const canonical = url ? canonicalUrl(url) : undefined;
  return canonical ? INCIDENT_KEYS.alert(canonical) : undefined;
}

/**
 * The key an `incident` label (or any single reference a person writes) names: a PagerDuty
 * incident URL, a GitHub issue URL or `owner/repo#number`, else the name itself.
 * @public
 */
export function incidentKeyOfReference(value: string): string | undefined {
  const text = value.trim();
  if (!text) return undefined;
  const pagerduty = PAGERDUTY_INCIDENT.exec(text);
  if (pagerduty) return INCIDENT_KEYS.pagerdutyIncident(pagerduty[1]);
  const issue = GITHUB_ISSUE.exec(text) ?? GITHUB_SHORT_REF.exec(text);
  if (issue) return INCIDENT_KEYS.githubIssue(issue[1], Number(issue[2]));
  return INCIDENT_KEYS.named(text);
}

/**
 * The references a text written by a person makes (a GitHub issue's body): every PagerDuty
 * incident it links, and every other link as the source link of an alert (a notification
 * pasted into the issue carries the alert's generator URL). GitHub issue links are not
 * references: an incident issue often links earlier, different incidents.
 * @public
 */
export function incidentReferencesInText(text: string | undefined): string[] {
  const keys = new Set<string>();
  for (const [match] of (text ?? '').matchAll(URL_IN_TEXT)) {
    const url = match.replace(/[.,;:!?]+$/, '');
    const pagerduty = PAGERDUTY_INCIDENT.exec(url);
    if (pagerduty) {
      keys.add(INCIDENT_KEYS.pagerdutyIncident(pagerduty[1]));
    } else if (!GITHUB_ISSUE.test(url)) {
      const key = alertLinkKey(url);
      if (key) keys.add(key);
    }
  }
  return [...keys];
}
