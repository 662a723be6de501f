import {
  coreServices,
  createServiceFactory,
  type DatabaseService,
  type LoggerService,
  type RootConfigService,
} from '@backstage/backend-plugin-api';
import { DatabaseManager } from '@backstage/backend-defaults/database';
import { ConfigReader } from '@backstage/config';
import { Client, type ClientConfig } from 'pg';

/** The PostgreSQL advisory lock replicas start under ("airs" in ASCII). */
export const STARTUP_ADVISORY_LOCK = 0x61697273;

/**
 * Replicas of this backend start one at a time on PostgreSQL. Backstage's plugins migrate
 * their databases with knex at start-up, and knex is not safe when two processes do that on
 * an empty database at once: one replica fails (MigrationLocked, "relation already exists"),
 * or knex's lock table gets two rows and every later start fails (knex issue 3538). So the
 * first database access of a starting replica waits for a session advisory lock, and the
 * replica holds it until it has started (or dies, which ends the session). Replicas that
 * serve never take it. `maxWaitMs` bounds the wait: after it a replica starts anyway.
 */
export class StartupGate {
  private state: 'closed' | 'entering' | 'held' | 'open' = 'closed';
  private entering?: Promise<void>;
  private client?: Client;

  constructor(
    private readonly options: {
      /** How to reach PostgreSQL; undefined for other databases (no gate). */
      connection?: ClientConfig;
      logger: LoggerService;
      maxWaitMs?: number;
      pollMs?: number;
    },
  ) {}

  /** A gate for the `backend.database` config: PostgreSQL only. */
  static fromConfig(config: RootConfigService, logger: LoggerService) {
    const database = config.getOptionalConfig('backend.database');
    if (database?.getOptionalString('client') !== 'pg') {
      return new StartupGate({ logger });
    }
    const connection = database.get('connection');
    return new StartupGate({
      logger,
      connection:
        typeof connection === 'string'
          ? { connectionString: connection }
          : { database: 'postgres', ...(connection as ClientConfig) },
    });
  }

  /** Resolves once this replica may use its databases. */
  async enter(): Promise<void> {
    if (this.state === 'open' || this.state === 'held') return;
    if (!this.options.connection) {
      this.state = 'open';
      return;
    }
    this.entering ??= this.take();
    await this.entering;
  }

  private async take(): Promise<void> {
    this.state = 'entering';
    const { logger, maxWaitMs = 5 * 60_000, pollMs = 500 } = this.options;
    const started = Date.now();
    const client = new Client({
      ...this.options.connection,
      application_name: 'backstage-startup-gate',
    });
    try {
      await client.connect();
      // The session may end at any time (a fail-over): then this replica just starts.
      client.on('error', () => undefined);
      for (;;) {
        const { rows } = await client.query(
          'SELECT pg_try_advisory_lock($1) AS taken',
          [STARTUP_ADVISORY_LOCK],
        );
        if (rows[0].taken) break;
        if (Date.now() - started > maxWaitMs) {
          logger.warn(
            `Another replica has been starting for ${Math.round(
              maxWaitMs / 1000,
            )} s; starting without waiting any longer`,
          );
          await client.end();
          this.state = 'open';
          return;
        }
        await new Promise(resolve => setTimeout(resolve, pollMs));
      }
      this.client = client;
      this.state = 'held';
      if (Date.now() - started > pollMs) {
        logger.info(
          `Started after another replica, which was starting (waited ${
            Date.now() - started
          } ms)`,
        );
      }
    } catch (error) {
      logger.warn(`Starting without the start-up lock: ${error}`);
      await client.end().catch(() => undefined);
      this.state = 'open';
    }
  }

  /** This replica has started (or stops): the next one may start. */
  async leave(): Promise<void> {
    if (this.entering) await this.entering.catch(() => undefined);
    this.state = 'open';
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }
}

/**
 * Backstage's database service, with every plugin's first database access behind the
 * replica's StartupGate. Otherwise the same as the default (`backend.database`, or SQLite
 * in memory without it).
 */
export const gatedDatabaseServiceFactory = createServiceFactory({
  service: coreServices.database,
  deps: {
    config: coreServices.rootConfig,
    lifecycle: coreServices.lifecycle,
    logger: coreServices.logger,
    pluginMetadata: coreServices.pluginMetadata,
    rootLifecycle: coreServices.rootLifecycle,
    rootLogger: coreServices.rootLogger,
  },
  async createRootContext({ config, rootLifecycle, rootLogger }) {
    const manager = DatabaseManager.fromConfig(
      config.getOptional('backend.database')
        ? config
        : new ConfigReader({
            backend: {
              database: { client: 'better-sqlite3', connection: ':memory:' },
            },
          }),
      { rootLifecycle, rootLogger },
    );
    const gate = StartupGate.fromConfig(config, rootLogger);
    rootLifecycle.addStartupHook(() => gate.leave());
    rootLifecycle.addShutdownHook(() => gate.leave());
    return { manager, gate };
  },
  async factory(
    { pluginMetadata, lifecycle, logger },
    { manager, gate },
  ): Promise<DatabaseService> {
    const database = manager.forPlugin(pluginMetadata.getId(), {
      lifecycle,
      logger,
    });
    return {
      migrations: database.migrations,
      getClient: async () => {
        await gate.enter();
        return database.getClient();
      },
    };
  },
});

export default gatedDatabaseServiceFactory;
