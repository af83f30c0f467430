import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deserialize } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { decodeSnapshotState, encodeSnapshotState } from './snapshot-codec.js';
import { getInMemorySnapshotStore, getSQLiteSnapshotStore } from './sqlite-snapshot-store.js';

/** a state shaped like the projections' columns: typed arrays of every width, Maps, Sets, strings */
const sample = () => ({
  size: 3,
  flags: Uint8Array.of(1, 0, 1),
  unit: Int32Array.of(7, -1, 42),
  start: Float64Array.of(1.5, Number.NaN, -0),
  wide: new Uint32Array(5000).fill(9),
  ids: ['a', 'b', 'c'],
  byUnit: new Map<number, Set<number>>([[7, new Set([0, 2])]]),
  nested: { counts: new Uint16Array([1, 2, 3]), bytes: Buffer.from('råd') },
});

describe('snapshot codec', () => {
  it('given a state with typed arrays, when encoded and decoded, then it is equal and of the same types', () => {
    const decoded = decodeSnapshotState(encodeSnapshotState(sample())) as ReturnType<typeof sample>;
    expect(decoded).toEqual(sample());
    expect(decoded.unit).toBeInstanceOf(Int32Array);
    expect(decoded.start).toBeInstanceOf(Float64Array);
    expect(Object.is(decoded.start[2], -0)).toBe(true);
    expect(Buffer.isBuffer(decoded.nested.bytes)).toBe(true);
    expect(decoded.byUnit.get(7)).toEqual(new Set([0, 2]));
  });

  it('shares no memory with the blob: every typed array owns a buffer of its own size (v8.deserialize returns views into the blob)', () => {
    const blob = encodeSnapshotState(sample());
    const plain = deserialize(blob) as ReturnType<typeof sample>;
    // the behaviour this codec exists for: Node's deserializer keeps aligned arrays as views of the whole blob
    expect(plain.flags.buffer).toBe(blob.buffer);

    const decoded = decodeSnapshotState(blob) as ReturnType<typeof sample>;
    for (const view of [decoded.flags, decoded.unit, decoded.start, decoded.wide, decoded.nested.counts, decoded.nested.bytes]) {
      expect(view.buffer).not.toBe(blob.buffer);
      expect(view.buffer.byteLength).toBe(view.byteLength);
    }
    // writing into the blob afterwards changes nothing decoded
    blob.fill(0);
    expect(decoded.unit[2]).toBe(42);
    expect(decoded.nested.bytes.toString()).toBe('råd');
  });
});

describe('SQLite and in-memory snapshot stores', () => {
  it('given saved snapshots of three projections, when one is asked for, then only that one is loaded', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pks-snapshots-'));
    const stores = [getSQLiteSnapshotStore({ path: join(dir, 'snap.sqlite') }), getInMemorySnapshotStore()];
    try {
      for (const store of stores) {
        await store.save(['a', 'b', 'c'].map((name, i) => ({ name, version: 1, position: 5, state: { columns: new Int32Array([i]) } })));
        const one = await store.load(['b', 'missing']);
        expect([...one.keys()]).toEqual(['b']);
        expect((one.get('b')!.state as { columns: Int32Array }).columns).toEqual(new Int32Array([1]));
        expect([...(await store.load()).keys()].sort()).toEqual(['a', 'b', 'c']);
        expect((await store.load([])).size).toBe(0);
      }
    } finally {
      for (const store of stores) await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
