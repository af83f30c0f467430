import type { EventStore } from './event-store.js';

export type EventStoreKind = 'sqlite' | 'postgres' | 'kurrentdb';

export interface EventStoreConfig {
  kind: EventStoreKind;
  /** sqlite: the database file; postgres: `postgres://…`; kurrentdb: `kurrentdb://…?tls=false` or a cluster's string */
  url: string;
  /** how often subscribers poll as a safety net (each adapter has its default) */
  pollIntervalMs?: number;
  /** postgres: the schema, default `pks` */
  schema?: string;
  /** kurrentdb: prepended to every stream name, default none */
  streamPrefix?: string;
}

const KINDS: readonly EventStoreKind[] = ['sqlite', 'postgres', 'kurrentdb'];

/**
 * The store configuration from the environment: PKS_STORE=sqlite|postgres|kurrentdb (default sqlite) and
 * PKS_STORE_URL (required for postgres and kurrentdb; for sqlite it overrides `sqlitePath`).
 */
export function eventStoreConfigFromEnv(env: NodeJS.ProcessEnv, sqlitePath: string): EventStoreConfig {
  const kind = (env.PKS_STORE || 'sqlite') as EventStoreKind;
  if (!KINDS.includes(kind)) throw new Error(`PKS_STORE must be one of ${KINDS.join(', ')}, not '${String(env.PKS_STORE)}'`);
  const url = env.PKS_STORE_URL || (kind === 'sqlite' ? sqlitePath : '');
  if (!url) throw new Error(`PKS_STORE_URL is required when PKS_STORE=${kind}`);
  return { kind, url };
}

/**
 * Opens the configured event store; a PostgreSQL store has its schema ready (and the server reached) when it
 * resolves. Only the chosen adapter's client library is loaded.
 */
export async function createEventStore(config: EventStoreConfig): Promise<EventStore> {
  const poll = config.pollIntervalMs === undefined ? {} : { pollIntervalMs: config.pollIntervalMs };
  switch (config.kind) {
    case 'sqlite': {
      const { getSQLiteEventStore } = await import('./sqlite/sqlite-event-store.js');
      return getSQLiteEventStore({ path: config.url, ...poll });
    }
    case 'postgres': {
      const { getPostgresEventStore } = await import('./postgres/postgres-event-store.js');
      const store = getPostgresEventStore({ connectionString: config.url, ...poll, ...(config.schema !== undefined && { schema: config.schema }) });
      try {
        await store.ready();
      } catch (error) {
        await store.close();
        throw error;
      }
      return store;
    }
    case 'kurrentdb': {
      const { getKurrentDBEventStore } = await import('./kurrentdb/kurrentdb-event-store.js');
      return getKurrentDBEventStore({ connectionString: config.url, ...poll, ...(config.streamPrefix !== undefined && { streamPrefix: config.streamPrefix }) });
    }
    default:
      throw new Error(`unknown event store kind: ${String((config as { kind: unknown }).kind)}`);
  }
}
