import {
  toEntityRef,
  type PortfolioEntity,
  type PortfolioGroup,
  type PortfolioQuery,
  type PortfolioResponse,
  type PortfolioStats,
  type ScoreLevelDefinition,
} from '@airworthy/plugin-operability-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { stringify } from 'csv-stringify/sync';
import type {
  ScoreSnapshot,
  ScoreStore,
  ScoreSummary,
} from '../../database/score/ScoreStore';
import { refOf, trendDelta, utcDay } from './OperabilityScorer';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

const DEFAULT_LIMIT = 50;

/** The parts of the score settings the portfolio reads. */
export interface PortfolioSettings {
  levels: ScoreLevelDefinition[];
  kinds: string[];
  periodDays: number;
}

/** The portfolio's statistics and groups, with the rows of a slice of its order. */
interface PortfolioResult extends Omit<PortfolioResponse, 'items'> {
  rows: PortfolioEntity[];
}

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** A ref of `value` (as written in an entity's spec) with defaults, or undefined. */
function refOrUndefined(
  value: unknown,
  defaultKind: string,
  defaultNamespace: string,
): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return undefined;
  try {
    return toEntityRef(value.trim(), { defaultKind, defaultNamespace });
  } catch {
    return undefined;
  }
}

const median = (sorted: number[]) => {
  if (!sorted.length) return null;
  const mid = Math.floor(sorted.length / 2);
  const value =
    sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return Math.round(value * 10) / 10;
};

/** Count, mean, median and level distribution of a set of rows. */
export function portfolioStats(
  rows: PortfolioEntity[],
  levels: ScoreLevelDefinition[],
): PortfolioStats {
  const scores = rows
    .map(r => r.score)
    .filter((s): s is number => s !== null)
    .sort((a, b) => a - b);
  const byLevel: Record<string, number> = Object.fromEntries(
    levels.map(l => [l.id, 0]),
  );
  for (const row of rows) {
    if (row.level !== null && row.level in byLevel) byLevel[row.level] += 1;
  }
  return {
    count: rows.length,
    scored: scores.length,
    mean: scores.length
      ? Math.round((scores.reduce((a, b) => a + b, 0) / scores.length) * 10) /
        10
      : null,
    median: median(scores),
    levels: byLevel,
  };
}

type Comparable = number | string | null | undefined;

/** String order of the sort: `localeCompare`'s, with the collator made once. */
const COLLATOR = new Intl.Collator();

/** The refs of the systems of `entities` (their `spec.system`), each once. */
function systemsOf(entities: Entity[]): string[] {
  const systems = new Set<string>();
  for (const e of entities) {
    const ref = refOrUndefined(
      e.spec?.system,
      'system',
      e.metadata.namespace ?? 'default',
    );
    if (ref) systems.add(ref);
  }
  return [...systems];
}

/** System ref -> domain ref, from the systems (read with `spec.domain`) of `systems`. */
function domainsFrom(
  systems: string[],
  items: Array<Entity | undefined>,
): Map<string, string> {
  const result = new Map<string, string>();
  items.forEach((system, i) => {
    const domain =
      system &&
      refOrUndefined(
        system.spec?.domain,
        'domain',
        system.metadata.namespace ?? 'default',
      );
    if (domain) result.set(systems[i], domain);
  });
  return result;
}

/** The fields of an entity that make its ref. */
const REF_FIELDS = ['kind', 'metadata.namespace', 'metadata.name'];
/** The fields of an entity that a row shows. */
const ENTITY_FIELDS = [
  ...REF_FIELDS,
  'metadata.title',
  'metadata.tags',
  'spec.owner',
  'spec.system',
  'spec.domain',
];

/** What a row shows of an entity's score (null and 0 for an entity not scored). */
function scoreFieldsOf(summary: ScoreSummary | undefined) {
  return {
    score: summary?.score ?? null,
    level: summary?.level ?? null,
    sloCount: summary?.sloCount ?? 0,
    worstBudgetRemaining: summary?.worstBudgetRemaining ?? null,
    sloCompliance: summary?.sloCompliance ?? null,
    incidents: summary ? summary.incidents : null,
    mttrSeconds: summary?.mttrSeconds ?? null,
  };
}

/**
 * The row of an entity (read with ENTITY_FIELDS, or fewer: then the row has only what they
 * give), its score and its snapshot at the start of the trend.
 */
function rowOf(
  entity: Entity,
  ref: string,
  summary: ScoreSummary | undefined,
  snapshot: ScoreSnapshot | undefined,
  domains: Map<string, string>,
): PortfolioEntity {
  const namespace = entity.metadata.namespace ?? 'default';
  const system = refOrUndefined(entity.spec?.system, 'system', namespace);
  const row: PortfolioEntity = {
    entityRef: ref,
    kind: lower(entity.kind),
    namespace: lower(namespace),
    name: lower(entity.metadata.name),
    ...(entity.metadata.title ? { title: entity.metadata.title } : {}),
    owner: refOrUndefined(entity.spec?.owner, 'group', namespace),
    system,
    domain:
      lower(entity.kind) === 'system'
        ? refOrUndefined(entity.spec?.domain, 'domain', namespace)
        : system && domains.get(system),
    tags: (entity.metadata.tags ?? []).map(lower),
    ...scoreFieldsOf(summary),
    ...(summary
      ? { computedAt: new Date(summary.computedAt).toISOString() }
      : {}),
    trendDelta: trendDelta(summary?.score ?? null, snapshot?.score ?? null),
  };
  for (const key of ['owner', 'system', 'domain'] as const) {
    if (row[key] === undefined) delete row[key];
  }
  return row;
}

/**
 * What the order and the statistics read of a row (name, owner when read, score and facts,
 * trend when its snapshot was read), without what only a shown row needs.
 */
function sortRowOf(
  entity: { ref: string; name: string; owner?: unknown },
  summary: ScoreSummary | undefined,
  snapshot: ScoreSnapshot | undefined,
): PortfolioEntity {
  return {
    entityRef: entity.ref,
    kind: '',
    namespace: '',
    name: lower(entity.name),
    owner: typeof entity.owner === 'string' ? entity.owner : undefined,
    tags: [],
    ...scoreFieldsOf(summary),
    trendDelta: snapshot
      ? trendDelta(summary?.score ?? null, snapshot.score)
      : null,
  };
}

/**
 * The portfolio: every scored entity the caller may read in the catalog, with filters,
 * grouping, sorting and a page. The catalog is asked, with the caller's credentials, which
 * entities match the owner, system, domain, tag and kind filters and may be read (the
 * catalog applies its permission policy in its own query); scores are then read for exactly
 * those entities, with the level filter in the score query. Nothing the caller may not
 * read is ever loaded, counted or exported.
 */
export class Portfolio {
  constructor(
    private readonly options: {
      catalog: CatalogService;
      scores: ScoreStore;
      settings: PortfolioSettings;
      now?: () => number;
    },
  ) {}

  private kindsOf(query: PortfolioQuery): string[] {
    const scored = this.options.settings.kinds;
    if (!query.kind) return scored;
    const unknown = query.kind.filter(k => !scored.includes(k));
    if (unknown.length) {
      throw new InputError(
        `Invalid request query: query.kind: ${unknown.join(
          ', ',
        )} is not scored; the scored kinds are ${scored.join(', ')}`,
      );
    }
    return query.kind;
  }

  /** The given level ids, each checked against the configured levels (else InputError). */
  private knownLevels(levels: string[], field: string): string[] {
    const ids = this.options.settings.levels.map(l => l.id);
    const unknown = levels.filter(l => !ids.includes(l));
    if (unknown.length) {
      throw new InputError(
        `Invalid request ${field}: ${unknown.join(
          ', ',
        )} is not a level; the levels are ${ids.join(', ')}`,
      );
    }
    return levels;
  }

  private levelsOf(query: PortfolioQuery): string[] | undefined {
    if (!query.level) return undefined;
    return this.knownLevels(query.level, 'query: query.level');
  }

  /**
   * The configured levels below the given one (levels are configured lowest first), for
   * "which entities are below walk" questions; InputError naming the levels for an unknown
   * one. `field` names the input in that message.
   */
  levelsBelow(levelId: string, field: string): ScoreLevelDefinition[] {
    const [id] = this.knownLevels([levelId], field);
    const { levels } = this.options.settings;
    return levels.slice(
      0,
      levels.findIndex(l => l.id === id),
    );
  }

  /** The `relations.partOf` values the system and domain filters allow, or undefined. */
  private async partOf(
    query: PortfolioQuery,
    credentials: BackstageCredentials,
  ): Promise<string[] | undefined> {
    if (!query.domain) return query.system;
    const { items } = await this.options.catalog.getEntities(
      {
        filter: { kind: 'system', 'relations.partOf': query.domain },
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    const inDomains = items.map(refOf);
    if (query.system) {
      return query.system.filter(s => inDomains.includes(s));
    }
    // Systems themselves are part of their domain.
    return [...inDomains, ...query.domain];
  }

  /**
   * The matching rows, sorted, with statistics and groups; `rows` holds the rows from
   * `offset`, `limit` of them (every one from `offset` when `limit` is undefined).
   *
   * The catalog is asked, with the caller's credentials, which entities match the owner,
   * system, domain, tag and kind filters and may be read (its permission filter is part of
   * its own query), the score table for their scores; the order and the statistics come from
   * those alone. For a page, the catalog answers with refs only (its facets of kind,
   * namespace and name: no entity is read or sent), and only the page's entities are then
   * read in full, by ref, with the caller's credentials again; sorting by owner also reads
   * each entity's owner. Grouping and the CSV of every row read every entity in full.
   */
  private async rowsOf(
    query: PortfolioQuery,
    credentials: BackstageCredentials,
    slice: { offset: number; limit: number | undefined },
  ): Promise<PortfolioResult> {
    const { catalog, scores, settings } = this.options;
    const now = (this.options.now ?? Date.now)();
    const kinds = this.kindsOf(query);
    const levels = this.levelsOf(query);
    const partOf = await this.partOf(query, credentials);
    const wide = Boolean(query.groupBy) || slice.limit === undefined;

    // Entities read (wide, or for their owners) or only their refs, with the name and owner
    // the order needs.
    let entities: Entity[] = [];
    let matching: Array<{ ref: string; name: string; owner?: unknown }> = [];
    if (!partOf || partOf.length > 0) {
      const filter: Record<string, string[]> = {};
      if (query.owner) filter['relations.ownedBy'] = query.owner;
      if (partOf) filter['relations.partOf'] = partOf;
      if (query.tag) filter['metadata.tags'] = query.tag;
      if (wide || query.sort === 'owner') {
        ({ items: entities } = await catalog.getEntities(
          {
            filter: { ...filter, kind: kinds },
            fields: wide ? ENTITY_FIELDS : [...REF_FIELDS, 'spec.owner'],
          },
          { credentials },
        ));
        matching = entities.map(e => ({
          ref: refOf(e),
          name: e.metadata.name,
          owner:
            e.spec?.owner === undefined
              ? undefined
              : refOrUndefined(
                  e.spec.owner,
                  'group',
                  e.metadata.namespace ?? 'default',
                ),
        }));
      } else {
        matching = await this.readableRefs(kinds, filter, credentials);
      }
    }

    const refs = matching.map(m => m.ref);
    const trendDay = utcDay(now) - query.trendDays * DAY;
    // The trend of every row is needed to sort or group by it; otherwise the page's.
    const allTrends = wide || query.sort === 'trend';
    const [summaries, snapshots, domains] = await Promise.all([
      scores.summaries(refs, { levels }),
      allTrends
        ? scores.snapshotsAtOrBefore(refs, trendDay)
        : new Map<string, ScoreSnapshot>(),
      wide ? this.domainsOf(entities, credentials) : new Map<string, string>(),
    ]);
    const byRef = new Map(summaries.map(s => [s.entityRef, s]));

    // Without wide the rows are only sorted and counted here (sortRowOf), and the page's
    // rows are then built from its entities read in full (complete).
    let rows: PortfolioEntity[] = [];
    matching.forEach((m, i) => {
      const summary = byRef.get(m.ref);
      if (levels && !summary) return;
      rows.push(
        wide
          ? rowOf(entities[i], m.ref, summary, snapshots.get(m.ref), domains)
          : sortRowOf(m, summary, snapshots.get(m.ref)),
      );
    });
    rows.sort(this.comparator(query));
    const result: PortfolioResult = {
      rows: [],
      totalItems: rows.length,
      offset: query.offset,
      limit: query.limit ?? DEFAULT_LIMIT,
      summary: portfolioStats(rows, settings.levels),
      levels: settings.levels,
      periodDays: settings.periodDays,
      trendDays: query.trendDays,
    };
    if (query.groupBy) {
      result.groupBy = query.groupBy;
      result.groups = this.groups(rows, query.groupBy);
    }
    rows =
      slice.limit === undefined
        ? rows.slice(slice.offset)
        : rows.slice(slice.offset, slice.offset + slice.limit);
    if (!wide && rows.length > 0) {
      rows = await this.complete(
        rows.map(r => r.entityRef),
        { byRef, trendDay },
        credentials,
        allTrends ? snapshots : undefined,
      );
    }
    result.rows = rows;
    return result;
  }

  /**
   * The refs (and names) of the entities of `kinds` matching `filter` that the caller may
   * read, from the catalog's facets (with the filter and the caller's credentials: the
   * catalog applies its permission filter to facets as to entities): first of kind,
   * namespace and name at once, which pair up when one kind and one namespace hold them all
   * (the usual case: one request); otherwise of name per kind and namespace. A few small
   * answers instead of every entity.
   */
  private async readableRefs(
    kinds: string[],
    filter: Record<string, string[]>,
    credentials: BackstageCredentials,
  ): Promise<Array<{ ref: string; name: string }>> {
    const facets = async (names: string[], where: Record<string, string[]>) =>
      (
        await this.options.catalog.getEntityFacets(
          { facets: names, filter: { ...filter, ...where } },
          { credentials },
        )
      ).facets;
    const entry = (kind: string, namespace: string) => (name: string) => ({
      ref: toEntityRef({ kind, namespace, name }),
      name,
    });
    const all = await facets(['kind', 'metadata.namespace', 'metadata.name'], {
      kind: kinds,
    });
    const kindsFound = all.kind ?? [];
    const namespaces = (all['metadata.namespace'] ?? []).map(f => f.value);
    if (kindsFound.length <= 1 && namespaces.length <= 1) {
      return kindsFound.length && namespaces.length
        ? (all['metadata.name'] ?? []).map(f =>
            entry(kindsFound[0].value, namespaces[0])(f.value),
          )
        : [];
    }
    const perPair = await Promise.all(
      kindsFound.flatMap(({ value: kind }) =>
        namespaces.map(
          async namespace =>
            (
              await facets(['metadata.name'], {
                kind: [kind],
                'metadata.namespace': [namespace],
              })
            )['metadata.name']?.map(f => entry(kind, namespace)(f.value)) ?? [],
        ),
      ),
    );
    return perPair.flat();
  }

  /**
   * The rows of a page, built from its entities read in full (by ref, with the caller's
   * credentials) and their systems' domains. An entity deleted since its ref was read is
   * left out.
   */
  private async complete(
    refs: string[],
    known: { byRef: Map<string, ScoreSummary>; trendDay: number },
    credentials: BackstageCredentials,
    allSnapshots?: Map<string, ScoreSnapshot>,
  ): Promise<PortfolioEntity[]> {
    const [{ items }, snapshots] = await Promise.all([
      this.options.catalog.getEntitiesByRefs(
        { entityRefs: refs, fields: ENTITY_FIELDS },
        { credentials },
      ),
      allSnapshots ??
        this.options.scores.snapshotsAtOrBefore(refs, known.trendDay),
    ]);
    const domains = await this.domainsOf(
      items.filter((e): e is Entity => Boolean(e)),
      credentials,
    );
    return items.flatMap((entity, i) =>
      entity
        ? [
            rowOf(
              entity,
              refs[i],
              known.byRef.get(refs[i]),
              snapshots.get(refs[i]),
              domains,
            ),
          ]
        : [],
    );
  }

  /** The JSON answer: one page of rows. */
  async page(
    query: PortfolioQuery,
    credentials: BackstageCredentials,
  ): Promise<PortfolioResponse> {
    const { rows, ...rest } = await this.rowsOf(query, credentials, {
      offset: query.offset,
      limit: query.limit ?? DEFAULT_LIMIT,
    });
    return { ...rest, items: rows };
  }

  /**
   * The CSV answer: the entity rows (every matching one unless `limit` is given), or with
   * `groupBy` the group rows. Text cells that a spreadsheet would run as a formula get a
   * leading `'`.
   */
  async csv(
    query: PortfolioQuery,
    credentials: BackstageCredentials,
  ): Promise<string> {
    const result = await this.rowsOf(query, credentials, {
      offset: query.offset,
      limit: query.limit,
    });
    const levelIds = result.levels.map(l => l.id);
    const cast = {
      string: (value: string) =>
        /^[=+\-@\t\r]/.test(value) ? `'${value}` : value,
      boolean: (value: boolean) => String(value),
    };
    if (result.groups) {
      return stringify(
        result.groups.map(g => ({
          [result.groupBy!]: g.key ?? '',
          count: g.count,
          scored: g.scored,
          mean: g.mean ?? '',
          median: g.median ?? '',
          ...Object.fromEntries(levelIds.map(id => [id, g.levels[id]])),
        })),
        {
          header: true,
          columns: [
            result.groupBy!,
            'count',
            'scored',
            'mean',
            'median',
            ...levelIds,
          ],
          cast,
        },
      );
    }
    const { rows } = result;
    const columns = [
      'entityRef',
      'kind',
      'namespace',
      'name',
      'title',
      'owner',
      'system',
      'domain',
      'tags',
      'score',
      'level',
      'sloCount',
      'worstBudgetRemaining',
      'sloCompliance',
      'incidents',
      'mttrSeconds',
      'trendDelta',
      'computedAt',
    ];
    return stringify(
      rows.map(row => ({ ...row, tags: row.tags.join(' ') })),
      { header: true, columns, cast },
    );
  }

  private groups(
    rows: PortfolioEntity[],
    groupBy: NonNullable<PortfolioQuery['groupBy']>,
  ): PortfolioGroup[] {
    const members = new Map<string | null, PortfolioEntity[]>();
    const add = (key: string | null, row: PortfolioEntity) => {
      const list = members.get(key) ?? [];
      list.push(row);
      members.set(key, list);
    };
    for (const row of rows) {
      if (groupBy === 'tag') {
        if (row.tags.length === 0) add(null, row);
        for (const tag of new Set(row.tags)) add(tag, row);
      } else {
        add(row[groupBy] ?? null, row);
      }
    }
    return [...members.entries()]
      .sort(([a], [b]) => {
        if (a === null) return 1;
        if (b === null) return -1;
        return a.localeCompare(b);
      })
      .map(([key, list]) => ({
        key,
        ...portfolioStats(list, this.options.settings.levels),
      }));
  }

  /** System ref -> domain ref of the systems of the rows, as the caller may read them. */
  private async domainsOf(
    entities: Entity[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, string>> {
    const systems = systemsOf(entities);
    if (systems.length === 0) return new Map();
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: systems,
        fields: ['kind', 'metadata.namespace', 'metadata.name', 'spec.domain'],
      },
      { credentials },
    );
    return domainsFrom(systems, items);
  }

  private comparator(
    query: PortfolioQuery,
  ): (a: PortfolioEntity, b: PortfolioEntity) => number {
    const rank = new Map(this.options.settings.levels.map((l, i) => [l.id, i]));
    const keyOf: Record<
      PortfolioQuery['sort'],
      (row: PortfolioEntity) => Comparable
    > = {
      score: r => r.score,
      level: r => (r.level === null ? null : rank.get(r.level) ?? null),
      name: r => r.name,
      owner: r => r.owner,
      trend: r => r.trendDelta,
      budget: r => r.worstBudgetRemaining,
      compliance: r => r.sloCompliance,
      incidents: r => r.incidents,
      mttr: r => r.mttrSeconds,
    };
    const key = keyOf[query.sort];
    const order =
      query.order ??
      (query.sort === 'name' || query.sort === 'owner' ? 'asc' : 'desc');
    const sign = order === 'asc' ? 1 : -1;
    return (a, b) => {
      const x = key(a);
      const y = key(b);
      // Rows without a value come last, whatever the order.
      if (x === null || x === undefined) {
        if (y !== null && y !== undefined) return 1;
      } else if (y === null || y === undefined) {
        return -1;
      } else if (x !== y) {
        const cmp =
          typeof x === 'number' && typeof y === 'number'
            ? x - y
            : COLLATOR.compare(String(x), String(y));
        if (cmp !== 0) return sign * cmp;
      }
      // Level ties are broken by score, then every tie by ref.
      if (query.sort === 'level' && a.score !== b.score) {
        if (a.score === null) return 1;
        if (b.score === null) return -1;
        return sign * (a.score - b.score);
      }
      return COLLATOR.compare(a.entityRef, b.entityRef);
    };
  }
}
