import pg from 'pg';
import type { ProjectionSnapshot, SnapshotStore } from './snapshot-store.js';
import { decodeSnapshotState, encodeSnapshotState } from './snapshot-codec.js';

export interface PostgresSnapshotStoreOptions {
  connectionString: string;
  /** the schema holding `projection_snapshots` (the event store's schema), created when missing; default `pks` */
  schema?: string;
  /** shown in pg_stat_activity */
  applicationName?: string;
}

export interface PostgresSnapshotStore extends SnapshotStore {
  /** creates the schema and table if missing; load and save await it */
  ready(): Promise<void>;
  /** when the last snapshot was saved and its lowest position (null: none yet), for health and metrics */
  newest(): Promise<{ position: number; savedAt: string } | null>;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;

/**
 * Projection snapshots in PostgreSQL, for several nodes: the active projection runner writes them, every node's read
 * replica starts from them instead of position 0. Same port as the SQLite snapshot store: all projections are saved
 * in one transaction, state encoded with V8's structured serialisation (Maps and Sets included) in a bytea.
 *
 * A save never replaces a newer snapshot of the same projection version with an older one (a deposed leader that
 * still finishes a save cannot move the shared snapshot back); a new projection version always replaces the old.
 * Each row is (state, position) of one projection, so rows that keep their newer content stay consistent.
 */
export function getPostgresSnapshotStore(options: PostgresSnapshotStoreOptions): PostgresSnapshotStore {
  const schema = options.schema ?? 'pks';
  if (!SCHEMA_NAME.test(schema)) throw new Error(`schema must match ${String(SCHEMA_NAME)}, not '${schema}'`);
  const table = `"${schema}".projection_snapshots`;
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    application_name: (options.applicationName ?? `pks-snapshots:${schema}`).slice(0, 63),
    options: '-c synchronous_commit=on',
    max: 2,
    idleTimeoutMillis: 30_000,
    keepAlive: true,
  });
  pool.on('error', (error) => console.warn(`postgres snapshot store: idle connection failed: ${error.message}`));

  let readyPromise: Promise<void> | null = null;
  const ready = () => {
    readyPromise ??= (async () => {
      const client = await pool.connect();
      try {
        await client.query(`BEGIN; SELECT pg_advisory_xact_lock(hashtext('pks-event-store:migrate'))`);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
        await client.query(`CREATE TABLE IF NOT EXISTS ${table} (
          name     text        PRIMARY KEY,
          version  integer     NOT NULL,
          position bigint      NOT NULL,
          state    bytea       NOT NULL,
          saved_at timestamptz NOT NULL DEFAULT now()
        )`);
        await client.query('COMMIT');
        client.release();
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release(true);
        throw error;
      }
    })().catch((error: unknown) => {
      readyPromise = null;
      throw error;
    });
    return readyPromise;
  };

  return {
    ready,
    async load(names) {
      await ready();
      const { rows } = await pool.query<{ name: string; version: number; position: string; state: Buffer }>(
        `SELECT name, version, position, state FROM ${table} WHERE $1::text[] IS NULL OR name = ANY($1::text[])`,
        [names ?? null],
      );
      return new Map<string, ProjectionSnapshot>(
        rows.map((r) => [r.name, { name: r.name, version: r.version, position: Number(r.position), state: decodeSnapshotState(r.state) }]),
      );
    },
    async save(snapshots) {
      if (snapshots.length === 0) return;
      // the copy is taken now, before the first await: the runner goes on folding into these states
      const encoded = snapshots.map((s) => encodeSnapshotState(s.state));
      await ready();
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await client.query(
          `INSERT INTO ${table} AS t (name, version, position, state, saved_at)
           SELECT n, v, p, s, now() FROM unnest($1::text[], $2::int[], $3::bigint[], $4::bytea[]) AS x(n, v, p, s)
           ON CONFLICT (name) DO UPDATE SET version = excluded.version, position = excluded.position, state = excluded.state, saved_at = excluded.saved_at
           WHERE t.version <> excluded.version OR t.position <= excluded.position`,
          [snapshots.map((s) => s.name), snapshots.map((s) => s.version), snapshots.map((s) => s.position), encoded],
        );
        await client.query('COMMIT');
        client.release();
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release(true);
        throw error;
      }
    },
    async newest() {
      await ready();
      const { rows } = await pool.query<{ position: string | null; saved_at: Date | null }>(`SELECT min(position) AS position, max(saved_at) AS saved_at FROM ${table}`);
      const row = rows[0];
      if (!row || row.position === null || row.saved_at === null) return null;
      return { position: Number(row.position), savedAt: row.saved_at.toISOString() };
    },
    async close() {
      await pool.end();
    },
  };
}
