import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createEventStore, eventStoreConfigFromEnv, getPostgresEventStore, getSQLiteEventStore, type EventStore } from '@pks/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventStoreContract, testEvent } from './event-store-contract.js';

/**
 * The contract suite against the real PostgreSQL on this machine (PKS_TEST_PG_URL, default
 * postgres://postgres@127.0.0.1:5432/test, else the same as user root). Every store gets its own schema, dropped after.
 */
const candidates = process.env.PKS_TEST_PG_URL
  ? [process.env.PKS_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

let url = '';
let admin: pg.Pool;
const runId = `${process.pid.toString(36)}_${Date.now().toString(36)}`;
let schemaCounter = 0;
const schemas = new Set<string>();
const newSchema = () => {
  schemaCounter += 1;
  const schema = `pks_test_${runId}_${schemaCounter}`;
  schemas.add(schema);
  return schema;
};
const dropSchema = async (schema: string) => {
  await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  schemas.delete(schema);
};

beforeAll(async () => {
  const failures: string[] = [];
  for (const candidate of candidates) {
    const pool = new pg.Pool({ connectionString: candidate, max: 2 });
    try {
      await pool.query('SELECT 1');
      url = candidate;
      admin = pool;
      return;
    } catch (error) {
      failures.push(`${candidate}: ${(error as Error).message}`);
      await pool.end();
    }
  }
  throw new Error(`no PostgreSQL reachable (set PKS_TEST_PG_URL):\n${failures.join('\n')}`);
});

afterAll(async () => {
  for (const schema of [...schemas]) await dropSchema(schema);
  await admin?.end();
});

let current = '';
eventStoreContract('PostgreSQL', {
  async create() {
    current = newSchema();
    const store = getPostgresEventStore({ connectionString: url, schema: current, pollIntervalMs: 1000 });
    await store.ready();
    return store;
  },
  async reopen() {
    return getPostgresEventStore({ connectionString: url, schema: current, pollIntervalMs: 1000 });
  },
  async cleanup() {
    await dropSchema(current);
  },
});

async function waitFor(predicate: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('PostgreSQL store specifics', () => {
  it('stores data and metadata exactly as given (json, not jsonb: key order and \\u0000 survive)', async () => {
    const store = getPostgresEventStore({ connectionString: url, schema: newSchema() });
    try {
      const data = { z: 1, a: 'nul \u0000 and "quotes" and \\ backslash and {braces}', nested: { y: [1, 2.5, null], b: true } };
      await store.appendBatch([{ ...testEvent('exact-1', {}, 'exact-id'), data }]);
      const [stored] = await store.readStream('exact-1');
      expect(JSON.stringify(stored!.data)).toBe(JSON.stringify(data));
      expect(await store.readAll(0, 10)).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('keeps a live subscription going across dropped connections, from its checkpoint, without waiting for the poll', async () => {
    const schema = newSchema();
    const store = getPostgresEventStore({ connectionString: url, schema, pollIntervalMs: 60_000, applicationName: `pks-drop-${schema}`.slice(0, 63) });
    const writer = getPostgresEventStore({ connectionString: url, schema });
    const warn = console.warn;
    console.warn = () => undefined;
    try {
      await store.appendBatch([testEvent('drop-1')]);
      const seen: number[] = [];
      const errors: unknown[] = [];
      const subscription = store.subscribeToAll({ from: 0, onEvents: (events) => void seen.push(...events.map((e) => e.position)), onError: (e) => errors.push(e) });
      await waitFor(() => seen.length === 1 && !subscription.catchingUp, 5000);
      await new Promise((r) => setTimeout(r, 200)); // the listener is connected
      // drop every connection of this store handle: the LISTEN connection and the pooled ones
      const killed = await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [`pks-drop-${schema}`.slice(0, 63)]);
      expect(killed.rowCount).toBeGreaterThanOrEqual(1);
      await writer.appendBatch([testEvent('drop-1'), testEvent('drop-1')]);
      // the listener reconnects (backoff 100 ms) and wakes the subscription; the poll would take 60 s
      await waitFor(() => seen.length === 3, 5000);
      const started = Date.now();
      await writer.appendBatch([testEvent('drop-1')]);
      await waitFor(() => seen.length === 4, 2000);
      expect(Date.now() - started).toBeLessThan(1000);
      expect(seen).toEqual([1, 2, 3, 4]);
      expect(errors).toEqual([]);
      // and the store's own pool recovers for appends
      await store.appendBatch([testEvent('drop-1')]);
      await waitFor(() => seen.length === 5, 2000);
      await subscription.stop();
    } finally {
      console.warn = warn;
      await writer.close();
      await store.close();
    }
  });

  it('commits concurrent appends of one handle together; an append that fails its own check fails alone', async () => {
    const schema = newSchema();
    const store = getPostgresEventStore({ connectionString: url, schema });
    try {
      await store.appendToStream('group-a', [testEvent('group-a'), testEvent('group-a')]);
      await store.appendBatch([testEvent('group-x', {}, 'group-known')]);
      // started together, without waiting for each other: they queue behind whatever transaction is running
      const singles = Array.from({ length: 40 }, (_, i) => store.appendToStream(`group-s${i}`, [testEvent(`group-s${i}`)], 'no-stream'));
      const wrongRevision = store.appendToStreams([
        { stream: `group-w1`, events: [testEvent('group-w1')], expectedRevision: 'no-stream' },
        { stream: 'group-a', events: [testEvent('group-a')], expectedRevision: 0 }, // it is at 1
      ]);
      const atomicWithConflict = store.appendBatch([testEvent('group-y'), { ...testEvent('group-x', { other: true }, 'group-known') }], { atomic: true });
      const twice = testEvent('group-z', {}, 'group-twice');
      const sameIdTwice = store.appendBatch([twice]);
      const sameIdAgain = store.appendBatch([{ ...twice }]);
      const wrongRevisionError = wrongRevision.then(
        () => null,
        (error: unknown) => error,
      );
      const results = await Promise.all(singles);
      expect(String(await wrongRevisionError)).toMatch(/group-a/);
      const atomic = await atomicWithConflict;
      expect(atomic.map((o) => o.status)).toEqual(['not-stored', 'conflict']);
      const [first] = await sameIdTwice;
      const [second] = await sameIdAgain;
      expect(first!.status).toBe('appended');
      expect(second).toMatchObject({ status: 'duplicate', position: (first as { position: number }).position });

      // positions gap-free in call order; the failed ones left nothing (no group-w1, no group-y, group-a still at 1)
      const all = await store.readAll(0, 1000);
      expect(all.map((e) => e.position)).toEqual(all.map((_, i) => i + 1));
      expect(all.map((e) => e.stream).filter((s) => s === 'group-w1' || s === 'group-y')).toEqual([]);
      expect((await store.readStream('group-a')).map((e) => e.revision)).toEqual([0, 1]);
      expect(results.map((r) => r.position)).toEqual(results.map((_, i) => 4 + i));
      expect(all).toHaveLength(3 + 40 + 1);
      // and they shared transactions: far fewer than 41 (a row's xmin is the transaction that inserted it)
      const { rows } = await admin.query<{ n: number }>(`SELECT count(DISTINCT xmin::text)::int AS n FROM "${schema}".events WHERE position > 3`);
      expect(rows[0]!.n).toBeLessThan(10);
    } finally {
      await store.close();
    }
  });

  it('measures append throughput against SQLite on this machine (printed, not asserted)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pks-pg-bench-'));
    const sqlite = getSQLiteEventStore({ path: join(dir, 'events.sqlite') });
    const postgres = getPostgresEventStore({ connectionString: url, schema: newSchema() });
    await postgres.ready();
    const measure = async (store: EventStore) => {
      const single = 200;
      let t = performance.now();
      for (let i = 0; i < single; i += 1) await store.appendBatch([testEvent(`bench-${i % 10}`)]);
      const singlePerSecond = single / ((performance.now() - t) / 1000);
      const concurrent = 200;
      t = performance.now();
      await Promise.all(
        Array.from({ length: 10 }, (_, w) =>
          (async () => {
            for (let i = 0; i < concurrent / 10; i += 1) await store.appendToStream(`bench-w${w}`, [testEvent(`bench-w${w}`)]);
          })(),
        ),
      );
      const concurrentPerSecond = concurrent / ((performance.now() - t) / 1000);
      const batches = 10;
      const perBatch = 500;
      t = performance.now();
      for (let b = 0; b < batches; b += 1) await store.appendBatch(Array.from({ length: perBatch }, (_, i) => testEvent(`bench-b${i % 50}`)));
      const batchedPerSecond = (batches * perBatch) / ((performance.now() - t) / 1000);
      return { singlePerSecond, concurrentPerSecond, batchedPerSecond };
    };
    try {
      const s = await measure(sqlite);
      const p = await measure(postgres);
      const row = (label: string, a: number, b: number) =>
        `  ${label.padEnd(44)} SQLite ${a.toFixed(0).padStart(7)}/s   PostgreSQL ${b.toFixed(0).padStart(7)}/s   ratio PG/SQLite ${(b / a).toFixed(2)}`;
      console.log(
        [
          'append throughput, same machine, same run:',
          row('1 event per append, sequential', s.singlePerSecond, p.singlePerSecond),
          row('1 event per append, 10 concurrent appenders', s.concurrentPerSecond, p.concurrentPerSecond),
          row('500 events per appendBatch (events/s)', s.batchedPerSecond, p.batchedPerSecond),
        ].join('\n'),
      );
      expect(await postgres.headPosition()).toBe(200 + 200 + 5000);
    } finally {
      await sqlite.close();
      await postgres.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('createEventStore / eventStoreConfigFromEnv', () => {
  it('chooses the adapter from PKS_STORE and PKS_STORE_URL', async () => {
    expect(eventStoreConfigFromEnv({}, '/data/events.sqlite')).toEqual({ kind: 'sqlite', url: '/data/events.sqlite' });
    expect(eventStoreConfigFromEnv({ PKS_STORE: 'postgres', PKS_STORE_URL: 'postgres://x/y' }, '/d')).toEqual({ kind: 'postgres', url: 'postgres://x/y' });
    expect(eventStoreConfigFromEnv({ PKS_STORE: 'kurrentdb', PKS_STORE_URL: 'kurrentdb://h:2113?tls=false' }, '/d')).toEqual({
      kind: 'kurrentdb',
      url: 'kurrentdb://h:2113?tls=false',
    });
    expect(() => eventStoreConfigFromEnv({ PKS_STORE: 'postgres' }, '/d')).toThrow(/PKS_STORE_URL is required/);
    expect(() => eventStoreConfigFromEnv({ PKS_STORE: 'mysql' }, '/d')).toThrow(/PKS_STORE must be one of/);

    const schema = newSchema();
    const postgres = await createEventStore({ ...eventStoreConfigFromEnv({ PKS_STORE: 'postgres', PKS_STORE_URL: url }, '/unused'), schema });
    const dir = mkdtempSync(join(tmpdir(), 'pks-factory-'));
    const sqlite = await createEventStore(eventStoreConfigFromEnv({}, join(dir, 'events.sqlite')));
    try {
      expect([postgres.kind, sqlite.kind]).toEqual(['postgres', 'sqlite']);
      await postgres.appendBatch([testEvent('factory-1')]);
      expect(await postgres.headPosition()).toBe(1);
      const tables = await admin.query('SELECT 1 FROM information_schema.tables WHERE table_schema = $1 AND table_name = $2', [schema, 'events']);
      expect(tables.rowCount).toBe(1);
    } finally {
      await postgres.close();
      await sqlite.close();
      rmSync(dir, { recursive: true, force: true });
    }
    await expect(createEventStore({ kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none', schema: newSchema() })).rejects.toThrow();
  });
});
