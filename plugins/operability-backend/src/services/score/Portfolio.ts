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
import type { ScoreStore } from '../../database/score/ScoreStore';
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

/** The portfolio's rows, sorted, with their statistics, before a page is cut. */
export interface PortfolioResult extends Omit<PortfolioResponse, 'items'> {
  /** Every matching row, sorted. */
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

  /** Every matching row, sorted, with statistics and groups. */
  async query(
    query: PortfolioQuery,
    credentials: BackstageCredentials,
  ): Promise<PortfolioResult> {
    const { catalog, scores, settings } = this.options;
    const now = (this.options.now ?? Date.now)();
    const kinds = this.kindsOf(query);
    const levels = this.levelsOf(query);
    const partOf = await this.partOf(query, credentials);

    let entities: Entity[] = [];
    if (!partOf || partOf.length > 0) {
      const filter: Record<string, string[]> = { kind: kinds };
      if (query.owner) filter['relations.ownedBy'] = query.owner;
      if (partOf) filter['relations.partOf'] = partOf;
      if (query.tag) filter['metadata.tags'] = query.tag;
      ({ items: entities } = await catalog.getEntities(
        {
          filter,
          fields: [
            'kind',
            'metadata.namespace',
            'metadata.name',
            'metadata.title',
            'metadata.tags',
            'spec.owner',
            'spec.system',
            'spec.domain',
          ],
        },
        { credentials },
      ));
    }

    const refs = entities.map(refOf);
    const [summaries, snapshots, domains] = await Promise.all([
      scores.summaries(refs, { levels }),
      scores.snapshotsAtOrBefore(refs, utcDay(now) - query.trendDays * DAY),
      this.domainsOf(entities, credentials),
    ]);
    const byRef = new Map(summaries.map(s => [s.entityRef, s]));

    const rows: PortfolioEntity[] = [];
    entities.forEach((entity, i) => {
      const ref = refs[i];
      const summary = byRef.get(ref);
      if (levels && !summary) return;
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
        score: summary?.score ?? null,
        level: summary?.level ?? null,
        ...(summary
          ? { computedAt: new Date(summary.computedAt).toISOString() }
          : {}),
        sloCount: summary?.sloCount ?? 0,
        worstBudgetRemaining: summary?.worstBudgetRemaining ?? null,
        sloCompliance: summary?.sloCompliance ?? null,
        incidents: summary ? summary.incidents : null,
        mttrSeconds: summary?.mttrSeconds ?? null,
        trendDelta: trendDelta(
          summary?.score ?? null,
          snapshots.get(ref)?.score ?? null,
        ),
      };
      for (const key of ['owner', 'system', 'domain'] as const) {
        if (row[key] === undefined) delete row[key];
      }
      rows.push(row);
    });

    rows.sort(this.comparator(query));
    const result: PortfolioResult = {
      rows,
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
    return result;
  }

  /** The JSON answer: one page of rows. */
  async page(
    query: PortfolioQuery,
    credentials: BackstageCredentials,
  ): Promise<PortfolioResponse> {
    const { rows, ...rest } = await this.query(query, credentials);
    return {
      ...rest,
      items: rows.slice(rest.offset, rest.offset + rest.limit),
    };
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
    const result = await this.query(query, credentials);
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
    const rows =
      query.limit === undefined
        ? result.rows.slice(query.offset)
        : result.rows.slice(query.offset, query.offset + query.limit);
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
    const systems = [
      ...new Set(
        entities.flatMap(e => {
          const ref = refOrUndefined(
            e.spec?.system,
            'system',
            e.metadata.namespace ?? 'default',
          );
          return ref ? [ref] : [];
        }),
      ),
    ];
    const result = new Map<string, string>();
    if (systems.length === 0) return result;
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs: systems,
        fields: ['kind', 'metadata.namespace', 'metadata.name', 'spec.domain'],
      },
      { credentials },
    );
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
            : String(x).localeCompare(String(y));
        if (cmp !== 0) return sign * cmp;
      }
      // Level ties are broken by score, then every tie by ref.
      if (query.sort === 'level' && a.score !== b.score) {
        if (a.score === null) return 1;
        if (b.score === null) return -1;
        return sign * (a.score - b.score);
      }
      return a.entityRef.localeCompare(b.entityRef);
    };
  }
}
