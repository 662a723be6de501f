import {
  ANNOTATION_SLO_PHASE,
  metricSourcesOf,
  parseSloYaml,
  SLO_PERIOD_MAX_MS,
  sloPhaseOf,
  sloPeriodProblem,
  toOpenSloYaml,
  type EntityRetiredSlosResponse,
  type EntitySlosResponse,
  type Slo,
  type SloCollectionStatus,
  type SloDataState,
  type SloDetailResponse,
  type SloEvaluation,
  type SloIdentity,
  type SloPhase,
  type SloSource,
  type SloSummary,
  type SloValidationError,
} from '@airworthy/plugin-operability-common';
import type { SliSource } from '@airworthy/plugin-operability-node';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import type { CollectionState } from '../../database/sli/CollectionStore';
import type { OperabilityStore } from '../../database/OperabilityStore';
import type { SloInput, SloRecord } from '../../database/slo/SloStore';
import { SLO_DEFAULTS, type SloLimits } from '../../config';
import type { EntityAccess } from '../access/EntityAccess';

const MAX_LISTED_ERRORS = 20;

/** A validation error as one line: `doc 0 spec.objectives[0].target: message`. */
export function formatValidationError(error: SloValidationError): string {
  const where = [
    error.document === undefined ? undefined : `document ${error.document}`,
    error.path,
  ]
    .filter(Boolean)
    .join(' ');
  return where ? `${where}: ${error.message}` : error.message;
}

/** The store input of a normalized SLO objective. */
export function toSloInput(
  slo: Slo,
  entityRef: string,
  source: SloSource,
  sourceLocation?: string,
): SloInput {
  const label =
    slo.objective.count > 1
      ? `${slo.displayName ?? slo.name}: ${
          slo.objective.displayName ?? `${+(slo.target * 100).toFixed(4)}%`
        }`
      : slo.displayName;
  return {
    entityRef,
    name: slo.name,
    ref: slo.ref,
    displayName: label,
    description: slo.description,
    source,
    sourceLocation,
    target: slo.target,
    period: slo.timeWindow.duration,
    phase: sloPhaseOf(slo),
    definition: slo,
  };
}

/**
 * Why an SLO's period cannot be measured here, or undefined: from 1 minute to the SLI
 * store's longest retention (`operability.sli`, 400 days by default).
 */
export function periodProblem(
  slo: Slo,
  limits: Pick<SloLimits, 'maxPeriodMs'>,
): string | undefined {
  const problem = sloPeriodProblem(
    slo.timeWindow.durationMs,
    Math.min(limits.maxPeriodMs, SLO_PERIOD_MAX_MS),
  );
  return problem && `${slo.timeWindow.duration} ${problem}`;
}

/** The API's identity fields of a stored SLO. */
function identityOf(record: SloRecord): SloIdentity {
  return {
    id: record.id,
    entityRef: record.entityRef,
    name: record.name,
    ref: record.ref,
    displayName: record.displayName,
    description: record.description,
    source: record.source,
    sourceLocation: record.sourceLocation,
    target: record.target,
    period: record.period,
    phase: record.phase,
  };
}

/** SLO documents sent to the API: YAML text, or JSON (one document or an array of them). */
export type SloDocumentsBody = string | object;

/**
 * The SLOs of every entity, from repositories (read-only here) and from the API (created,
 * changed and deleted here), with their latest evaluation and collection state.
 */
export class SloRegistry {
  private readonly limits: SloLimits;
  private readonly now: () => number;

  constructor(
    private readonly store: Pick<
      OperabilityStore,
      'slos' | 'fileErrors' | 'evaluations' | 'collection'
    >,
    private readonly entityAccess: EntityAccess,
    private readonly sliSources: () => readonly SliSource[] = () => [],
    options: { limits?: SloLimits; now?: () => number } = {},
  ) {
    this.limits = options.limits ?? {
      maxObjectivesPerDocument: SLO_DEFAULTS.maxObjectivesPerDocument,
      maxPerEntity: SLO_DEFAULTS.maxPerEntity,
      retiredGraceMs: SLO_DEFAULTS.retiredGraceMs,
      maxPeriodMs: SLO_DEFAULTS.maxPeriodMs,
    };
    this.now = options.now ?? Date.now;
  }

  async listForEntity(entityRef: string): Promise<EntitySlosResponse> {
    // Two queries: the SLOs with their evaluations and collection state, and file errors.
    const [slos, sync] = await Promise.all([
      this.store.slos.listByEntityWithState(entityRef),
      this.store.fileErrors.get(entityRef),
    ]);
    return {
      entityRef,
      items: slos.map(s =>
        this.summaryOf(s.record, s.evaluation, s.collection),
      ),
      errors: sync?.errors ?? [],
    };
  }

  /**
   * The SLO named by route params, as the caller sees it: NotFoundError both when there is
   * no such SLO and when the caller may not read its entity.
   */
  async requireSlo(
    id: string,
    credentials: BackstageCredentials,
    options: {
      retired?: boolean;
      writing?: ResourcePermission<'catalog-entity'>;
    } = {},
  ): Promise<SloRecord> {
    const record = await this.store.slos.get(id);
    if (record) {
      try {
        await this.entityAccess.requireEntity(
          record.entityRef,
          credentials,
          options.writing,
        );
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
        throw new NotFoundError(`No SLO with id ${id}`);
      }
      if (record.retiredAt !== undefined && !options.retired) {
        throw new NotFoundError(
          `SLO ${id} (${record.name} of ${
            record.entityRef
          }) was retired on ${new Date(record.retiredAt).toISOString()} (${
            record.retiredReason
          }); ${
            record.retiredReason === 'deleted'
              ? `restore it with POST /slos/${id}/restore until ${this.purgeAfter(
                  record,
                )}`
              : `it comes back when its ${
                  record.retiredReason === 'entity-removed' ? 'entity' : 'file'
                } does, until ${this.purgeAfter(record)}`
          }`,
        );
      }
      return record;
    }
    throw new NotFoundError(`No SLO with id ${id}`);
  }

  private purgeAfter(record: SloRecord): string {
    return new Date(
      (record.retiredAt ?? 0) + this.limits.retiredGraceMs,
    ).toISOString();
  }

  /** The retired SLOs of an entity, with when each is purged. */
  async listRetired(entityRef: string): Promise<EntityRetiredSlosResponse> {
    const records = await this.store.slos.listRetired({ entityRef });
    return {
      entityRef,
      items: records.map(record => ({
        ...identityOf(record),
        retiredAt: new Date(record.retiredAt!).toISOString(),
        retiredReason: record.retiredReason!,
        purgeAfter: this.purgeAfter(record),
      })),
    };
  }

  /** `requireSlo`, then NotAllowedError unless the caller holds `permission` on its entity. */
  async requireWritableSlo(
    id: string,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    options: { retired?: boolean } = {},
  ): Promise<SloRecord> {
    const record = await this.requireSlo(id, credentials, {
      ...options,
      writing: permission,
    });
    await this.entityAccess.requirePermission(
      permission,
      record.entityRef,
      credentials,
    );
    return record;
  }

  async detail(record: SloRecord): Promise<SloDetailResponse> {
    const [summary] = await this.summarize([record]);
    return { ...summary, definition: record.definition };
  }

  /** OpenSLO v1 YAML of the SLO (all its objectives). */
  async exportOpenSlo(record: SloRecord): Promise<string> {
    const objectives = await this.objectivesOf(record);
    return toOpenSloYaml(objectives.map(r => r.definition));
  }

  /** Creates SLOs from documents; 409 when the entity already has an SLO of that name. */
  async create(
    entityRef: string,
    body: SloDocumentsBody,
  ): Promise<SloSummary[]> {
    const slos = this.parseBody(body);
    const existing = await this.store.slos.listByEntity(entityRef);
    const taken = new Set(existing.map(r => r.name));
    const names = [...new Set(slos.map(s => s.name))];
    const clashes = names.filter(n => taken.has(n));
    if (clashes.length > 0) {
      throw new ConflictError(
        `${entityRef} already has an SLO named ${clashes.join(
          ', ',
        )}; change it with PUT /slos/{id} or pick another metadata.name`,
      );
    }
    const retired = (await this.store.slos.listRetired({ entityRef })).filter(
      r => names.includes(r.name),
    );
    if (retired.length > 0) {
      const r = retired[0];
      throw new ConflictError(
        `${entityRef} has a retired SLO named ${r.name} (id ${
          r.id
        }, retired ${new Date(r.retiredAt!).toISOString()}, ${
          r.retiredReason
        }) whose history is kept until ${this.purgeAfter(
          r,
        )}: restore it with POST /slos/${
          r.id
        }/restore, remove it for good with DELETE /slos/${
          r.id
        }, or pick another metadata.name`,
      );
    }
    this.checkEntityCap(entityRef, existing.length + slos.length);
    const now = this.now();
    const records = [];
    for (const slo of slos) {
      records.push(
        await this.store.slos.upsert(toSloInput(slo, entityRef, 'api'), now),
      );
    }
    return this.summarize(records);
  }

  /** Replaces an API SLO (all its objectives) with the SLO of the documents. */
  async update(
    record: SloRecord,
    body: SloDocumentsBody,
  ): Promise<SloSummary[]> {
    this.requireApiSource(record, 'changed');
    const slos = this.parseBody(body);
    const others = [...new Set(slos.map(s => s.name))].filter(
      n => n !== record.name,
    );
    if (others.length > 0) {
      throw new InputError(
        `The documents define ${others.join(', ')}, but this is SLO ${
          record.name
        }: send only SLO ${
          record.name
        } (to rename it, create the new one and delete this one)`,
      );
    }
    const inForce = (await this.store.slos.listByEntity(record.entityRef))
      .length;
    const current = (await this.objectivesOf(record)).length;
    this.checkEntityCap(record.entityRef, inForce - current + slos.length);
    const records = await this.store.slos.replaceForEntity(
      record.entityRef,
      'api',
      slos.map(slo => toSloInput(slo, record.entityRef, 'api')),
      { name: record.name, reason: 'deleted', now: this.now() },
    );
    return this.summarize(records);
  }

  /**
   * Deletes an API SLO (all its objectives): it is retired, its data kept for the grace
   * period (`operability.slos.retiredGracePeriod`) and restorable. Deleting a retired SLO
   * purges it and its data for good.
   */
  async delete(record: SloRecord): Promise<void> {
    this.requireApiSource(record, 'deleted');
    if (record.retiredAt !== undefined) {
      for (const objective of await this.retiredObjectivesOf(record)) {
        await this.store.slos.purge(objective.id);
      }
      return;
    }
    await this.store.slos.replaceForEntity(record.entityRef, 'api', [], {
      name: record.name,
      reason: 'deleted',
      now: this.now(),
    });
  }

  /**
   * Sets the phase of an API SLO (all its objectives): written into each definition's
   * `airworthy.dev/phase` annotation, so that its OpenSLO export carries it, and stored.
   */
  async setPhase(record: SloRecord, phase: SloPhase): Promise<SloSummary[]> {
    this.requireApiSource(record, 'changed');
    const now = this.now();
    const records = [];
    for (const objective of await this.objectivesOf(record)) {
      const definition: Slo = {
        ...objective.definition,
        annotations: {
          ...objective.definition.annotations,
          [ANNOTATION_SLO_PHASE]: phase,
        },
      };
      records.push(
        await this.store.slos.upsert(
          {
            ...toSloInput(definition, record.entityRef, 'api'),
            displayName: objective.displayName,
          },
          now,
        ),
      );
    }
    return this.summarize(records);
  }

  /** Brings back an SLO deleted through the API (all its objectives), with its history. */
  async restore(record: SloRecord): Promise<SloSummary[]> {
    this.requireApiSource(record, 'restored');
    if (record.retiredAt === undefined) {
      throw new ConflictError(
        `SLO ${record.name} of ${record.entityRef} is not retired; there is nothing to restore`,
      );
    }
    if (record.retiredReason !== 'deleted') {
      throw new ConflictError(
        `SLO ${record.name} of ${record.entityRef} was retired because its ${
          record.retiredReason === 'entity-removed' ? 'entity' : 'file'
        } is gone; it comes back when that returns`,
      );
    }
    if (
      (await this.store.slos.listByEntity(record.entityRef)).some(
        r => r.name === record.name,
      )
    ) {
      throw new ConflictError(
        `${record.entityRef} has an SLO named ${record.name} again; delete or rename it before restoring this one`,
      );
    }
    const objectives = await this.retiredObjectivesOf(record);
    await this.store.slos.restore(
      { ids: objectives.map(o => o.id) },
      this.now(),
    );
    return this.summarize(
      (await this.store.slos.listByEntity(record.entityRef)).filter(
        r => r.name === record.name && r.source === record.source,
      ),
    );
  }

  private async retiredObjectivesOf(record: SloRecord): Promise<SloRecord[]> {
    const retired = await this.store.slos.listRetired({
      entityRef: record.entityRef,
      source: record.source,
    });
    return retired.filter(
      r => r.name === record.name && r.retiredAt === record.retiredAt,
    );
  }

  private checkEntityCap(entityRef: string, count: number): void {
    if (count > this.limits.maxPerEntity) {
      throw new InputError(
        `${entityRef} would have ${count} SLOs (objectives counted one by one); at most ${this.limits.maxPerEntity} are allowed per entity (operability.slos.maxPerEntity)`,
      );
    }
  }

  private requireApiSource(record: SloRecord, what: string): void {
    if (record.source !== 'api') {
      throw new ConflictError(
        `SLO ${record.name} of ${record.entityRef} comes from ${
          record.sourceLocation ?? 'a file in its repository'
        } and cannot be ${what} here; change the file instead`,
      );
    }
  }

  private async objectivesOf(record: SloRecord): Promise<SloRecord[]> {
    const all = await this.store.slos.listByEntity(record.entityRef);
    return all.filter(
      r => r.name === record.name && r.source === record.source,
    );
  }

  private parseBody(body: SloDocumentsBody): Slo[] {
    let content: string;
    if (typeof body === 'string') {
      content = body;
    } else if (Array.isArray(body)) {
      content = body.map(doc => JSON.stringify(doc)).join('\n---\n');
    } else if (body && Object.keys(body).length > 0) {
      content = JSON.stringify(body);
    } else {
      content = '';
    }
    if (!content.trim()) {
      throw new InputError(
        'The request body holds no SLO: send OpenSLO v1 documents as YAML (Content-Type: application/yaml) or JSON',
      );
    }
    const { slos, errors } = parseSloYaml(content, 'request body');
    if (errors.length > 0) {
      const listed = errors
        .slice(0, MAX_LISTED_ERRORS)
        .map(formatValidationError)
        .join('; ');
      const more = errors.length - MAX_LISTED_ERRORS;
      throw new InputError(
        `Invalid SLO documents: ${listed}${
          more > 0 ? `; and ${more} more problem(s)` : ''
        }`,
      );
    }
    if (slos.length === 0) {
      throw new InputError(
        'The documents define no SLO: include a document of kind SLO',
      );
    }
    const tooLong = slos.find(slo => periodProblem(slo, this.limits));
    if (tooLong) {
      throw new InputError(
        `Invalid SLO documents: document ${
          tooLong.origin.document
        } spec.timeWindow: ${periodProblem(tooLong, this.limits)}`,
      );
    }
    const crowded = slos.find(
      slo => slo.objective.count > this.limits.maxObjectivesPerDocument,
    );
    if (crowded) {
      throw new InputError(
        `Invalid SLO documents: document ${crowded.origin.document} (SLO ${crowded.name}) defines ${crowded.objective.count} objectives; at most ${this.limits.maxObjectivesPerDocument} are allowed per document (operability.slos.maxObjectivesPerDocument)`,
      );
    }
    return slos;
  }

  /** Summaries with the latest evaluation and collection state of each SLO. */
  async summarize(records: SloRecord[]): Promise<SloSummary[]> {
    const ids = records.map(r => r.id);
    const [evaluations, collection] = await Promise.all([
      this.store.evaluations.latest(ids),
      this.store.collection.list(ids),
    ]);
    return records.map(record =>
      this.summaryOf(
        record,
        evaluations.get(record.id),
        collection.get(record.id),
      ),
    );
  }

  /** The summary of one SLO from its latest evaluation and collection state. */
  private summaryOf(
    record: SloRecord,
    evaluation: SloEvaluation | undefined,
    collection: CollectionState | undefined,
  ): SloSummary {
    const summary: SloSummary = {
      ...identityOf(record),
      budgetingMethod: record.definition.budgetingMethod,
      status: evaluation?.status ?? 'no-data',
      collection: this.collectionStatus(record, collection, evaluation),
    };
    if (evaluation) {
      const { status: _status, ...rest } = evaluation;
      Object.assign(summary, rest);
    }
    return summary;
  }

  private collectionStatus(
    record: SloRecord,
    state: CollectionState | undefined,
    evaluation: SloEvaluation | undefined,
  ): SloCollectionStatus {
    const iso = (t?: number) =>
      t === undefined ? undefined : new Date(t).toISOString();
    const hasData = (evaluation?.budget.total ?? 0) > 0;
    if (state) {
      let dataState: SloDataState = 'pending';
      if (state.lastError !== undefined) dataState = 'failed';
      else if (hasData) dataState = 'ok';
      else if (
        state.collectedUntil !== undefined &&
        state.lastSuccessAt !== undefined &&
        evaluation &&
        Date.parse(evaluation.evaluatedAt) >= state.lastSuccessAt
      ) {
        // Evaluated after a collection that went through: the queries found nothing.
        dataState = 'empty';
      }
      return {
        source: state.source,
        state: dataState,
        collectedUntil: iso(state.collectedUntil),
        lastAttemptAt: iso(state.lastAttemptAt),
        lastSuccessAt: iso(state.lastSuccessAt),
        lastError: state.lastError,
      };
    }
    const sources = this.sliSources();
    const source = sources.find(s => s.supports(record.definition));
    if (source) return { source: source.id, state: hasData ? 'ok' : 'pending' };
    // No source: the SLO's data can only be pushed (POST /slos/{id}/sli).
    if (hasData) return { source: null, state: 'ok' };
    for (const candidate of sources) {
      const reason = candidate.unsupportedReason?.(record.definition);
      if (reason)
        return { source: null, state: 'unconfigured', detail: reason };
    }
    const types = [
      ...new Set(metricSourcesOf(record.definition.indicator).map(m => m.type)),
    ];
    return {
      source: null,
      state: 'push',
      ...(types.length
        ? {
            detail: `No installed SLI source collects metric sources of type ${types.join(
              ', ',
            )}`,
          }
        : {}),
    };
  }
}
