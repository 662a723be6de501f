import {
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_GITHUB_INCIDENTS,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
  decideAlert,
  errorBudget,
  multiwindowTable,
  toEntityRef,
  type EntityScoreFacts,
  type ScoreCheckDefinition,
  type SloBudget,
} from '@airworthy/plugin-operability-common';
import type {
  ScoreCheckContext,
  ScoreIncidentFacts,
  ScoreSloFacts,
} from '@airworthy/plugin-operability-node';
import type { AuthService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { OperabilityStore } from '../../database/OperabilityStore';
import { alignDown } from '../../database/sli/SliStore';
import {
  toIncident,
  toIncidentRecord,
  type IncidentHistory,
} from '../incidents/IncidentHistory';
import type { BudgetEvaluator } from '../slo/BudgetEvaluator';
import type { SloRegistry } from '../slo/SloRegistry';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

/** The budget of an evaluated SLO over its period; undefined before it has data. */
export function sloBudget(slo: ScoreSloFacts): SloBudget | undefined {
  const { budget } = slo.summary;
  return budget && budget.total > 0 ? budget : undefined;
}

/** Annotations that name an incident source of the entity. */
export const INCIDENT_SOURCE_ANNOTATIONS = [
  ANNOTATION_ALERT_SELECTOR,
  ANNOTATION_GITHUB_INCIDENTS,
  ANNOTATION_PAGERDUTY_SERVICE_ID,
];

/** What the scorer needs to build the data checks read. */
export interface ScoreDataSources {
  store: Pick<OperabilityStore, 'slos' | 'sli' | 'incidents' | 'evaluations'>;
  sloRegistry: SloRegistry;
  incidentHistory: IncidentHistory;
  catalog: CatalogService;
  auth: AuthService;
  periodDays: number;
  /** Evaluates SLOs as of a past instant, for score history. */
  evaluator: Pick<BudgetEvaluator, 'evaluate'>;
  /** The current time (default `Date.now`). */
  clock?: () => number;
}

/** The data of one entity at one instant, loaded once and shared by its checks. */
export interface EntityScoreData {
  entity: Entity;
  entityRef: string;
  now: number;
  periodStart: number;
  slos(): Promise<ScoreSloFacts[]>;
  incidents(): Promise<ScoreIncidentFacts>;
  getEntitiesByRefs(refs: string[]): Promise<Array<Entity | undefined>>;
  /** The context of one check over this data. */
  contextFor(definition: ScoreCheckDefinition): ScoreCheckContext;
  /** The facts the portfolio shows. */
  facts(): Promise<EntityScoreFacts>;
}

/** Memoizes an async function of no arguments. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let promise: Promise<T> | undefined;
  return () => {
    promise ??= load();
    return promise;
  };
}

/**
 * Builds the data checks read: SLOs with their evaluation, data freshness and critical
 * alerts; incidents and their statistics over the scoring period; catalog lookups with the
 * plugin's own credentials. A scoring run shares one lookup cache across entities (owners
 * repeat).
 */
export class ScoreContextFactory {
  constructor(private readonly sources: ScoreDataSources) {}

  /** A catalog lookup with a cache, for one scoring run. */
  createLookup(): (refs: string[]) => Promise<Array<Entity | undefined>> {
    const { catalog, auth } = this.sources;
    const cache = new Map<string, Promise<Entity | undefined>>();
    return async refs => {
      const missing = refs.filter(ref => !cache.has(ref));
      if (missing.length) {
        const loaded = (async () => {
          const { items } = await catalog.getEntitiesByRefs(
            {
              entityRefs: missing,
              fields: ['kind', 'metadata.namespace', 'metadata.name'],
            },
            { credentials: await auth.getOwnServiceCredentials() },
          );
          return items;
        })();
        missing.forEach((ref, i) =>
          cache.set(
            ref,
            loaded.then(items => items[i] ?? undefined),
          ),
        );
      }
      return Promise.all(refs.map(ref => cache.get(ref)!));
    };
  }

  /**
   * Until when every SLO of the entity that a source collects holds its data (Infinity when
   * none is collected: their data is pushed; 0 while one has never been collected).
   */
  async collectedUntil(entityRef: string): Promise<number> {
    const { store, sloRegistry } = this.sources;
    const summaries = await sloRegistry.summarize(
      await store.slos.listByEntity(entityRef),
    );
    return Math.min(
      Infinity,
      ...summaries
        .filter(s => s.collection?.source)
        .map(s =>
          s.collection?.collectedUntil
            ? Date.parse(s.collection.collectedUntil)
            : 0,
        ),
    );
  }

  /**
   * The data of `entity` at `now`. With `history`, `now` is an instant in the past: SLOs are
   * evaluated as of then from the SLI store (at the resolution it still holds for that
   * time), and data flows up to then at most.
   */
  forEntity(
    entity: Entity,
    now: number,
    lookup: (
      refs: string[],
    ) => Promise<Array<Entity | undefined>> = this.createLookup(),
    options: { history?: boolean } = {},
  ): EntityScoreData {
    const { store, sloRegistry, incidentHistory, periodDays, evaluator } =
      this.sources;
    const clock = (this.sources.clock ?? Date.now)();
    const entityRef = toEntityRef({
      kind: entity.kind,
      namespace: entity.metadata.namespace ?? 'default',
      name: entity.metadata.name,
    });
    const periodStart = now - periodDays * DAY;
    const baseWidth = store.sli.levels[0].widthMs;

    // Records, not incidents: each alert record says which SLO's burn-rate alert fired.
    const alertRecords = new Map<
      number,
      ReturnType<typeof toIncidentRecord>[]
    >();
    const burnAlertRecords = async (from: number) => {
      if (!alertRecords.has(from)) {
        const records = await store.incidents.listRecordsOverlapping(
          entityRef,
          from,
          now,
        );
        alertRecords.set(
          from,
          records
            .filter(r => r.severity === 'critical')
            .map(r => toIncidentRecord(r)),
        );
      }
      return alertRecords.get(from)!;
    };

    const slos = once(async (): Promise<ScoreSloFacts[]> => {
      const records = await store.slos.listByEntity(entityRef);
      const summaries = await sloRegistry.summarize(records);
      return Promise.all(
        records.map(async (record, i) => {
          const definition = record.definition;
          let summary = summaries[i];
          const latest = await store.sli.getLatestBucketStart(record.id);
          let dataUntil = latest === undefined ? undefined : latest + baseWidth;
          if (options.history) {
            const { status, ...evaluation } = await evaluator.evaluate(
              record,
              now,
              undefined,
              clock,
            );
            summary = { ...summary, ...evaluation, status };
            if (evaluation.budget.total === 0) {
              dataUntil = undefined;
            } else if (dataUntil !== undefined && dataUntil > now) {
              dataUntil = alignDown(now, baseWidth);
            }
          }
          return {
            summary,
            definition,
            dataUntil,
            async criticalAlertsSince(from: number) {
              const times: number[] = [];
              if (summary.alertSeverity === 'page' && summary.evaluatedAt) {
                times.push(Date.parse(summary.evaluatedAt));
              }
              // Snapshots: the page rows of the alert table, from the stored burn rates.
              const table = multiwindowTable(
                definition.timeWindow.durationMs,
                definition.target,
              );
              const budget = errorBudget(definition.target);
              for (const snapshot of await store.evaluations.snapshots(
                record.id,
                from,
                now,
              )) {
                const decision = decideAlert(definition.target, table, w => {
                  const rate = snapshot.burnRates[w];
                  return rate === null || rate === undefined
                    ? null
                    : rate * budget;
                });
                if (
                  snapshot.status === 'critical' ||
                  decision.severity === 'page'
                ) {
                  times.push(snapshot.takenAt);
                }
              }
              // Alertmanager incidents of the burn-rate alerts generated for this SLO.
              for (const incident of await burnAlertRecords(from)) {
                if (
                  incident.labels.includes(`sloth_id=${definition.ref}`) ||
                  incident.labels.includes(`sloth_slo=${definition.name}`)
                ) {
                  times.push(
                    Math.min(
                      now,
                      incident.resolvedAt
                        ? Date.parse(incident.resolvedAt)
                        : now,
                    ),
                  );
                }
              }
              return times.filter(t => t >= from).sort((a, b) => a - b);
            },
          };
        }),
      );
    });

    const incidents = once(async (): Promise<ScoreIncidentFacts> => {
      const [stats, overlapping] = await Promise.all([
        incidentHistory.stats(entityRef, { from: periodStart, to: now }),
        store.incidents.listIncidentsOverlapping(entityRef, periodStart, now),
      ]);
      let connected = INCIDENT_SOURCE_ANNOTATIONS.some(a =>
        Boolean(entity.metadata.annotations?.[a]?.trim()),
      );
      if (!connected) {
        connected =
          overlapping.length > 0 ||
          (
            await store.incidents.listIncidents(
              { entityRef },
              { offset: 0, limit: 1 },
            )
          ).totalItems > 0;
      }
      return {
        connected,
        stats,
        incidents: overlapping.map(i => toIncident(i)),
      };
    });

    const data: EntityScoreData = {
      entity,
      entityRef,
      now,
      periodStart,
      slos,
      incidents,
      getEntitiesByRefs: lookup,
      contextFor: definition => ({
        entity,
        entityRef,
        now,
        periodStart,
        definition,
        slos,
        incidents,
        getEntitiesByRefs: lookup,
      }),
      async facts() {
        const [sloFacts, incidentFacts] = await Promise.all([
          slos(),
          incidents(),
        ]);
        const measured = sloFacts.flatMap(s => {
          const budget = sloBudget(s);
          return budget ? [{ budget, target: s.summary.target }] : [];
        });
        return {
          sloCount: sloFacts.length,
          worstBudgetRemaining: measured.length
            ? Math.min(...measured.map(m => m.budget.remaining))
            : null,
          sloCompliance: measured.length
            ? measured.filter(m => (m.budget.sli ?? 0) >= m.target).length /
              measured.length
            : null,
          incidents: incidentFacts.connected ? incidentFacts.stats.count : null,
          mttrSeconds: incidentFacts.stats.mttr.meanSeconds ?? null,
          periodFrom: new Date(periodStart).toISOString(),
          periodTo: new Date(now).toISOString(),
        };
      },
    };
    return data;
  }
}
