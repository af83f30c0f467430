import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { idIndexAdd, idIndexGet, newIdIndex, parseInstantMs } from './columns.js';

describe('parseInstantMs', () => {
  it('equals Date.parse for normalised instants and falls back for others', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.parse('1900-01-01T00:00:00Z'), max: Date.parse('2200-12-31T23:59:59Z') }), (ms) => {
        expect(parseInstantMs(new Date(ms).toISOString())).toBe(ms);
      }),
      { numRuns: 5000 },
    );
    expect(parseInstantMs('2026-03-29T01:00:00+01:00')).toBe(Date.parse('2026-03-29T00:00:00Z'));
  });
});

describe('IdIndex', () => {
  it('finds every id exactly, through growth and colliding hashes', () => {
    const index = newIdIndex();
    const ids: string[] = [];
    for (let i = 0; i < 5000; i += 1) {
      ids.push(i % 2 ? `S${i}` : `shift-${i.toString(36)}`);
      idIndexAdd(index, ids, i, () => ids.keys());
    }
    expect(index.size).toBe(5000);
    expect(index.slots.length).toBeGreaterThanOrEqual(10_000);
    for (let i = 0; i < 5000; i += 1) expect(idIndexGet(index, ids, ids[i]!)).toBe(i);
    expect(idIndexGet(index, ids, 'S2')).toBeUndefined();
    expect(idIndexGet(index, ids, '')).toBeUndefined();
  });
});
