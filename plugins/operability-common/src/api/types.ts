import type { SloPhase } from '../annotations';
import type { BudgetingMethod } from '../slo/model';
import type { SloCollectionStatus, SloEvaluation } from './slos';

/** Where an SLO definition comes from. @public */
export type SloSource =
  /** an OpenSLO or Sloth file in the entity's repository (read-only in Backstage) */
  | 'repo'
  /** created through the API or the SLO editor (stored in the plugin database) */
  | 'api';

/** The evaluated state of an SLO. @public */
export type SloStatus = 'ok' | 'warning' | 'critical' | 'exhausted' | 'no-data';

/**
 * Why an SLO was retired: its entity left the catalog (`entity-removed`), its file, document
 * or annotation disappeared (`file-removed`), or it was deleted through the API (`deleted`).
 * @public
 */
export type SloRetiredReason = 'entity-removed' | 'file-removed' | 'deleted';

/**
 * A retired SLO: hidden from lists and tasks, its SLI data and evaluations kept until
 * `purgeAfter`. It comes back with its history when its entity or file does, or when it is
 * restored (`POST /slos/{id}/restore`, for SLOs deleted through the API).
 * @public
 */
export interface RetiredSlo extends SloIdentity {
  retiredAt: string;
  retiredReason: SloRetiredReason;
  /** When it and its data are purged for good, unless it comes back before. */
  purgeAfter: string;
}

/** Answer of `GET /entities/{kind}/{namespace}/{name}/slos/retired`. @public */
export interface EntityRetiredSlosResponse {
  entityRef: string;
  items: RetiredSlo[];
}

/** What identifies an SLO and where it comes from, in the API and in storage. @public */
export interface SloIdentity {
  /** Stable id, used in `/slos/{id}` routes. */
  id: string;
  /** The entity this SLO belongs to. */
  entityRef: string;
  /** `metadata.name` of the OpenSLO SLO. */
  name: string;
  /**
   * Key of the objective within the entity: `name` for an SLO's first objective, `name/1`,
   * `name/2`, ... for further ones (each objective has its own budget).
   */
  ref: string;
  displayName?: string;
  description?: string;
  source: SloSource;
  /** For repo SLOs, the file the SLO was read from. */
  sourceLocation?: string;
  /** Objective as a ratio in [0, 1), e.g. 0.999. */
  target: number;
  /** The SLO period (time window), e.g. `28d`. */
  period: string;
  /**
   * `enforcing`: the error-budget policy (the deploy gate) applies; `informing` (the default):
   * measured and shown only. Written in the SLO document as `airworthy.dev/phase`.
   */
  phase: SloPhase;
}

/**
 * An SLO of an entity, as listed on the entity page: its identity, status and, once it has
 * been evaluated, its budget, burn rates and alert rows.
 * @public
 */
export interface SloSummary
  extends SloIdentity,
    Partial<Omit<SloEvaluation, 'status'>> {
  /** `no-data` until the SLO has data and has been evaluated. */
  status: SloStatus;
  budgetingMethod?: BudgetingMethod;
  /** Set for SLOs whose SLI data is pulled from a source (e.g. Prometheus). */
  collection?: SloCollectionStatus;
}

/** A problem found in an entity's SLO files, with enough context to fix it. @public */
export interface SloValidationError {
  /** The file (path or URL) the problem is in. */
  file: string;
  /** Index of the YAML document in the file, from 0. */
  document?: number;
  /** Field path in the document, e.g. `spec.objectives[0].target`. */
  path?: string;
  message: string;
}

/** Response of `GET /entities/{kind}/{namespace}/{name}/slos`. @public */
export interface EntitySlosResponse {
  entityRef: string;
  items: SloSummary[];
  errors: SloValidationError[];
}

/** Response of `GET /health`. @public */
export interface HealthResponse {
  status: 'ok';
}
