import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateEvent, type NewEvent } from '@pks/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store/event-store.js';
import { getSQLiteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { countingEventStore } from './node-resources.js';

/** The ingest-rate metric counts what was stored, through every append path, and nothing stored twice. */

let n = 0;
const staff = (staffId: string, id = `c${(n += 1)}`): NewEvent => {
  const r = validateEvent({ id, type: 'StaffRegistered', data: { staffId, competences: ['SSK'], employmentForm: 'monthly', rate: 1, homeUnitId: null }, metadata: { sourceSystem: 'test' } }, '2026-11-23T08:00:00.000Z');
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.event;
};

describe('countingEventStore', () => {
  let dir: string;
  let inner: EventStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pks-counting-'));
    inner = getSQLiteEventStore({ path: join(dir, 'events.sqlite') });
  });
  afterEach(async () => {
    await inner.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts appended events of appendBatch, appendToStream and appendToStreams, not duplicates', async () => {
    let counted = 0;
    const store = countingEventStore(inner, (k) => (counted += k));
    await store.appendBatch([staff('A', 'e1'), staff('B', 'e2')]);
    expect(counted).toBe(2);
    await store.appendBatch([staff('A', 'e1'), staff('C', 'e3')]);
    expect(counted).toBe(3);
    await store.appendToStream('s-1', [staff('D', 'e4')], 'no-stream');
    expect(counted).toBe(4);
    await store.appendToStreams([
      { stream: 's-2', events: [staff('E', 'e5')], expectedRevision: 'no-stream' },
      { stream: 's-3', events: [staff('F', 'e6'), staff('G', 'e7')], expectedRevision: 'no-stream' },
    ]);
    expect(counted).toBe(7);
    await store.appendToStreams([{ stream: 's-2', events: [staff('E', 'e5')], expectedRevision: 'no-stream' }]);
    expect(counted).toBe(7);
    expect(await store.headPosition()).toBe(7);
  });
});
