import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { dataPaths, getSQLiteEventStore, getSQLiteSnapshotStore, issueEmbeddedToken, loadOrCreateEmbeddedSecret, rebuildProjections } from '@pks/backend';
import { allProjections } from '@pks/projections';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleEvent, sampleSetup } from '../support/sample-feed.js';
import { startServerProcess } from '../support/server-process.js';

/**
 * Done-when of issue 2: a process killed with SIGKILL in the middle of a large ingest loses no acknowledged event
 * on restart, and its projections then equal a full rebuild.
 */
describe('SIGKILL during a large ingest', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pks-sigkill-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loses no acknowledged event, and projections after restart equal a full rebuild', async () => {
    const env = { PKS_SNAPSHOT_EVERY_EVENTS: '2500', PKS_SNAPSHOT_EVERY_MS: '300' };
    const first = await startServerProcess(dataDir, env);
    const token = await issueEmbeddedToken(loadOrCreateEmbeddedSecret(dataPaths(dataDir).secret), { sub: 'crash-test', role: 'integration' });
    const post = (events: unknown[]) =>
      fetch(`${first.url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
        body: events.map((e) => JSON.stringify(e)).join('\n'),
      });
    const setup = await post(sampleSetup());
    expect(setup.status).toBe(200);

    const acknowledged = new Map<string, number>();
    let n = 0;
    let killed = false;
    const batchSize = 1000;
    // keep ingesting with two requests in flight; kill the server while requests are outstanding
    const worker = async () => {
      while (!killed) {
        const batch = Array.from({ length: batchSize }, () => sampleEvent(n++));
        try {
          const response = await post(batch);
          const body = (await response.json()) as { results: { id: string; status: string; position: number }[] };
          for (const r of body.results) if (r.status === 'appended' || r.status === 'duplicate') acknowledged.set(r.id, r.position);
        } catch {
          return; // the connection died with the server: this batch was never acknowledged
        }
      }
    };
    const workers = [worker(), worker()];
    while (acknowledged.size < 12_000) await new Promise((r) => setTimeout(r, 5));
    first.child.kill('SIGKILL');
    killed = true;
    await first.exited;
    await Promise.all(workers);
    expect(acknowledged.size).toBeGreaterThanOrEqual(12_000);

    // every acknowledged event is in the log, at the position we were told
    const store = getSQLiteEventStore({ path: dataPaths(dataDir).events });
    const stored = new Map<string, number>();
    for (let after = 0; ; ) {
      const page = await store.readAll(after, 10_000);
      if (page.length === 0) break;
      for (const e of page) stored.set(e.id, e.position);
      after = page[page.length - 1]!.position;
    }
    const head = await store.headPosition();
    const missing = [...acknowledged].filter(([id, position]) => stored.get(id) !== position);
    expect(missing).toEqual([]);
    expect(stored.size).toBe(head);

    // the killed process had snapshotted part of the way: the restart must resume from there, not from 0
    const before = getSQLiteSnapshotStore({ path: dataPaths(dataDir).snapshots });
    const snapshotPosition = (await before.load()).get('events-per-unit')?.position ?? 0;
    await before.close();
    expect(snapshotPosition).toBeGreaterThan(0);
    expect(snapshotPosition).toBeLessThanOrEqual(head);

    // restart: the runner resumes from its last snapshot and catches up; stop it cleanly so it saves its live state
    const second = await startServerProcess(dataDir, env);
    for (;;) {
      const health = (await (await fetch(`${second.url}/api/v1/health`)).json()) as { projections: { lag: number }[]; store: { position: number }; catchingUp: boolean };
      if (health.store.position >= head && !health.catchingUp && health.projections.every((p) => p.lag === 0)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    // the restarted node may have appended events of its own (the alert engine): compare at the final head
    const finalHead = await store.headPosition();
    expect(finalHead).toBeGreaterThanOrEqual(head);

    const snapshots = getSQLiteSnapshotStore({ path: dataPaths(dataDir).snapshots });
    const live = await snapshots.load();
    await snapshots.close();
    const rebuilt = await rebuildProjections({ store, projections: allProjections() });
    await store.close();
    for (const projection of allProjections()) {
      const saved = live.get(projection.name);
      expect(saved?.position, projection.name).toBe(finalHead);
      expect(isDeepStrictEqual(saved?.state, rebuilt.states.get(projection.name)), `${projection.name} equals its rebuild`).toBe(true);
    }
  }, 120_000);
});
