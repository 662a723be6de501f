import {
  MANUAL_INCIDENT_SOURCE,
  incidentTimeOrderErrors,
  type EntityIncidentRecordsResponse,
  type EntityIncidentsResponse,
  type Incident,
  type IncidentBudgetCost,
  type IncidentListQuery,
  type IncidentRecord,
  type IncidentSplitResponse,
  type IncidentStatsQuery,
  type IncidentStatsResponse,
  type ManualIncidentCreate,
  type ManualIncidentUpdate,
} from '@airworthy/plugin-operability-common';
import type { IncidentSourceConnection } from '@airworthy/plugin-operability-node';
import type { IncidentHistorySettings } from '../../config';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type {
  IncidentFilter,
  ManualIncidentFields,
  StoredIncident,
  StoredIncidentRecord,
} from '../../database/incidents/IncidentStore';
import type { IncidentBudgetCostCalculator } from './IncidentBudgetCost';
import { computeIncidentStats } from './incidentStats';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

/** Settings of the incident history (read by `config/incidents.ts`), and a clock for tests. */
export interface IncidentHistoryOptions extends IncidentHistorySettings {
  /** Clock, for tests. */
  now?: () => number;
}

const iso = (ms: number | undefined) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

/** What records and incidents share in the API: what happened, when, links and labels. */
function describedFields(
  x: Pick<
    StoredIncident,
    | 'title'
    | 'description'
    | 'severity'
    | 'status'
    | 'startedAt'
    | 'detectedAt'
    | 'acknowledgedAt'
    | 'resolvedAt'
    | 'links'
    | 'postMortem'
    | 'labels'
  >,
) {
  return {
    title: x.title,
    description: x.description,
    severity: x.severity,
    status: x.status,
    startedAt: iso(x.startedAt)!,
    detectedAt: iso(x.detectedAt)!,
    acknowledgedAt: iso(x.acknowledgedAt),
    resolvedAt: iso(x.resolvedAt),
    links: x.links,
    postMortem: x.postMortem,
    labels: x.labels,
  };
}

/** An incident record as the API serves it. */
export function toIncidentRecord(
  record: StoredIncidentRecord,
  budgetCost?: IncidentBudgetCost[],
): IncidentRecord {
  const result: IncidentRecord = {
    id: record.id,
    source: record.source,
    sourceKey: record.sourceKey,
    entityRefs: record.entityRefs,
    ...describedFields(record),
    createdAt: iso(record.createdAt)!,
    updatedAt: iso(record.updatedAt)!,
    incidentId: record.incidentId,
  };
  if (record.decision) {
    result.decision = { by: record.decision.by, at: iso(record.decision.at)! };
  }
  if (budgetCost) result.budgetCost = budgetCost;
  return result;
}

/** An incident, with its records, as the API serves it. */
export function toIncident(
  incident: StoredIncident,
  budgetCost?: IncidentBudgetCost[],
): Incident {
  const result: Incident = {
    id: incident.id,
    entityRef: incident.entityRef,
    ...describedFields(incident),
    sources: incident.sources,
    records: incident.records.map(r => toIncidentRecord(r)),
    createdAt: iso(incident.createdAt)!,
    updatedAt: iso(incident.updatedAt)!,
  };
  if (budgetCost) result.budgetCost = budgetCost;
  return result;
}

/**
 * The incidents of every entity: what sources record, manual incidents, lists and the
 * statistics of a period, and people's merges and splits.
 */
export class IncidentHistory {
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<OperabilityStore, 'incidents'>,
    private readonly options: IncidentHistoryOptions,
    private readonly budgetCost: IncidentBudgetCostCalculator,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** The connection a source records its observations and cursors through. */
  connectionFor(source: string): IncidentSourceConnection {
    const incidents = this.store.incidents;
    return {
      record: async delivery => {
        const now = this.now();
        for (const observation of delivery.observations) {
          this.refuseFuture(observation, now, "an observation's ");
        }
        return incidents.recordDelivery(source, delivery, now);
      },
      readCursor: key => incidents.readCursor(source, key),
      writeCursor: (key, value) =>
        incidents.writeCursor(source, key, value, this.now()),
    };
  }

  /** An entity's incidents (or, with `view=records`, its records), with their budget cost. */
  async list(
    entityRef: string,
    query: IncidentListQuery,
  ): Promise<EntityIncidentsResponse | EntityIncidentRecordsResponse> {
    const filter: IncidentFilter = {
      entityRef,
      severities: query.severity,
      statuses: query.status,
      sources: query.source,
      from: query.from,
      to: query.to,
      match: query.match,
    };
    const page = { offset: query.offset, limit: query.limit };
    const { incidents } = this.store;
    const now = this.now();
    if (query.view === 'records') {
      const { items, totalItems } = await incidents.listRecords(filter, page);
      const costs = await this.budgetCost.forIncidents(entityRef, items, now);
      return {
        entityRef,
        items: items.map(r => toIncidentRecord(r, costs.get(r.id) ?? [])),
        totalItems,
        ...page,
      };
    }
    const { items, totalItems } = await incidents.listIncidents(filter, page);
    const costs = await this.budgetCost.forIncidents(entityRef, items, now);
    return {
      entityRef,
      items: items.map(i => toIncident(i, costs.get(i.id) ?? [])),
      totalItems,
      ...page,
    };
  }

  async get(id: string): Promise<StoredIncident> {
    const incident = await this.store.incidents.getIncident(id);
    if (!incident) throw new NotFoundError(`No incident ${id}`);
    return incident;
  }

  async getRecord(id: string): Promise<StoredIncidentRecord> {
    const record = await this.store.incidents.getRecord(id);
    if (!record) throw new NotFoundError(`No incident record ${id}`);
    return record;
  }

  async stats(
    entityRef: string,
    query: IncidentStatsQuery,
  ): Promise<IncidentStatsResponse> {
    const now = this.now();
    const to = query.to ?? now;
    const from = query.from ?? to - this.options.statsPeriodDays * DAY;
    if (from >= to) {
      throw new InputError(
        `Invalid request query: query.from must be before ${new Date(
          to,
        ).toISOString()}`,
      );
    }
    const incidents = await this.store.incidents.listIncidentsOverlapping(
      entityRef,
      from,
      to,
    );
    const started = incidents.filter(
      i => i.startedAt >= from && i.startedAt < to,
    );
    const costs = await this.budgetCost.forIncidents(entityRef, started, now);
    return {
      ...computeIncidentStats({
        entityRef,
        incidents,
        from,
        to,
        now,
        postMortemSeverities: this.options.postMortemSeverities,
      }),
      budgetCost: started.map(incident => ({
        incidentId: incident.id,
        title: incident.title,
        startedAt: new Date(incident.startedAt).toISOString(),
        resolvedAt:
          incident.resolvedAt === undefined
            ? undefined
            : new Date(incident.resolvedAt).toISOString(),
        budgetCost: costs.get(incident.id) ?? [],
      })),
    };
  }

  /**
   * Merges incident `otherId` into `incident` (both of one entity; 409 otherwise): their
   * records stay one incident across later deliveries and regrouping.
   */
  async merge(
    incident: StoredIncident,
    otherId: string,
    decidedBy: string,
  ): Promise<Incident> {
    return toIncident(
      await this.store.incidents.merge(
        incident.id,
        otherId,
        decidedBy,
        this.now(),
      ),
    );
  }

  /** Takes a record out of an incident into one of its own, for good. */
  async split(
    incident: StoredIncident,
    recordId: string,
    decidedBy: string,
  ): Promise<IncidentSplitResponse> {
    const result = await this.store.incidents.split(
      incident.id,
      recordId,
      decidedBy,
      this.now(),
    );
    return {
      incident: toIncident(result.incident),
      split: toIncident(result.split),
    };
  }

  async createManual(
    entityRef: string,
    input: ManualIncidentCreate,
  ): Promise<IncidentRecord> {
    const now = this.now();
    this.refuseFuture(input, now, 'body.');
    const record = await this.store.incidents.createManual(
      entityRef,
      input,
      now,
    );
    return toIncidentRecord(record);
  }

  /**
   * Applies a change to a manual incident (fields left out keep their value, `null`
   * clears). Incidents of other sources are changed at their source: 409.
   */
  async updateManual(
    record: StoredIncidentRecord,
    update: ManualIncidentUpdate,
  ): Promise<IncidentRecord> {
    if (record.source !== MANUAL_INCIDENT_SOURCE) {
      throw new ConflictError(
        `Incident ${record.id} comes from ${record.source} and changes there; only manual incidents can be changed through the API`,
      );
    }
    const pick = <T>(value: T | undefined, current: T) =>
      value === undefined ? current : value;
    const links = { ...record.links };
    for (const key of ['issue', 'postMortem', 'runbook'] as const) {
      const value = update.links?.[key];
      if (value === null) delete links[key];
      else if (value !== undefined) links[key] = value;
    }
    const fields: ManualIncidentFields = {
      title: pick(update.title, record.title),
      description: pick(update.description, record.description),
      severity: pick(update.severity, record.severity),
      startedAt: pick(update.startedAt, record.startedAt),
      detectedAt: pick(update.detectedAt, record.detectedAt),
      acknowledgedAt: pick(update.acknowledgedAt, record.acknowledgedAt),
      resolvedAt: pick(update.resolvedAt, record.resolvedAt),
      links,
      labels: pick(update.labels, record.labels),
      postMortem: pick(update.postMortem, record.postMortem),
    };
    this.refuseFuture(fields, this.now(), 'body.');
    const errors = incidentTimeOrderErrors(fields);
    if (errors.length) {
      throw new InputError(
        `Invalid request body: ${errors
          .map(e => `body.${e.path}: ${e.message} (after the change)`)
          .join('; ')}`,
      );
    }
    const updated = await this.store.incidents.updateManual(
      record.id,
      fields,
      this.now(),
    );
    if (!updated) throw new NotFoundError(`No incident record ${record.id}`);
    return toIncidentRecord(updated);
  }

  /**
   * InputError for instants more than `maxFutureMs` ahead of now: an incident cannot start,
   * be noticed, acknowledged or end in the future (clocks may differ by that much).
   */
  private refuseFuture(
    times: {
      startedAt?: number;
      detectedAt?: number | null;
      acknowledgedAt?: number | null;
      resolvedAt?: number | null;
    },
    now: number,
    prefix: string,
  ): void {
    const latest = now + this.options.maxFutureMs;
    const problems = (
      ['startedAt', 'detectedAt', 'acknowledgedAt', 'resolvedAt'] as const
    )
      .filter(name => (times[name] ?? -Infinity) > latest)
      .map(
        name =>
          `${prefix}${name}: must not be later than ${new Date(
            latest,
          ).toISOString()} (now plus operability.incidents.maxFuture)`,
      );
    if (problems.length) {
      throw new InputError(`Invalid request body: ${problems.join('; ')}`);
    }
  }
}
