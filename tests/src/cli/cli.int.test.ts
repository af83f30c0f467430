import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPaths, getSQLiteEventStore } from '@pks/backend';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleEvent, sampleSetup } from '../support/sample-feed.js';
import { runCli, startServerProcess } from '../support/server-process.js';

describe('pks CLI', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pks-cli-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints help', async () => {
    const help = await runCli(['help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('import FILE');
    const unknown = await runCli(['frobnicate']);
    expect(unknown.code).toBe(64);
  });

  it('imports NDJSON through the API validation with progress, reporting bad lines, and is idempotent', async () => {
    const file = join(dataDir, 'feed.ndjson');
    const lines = [...sampleSetup(), ...Array.from({ length: 3000 }, (_, i) => sampleEvent(i))].map((e) => JSON.stringify(e));
    lines.splice(100, 0, '{"id": broken');
    lines.splice(200, 0, JSON.stringify({ id: 'bad-shift', type: 'ShiftScheduled', data: { shiftId: 'X', unitId: 'B8-AVA', competence: 'SSK', start: '2026-10-01T10:00:00Z', end: '2026-10-01T09:00:00Z' } }));
    writeFileSync(file, `${lines.join('\n')}\n`);
    const first = await runCli(['import', file, '--data', dataDir]);
    expect(first.code).toBe(2);
    const summary = JSON.parse(first.stdout);
    expect(summary).toMatchObject({ received: 3066, appended: 3064, rejected: 2, duplicates: 0 });
    expect(summary.firstErrors.map((e: { line: number }) => e.line).sort((a: number, b: number) => a - b)).toEqual([101, 201]);
    expect(summary.firstErrors.find((e: { line: number }) => e.line === 201).errors[0]).toEqual({ path: 'data.end', message: 'end must be after start' });
    expect(first.stderr).toMatch(/import/);

    const again = await runCli(['import', file, '--data', dataDir]);
    expect(JSON.parse(again.stdout)).toMatchObject({ appended: 0, duplicates: 3064, rejected: 2 });
    const store = getSQLiteEventStore({ path: dataPaths(dataDir).events });
    expect(await store.headPosition()).toBe(3064);
    await store.close();
  }, 60_000);

  it('imports a JSON file atomically: nothing when one event is invalid', async () => {
    const file = join(dataDir, 'atomic.json');
    writeFileSync(file, JSON.stringify([sampleEvent(10_000), { ...sampleEvent(10_001), type: 'Nope' }]));
    const result = await runCli(['import', file, '--data', dataDir, '--atomic']);
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ appended: 0, rejected: 1, notStored: 1 });
  }, 30_000);

  it('rebuilds all projections with progress and a rate', async () => {
    const result = await runCli(['rebuild', '--data', dataDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/rebuilt \d+ projections from 3064 events to position 3064 in [\d.]+ s \(\d+ events\/s\)/);
    expect(result.stderr).toContain('rebuild');
  }, 60_000);

  it('issues a token the server accepts, with the role it was given', async () => {
    const server = await startServerProcess(dataDir);
    try {
      const integration = (await runCli(['token', '--data', dataDir, '--role', 'integration', '--sub', 'feed-1'])).stdout.trim();
      const manager = (await runCli(['token', '--data', dataDir, '--role', 'manager', '--units', 'B8-AVA'])).stdout.trim();
      const post = (token: string) =>
        fetch(`${server.url}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify([sampleEvent(20_000)]) });
      expect((await post(integration)).status).toBe(200);
      expect((await post(manager)).status).toBe(403);
      const badRole = await runCli(['token', '--data', dataDir, '--role', 'janitor']);
      expect(badRole.code).toBe(1);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);
});
