import { describe, expect, it } from 'vitest';
import { applyRowsByKey, decideUpdate } from './live-protocol';

const update = (fromPosition: number, toPosition: number, rows?: Record<string, unknown>[], refetch = false) => ({ fromPosition, toPosition, rows, refetch });

describe('decideUpdate', () => {
  it('applies an update that continues our position and moves to its toPosition', () => {
    expect(decideUpdate(10, update(10, 12, [{ key: 'a' }]))).toEqual({ kind: 'apply', position: 12, rows: [{ key: 'a' }], refetch: false });
  });

  it('resubscribes when fromPosition is not our position (a missed update)', () => {
    expect(decideUpdate(10, update(11, 14, [])).kind).toBe('resubscribe');
  });

  it('drops updates that end at or before our position (duplicates, late messages of an earlier subscription)', () => {
    expect(decideUpdate(20, update(10, 12, [])).kind).toBe('stale');
    expect(decideUpdate(20, update(18, 20, [])).kind).toBe('stale');
  });

  it('waits while a snapshot is on its way', () => {
    expect(decideUpdate(null, update(10, 12, [])).kind).toBe('wait');
  });

  it('a refetch hint (or an update without rows) is applied as a refetch', () => {
    expect(decideUpdate(5, update(5, 6, undefined, true))).toEqual({ kind: 'apply', position: 6, rows: [], refetch: true });
    expect(decideUpdate(5, update(5, 6, undefined, false))).toMatchObject({ kind: 'apply', refetch: true });
  });
});

describe('applyRowsByKey', () => {
  type R = { key: string; v: number };
  const isR = (row: Record<string, unknown>): row is R & Record<string, unknown> => typeof row.v === 'number';

  it('replaces rows with the same key in place and appends new keys', () => {
    const rows: R[] = [{ key: 'a', v: 1 }, { key: 'b', v: 2 }];
    expect(applyRowsByKey(rows, [{ key: 'b', v: 20 }, { key: 'c', v: 3 }], isR)).toEqual([{ key: 'a', v: 1 }, { key: 'b', v: 20 }, { key: 'c', v: 3 }]);
    expect(rows[1]!.v).toBe(2); // not mutated
  });

  it('ignores rows the model does not accept and rows without a key; returns the same array when nothing changed', () => {
    const rows: R[] = [{ key: 'a', v: 1 }];
    expect(applyRowsByKey(rows, [{ key: 'a', staffId: 'P1' }, { v: 3 }], isR)).toBe(rows);
  });

  it('the last of several changes to one key wins', () => {
    expect(applyRowsByKey([{ key: 'a', v: 1 }], [{ key: 'a', v: 2 }, { key: 'a', v: 3 }], isR)).toEqual([{ key: 'a', v: 3 }]);
  });
});
