import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSQLiteEventStore } from '@pks/backend';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/server-process.js';

/** Appenders in separate processes on one SQLite file (e.g. `pks import` while the server runs). */
const APPENDER = `
import { getSQLiteEventStore } from './backend/dist/index.js';
const [path, who, count] = process.argv.slice(1);
const store = getSQLiteEventStore({ path });
const meta = { sourceSystem: 'mp', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' };
for (let i = 0; i < Number(count); i += 1) {
  const e = (k) => ({ id: who + '-' + i + '-' + k, type: 'T', stream: (k === 0 ? 'own-' + who : 'shared-1'), data: { who, i, k }, metadata: meta });
  await store.appendBatch([e(0), e(1)]);
}
await store.close();
`;

describe('SQLite store: appenders in several processes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pks-mp-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores every event once, gap-free, with contiguous revisions, seen by a live subscriber in order', async () => {
    const path = join(dir, 'events.sqlite');
    const store = getSQLiteEventStore({ path, pollIntervalMs: 10 });
    const seen: number[] = [];
    const subscription = store.subscribeToAll({ from: 0, onEvents: (events) => void seen.push(...events.map((e) => e.position)) });
    const processes = 4;
    const perProcess = 300;
    const codes = await Promise.all(
      Array.from({ length: processes }, (_, p) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', APPENDER, path, `p${p}`, String(perProcess)], { cwd: REPO_ROOT, stdio: 'inherit' });
        return new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
      }),
    );
    expect(codes).toEqual([0, 0, 0, 0]);
    const total = processes * perProcess * 2;
    expect(await store.headPosition()).toBe(total);
    const deadline = Date.now() + 10_000;
    while (seen.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await subscription.stop();
    expect(seen).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    const shared = await store.readStream('shared-1');
    expect(shared.map((e) => e.revision)).toEqual(Array.from({ length: processes * perProcess }, (_, i) => i));
    for (let p = 0; p < processes; p += 1) {
      const own = await store.readStream(`own-p${p}`);
      expect(own.map((e) => e.data.i)).toEqual(Array.from({ length: perProcess }, (_, i) => i));
    }
    await store.close();
  }, 60_000);
});
