import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NewEvent, StoredEvent } from '@pks/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store.js';
import { getSQLiteEventStore } from './sqlite-event-store.js';

let n = 0;
const event = (stream: string, data: Record<string, unknown> = {}): NewEvent => ({
  id: `e-${(n += 1)}`,
  type: 'TestHappened',
  stream,
  data: { n, ...data },
  metadata: { sourceSystem: 'test', occurredAt: '2026-01-01T00:00:00.000Z', recordedAt: '2026-01-01T00:00:00.000Z' },
});

async function until(probe: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The in-process shortcuts of the SQLite store (recent appends for subscribers, cached stream revisions) are exact. */
describe('SQLite event store: in-process shortcuts', () => {
  let dir: string;
  const open: EventStore[] = [];
  const store = (recentEvents?: number) => {
    const s = getSQLiteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 10, ...(recentEvents !== undefined && { recentEvents }) });
    open.push(s);
    return s;
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pks-sqlite-store-'));
  });
  afterEach(async () => {
    for (const s of open.splice(0)) await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('subscribers get every event once and in order while this process and another one append in turns, equal to what the table holds', async () => {
    const mine = store(100);
    const other = store(0); // another process: its appends are not in `mine`'s memory
    const seen: StoredEvent[] = [];
    const slowSeen: number[] = [];
    const subscription = mine.subscribeToAll({ from: 0, batchSize: 7, onEvents: (events) => void seen.push(...events) });
    // a slow subscriber falls behind the in-memory run (100 events) and must read the rest from the table
    const slow = mine.subscribeToAll({
      from: 0,
      batchSize: 5,
      onEvents: async (events) => {
        slowSeen.push(...events.map((e) => e.position));
        await new Promise((r) => setTimeout(r, 1));
      },
    });
    for (let round = 0; round < 40; round += 1) {
      const writer = round % 3 === 2 ? other : mine;
      if (round % 2 === 0) await writer.appendBatch(Array.from({ length: 9 }, (_, i) => event(`s-${(round + i) % 5}`, { round })));
      else await writer.appendToStreams([{ stream: `a-${round}`, events: [event(`a-${round}`)], expectedRevision: 'no-stream' }, { stream: 's-1', events: [event('s-1')] }]);
      if (round % 5 === 0) await new Promise((r) => setTimeout(r, 2));
    }
    const head = await mine.headPosition();
    await until(() => seen.length >= head && slowSeen.length >= head);
    await new Promise((r) => setTimeout(r, 30));
    await subscription.stop();
    await slow.stop();
    expect(seen.map((e) => e.position)).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(slowSeen).toEqual(Array.from({ length: head }, (_, i) => i + 1));
    expect(seen).toEqual(await mine.readAll(0, head + 10));
  });

  it('stream revisions stay right when another process appends to the same streams in between', async () => {
    const mine = store();
    const other = store();
    await mine.appendBatch([event('s-1'), event('s-1'), event('s-2')]);
    await other.appendBatch([event('s-1'), event('s-2')]);
    const outcomes = await mine.appendBatch([event('s-1'), event('s-2'), event('s-3')]);
    expect(outcomes.map((o) => (o.status === 'appended' ? o.revision : -1))).toEqual([3, 2, 0]);
    const [result] = await mine.appendToStreams([{ stream: 's-2', events: [event('s-2')], expectedRevision: 2 }]);
    expect(result!.nextExpectedRevision).toBe(3);
    await other.appendToStream('s-3', [event('s-3')], 0);
    await expect(mine.appendToStream('s-3', [event('s-3')], 0)).rejects.toThrow(/expected revision 0/);
    expect((await mine.readStream('s-1')).map((e) => e.revision)).toEqual([0, 1, 2, 3]);
  });

  it('a failed atomic multi-stream append leaves neither rows nor cached revisions nor events for subscribers', async () => {
    const mine = store();
    const seen: string[] = [];
    const subscription = mine.subscribeToAll({ from: 0, onEvents: (events) => void seen.push(...events.map((e) => e.id)) });
    const first = event('s-1');
    await mine.appendToStream('s-1', [first], 'no-stream');
    await expect(
      mine.appendToStreams([
        { stream: 's-2', events: [event('s-2')], expectedRevision: 'no-stream' },
        { stream: 's-1', events: [event('s-1')], expectedRevision: 'no-stream' },
      ]),
    ).rejects.toThrow(/expected revision/);
    const next = event('s-2');
    const [ok] = await mine.appendToStreams([{ stream: 's-2', events: [next], expectedRevision: 'no-stream' }]);
    expect(ok!.outcomes[0]).toMatchObject({ status: 'appended', position: 2, revision: 0 });
    await until(() => seen.length >= 2);
    await new Promise((r) => setTimeout(r, 20));
    await subscription.stop();
    expect(seen).toEqual([first.id, next.id]);
  });
});
