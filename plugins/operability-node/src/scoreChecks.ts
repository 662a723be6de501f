import type {
  Incident,
  IncidentStatsResponse,
  ScoreCheckDefinition,
  Slo,
  SloSummary,
} from '@airworthy/plugin-operability-common';
import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';

/** An SLO of the entity being scored, with what the backend knows of it. @public */
export interface ScoreSloFacts {
  /** Identity, status and, once evaluated, budget, burn rates and alert rows. */
  summary: SloSummary;
  /** The normalized definition (annotations, indicator, alert policies, ...). */
  definition: Slo;
  /** End of the newest stored SLI bucket (epoch ms); undefined when no data was ever stored. */
  dataUntil?: number;
  /**
   * Instants (epoch ms) from `from` to now at which a critical (page) burn-rate alert of the
   * SLO was seen firing, oldest first: evaluations and snapshots of the SLO, and Alertmanager
   * incidents of its generated burn-rate alerts.
   */
  criticalAlertsSince(from: number): Promise<number[]>;
}

/** The incidents of the entity being scored, over the scoring period. @public */
export interface ScoreIncidentFacts {
  /**
   * Whether incidents of the entity reach Airworthy: it names an incident source
   * (alert selector, GitHub incidents, PagerDuty service) or has incidents recorded.
   */
  connected: boolean;
  /** Statistics of the period (MTTA, MTTR, counts, post-mortem coverage). */
  stats: IncidentStatsResponse;
  /** Every incident open at some moment of the period, oldest first. */
  incidents: Incident[];
}

/**
 * What a check sees of the entity it scores. Data is loaded on first use and shared by
 * every check of the entity.
 * @public
 */
export interface ScoreCheckContext {
  entity: Entity;
  /** Canonical ref of the entity. */
  entityRef: string;
  /** The instant of the scoring (epoch ms). */
  now: number;
  /** The scoring period: `[periodStart, now)` (`operability.score.periodDays`, default 28). */
  periodStart: number;
  /** The check as configured (weight, threshold and texts after config). */
  definition: ScoreCheckDefinition;
  /** The entity's SLOs. */
  slos(): Promise<ScoreSloFacts[]>;
  /** The entity's incidents over the period. */
  incidents(): Promise<ScoreIncidentFacts>;
  /**
   * Catalog entities by ref, read with the plugin's own credentials (for checks that follow
   * relations, such as the owner); undefined where there is none.
   */
  getEntitiesByRefs(entityRefs: string[]): Promise<Array<Entity | undefined>>;
}

/** What a check found. @public */
export interface ScoreCheckOutcome {
  /**
   * 0 (not met) to 1 (fully met), partial credit in between; null when the check does not
   * apply to this entity (it is then left out of the score, e.g. MTTA without incidents).
   */
  credit: number | null;
  /**
   * What was measured, in one sentence, e.g. `MTTR 5h 20m over 3 incidents (threshold 4h)`.
   * Shown next to the check; entity data in it is rendered as text.
   */
  detail: string;
  /**
   * What to do in this entity's situation, when the check's remediation (written for the
   * common case) does not fit it, e.g. `Connect an incident source` where none reports.
   */
  remediation?: string;
  /**
   * The id of another check that has to be met before this one can be, e.g. `slo-defined`
   * for the checks that measure an entity's SLOs while it has none. Next steps then name that
   * check instead of this one.
   */
  blockedBy?: string;
}

/**
 * A check of the operability score. Its `definition` holds the defaults (id, category,
 * weight, threshold, description, remediation); `operability.score.checks` may change any of
 * them but the id. A check that throws counts as not met (status `error`), and the others
 * still run.
 * @public
 */
export interface ScoreCheck {
  readonly definition: ScoreCheckDefinition;
  evaluate(context: ScoreCheckContext): Promise<ScoreCheckOutcome>;
}

/** The extension point through which modules add checks to the operability score. @public */
export interface OperabilityScoreChecksExtensionPoint {
  addScoreCheck(...checks: ScoreCheck[]): void;
}

/** @public */
export const operabilityScoreChecksExtensionPoint =
  createExtensionPoint<OperabilityScoreChecksExtensionPoint>({
    id: 'operability.score-checks',
  });
