import type { DatabaseService } from '@backstage/backend-plugin-api';
import type { Knex } from 'knex';
import {
  KnexExemptionStore,
  type ExemptionStore,
} from './score/ExemptionStore';
import type { GroupingSettings } from './incidents/incidentGrouping';
import {
  KnexIncidentStore,
  type IncidentStore,
} from './incidents/IncidentStore';
import { applyDatabaseMigrations } from './migrations';
import {
  KnexNotificationStore,
  type NotificationStore,
} from './notifications/NotificationStore';
import {
  KnexGateExceptionStore,
  type GateExceptionStore,
} from './policy/GateExceptionStore';
import {
  KnexCollectionStore,
  type CollectionStore,
} from './sli/CollectionStore';
import {
  KnexEvaluationStore,
  type EvaluationStore,
} from './slo/EvaluationStore';
import { KnexScoreStore, type ScoreStore } from './score/ScoreStore';
import { KnexSliStore, type SliLevel, type SliStore } from './sli/SliStore';
import {
  KnexSloFileErrorStore,
  type SloFileErrorStore,
} from './slo/SloFileErrorStore';
import { KnexSloStore, type SloStore } from './slo/SloStore';

/**
 * The plugin's persistence, one store per concern. Each store is an interface with a knex
 * implementation that is tested on every supported database.
 */
export interface OperabilityStore {
  slos: SloStore;
  sli: SliStore;
  incidents: IncidentStore;
  fileErrors: SloFileErrorStore;
  collection: CollectionStore;
  evaluations: EvaluationStore;
  scores: ScoreStore;
  exemptions: ExemptionStore;
  gateExceptions: GateExceptionStore;
  notifications: NotificationStore;
}

/** Settings of the stores, read from config. */
export interface OperabilityStoreOptions {
  /** SLI resolutions, base first (see `readSliConfig`). */
  sliLevels: SliLevel[];
  /** How incident records group into incidents (see `readIncidentSettings`). */
  incidentGrouping: GroupingSettings;
}

/** Creates the knex-backed stores, migrating the database unless migrations are skipped. */
export async function createOperabilityStore(
  database: DatabaseService,
  options: OperabilityStoreOptions,
): Promise<OperabilityStore> {
  const client = await database.getClient();
  if (!database.migrations?.skip) {
    await applyDatabaseMigrations(client);
  }
  return createKnexStores(client, options);
}

/** The knex-backed stores on an already migrated client. */
export function createKnexStores(
  client: Knex,
  options: OperabilityStoreOptions,
): OperabilityStore {
  return {
    slos: new KnexSloStore(client),
    sli: new KnexSliStore(client, options.sliLevels),
    incidents: new KnexIncidentStore(client, options.incidentGrouping),
    fileErrors: new KnexSloFileErrorStore(client),
    collection: new KnexCollectionStore(client),
    evaluations: new KnexEvaluationStore(client),
    scores: new KnexScoreStore(client),
    exemptions: new KnexExemptionStore(client),
    gateExceptions: new KnexGateExceptionStore(client),
    notifications: new KnexNotificationStore(client),
  };
}
