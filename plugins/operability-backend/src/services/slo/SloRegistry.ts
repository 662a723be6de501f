import {
  parseSloYaml,
  toOpenSloYaml,
  type EntitySlosResponse,
  type Slo,
  type SloCollectionStatus,
  type SloDetailResponse,
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
    definition: slo,
  };
}

/** SLO documents sent to the API: YAML text, or JSON (one document or an array of them). */
export type SloDocumentsBody = string | object;

/**
 * The SLOs of every entity, from repositories (read-only here) and from the API (created,
 * changed and deleted here), with their latest evaluation and collection state.
 */
export class SloRegistry {
  constructor(
    private readonly store: Pick<
      OperabilityStore,
      'slos' | 'fileErrors' | 'evaluations' | 'collection'
    >,
    private readonly entityAccess: EntityAccess,
    private readonly sliSources: () => readonly SliSource[] = () => [],
  ) {}

  async listForEntity(entityRef: string): Promise<EntitySlosResponse> {
    const [records, sync] = await Promise.all([
      this.store.slos.listByEntity(entityRef),
      this.store.fileErrors.get(entityRef),
    ]);
    return {
      entityRef,
      items: await this.summarize(records),
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
  ): Promise<SloRecord> {
    const record = await this.store.slos.get(id);
    if (record) {
      try {
        await this.entityAccess.requireEntity(record.entityRef, credentials);
        return record;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    throw new NotFoundError(`No SLO with id ${id}`);
  }

  /** `requireSlo`, then NotAllowedError unless the caller holds `permission` on its entity. */
  async requireWritableSlo(
    id: string,
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
  ): Promise<SloRecord> {
    const record = await this.requireSlo(id, credentials);
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
    const clashes = [...new Set(slos.map(s => s.name))].filter(n =>
      taken.has(n),
    );
    if (clashes.length > 0) {
      throw new ConflictError(
        `${entityRef} already has an SLO named ${clashes.join(
          ', ',
        )}; change it with PUT /slos/{id} or pick another metadata.name`,
      );
    }
    const records = [];
    for (const slo of slos) {
      records.push(
        await this.store.slos.upsert(toSloInput(slo, entityRef, 'api')),
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
    const records = await this.store.slos.replaceForEntity(
      record.entityRef,
      'api',
      slos.map(slo => toSloInput(slo, record.entityRef, 'api')),
      { name: record.name },
    );
    return this.summarize(records);
  }

  /** Deletes an API SLO (all its objectives) and its data. */
  async delete(record: SloRecord): Promise<void> {
    this.requireApiSource(record, 'deleted');
    await this.store.slos.replaceForEntity(record.entityRef, 'api', [], {
      name: record.name,
    });
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
    return slos;
  }

  /** Summaries with the latest evaluation and collection state of each SLO. */
  async summarize(records: SloRecord[]): Promise<SloSummary[]> {
    const ids = records.map(r => r.id);
    const [evaluations, collection] = await Promise.all([
      this.store.evaluations.latest(ids),
      this.store.collection.list(ids),
    ]);
    return records.map(record => {
      const evaluation = evaluations.get(record.id);
      const summary: SloSummary = {
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
        budgetingMethod: record.definition.budgetingMethod,
        status: evaluation?.status ?? 'no-data',
        collection: this.collectionStatus(record, collection.get(record.id)),
      };
      if (evaluation) {
        const { status: _status, ...rest } = evaluation;
        Object.assign(summary, rest);
      }
      return summary;
    });
  }

  private collectionStatus(
    record: SloRecord,
    state: CollectionState | undefined,
  ): SloCollectionStatus {
    const iso = (t?: number) =>
      t === undefined ? undefined : new Date(t).toISOString();
    if (state) {
      return {
        source: state.source,
        collectedUntil: iso(state.collectedUntil),
        lastAttemptAt: iso(state.lastAttemptAt),
        lastSuccessAt: iso(state.lastSuccessAt),
        lastError: state.lastError,
      };
    }
    const source = this.sliSources().find(s => s.supports(record.definition));
    // No source: the SLO's data can only be pushed (POST /slos/{id}/sli).
    return { source: source?.id ?? null };
  }
}
