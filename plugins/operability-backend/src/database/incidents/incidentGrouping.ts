import {
  INCIDENT_SEVERITIES,
  MANUAL_INCIDENT_SOURCE,
  type IncidentLinks,
  type IncidentSeverity,
  type IncidentStatus,
} from '@airworthy/plugin-operability-common';
import { isRecurringIncidentKey } from '@airworthy/plugin-operability-node';

/**
 * Grouping of an entity's incident records into incidents: a pure function of the records
 * (and of the decisions people made), so the same records give the same incidents whatever
 * order they arrived in.
 */

/** The rules of grouping (`operability.incidents.groupingGap` and `alertLinkWindow`). */
export interface GroupingSettings {
  /** Records whose spans overlap or lie at most this far apart are one incident. */
  gapMs: number;
  /** How far in time a reference to an alert reaches its nearest firing. */
  alertLinkWindowMs: number;
}

/** What grouping reads of a record. */
export interface GroupingRecord {
  id: string;
  source: string;
  sourceKey: string;
  startedAt: number;
  /** Undefined while the record is open: it lasts until it is resolved. */
  resolvedAt?: number;
  /** Names the record is known by (including `<source>:<sourceKey>`). */
  names: string[];
  /** Keys of the records it links to. */
  references: string[];
  /** A person's decision: records with the same pin are one incident, with different pins never. */
  pin?: string;
}

/** The grouping rules as stored with each incident, to notice when they change. */
export function groupingSignature(settings: GroupingSettings): string {
  return `gap=${settings.gapMs};alertLinkWindow=${settings.alertLinkWindowMs}`;
}

/** The order records are compared in: source, then source key (unique together). */
export function compareRecords(
  a: Pick<GroupingRecord, 'source' | 'sourceKey'>,
  b: Pick<GroupingRecord, 'source' | 'sourceKey'>,
): number {
  if (a.source !== b.source) return a.source < b.source ? -1 : 1;
  if (a.sourceKey !== b.sourceKey) return a.sourceKey < b.sourceKey ? -1 : 1;
  return 0;
}

const end = (r: GroupingRecord) => r.resolvedAt ?? Infinity;

/** Time between two spans: 0 when they overlap or touch. */
function distance(a: GroupingRecord, b: GroupingRecord): number {
  return Math.max(0, a.startedAt - end(b), b.startedAt - end(a));
}

interface Edge {
  a: number;
  b: number;
  /** 0: an explicit link; 1: closeness in time. Links are applied first. */
  tier: number;
  distance: number;
}

/** Union-find over record positions where each set holds at most one pin. */
class PinnedSets {
  private readonly parent: number[];
  private readonly pins: Array<string | undefined>;

  constructor(pins: Array<string | undefined>) {
    this.parent = pins.map((_, i) => i);
    this.pins = [...pins];
  }

  find(i: number): number {
    let root = i;
    while (this.parent[root] !== root) root = this.parent[root];
    // Path compression: every position on the way points at the root.
    let at = i;
    while (this.parent[at] !== root) {
      const next = this.parent[at];
      this.parent[at] = root;
      at = next;
    }
    return root;
  }

  /** Joins the sets of a and b unless they hold different pins; the smaller root wins. */
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return;
    const pa = this.pins[ra];
    const pb = this.pins[rb];
    if (pa !== undefined && pb !== undefined && pa !== pb) return;
    const [root, child] = ra < rb ? [ra, rb] : [rb, ra];
    this.parent[child] = root;
    this.pins[root] = pa ?? pb;
  }
}

/** Edges between records that share a key that does not recur (chained in record order). */
function linkEdges(records: GroupingRecord[]): Edge[] {
  const byKey = new Map<string, number[]>();
  records.forEach((record, i) => {
    for (const key of new Set([...record.names, ...record.references])) {
      if (isRecurringIncidentKey(key)) continue;
      const holders = byKey.get(key) ?? [];
      holders.push(i);
      byKey.set(key, holders);
    }
  });
  const edges: Edge[] = [];
  for (const holders of byKey.values()) {
    for (let k = 1; k < holders.length; k++) {
      edges.push({ a: holders[k - 1], b: holders[k], tier: 0, distance: 0 });
    }
  }
  return edges;
}

/**
 * Edges from each reference to a recurring key (an alert) to the record of that name nearest
 * in time (on a tie the later firing, then record order), within the window.
 */
function alertEdges(records: GroupingRecord[], windowMs: number): Edge[] {
  const named = new Map<string, number[]>();
  records.forEach((record, i) => {
    for (const key of record.names) {
      if (!isRecurringIncidentKey(key)) continue;
      const holders = named.get(key) ?? [];
      holders.push(i);
      named.set(key, holders);
    }
  });
  const edges: Edge[] = [];
  records.forEach((record, i) => {
    for (const key of new Set(record.references)) {
      if (!isRecurringIncidentKey(key)) continue;
      let best: { j: number; d: number } | undefined;
      for (const j of named.get(key) ?? []) {
        if (j === i) continue;
        const d = distance(record, records[j]);
        if (
          !best ||
          d < best.d ||
          (d === best.d && records[j].startedAt > records[best.j].startedAt) ||
          (d === best.d &&
            records[j].startedAt === records[best.j].startedAt &&
            j < best.j)
        ) {
          best = { j, d };
        }
      }
      if (best && best.d <= windowMs) {
        edges.push({ a: i, b: best.j, tier: 0, distance: best.d });
      }
    }
  });
  return edges;
}

/** Edges between records whose spans overlap or lie at most `gapMs` apart. */
function timeEdges(records: GroupingRecord[], gapMs: number): Edge[] {
  const byStart = records
    .map((_, i) => i)
    .sort((x, y) => records[x].startedAt - records[y].startedAt || x - y);
  const edges: Edge[] = [];
  let active: number[] = [];
  for (const j of byStart) {
    const start = records[j].startedAt;
    active = active.filter(i => end(records[i]) + gapMs >= start);
    for (const i of active) {
      edges.push({
        a: i,
        b: j,
        tier: 1,
        distance: distance(records[i], records[j]),
      });
    }
    active.push(j);
  }
  return edges;
}

/**
 * Groups an entity's records into incidents. Records are one incident when they are
 * connected by explicit links (a shared key; a reference to an alert reaches its nearest
 * firing within `alertLinkWindowMs`) or by closeness in time (spans that overlap or lie at
 * most `gapMs` apart; an open record lasts until it is resolved). People's decisions (pins)
 * come first: records with the same pin are together, records with different pins apart;
 * a connection that would join two pins is skipped, links before time and nearer before
 * farther, in record order on ties. Returns the groups as record ids, each in record order,
 * earliest start first; the result depends only on the records, never on their order.
 */
export function groupRecords(
  input: ReadonlyArray<GroupingRecord>,
  settings: GroupingSettings,
): string[][] {
  const records = [...input].sort(compareRecords);
  const sets = new PinnedSets(records.map(r => r.pin));
  const firstOfPin = new Map<string, number>();
  records.forEach((record, i) => {
    if (record.pin === undefined) return;
    const first = firstOfPin.get(record.pin);
    if (first === undefined) firstOfPin.set(record.pin, i);
    else sets.union(first, i);
  });
  const edges = [
    ...linkEdges(records),
    ...alertEdges(records, settings.alertLinkWindowMs),
    ...timeEdges(records, settings.gapMs),
  ].sort(
    (x, y) =>
      x.tier - y.tier ||
      x.distance - y.distance ||
      Math.min(x.a, x.b) - Math.min(y.a, y.b) ||
      Math.max(x.a, x.b) - Math.max(y.a, y.b),
  );
  for (const edge of edges) sets.union(edge.a, edge.b);

  const groups = new Map<number, number[]>();
  records.forEach((_, i) => {
    const root = sets.find(i);
    const members = groups.get(root) ?? [];
    members.push(i);
    groups.set(root, members);
  });
  const earliest = (members: number[]) =>
    Math.min(...members.map(i => records[i].startedAt));
  return [...groups.values()]
    .sort((x, y) => earliest(x) - earliest(y) || x[0] - y[0])
    .map(members => members.map(i => records[i].id));
}

/** What an incident is made of: the fields of each of its records. */
export interface SummarizedRecord {
  source: string;
  sourceKey: string;
  title: string;
  description?: string;
  severity: IncidentSeverity;
  status: IncidentStatus;
  startedAt: number;
  detectedAt: number;
  acknowledgedAt?: number;
  resolvedAt?: number;
  links: IncidentLinks;
  postMortem: boolean;
  labels: string[];
}

/** An incident's own fields, derived from its records. */
export interface IncidentSummary
  extends Omit<SummarizedRecord, 'source' | 'sourceKey'> {
  sources: string[];
  recordCount: number;
}

/**
 * Whose title an incident takes: what a person wrote (a manual incident, a GitHub issue, a
 * PagerDuty incident) before what a machine named (other sources, alerts last).
 */
const TITLE_RANK: Record<string, number> = {
  [MANUAL_INCIDENT_SOURCE]: 0,
  github: 1,
  pagerduty: 2,
  alertmanager: 4,
};
const OTHER_SOURCE_RANK = 3;
const MAX_LABELS = 100;

const rankOf = (source: string) => TITLE_RANK[source] ?? OTHER_SOURCE_RANK;

/** Records in the order an incident's title and links are taken from them. */
function byTitleRank(records: ReadonlyArray<SummarizedRecord>) {
  return [...records].sort(
    (a, b) =>
      rankOf(a.source) - rankOf(b.source) ||
      a.startedAt - b.startedAt ||
      compareRecords(a, b),
  );
}

function minOf(values: Array<number | undefined>): number | undefined {
  const defined = values.filter((v): v is number => v !== undefined);
  return defined.length ? Math.min(...defined) : undefined;
}

/**
 * The fields of an incident from its records: the earliest start and detection, the first
 * acknowledgement by any source, the latest resolution once every record is resolved, the
 * highest severity, a post-mortem when any record has one, the title, description and issue
 * link of the record a person wrote (else of the first other one), the other links from the
 * first record that has them, and every record's labels.
 */
export function summarizeIncident(
  records: ReadonlyArray<SummarizedRecord>,
): IncidentSummary {
  if (records.length === 0) throw new Error('An incident has records');
  const ranked = byTitleRank(records);
  const [lead] = ranked;
  const allResolved = records.every(r => r.resolvedAt !== undefined);
  const acknowledgedAt = minOf(records.map(r => r.acknowledgedAt));
  const severity = INCIDENT_SEVERITIES.find(s =>
    records.some(r => r.severity === s),
  )!;
  const linkOf = (kind: keyof IncidentLinks) =>
    ranked.find(r => r.links[kind])?.links[kind];
  const links: IncidentLinks = {};
  for (const kind of ['issue', 'postMortem', 'runbook'] as const) {
    const href =
      kind === 'issue' ? lead.links.issue ?? linkOf(kind) : linkOf(kind);
    if (href) links[kind] = href;
  }
  let status: IncidentStatus = 'open';
  if (acknowledgedAt !== undefined) status = 'acknowledged';
  if (allResolved) status = 'resolved';
  return {
    title: lead.title,
    description: lead.description,
    severity,
    status,
    startedAt: minOf(records.map(r => r.startedAt))!,
    detectedAt: minOf(records.map(r => r.detectedAt))!,
    acknowledgedAt,
    resolvedAt: allResolved
      ? Math.max(...records.map(r => r.resolvedAt!))
      : undefined,
    links,
    postMortem: records.some(r => r.postMortem),
    labels: [...new Set(records.flatMap(r => r.labels))]
      .sort()
      .slice(0, MAX_LABELS),
    sources: [...new Set(records.map(r => r.source))].sort(),
    recordCount: records.length,
  };
}
