import {
  badEvents,
  evaluateBudget,
  type IncidentBudgetCost,
} from '@airworthy/plugin-operability-common';
import pLimit from 'p-limit';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { SloRecord } from '../../database/slo/SloStore';
import { budgetPeriod } from '../slo/BudgetEvaluator';

const iso = (ms: number) => new Date(ms).toISOString();

/** What the budget cost is computed for: an incident's (or a record's) span. */
export interface BudgetCostSpan {
  id: string;
  startedAt: number;
  /** Undefined while it lasts (then until now). */
  resolvedAt?: number;
}

/**
 * The error budget each incident burned, per SLO of an entity, from the SLI store's
 * good/total counts: bad events from the incident's start to its end (or now) over the
 * budget, in events, of the SLO's period ending there. Sums of counts, never averages of
 * ratios; the period's budget comes from the engine's `evaluateBudget`.
 */
export class IncidentBudgetCostCalculator {
  private readonly limit: ReturnType<typeof pLimit>;

  constructor(
    private readonly store: Pick<OperabilityStore, 'slos' | 'sli'>,
    options: { concurrency?: number } = {},
  ) {
    this.limit = pLimit(options.concurrency ?? 8);
  }

  /**
   * The budget cost of each incident (by id), for every SLO of the entity: an incident is
   * charged once for its whole span, however many records it has.
   */
  async forIncidents(
    entityRef: string,
    incidents: ReadonlyArray<BudgetCostSpan>,
    now: number,
  ): Promise<Map<string, IncidentBudgetCost[]>> {
    const slos = incidents.length
      ? await this.store.slos.listByEntity(entityRef)
      : [];
    const costs = new Map<string, IncidentBudgetCost[]>();
    await Promise.all(
      incidents.map(async incident => {
        costs.set(
          incident.id,
          await Promise.all(
            slos.map(slo => this.limit(() => this.cost(slo, incident, now))),
          ),
        );
      }),
    );
    return costs;
  }

  private async cost(
    slo: SloRecord,
    incident: BudgetCostSpan,
    now: number,
  ): Promise<IncidentBudgetCost> {
    const { sli } = this.store;
    const end = Math.max(
      Math.min(incident.resolvedAt ?? now, now),
      incident.startedAt,
    );
    const during = await sli.getCounts(slo.id, incident.startedAt, end, now);
    const period = budgetPeriod(slo.definition, during.to);
    const periodCounts = await sli.getCounts(
      slo.id,
      period.start,
      period.end,
      now,
    );
    const { budgetEvents } = evaluateBudget({
      target: slo.target,
      periodMs: period.periodMs,
      counts: periodCounts,
      elapsedMs: period.elapsedMs,
    });
    const eventBudget =
      slo.definition.budgetingMethod === 'Occurrences' && budgetEvents > 0;
    return {
      sloId: slo.id,
      sloRef: slo.ref,
      sloDisplayName: slo.displayName,
      name: slo.name,
      target: slo.target,
      period: slo.period,
      from: iso(during.from),
      to: iso(during.to),
      good: during.good,
      total: during.total,
      share: eventBudget ? badEvents(during) / budgetEvents : undefined,
    };
  }
}
