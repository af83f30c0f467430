import { describe, expect, it } from 'vitest';
import { buildGapGrid, cellLevel } from './gap-grid';
import { answer, row } from './test-rows';

describe('buildGapGrid (Karolinska layout)', () => {
  const rows = [
    // B8: dag SSK over the week: +1, −1 (below target only), −2 (below minimum), 0
    row({ unitId: 'B8', date: '2026-11-23', slot: 'dag', staffed: 4 }),
    row({ unitId: 'B8', date: '2026-11-24', slot: 'dag', staffed: 2 }),
    row({ unitId: 'B8', date: '2026-11-25', slot: 'dag', staffed: 1 }),
    row({ unitId: 'B8', date: '2026-11-26', slot: 'dag', staffed: 3 }),
    row({ unitId: 'B8', date: '2026-11-23', slot: 'natt', staffed: 1, minimum: 1, target: 1 }),
    row({ unitId: 'B8', date: '2026-11-23', slot: 'kvall', staffed: 2, minimum: 2, target: 2 }),
    row({ unitId: 'B8', date: '2026-11-23', slot: 'dag', competence: 'USK', staffed: 2, minimum: null, target: null }),
    row({ unitId: 'C4', date: '2026-11-23', slot: 'dag', staffed: 1, beds: 6, minimum: 1, target: 2 }),
  ];
  const grid = buildGapGrid(answer(rows));

  it('rows are unit × slot (in the unit’s slot order) × competence, columns the 7 dates', () => {
    expect(grid.dates).toHaveLength(7);
    expect(grid.units.map((u) => u.unitId)).toEqual(['B8', 'C4']);
    expect(grid.units[0]!.rows.map((r) => r.key)).toEqual(['B8|dag|SSK', 'B8|dag|USK', 'B8|kvall|SSK', 'B8|natt|SSK']);
    expect(grid.units[0]!.rows[0]!.slotTime).toBe('07:00–15:30');
    expect(grid.units[0]!.rows[0]!.cells.map((c) => c?.level ?? null)).toEqual(['surplus', 'gap', 'unsafe', 'ok', null, null, null]);
    expect(grid.competences).toEqual(['SSK', 'USK']);
  });

  it('plus/vecka and minus/vecka against the target, with the unsafe part against the minimum', () => {
    expect(grid.units[0]!.rows[0]!.week).toEqual({ days: 4, plusVsTarget: 1, minusVsTarget: -3, plusVsMinimum: 3, minusVsMinimum: -1, unsafeDays: 1 });
    const cell = grid.units[0]!.rows[0]!.cells[2]!;
    expect([cell.plus, cell.minus, cell.minusMinimum]).toEqual([0, -2, -1]);
  });

  it('beds in the margin per unit and department totals per date and for the week', () => {
    expect(grid.units.map((u) => u.beds)).toEqual([14, 6]);
    expect(grid.beds).toBe(20);
    const monday = grid.totals[0]!;
    expect(monday).toMatchObject({ date: '2026-11-23', staffed: 4 + 1 + 2 + 2 + 1, minimum: 2 + 1 + 2 + 1, plusVsTarget: 1, minusVsTarget: -1, unsafeCells: 0 });
    expect(grid.total).toMatchObject({ plusVsTarget: 1, minusVsTarget: -4, minusVsMinimum: -1, unsafeCells: 1 });
  });

  it('one competence at a time, as Karolinska shows it', () => {
    const ssk = buildGapGrid(answer(rows), 'USK');
    expect(ssk.units.flatMap((u) => u.rows.map((r) => r.key))).toEqual(['B8|dag|USK']);
    expect(ssk.units[0]!.rows[0]!.cells[0]!.level).toBe('none');
  });

  it('cell levels', () => {
    expect(cellLevel(row({ unitId: 'U', date: '2026-11-23', slot: 'dag', staffed: 1 }))).toBe('unsafe');
    expect(cellLevel(row({ unitId: 'U', date: '2026-11-23', slot: 'dag', staffed: 2 }))).toBe('gap');
    expect(cellLevel(row({ unitId: 'U', date: '2026-11-23', slot: 'dag', staffed: 3 }))).toBe('ok');
    expect(cellLevel(row({ unitId: 'U', date: '2026-11-23', slot: 'dag', staffed: 5 }))).toBe('surplus');
    expect(cellLevel(row({ unitId: 'U', date: '2026-11-23', slot: 'dag', minimum: null, target: null }))).toBe('none');
  });
});
