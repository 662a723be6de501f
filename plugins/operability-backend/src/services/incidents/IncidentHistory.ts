import {
  MANUAL_INCIDENT_SOURCE,
  incidentTimeOrderErrors,
  type EntityIncidentsResponse,
  type Incident,
  type IncidentListQuery,
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
  IncidentRecord,
  ManualIncidentFields,
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

/** An incident record as the API serves it. */
export function toIncident(record: IncidentRecord): Incident {
  return {
    id: record.id,
    source: record.source,
    sourceKey: record.sourceKey,
    entityRefs: record.entityRefs,
    title: record.title,
    description: record.description,
    severity: record.severity,
    status: record.status,
    startedAt: iso(record.startedAt)!,
    detectedAt: iso(record.detectedAt)!,
    acknowledgedAt: iso(record.acknowledgedAt),
    resolvedAt: iso(record.resolvedAt),
    links: record.links,
    postMortem: record.postMortem,
    labels: record.labels,
    createdAt: iso(record.createdAt)!,
    updatedAt: iso(record.updatedAt)!,
  };
}

/**
 * The incidents of every entity: what sources record, manual incidents, lists and the
 * statistics of a period.
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

  async list(
    entityRef: string,
    query: IncidentListQuery,
  ): Promise<EntityIncidentsResponse> {
    const { items, totalItems } = await this.store.incidents.list(
      {
        entityRef,
        severities: query.severity,
        statuses: query.status,
        sources: query.source,
        from: query.from,
        to: query.to,
        match: query.match,
      },
      { offset: query.offset, limit: query.limit },
    );
    const costs = await this.budgetCost.forIncidents(
      entityRef,
      items,
      this.now(),
    );
    return {
      entityRef,
      items: items.map(record => ({
        ...toIncident(record),
        budgetCost: costs.get(record.id) ?? [],
      })),
      totalItems,
      offset: query.offset,
      limit: query.limit,
    };
  }

  async get(id: string): Promise<IncidentRecord> {
    const record = await this.store.incidents.get(id);
    if (!record) throw new NotFoundError(`No incident ${id}`);
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
    const incidents = await this.store.incidents.listOverlapping(
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

  async createManual(
    entityRef: string,
    input: ManualIncidentCreate,
  ): Promise<Incident> {
    const now = this.now();
    this.refuseFuture(input, now, 'body.');
    const record = await this.store.incidents.createManual(
      entityRef,
      input,
      now,
    );
    return toIncident(record);
  }

  /**
   * Applies a change to a manual incident (fields left out keep their value, `null`
   * clears). Incidents of other sources are changed at their source: 409.
   */
  async updateManual(
    record: IncidentRecord,
    update: ManualIncidentUpdate,
  ): Promise<Incident> {
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
    if (!updated) throw new NotFoundError(`No incident ${record.id}`);
    return toIncident(updated);
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
