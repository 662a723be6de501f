import {
  sloIdParamsSchema,
  type EntitySlosResponse,
  type SloSummary,
} from '@airworthy/plugin-operability-common';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { NotFoundError } from '@backstage/errors';
import type { OperabilityStore } from '../database/OperabilityStore';
import type { SloRecord } from '../database/SloStore';
import { parseInput } from '../lib/validation';
import type { EntityAccess } from './EntityAccess';

/** The SLOs of every entity, from repositories and from the API. */
export class SloRegistry {
  constructor(
    private readonly store: OperabilityStore,
    private readonly entityAccess: EntityAccess,
  ) {}

  async listForEntity(entityRef: string): Promise<EntitySlosResponse> {
    const records = await this.store.slos.listByEntity(entityRef);
    return { entityRef, items: records.map(toSummary), errors: [] };
  }

  /**
   * The SLO named by route params, as the caller sees it: NotFoundError both when there is
   * no such SLO and when the caller may not read its entity.
   */
  async requireSlo(
    params: unknown,
    credentials: BackstageCredentials,
  ): Promise<SloRecord> {
    const { id } = parseInput(sloIdParamsSchema, params, 'params');
    const record = await this.store.slos.get(id);
    if (record) {
      try {
        await this.entityAccess.requireEntityRef(record.entityRef, credentials);
        return record;
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    throw new NotFoundError(`No SLO with id ${id}`);
  }
}

function toSummary(record: SloRecord): SloSummary {
  return {
    id: record.id,
    entityRef: record.entityRef,
    name: record.name,
    displayName: record.displayName,
    description: record.description,
    source: record.source,
    sourceLocation: record.sourceLocation,
    target: record.target,
    period: record.period,
    status: 'no-data',
  };
}
