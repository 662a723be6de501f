import { createOperabilityTestBackend as createTestBackend } from '@airworthy/plugin-operability-node/testUtils';
import { operabilityPlugin } from '../plugin';

/**
 * Returns a function that starts a test backend with the operability plugin, a catalog
 * holding the given entities, and a SQLite database that is closed after the test file
 * (see `createOperabilityTestBackend` in `@airworthy/plugin-operability-node/testUtils`).
 * Call at the top level of a test file. The started backend carries its `knex` client, to
 * arrange and inspect stored data.
 */
export function createOperabilityTestBackend() {
  return createTestBackend(operabilityPlugin);
}
