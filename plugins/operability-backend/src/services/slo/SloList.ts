import {
  SLO_STATUSES,
  sloListDefaultOrder,
  toEntityRef,
  type SloListItem,
  type SloListQuery,
  type SloListResponse,
  type SloStatus,
  type SloSummary,
} from '@airworthy/plugin-operability-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { SloRecord } from '../../database/slo/SloStore';
import type { EntityAccess } from '../access/EntityAccess';
import type { SloRegistry } from './SloRegistry';

const DEFAULT_LIMIT = 50;
/** Refs per catalog request (well below what the catalog accepts in one body). */
const REFS_PER_REQUEST = 500;

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** The status rank used for sorting: the worst status is the highest. */
const STATUS_RANK = new Map<SloStatus, number>(
  SLO_STATUSES.map((status, i) => [status, SLO_STATUSES.length - i]),
);

/** The burn rate the list shows and sorts by: the last hour's (as the exhaustion forecast). */
export function listBurnRate(slo: SloSummary): number | null {
  return slo.burnRates?.find(b => b.window === '1h')?.burnRate ?? null;
}

type Comparable = number | string | null | undefined;

/**
 * The SLO list: every SLO in force of every entity the caller may read, with filters, a
 * search, sorting and a page. Which entities the caller may read is the catalog's answer
 * to a request made with the caller's credentials (as for the portfolio): SLOs of other
 * entities are never counted, filtered on or returned.
 */
export class SloList {
  constructor(
    private readonly options: {
      store: Pick<OperabilityStore, 'slos'>;
      registry: Pick<SloRegistry, 'summarize'>;
      catalog: CatalogService;
      entityAccess: Pick<EntityAccess, 'catalogCredentials'>;
    },
  ) {}

  async list(
    query: SloListQuery,
    credentials: BackstageCredentials,
  ): Promise<SloListResponse> {
    const { store, registry } = this.options;
    const catalogCredentials =
      await this.options.entityAccess.catalogCredentials(credentials);
    let records = await store.slos.listAll();
    if (query.entity) {
      const wanted = new Set(query.entity);
      records = records.filter(r => wanted.has(lower(r.entityRef)));
    }
    if (query.source) {
      const sources = new Set<string>(query.source);
      records = records.filter(r => sources.has(r.source));
    }

    const entities = await this.readableEntities(
      [...new Set(records.map(r => r.entityRef))],
      catalogCredentials,
    );
    const owners = new Map<string, string | undefined>();
    for (const [ref, entity] of entities) owners.set(ref, ownerOf(entity));
    records = records.filter(r => entities.has(r.entityRef));
    if (query.owner) {
      const wanted = new Set(query.owner);
      records = records.filter(r => {
        const owner = owners.get(r.entityRef);
        return owner !== undefined && wanted.has(owner);
      });
    }
    if (query.q) {
      const text = lower(query.q.trim());
      records = records.filter(r =>
        matches(r, entities.get(r.entityRef), text),
      );
    }

    const summaries = await registry.summarize(records);
    const statusCounts = Object.fromEntries(
      SLO_STATUSES.map(s => [s, 0]),
    ) as Record<SloStatus, number>;
    for (const slo of summaries) statusCounts[slo.status]++;
    const statuses = query.status && new Set<string>(query.status);
    const rows: SloListItem[] = summaries
      .filter(slo => !statuses || statuses.has(slo.status))
      .map(slo => {
        const entity = entities.get(slo.entityRef);
        const owner = owners.get(slo.entityRef);
        return {
          ...slo,
          ...(entity?.metadata.title
            ? { entityTitle: entity.metadata.title }
            : {}),
          ...(owner ? { owner } : {}),
        };
      });
    rows.sort(comparator(query));
    const limit = query.limit ?? DEFAULT_LIMIT;
    return {
      items: rows.slice(query.offset, query.offset + limit),
      totalItems: rows.length,
      offset: query.offset,
      limit,
      statusCounts,
    };
  }

  /** The entities of `refs` the caller may read, by ref. */
  private async readableEntities(
    refs: string[],
    credentials: BackstageCredentials,
  ): Promise<Map<string, Entity>> {
    const result = new Map<string, Entity>();
    for (let i = 0; i < refs.length; i += REFS_PER_REQUEST) {
      const chunk = refs.slice(i, i + REFS_PER_REQUEST);
      const { items } = await this.options.catalog.getEntitiesByRefs(
        {
          entityRefs: chunk,
          fields: [
            'kind',
            'metadata.namespace',
            'metadata.name',
            'metadata.title',
            'spec.owner',
          ],
        },
        { credentials },
      );
      items.forEach((entity, j) => {
        if (entity) result.set(chunk[j], entity);
      });
    }
    return result;
  }
}

function ownerOf(entity: Entity): string | undefined {
  const owner = entity.spec?.owner;
  if (typeof owner !== 'string' || !owner.trim()) return undefined;
  try {
    return lower(
      toEntityRef(owner.trim(), {
        defaultKind: 'group',
        defaultNamespace: entity.metadata.namespace ?? 'default',
      }),
    );
  } catch {
    return undefined;
  }
}

/** Whether the SLO's name, title or entity (ref or title) contains the search text. */
function matches(
  record: SloRecord,
  entity: Entity | undefined,
  text: string,
): boolean {
  return [
    record.name,
    record.displayName,
    record.entityRef,
    entity?.metadata.title,
  ].some(value => value !== undefined && lower(value).includes(text));
}

function comparator(
  query: SloListQuery,
): (a: SloListItem, b: SloListItem) => number {
  const keyOf: Record<SloListQuery['sort'], (slo: SloListItem) => Comparable> =
    {
      status: s => STATUS_RANK.get(s.status) ?? 0,
      budget: s => (s.budget && s.budget.total > 0 ? s.budget.remaining : null),
      burn: s => listBurnRate(s),
      name: s => lower(s.displayName ?? s.name),
      entity: s => lower(s.entityTitle ?? s.entityRef),
      target: s => s.target,
    };
  const key = keyOf[query.sort];
  const sign =
    (query.order ?? sloListDefaultOrder(query.sort)) === 'asc' ? 1 : -1;
  const budget = keyOf.budget;
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    // SLOs without a value come last, whatever the order.
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
    // Status ties: the least budget left first.
    if (query.sort === 'status') {
      const bx = budget(a);
      const by = budget(b);
      if (bx !== by) {
        if (bx === null || bx === undefined) return 1;
        if (by === null || by === undefined) return -1;
        return (bx as number) - (by as number);
      }
    }
    return a.entityRef.localeCompare(b.entityRef) || a.ref.localeCompare(b.ref);
  };
}
