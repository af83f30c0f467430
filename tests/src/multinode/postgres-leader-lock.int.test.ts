import pg from 'pg';
import { getPostgresSnapshotStore, postgresLeaderLock, type LeaderElection } from '@pks/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachablePostgres } from '../support/multi-node.js';

/**
 * The leader lock (a session-level advisory lock on a dedicated connection) and the PostgreSQL snapshot store,
 * against this machine's PostgreSQL. Each run uses its own lock name and schema.
 */
let url = '';
const run = `lk_${process.pid.toString(36)}_${Date.now().toString(36)}`;
const elections: LeaderElection[] = [];

beforeAll(async () => {
  url = await reachablePostgres();
});
afterAll(async () => {
  for (const e of elections) await e.stop();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS "pks_${run}" CASCADE`);
  await admin.end();
});

async function waitFor(predicate: () => boolean, timeoutMs = 10_000): Promise<number> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - started;
}

function election(nodeId: string, name = run) {
  const changes: boolean[] = [];
  const e = postgresLeaderLock({ connectionString: url, name, nodeId: `${run}-${nodeId}`, retryMs: 100, checkMs: 200 });
  elections.push(e);
  e.start((leader) => void changes.push(leader));
  return { e, changes };
}

describe('PostgreSQL leader lock', () => {
  it('elects exactly one leader; when it stops, a standby takes over within the retry interval', async () => {
    const a = election('a');
    await waitFor(() => a.e.isLeader);
    const b = election('b');
    const c = election('c');
    await new Promise((r) => setTimeout(r, 400));
    expect([a.e.isLeader, b.e.isLeader, c.e.isLeader]).toEqual([true, false, false]);
    expect(b.changes).toEqual([]);

    const stopped = Date.now();
    await a.e.stop();
    expect(a.changes).toEqual([true, false]);
    await waitFor(() => b.e.isLeader || c.e.isLeader);
    const takeoverMs = Date.now() - stopped;
    expect(takeoverMs).toBeLessThan(1000);
    await new Promise((r) => setTimeout(r, 300));
    expect([b.e.isLeader, c.e.isLeader].filter(Boolean)).toHaveLength(1);
  });

  it('a leader whose session is terminated steps down at once, and another node takes over', async () => {
    const name = `${run}_kill`;
    const a = election('ka', name);
    await waitFor(() => a.e.isLeader);
    const b = election('kb', name);
    await new Promise((r) => setTimeout(r, 300));
    expect(b.e.isLeader).toBe(false);

    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const { rows } = await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = $1`, [`pks-leader:${run}-ka`]);
    expect(rows).toHaveLength(1);
    const killed = Date.now();
    await admin.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
    await admin.end();
    const stepDownMs = await waitFor(() => !a.e.isLeader, 3000);
    await waitFor(() => b.e.isLeader, 3000);
    expect(Date.now() - killed).toBeLessThan(1500);
    expect(stepDownMs).toBeLessThan(1000);
    // a becomes a standby again and does not get the lock back while b holds it
    await new Promise((r) => setTimeout(r, 400));
    expect([a.e.isLeader, b.e.isLeader]).toEqual([false, true]);
    expect(a.changes).toEqual([true, false]);
  });
});

describe('PostgreSQL snapshot store', () => {
  it('saves all projections together, restores Maps and Sets, and never moves a snapshot back to an older position', async () => {
    const store = getPostgresSnapshotStore({ connectionString: url, schema: `pks_${run}` });
    try {
      expect(await store.load()).toEqual(new Map());
      expect(await store.newest()).toBeNull();
      const state = { units: new Map([['B8', { beds: 14 }]]), ids: new Set(['a', 'b']), n: 7 };
      await store.save([
        { name: 'one', version: 1, position: 10, state },
        { name: 'two', version: 3, position: 10, state: { list: [1, 2, 3] } },
      ]);
      const loaded = await store.load();
      expect(loaded.get('one')).toEqual({ name: 'one', version: 1, position: 10, state });
      expect(loaded.get('one')!.state).not.toBe(state);
      expect(loaded.get('two')?.position).toBe(10);
      expect((await store.newest())?.position).toBe(10);
      // a runner of some projections loads (and decodes) only theirs
      expect([...(await store.load(['two', 'absent'])).keys()]).toEqual(['two']);
      expect(await store.load([])).toEqual(new Map());

      // a deposed leader finishing an older save does not win; a newer save and a new version do
      await store.save([{ name: 'one', version: 1, position: 5, state: { stale: true } }]);
      expect((await store.load()).get('one')?.position).toBe(10);
      await store.save([{ name: 'one', version: 1, position: 20, state: { n: 20 } }]);
      expect((await store.load()).get('one')).toMatchObject({ position: 20, state: { n: 20 } });
      await store.save([{ name: 'one', version: 2, position: 3, state: { rebuilt: true } }]);
      expect((await store.load()).get('one')).toMatchObject({ version: 2, position: 3 });

      // a second handle (another node) sees the same
      const other = getPostgresSnapshotStore({ connectionString: url, schema: `pks_${run}` });
      expect((await other.load()).get('two')).toMatchObject({ version: 3, state: { list: [1, 2, 3] } });
      await other.close();
    } finally {
      await store.close();
    }
  });
});
