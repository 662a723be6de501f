import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import type { ClientConfig } from 'pg';
import { StartupGate } from './startupGate';

jest.setTimeout(60_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'POSTGRES_16', 'POSTGRES_17', 'POSTGRES_18'],
});
const postgres = databases.eachSupportedId();
if (postgres.length === 0) {
  // eslint-disable-next-line no-console
  console.warn(
    'Skipping the start-up gate tests on PostgreSQL: no test PostgreSQL (see README, Development)',
  );
}

/** Resolves true when the promise settles within `ms`. */
const settlesWithin = (promise: Promise<unknown>, ms: number) =>
  Promise.race([
    promise.then(() => true),
    new Promise(resolve => setTimeout(() => resolve(false), ms)),
  ]);

(postgres.length ? describe : describe.skip).each(
  postgres.length ? postgres : [['POSTGRES_15' as const]],
)('StartupGate on %s', databaseId => {
  async function gates(count: number) {
    const knex = await databases.init(databaseId);
    const connection = knex.client.config.connection as ClientConfig;
    return Array.from(
      { length: count },
      () =>
        new StartupGate({
          connection,
          logger: mockServices.logger.mock(),
          pollMs: 20,
        }),
    );
  }

  it('lets one replica start at a time, the next once the first has started', async () => {
    const [first, second] = await gates(2);
    await first.enter();
    // The same replica's other plugins go on.
    await expect(settlesWithin(first.enter(), 200)).resolves.toBe(true);
    const waiting = second.enter();
    await expect(settlesWithin(waiting, 300)).resolves.toBe(false);

    await first.leave();
    await expect(settlesWithin(waiting, 5000)).resolves.toBe(true);
    await second.leave();
  });

  it('lets the next replica start when the starting one dies', async () => {
    const [first, second] = await gates(2);
    await first.enter();
    const waiting = second.enter();
    await expect(settlesWithin(waiting, 300)).resolves.toBe(false);
    // Its session ends with the process, and PostgreSQL releases the lock.
    await (
      first as unknown as { client: { end(): Promise<void> } }
    ).client.end();
    await expect(settlesWithin(waiting, 5000)).resolves.toBe(true);
    await second.leave();
  });

  it('stops waiting after maxWaitMs', async () => {
    const [first] = await gates(1);
    const knex = await databases.init(databaseId);
    const patient = new StartupGate({
      connection: knex.client.config.connection as ClientConfig,
      logger: mockServices.logger.mock(),
      maxWaitMs: 200,
      pollMs: 20,
    });
    await first.enter();
    await expect(settlesWithin(patient.enter(), 3000)).resolves.toBe(true);
    await first.leave();
  });
});

describe('StartupGate without PostgreSQL', () => {
  it('never waits', async () => {
    const gate = StartupGate.fromConfig(
      mockServices.rootConfig({
        data: {
          backend: {
            database: { client: 'better-sqlite3', connection: ':memory:' },
          },
        },
      }),
      mockServices.logger.mock(),
    );
    await expect(settlesWithin(gate.enter(), 100)).resolves.toBe(true);
  });
});
