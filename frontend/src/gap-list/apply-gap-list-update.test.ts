import { describe, expect, it } from 'vitest';
import { applyGapListRows } from './apply-gap-list-update';
import { answer, person, row } from './test-rows';

describe('applyGapListRows', () => {
  const base = answer(
    [row({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffed: 3 }), row({ unitId: 'B8', date: '2026-11-24', slot: 'dag', staffed: 3 })],
    [
      person({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffId: 'P1', start: '2026-11-23T06:00:00Z', end: '2026-11-23T14:30:00Z' }),
      person({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffId: 'P2', start: '2026-11-23T06:00:00Z', end: '2026-11-23T14:30:00Z' }),
    ],
  );

  it('a changed cell (with its people, as the server sends them) replaces the cell and its people', () => {
    const sick = { ...person({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffId: 'P1', start: '2026-11-23T06:00:00Z', end: '2026-11-23T14:30:00Z' }), status: 'absent' as const, absenceKind: 'sick' as const };
    const changed = { ...row({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffed: 2, absent: 1 }), people: [sick] };
    const out = applyGapListRows(base, [changed], 12);
    expect(out.data.position).toBe(12);
    expect(out.data.rows[0]).toMatchObject({ staffed: 2, absent: 1, belowTarget: true });
    expect(out.data.rows[0]).not.toHaveProperty('people');
    expect(out.data.people.map((p) => `${p.staffId}:${p.status}`)).toEqual(['P1:absent']);
    expect(out.changedRowKeys).toEqual(['B8|2026-11-23|dag|SSK']);
    expect(out.peopleIncomplete).toBe(false);
  });

  it('rows outside the answer’s units or dates are ignored', () => {
    const out = applyGapListRows(base, [row({ unitId: 'OTHER', date: '2026-11-23', slot: 'dag' }), row({ unitId: 'B8', date: '2026-12-01', slot: 'dag' })], 13);
    expect(out.data.rows).toBe(base.rows);
    expect(out.changedRowKeys).toEqual([]);
  });

  it('a new cell is inserted in the server’s order; bare person rows mark the people incomplete', () => {
    const out = applyGapListRows(base, [row({ unitId: 'B8', date: '2026-11-23', slot: 'kvall', staffed: 1 })], 14);
    expect(out.data.rows.map((r) => r.key)).toEqual(['B8|2026-11-23|dag|SSK', 'B8|2026-11-24|dag|SSK', 'B8|2026-11-23|kvall|SSK']);
    expect(out.peopleIncomplete).toBe(true);
    const bare = applyGapListRows(base, [{ ...person({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffId: 'P2', start: '2026-11-23T06:00:00Z', end: '2026-11-23T14:30:00Z' }), status: 'clocked-in' }], 15);
    expect(bare.peopleIncomplete).toBe(true);
    expect(bare.data.people.find((p) => p.staffId === 'P2')!.status).toBe('clocked-in');
  });
});
