import type { Bus } from '../bus/bus.js';
import { createBus, type BusConfig } from '../bus/create-bus.js';
import { prefixedBus } from '../bus/prefixed-bus.js';
import { dataPaths, type PlatformConfig } from '../config/config.js';
import { createEventStore, type EventStoreConfig } from '../event-store/create-event-store.js';
import type { AppendOutcome, EventStore } from '../event-store/event-store.js';
import { getPostgresSnapshotStore } from '../projection-runner/postgres-snapshot-store.js';
import type { SnapshotStore } from '../projection-runner/snapshot-store.js';
import { getSQLiteSnapshotStore } from '../projection-runner/sqlite-snapshot-store.js';

/** The event store the configuration names: PKS_STORE (+ PKS_STORE_URL, PKS_STORE_SCHEMA); SQLite in the data directory by default. */
export function eventStoreConfigOf(config: PlatformConfig): EventStoreConfig {
  if (config.store === 'sqlite') return { kind: 'sqlite', url: config.storeUrl ?? dataPaths(config.dataDir).events };
  if (!config.storeUrl) throw new Error(`PKS_STORE_URL is required when PKS_STORE=${config.store}`);
  return { kind: config.store, url: config.storeUrl, ...(config.storeSchema && { schema: config.storeSchema }) };
}

/** A short description for logs, without credentials. */
export function describeStore(config: PlatformConfig): string {
  const c = eventStoreConfigOf(config);
  if (c.kind === 'sqlite') return `sqlite ${c.url}`;
  return `${c.kind} ${c.url.replace(/\/\/[^@/]*@/, '//…@')}${c.schema ? ` schema ${c.schema}` : ''}`;
}

export function openEventStore(config: PlatformConfig): Promise<EventStore> {
  return createEventStore(eventStoreConfigOf(config));
}

/** JetStream stream names: letters, digits, - and _ only */
const streamToken = (prefix: string) => prefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase();

/** The bus the configuration names: PKS_BUS (+ PKS_NATS_URL, PKS_NATS_SUBJECT_PREFIX). */
export function busConfigOf(config: PlatformConfig): BusConfig {
  if (config.bus === 'in-process') return { kind: 'in-process' };
  const prefix = config.natsSubjectPrefix;
  return {
    kind: 'nats',
    url: config.natsUrl,
    name: `pks-${config.nodeId}`,
    // with a subject prefix, the durable (alert) stream is the installation's own
    stream: {
      ...(prefix !== '' && { name: `PKS_ALERTS_${streamToken(prefix)}`, subjects: [`${prefix}.pks.alerts.>`] }),
      replicas: config.natsStreamReplicas,
    },
  };
}

export async function openBus(config: PlatformConfig): Promise<Bus> {
  const bus = await createBus(busConfigOf(config));
  return prefixedBus(bus, config.bus === 'nats' ? config.natsSubjectPrefix : '');
}

/**
 * Where projection snapshots live: in PostgreSQL next to the events when the store is PostgreSQL (shared by every
 * node: the leader writes, replicas start from it), else in the node's data directory (data/projections.sqlite).
 */
export async function openSnapshotStore(config: PlatformConfig): Promise<{ snapshots: SnapshotStore; shared: boolean }> {
  const store = eventStoreConfigOf(config);
  if (store.kind === 'postgres') {
    const snapshots = getPostgresSnapshotStore({ connectionString: store.url, ...(store.schema && { schema: store.schema }), applicationName: `pks-snapshots:${config.nodeId}` });
    try {
      await snapshots.ready();
    } catch (error) {
      await snapshots.close();
      throw error;
    }
    return { snapshots, shared: true };
  }
  return { snapshots: getSQLiteSnapshotStore({ path: dataPaths(config.dataDir).snapshots }), shared: false };
}

/** A snapshot store that saves only while `canWrite()` (the leader), and loads as usual. */
export function gatedSnapshotStore(inner: SnapshotStore, canWrite: () => boolean): SnapshotStore {
  return {
    load: (names) => inner.load(names),
    save: async (snapshots) => {
      if (canWrite()) await inner.save(snapshots);
    },
    close: () => inner.close(),
  };
}

/** Counts appended events (the ingest-rate metric) without changing the store's behaviour. */
export function countingEventStore<S extends EventStore>(store: S, onAppended: (count: number) => void): S {
  const count = (outcomes: AppendOutcome[]) => {
    let n = 0;
    for (const o of outcomes) if (o.status === 'appended') n += 1;
    if (n > 0) onAppended(n);
  };
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'appendBatch') {
        return async (...args: Parameters<EventStore['appendBatch']>) => {
          const outcomes = await target.appendBatch(...args);
          count(outcomes);
          return outcomes;
        };
      }
      if (property === 'appendToStream') {
        return async (...args: Parameters<EventStore['appendToStream']>) => {
          const result = await target.appendToStream(...args);
          count(result.outcomes);
          return result;
        };
      }
      if (property === 'appendToStreams') {
        return async (...args: Parameters<EventStore['appendToStreams']>) => {
          const results = await target.appendToStreams(...args);
          for (const result of results) count(result.outcomes);
          return results;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
