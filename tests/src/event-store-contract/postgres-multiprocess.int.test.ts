import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { getPostgresEventStore } from '@pks/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server-process.js';

/**
 * Appenders in separate processes (as several backend nodes) on one PostgreSQL schema, while a subscriber reads live:
 * the trap is a reader skipping an event that commits later with a lower position. The children run the built
 * adapter (backend/dist); it is rebuilt here when older than its sources.
 */
const candidates = process.env.PKS_TEST_PG_URL
  ? [process.env.PKS_TEST_PG_URL]
  : ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

const BUILT = join(REPO_ROOT, 'backend/dist/event-store/postgres/postgres-event-store.js');

const APPENDER = `
import { getPostgresEventStore } from './backend/dist/event-store/postgres/postgres-event-store.js';
const [url, schema, who, count] = process.argv.slice(1);
const store = getPostgresEventStore({ connectionString: url, schema, poolSize: 3 });
const meta = { sourceSystem: 'mp', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' };
const e = (i, k, stream) => ({ id: who + '-' + i + '-' + k, type: 'T', stream, data: { who, i, k }, metadata: meta });
let ownRevision = -1;
for (let i = 0; i < Number(count); i += 1) {
  if (i % 3 === 2) {
    // a single-stream append with an exact expected revision
    const r = await store.appendToStream('own-' + who, [e(i, 0, 'own-' + who), e(i, 1, 'own-' + who)], ownRevision === -1 ? 'no-stream' : ownRevision);
    ownRevision = r.nextExpectedRevision;
  } else {
    const outcomes = await store.appendBatch([e(i, 0, 'own-' + who), e(i, 1, 'shared-1')]);
    for (const o of outcomes) if (o.status === 'appended' && o.id.endsWith('-0')) ownRevision = o.revision;
  }
}
await store.close();
`;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

describe('PostgreSQL store: appenders in several processes', () => {
  let url = '';
  let admin: pg.Pool | undefined;
  const schema = `pks_test_mp_${process.pid.toString(36)}_${Date.now().toString(36)}`;

  beforeAll(async () => {
    const sources = join(REPO_ROOT, 'backend/src/event-store');
    if (!existsSync(BUILT) || statSync(BUILT).mtimeMs < newestMtime(sources)) {
      try {
        execFileSync(process.execPath, [join(REPO_ROOT, 'node_modules/typescript/bin/tsc'), '-b', 'backend'], { cwd: REPO_ROOT, stdio: 'pipe' });
      } catch {
        // type errors elsewhere in the backend do not stop the emit; checked below
      }
      if (!existsSync(BUILT)) throw new Error('backend/dist has no PostgreSQL adapter: run `npm run build`');
    }
    for (const candidate of candidates) {
      const pool = new pg.Pool({ connectionString: candidate, max: 2 });
      try {
        await pool.query('SELECT 1');
        url = candidate;
        admin = pool;
        break;
      } catch {
        await pool.end();
      }
    }
    if (!admin) throw new Error(`no PostgreSQL reachable at ${candidates.join(' or ')} (set PKS_TEST_PG_URL)`);
  }, 120_000);

  afterAll(async () => {
    await admin?.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await admin?.end();
  });

  it('stores every event once, gap-free, with contiguous revisions, seen by a live subscriber in order', async () => {
    const store = getPostgresEventStore({ connectionString: url, schema, pollIntervalMs: 1000 });
    await store.ready();
    const seen: number[] = [];
    const errors: unknown[] = [];
    const subscription = store.subscribeToAll({
      from: 0,
      onEvents: (events) => void seen.push(...events.map((e) => e.position)),
      onError: (e) => errors.push(e),
    });
    // a second reader polling readAll in small pages the whole time: every page must continue exactly where it left
    let polled = 0;
    let pollerGap: string | null = null;
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const page = await store.readAll(polled, 7);
        for (const e of page) {
          if (e.position !== polled + 1 && pollerGap === null) pollerGap = `after ${polled} came ${e.position}`;
          polled = e.position;
        }
        if (page.length === 0) await new Promise((r) => setTimeout(r, 1));
      }
    })();
    const processes = 4;
    const perProcess = 150;
    const codes = await Promise.all(
      Array.from({ length: processes }, (_, p) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', APPENDER, url, schema, `p${p}`, String(perProcess)], { cwd: REPO_ROOT, stdio: 'inherit' });
        return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
      }),
    );
    expect(codes).toEqual([0, 0, 0, 0]);
    const total = processes * perProcess * 2;
    expect(await store.headPosition()).toBe(total);
    const deadline = Date.now() + 10_000;
    while ((seen.length < total || polled < total) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    polling = false;
    await poller;
    await subscription.stop();
    expect(errors).toEqual([]);
    expect(pollerGap).toBeNull();
    expect(polled).toBe(total);
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const shared = await store.readStream('shared-1');
    const sharedPerProcess = perProcess - Math.floor(perProcess / 3);
    expect(shared.map((e) => e.revision)).toEqual(Array.from({ length: processes * sharedPerProcess }, (_, i) => i));
    for (let p = 0; p < processes; p += 1) {
      const own = await store.readStream(`own-p${p}`);
      expect(own.map((e) => e.revision)).toEqual(Array.from({ length: own.length }, (_, i) => i));
      const expectedOwn = Array.from({ length: perProcess }, (_, i) => (i % 3 === 2 ? [i, i] : [i])).flat();
      expect(own.map((e) => e.data.i)).toEqual(expectedOwn);
    }
    const all = await store.readAll(0, total + 1);
    expect(new Set(all.map((e) => e.id)).size).toBe(total);
    await store.close();
  }, 60_000);
});
