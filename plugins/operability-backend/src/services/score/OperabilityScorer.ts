import {
  ANNOTATION_EXEMPTIONS,
  computeScore,
  levelOf,
  nextLevelOf,
  parseExemptionsAnnotation,
  toEntityRef,
  type EntityScoreResponse,
  type ScoreCheckOutcomeInput,
  type ScoreExemption,
  type ScoreHistoryResponse,
  type ScoreSettingsResponse,
  type ScoreTrend,
} from '@airworthy/plugin-operability-common';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { NotFoundError } from '@backstage/errors';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import pLimit from 'p-limit';
import type { ExemptionRecord } from '../../database/score/ExemptionStore';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { ScoreRecord } from '../../database/score/ScoreStore';
import type { ScoreContextFactory } from './ScoreContext';
import type { ScoreSettings } from '../../config/score';
import { TIME } from '@airworthy/plugin-operability-common';

const { DAY } = TIME;

/** Start of the UTC day of an instant. */
export const utcDay = (t: number) => Math.floor(t / DAY) * DAY;

const isoDay = (day: number) => new Date(day).toISOString().slice(0, 10);

/** The trend periods of the score page. */
export const TREND_DAYS = [28, 90];

/** The canonical ref of an entity. */
export function refOf(entity: Entity): string {
  return toEntityRef({
    kind: entity.kind,
    namespace: entity.metadata.namespace ?? 'default',
    name: entity.metadata.name,
  });
}

/**
 * The exemptions of an entity, from its annotation and the API, as of `now`: each with
 * `active` (not expired), and the problems of the annotation. Annotation entries that name
 * an unknown check or expire more than `maxDays` ahead are reported and left out.
 */
export function collectExemptions(options: {
  entity: Entity;
  records: ExemptionRecord[];
  checkIds: ReadonlySet<string>;
  maxDays: number;
  now: number;
}): { exemptions: ScoreExemption[]; errors: string[] } {
  const { entity, records, checkIds, maxDays, now } = options;
  const parsed = parseExemptionsAnnotation(
    entity.metadata.annotations?.[ANNOTATION_EXEMPTIONS],
  );
  const errors = [...parsed.errors];
  const exemptions: ScoreExemption[] = [];
  parsed.exemptions.forEach(exemption => {
    if (!checkIds.has(exemption.check)) {
      errors.push(
        `${ANNOTATION_EXEMPTIONS}: no check "${
          exemption.check
        }"; the checks are ${[...checkIds].join(', ')}`,
      );
      return;
    }
    if (exemption.expiresAt > now + maxDays * DAY) {
      errors.push(
        `${ANNOTATION_EXEMPTIONS}: the exemption from ${
          exemption.check
        } expires ${new Date(
          exemption.expiresAt,
        ).toISOString()}, more than ${maxDays} days ahead; choose an earlier expiresAt`,
      );
      return;
    }
    exemptions.push({
      check: exemption.check,
      reason: exemption.reason,
      author: exemption.author,
      expiresAt: new Date(exemption.expiresAt).toISOString(),
      source: 'annotation',
      active: exemption.expiresAt > now,
    });
  });
  for (const record of records) {
    exemptions.push(apiExemption(record, now));
  }
  return { exemptions, errors };
}

/** An exemption granted through the API, as served, as of `now`. */
export function apiExemption(
  record: ExemptionRecord,
  now: number,
): ScoreExemption {
  return {
    check: record.check,
    reason: record.reason,
    author: record.author,
    expiresAt: new Date(record.expiresAt).toISOString(),
    source: 'api',
    createdAt: new Date(record.createdAt).toISOString(),
    active: record.expiresAt > now,
  };
}

/** The active exemption from a check that lasts longest, if any. */
function activeExemption(
  exemptions: ScoreExemption[],
  check: string,
): ScoreExemption | undefined {
  return exemptions
    .filter(e => e.check === check && e.active)
    .sort((a, b) => Date.parse(b.expiresAt) - Date.parse(a.expiresAt))[0];
}

/**
 * Computes operability scores: runs every configured check on an entity (leaving out those
 * it is exempt from), weighs them into a score and a level, and stores the result as the
 * entity's latest score and its snapshot of the day.
 */
export class OperabilityScorer {
  private readonly checkIds: ReadonlySet<string>;

  constructor(
    private readonly options: {
      store: Pick<OperabilityStore, 'scores' | 'exemptions'>;
      settings: ScoreSettings;
      contexts: ScoreContextFactory;
      catalog: CatalogService;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {
    this.checkIds = new Set(options.settings.checks.map(c => c.definition.id));
  }

  get settings(): ScoreSettings {
    return this.options.settings;
  }

  /** Whether entities of this kind are scored. */
  scores(entity: Entity): boolean {
    return this.settings.kinds.includes(entity.kind.toLocaleLowerCase('en-US'));
  }

  /** Throws NotFoundError when the entity is not of a scored kind (`operability.score.kinds`). */
  requireScored(entity: Entity, entityRef: string): void {
    if (!this.scores(entity)) {
      throw new NotFoundError(
        `${entityRef} is not scored: the scored kinds are ${this.settings.kinds.join(
          ', ',
        )} (operability.score.kinds)`,
      );
    }
  }

  /** The exemptions of an entity as of `now` (annotation and API). */
  async exemptionsOf(
    entity: Entity,
    now: number = Date.now(),
    records?: ExemptionRecord[],
  ): Promise<{ exemptions: ScoreExemption[]; errors: string[] }> {
    return collectExemptions({
      entity,
      records:
        records ?? (await this.options.store.exemptions.list(refOf(entity))),
      checkIds: this.checkIds,
      maxDays: this.settings.exemptionMaxDays,
      now,
    });
  }

  /**
   * Scores one entity at `now` and stores the result as its latest score and its snapshot
   * of the day. With `history`, `now` is an instant in the past: the score is computed from
   * the data as of then and stored only as that day's snapshot, if the day has none.
   */
  async scoreEntity(
    entity: Entity,
    options: {
      now?: number;
      lookup?: ReturnType<ScoreContextFactory['createLookup']>;
      exemptionRecords?: ExemptionRecord[];
      history?: boolean;
      /** The task's signal: once aborted, the score is computed but not stored. */
      signal?: AbortSignal;
    } = {},
  ): Promise<ScoreRecord> {
    const { contexts, store, logger } = this.options;
    const now = options.now ?? Date.now();
    const data = contexts.forEntity(entity, now, options.lookup, {
      history: options.history,
    });
    const { exemptions, errors } = await this.exemptionsOf(
      entity,
      now,
      options.exemptionRecords,
    );

    const outcomes: ScoreCheckOutcomeInput[] = [];
    for (const { check, definition } of this.settings.checks) {
      const exemption = activeExemption(exemptions, definition.id);
      if (exemption) {
        outcomes.push({
          definition,
          credit: null,
          status: 'exempt',
          detail: `Exempt until ${exemption.expiresAt}: ${exemption.reason}`,
          exemption,
        });
        continue;
      }
      try {
        const outcome = await check.evaluate(data.contextFor(definition));
        outcomes.push({
          definition,
          credit:
            outcome.credit === null || Number.isNaN(outcome.credit)
              ? null
              : outcome.credit,
          detail: outcome.detail,
          ...(typeof outcome.remediation === 'string' && outcome.remediation
            ? { remediation: outcome.remediation }
            : {}),
          ...(typeof outcome.blockedBy === 'string' && outcome.blockedBy
            ? { blockedBy: outcome.blockedBy }
            : {}),
        });
      } catch (error) {
        logger.warn(
          `Check ${definition.id} failed for ${data.entityRef}: ${error}`,
        );
        outcomes.push({
          definition,
          credit: 0,
          status: 'error',
          detail: `The check failed: ${(error as Error).message ?? error}`,
        });
      }
    }

    // A past day's snapshot is written once and never replaced: one computed while a check
    // failed (a terminated database connection) would keep that check at 0 for good. The
    // day is left for the next run instead; a live score is replaced by the next run anyway.
    const failedChecks = outcomes.filter(o => o.status === 'error');
    if (options.history && failedChecks.length) {
      throw new Error(
        `${failedChecks
          .map(o => o.definition.id)
          .join(', ')} failed; the day is left for the next run`,
      );
    }
    const computed = computeScore(outcomes);
    const level = levelOf(computed.score, this.settings.levels);
    const facts = await data.facts();
    const record: ScoreRecord = {
      entityRef: data.entityRef,
      score: computed.score,
      level: level?.id ?? null,
      computedAt: now,
      sloCount: facts.sloCount,
      worstBudgetRemaining: facts.worstBudgetRemaining,
      sloCompliance: facts.sloCompliance,
      incidents: facts.incidents,
      mttrSeconds: facts.mttrSeconds,
      facts,
      detail: {
        categories: computed.categories,
        checks: computed.checks,
        exemptions,
        exemptionErrors: errors,
      },
    };
    if (options.signal?.aborted) {
      return record;
    } else if (options.history) {
      await store.scores.saveHistorySnapshot(record, utcDay(now));
    } else {
      await store.scores.save(record, utcDay(now));
    }
    return record;
  }

  /** Every entity of the scored kinds, read with the plugin's own credentials. */
  private async scoredEntities(): Promise<Entity[]> {
    const { catalog, auth } = this.options;
    const credentials = await auth.getOwnServiceCredentials();
    const entities: Entity[] = [];
    let cursor: string | undefined;
    do {
      const page = await catalog.queryEntities(
        cursor
          ? { cursor, limit: 500 }
          : {
              filter: { kind: this.settings.kinds },
              limit: 500,
              orderFields: { field: 'metadata.name', order: 'asc' },
              totalItems: 'exclude',
            },
        { credentials },
      );
      entities.push(...page.items);
      cursor = page.pageInfo.nextCursor;
    } while (cursor);
    return entities;
  }

  /**
   * Scores every entity of the scored kinds (read with the plugin's own credentials), a few
   * at a time; one entity's failure does not stop the others. Forgets the latest scores of
   * entities no longer in the catalog and expires old snapshots. Once `signal` aborts (the
   * task's timeout), entities not started yet wait for the next run.
   */
  async scoreAll(
    now: number = Date.now(),
    signal?: AbortSignal,
  ): Promise<{
    scored: number;
    failed: number;
    removed: number;
    expired: number;
  }> {
    const { store, logger, contexts } = this.options;
    const entities = await this.scoredEntities();
    const refs = entities.map(refOf);
    const exemptions = await store.exemptions.listFor(refs);
    const lookup = contexts.createLookup();
    const limit = pLimit(this.settings.concurrency);
    let scored = 0;
    let failed = 0;
    await Promise.all(
      entities.map((entity, i) =>
        limit(async () => {
          if (signal?.aborted) return;
          try {
            await this.scoreEntity(entity, {
              now,
              lookup,
              exemptionRecords: exemptions.get(refs[i]) ?? [],
              signal,
            });
            scored++;
          } catch (error) {
            failed++;
            logger.warn(`Could not score ${refs[i]}: ${error}`);
          }
        }),
      ),
    );
    if (signal?.aborted) return { scored, failed, removed: 0, expired: 0 };
    const removed = await store.scores.deleteScoresExcept(new Set(refs));
    const expired = await store.scores.expireSnapshots(
      utcDay(now) - this.settings.snapshotRetentionDays * DAY,
    );
    return { scored, failed, removed, expired };
  }

  /**
   * Fills the daily snapshots of the last `score.backfillDays` days that are missing (after
   * a first installation, or for entities new to the catalog) with scores computed as of
   * the end of each day, so that trends start from the SLI and incident history already
   * stored rather than from the day of installation. A day is left for a later run while
   * an SLO of the entity is still being collected up to that day. Oldest day first. Once
   * `signal` aborts (the task's timeout), the days not filled yet wait for the next run.
   */
  async backfillHistory(
    now: number = Date.now(),
    signal?: AbortSignal,
  ): Promise<{
    scored: number;
    failed: number;
    pending: number;
  }> {
    const days = this.settings.backfillDays;
    const result = { scored: 0, failed: 0, pending: 0 };
    if (days === 0) return result;
    const { store, logger, contexts } = this.options;
    const today = utcDay(now);
    const firstDay = today - days * DAY;
    const existing = await store.scores.snapshotDays(firstDay, today - DAY);
    const entities = await this.scoredEntities();
    const work = entities
      .map(entity => ({ entity, ref: refOf(entity) }))
      .filter(({ ref }) => (existing.get(ref)?.size ?? 0) < days);
    if (work.length === 0) return result;

    // How far each entity's SLOs have been collected: a day is scored only once its
    // collected SLOs hold data up to its end (SLOs without a collector are pushed).
    const collectedUntil = new Map<string, number>();
    for (const { ref } of work) {
      collectedUntil.set(ref, await contexts.collectedUntil(ref));
    }

    const refs = work.map(w => w.ref);
    const exemptions = await store.exemptions.listFor(refs);
    const lookup = contexts.createLookup();
    const limit = pLimit(this.settings.concurrency);
    for (let day = firstDay; day < today && !signal?.aborted; day += DAY) {
      const at = day + DAY - 1;
      await Promise.all(
        work.map(({ entity, ref }) =>
          limit(async () => {
            if (existing.get(ref)?.has(day) || signal?.aborted) return;
            if (collectedUntil.get(ref)! < at) {
              result.pending++;
              return;
            }
            try {
              await this.scoreEntity(entity, {
                now: at,
                lookup,
                exemptionRecords: exemptions.get(ref) ?? [],
                history: true,
                signal,
              });
              result.scored++;
            } catch (error) {
              result.failed++;
              logger.warn(
                `Could not score ${ref} as of ${isoDay(day)}: ${error}`,
              );
            }
          }),
        ),
      );
    }
    return result;
  }

  /** The entity's stored score, computed now when there is none yet. */
  async latest(entity: Entity): Promise<ScoreRecord> {
    return (
      (await this.options.store.scores.get(refOf(entity))) ??
      this.scoreEntity(entity)
    );
  }

  /** The score page of an entity: its latest score, exemptions as of now, and trends. */
  async response(
    entity: Entity,
    now: number = Date.now(),
  ): Promise<EntityScoreResponse> {
    let record = await this.latest(entity);
    // An exemption that expired since the score was computed no longer applies.
    if (
      record.detail.checks.some(
        c => c.exemption && Date.parse(c.exemption.expiresAt) <= now,
      )
    ) {
      record = await this.scoreEntity(entity, { now });
    }
    const { exemptions, errors } = await this.exemptionsOf(entity, now);
    const trends = await this.trends(record.entityRef, record.score, now);
    const level = this.settings.levels.find(l => l.id === record.level) ?? null;
    return {
      entityRef: record.entityRef,
      score: record.score,
      level,
      nextLevel: nextLevelOf(record.score, this.settings.levels),
      computedAt: new Date(record.computedAt).toISOString(),
      categories: record.detail.categories,
      checks: record.detail.checks,
      exemptions,
      exemptionErrors: errors,
      facts: record.facts,
      trends,
    };
  }

  /** The change of the score over each trend period, from the daily snapshots. */
  async trends(
    entityRef: string,
    score: number | null,
    now: number,
  ): Promise<ScoreTrend[]> {
    return Promise.all(
      TREND_DAYS.map(async days => {
        const snapshot = (
          await this.options.store.scores.snapshotsAtOrBefore(
            [entityRef],
            utcDay(now) - days * DAY,
          )
        ).get(entityRef);
        if (!snapshot) return { days, delta: null };
        return {
          days,
          delta: trendDelta(score, snapshot.score),
          since: isoDay(snapshot.day),
        };
      }),
    );
  }

  async history(
    entityRef: string,
    days: number,
    now: number = Date.now(),
  ): Promise<ScoreHistoryResponse> {
    const points = await this.options.store.scores.history(
      entityRef,
      utcDay(now) - (days - 1) * DAY,
    );
    return {
      entityRef,
      days,
      points: points.map(p => ({
        date: isoDay(p.day),
        score: p.score,
        level: p.level,
      })),
    };
  }

  settingsResponse(): ScoreSettingsResponse {
    return {
      checks: this.settings.checks.map(c => c.definition),
      levels: this.settings.levels,
      periodDays: this.settings.periodDays,
      kinds: this.settings.kinds,
    };
  }
}

/** Score now minus score then, one decimal; null when either is unknown. */
export function trendDelta(
  now: number | null,
  then: number | null,
): number | null {
  if (now === null || then === null) return null;
  return Math.round((now - then) * 10) / 10;
}
