import type {
  EntitySlosResponse,
  SloSummary,
} from '@airworthy/plugin-operability-common';
import type { OperabilityStore } from '../database/OperabilityStore';
import type { SloRecord } from '../database/SloStore';

/** The SLOs of every entity, from repositories and from the API. */
export class SloRegistry {
  constructor(private readonly store: OperabilityStore) {}

  async listForEntity(entityRef: string): Promise<EntitySlosResponse> {
    const records = await this.store.slos.listByEntity(entityRef);
    return { entityRef, items: records.map(toSummary), errors: [] };
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
