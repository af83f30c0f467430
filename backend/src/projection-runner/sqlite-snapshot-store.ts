import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { ProjectionSnapshot, SnapshotStore } from './snapshot-store.js';
import { decodeSnapshotState, encodeSnapshotState } from './snapshot-codec.js';

/**
 * Snapshots in their own SQLite file (WAL, synchronous FULL), all projections in one transaction. State is
 * encoded with V8's structured serialisation (Maps and Sets included).
 */
export function getSQLiteSnapshotStore(options: { path: string }): SnapshotStore {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE IF NOT EXISTS projection_snapshots (
    name TEXT PRIMARY KEY, version INTEGER NOT NULL, position INTEGER NOT NULL, state BLOB NOT NULL, saved_at TEXT NOT NULL
  )`);
  const upsert = db.prepare(
    `INSERT INTO projection_snapshots (name, version, position, state, saved_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(name) DO UPDATE SET version = excluded.version, position = excluded.position, state = excluded.state, saved_at = excluded.saved_at`,
  );
  const select = db.prepare(
    'SELECT name, version, position, state FROM projection_snapshots WHERE @names IS NULL OR name IN (SELECT value FROM json_each(@names))',
  );
  const saveAll = db.transaction((snapshots: ProjectionSnapshot[], savedAt: string) => {
    for (const s of snapshots) upsert.run(s.name, s.version, s.position, encodeSnapshotState(s.state), savedAt);
  });
  return {
    async load(names) {
      // one row at a time: each blob can be freed as soon as it is decoded (the states share no memory with it)
      const loaded = new Map<string, ProjectionSnapshot>();
      const rows = select.iterate({ names: names === undefined ? null : JSON.stringify(names) }) as IterableIterator<{
        name: string;
        version: number;
        position: number;
        state: Buffer;
      }>;
      for (const r of rows) loaded.set(r.name, { name: r.name, version: r.version, position: r.position, state: decodeSnapshotState(r.state) });
      return loaded;
    },
    async save(snapshots) {
      saveAll.immediate(snapshots, new Date().toISOString());
    },
    async close() {
      db.close();
    },
  };
}

/** Keeps snapshots in memory (tests, and stores that have nowhere to write). */
export function getInMemorySnapshotStore(): SnapshotStore {
  let saved = new Map<string, ProjectionSnapshot>();
  return {
    async load(names) {
      return new Map([...saved].filter(([k]) => names === undefined || names.includes(k)).map(([k, v]) => [k, { ...v, state: decodeSnapshotState(encodeSnapshotState(v.state)) }]));
    },
    async save(snapshots) {
      const next = new Map(saved);
      for (const s of snapshots) next.set(s.name, { ...s, state: decodeSnapshotState(encodeSnapshotState(s.state)) });
      saved = next;
    },
    async close() {},
  };
}
