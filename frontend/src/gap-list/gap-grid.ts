import type { GapListPerson, GapListResponse, GapListRow } from '@pks/contracts';

/** How a cell stands against its requirement (the colour AND the icon/text of a cell). */
export type CellLevel = 'unsafe' | 'gap' | 'ok' | 'surplus' | 'none';

export function cellLevel(row: Pick<GapListRow, 'minimum' | 'target' | 'belowMinimum' | 'belowTarget' | 'vsTarget' | 'vsMinimum'>): CellLevel {
  if (row.minimum === null && row.target === null) return 'none';
  if (row.belowMinimum) return 'unsafe';
  if (row.belowTarget) return 'gap';
  const over = row.vsTarget ?? row.vsMinimum ?? 0;
  return over > 0 ? 'surplus' : 'ok';
}

export interface GridCell {
  row: GapListRow;
  level: CellLevel;
  /** Karolinska's plus: over the target (or the minimum when there is no target) */
  plus: number;
  /** Karolinska's minus (≤ 0): under the target */
  minus: number;
  /** under the minimum (≤ 0): the unsafe part of the minus */
  minusMinimum: number;
}

export interface WeeklySums {
  days: number;
  plusVsTarget: number;
  minusVsTarget: number;
  plusVsMinimum: number;
  minusVsMinimum: number;
  /** days below the minimum */
  unsafeDays: number;
}

export interface GridRow {
  /** `<unitId>|<slot>|<competence>` */
  key: string;
  unitId: string;
  slot: string;
  slotName: string | null;
  /** '07:00–15:30' */
  slotTime: string | null;
  competence: string;
  /** one per date of the grid; null: no row for the date */
  cells: (GridCell | null)[];
  week: WeeklySums;
}

export interface GridUnit {
  unitId: string;
  name: string;
  departmentId: string;
  departmentName: string | null;
  beds: number;
  findings: number;
  timeZone: string;
  rows: GridRow[];
}

export interface GridTotal {
  date: string | null;
  minimum: number;
  target: number;
  staffed: number;
  openShifts: number;
  absent: number;
  clockedIn: number;
  plusVsTarget: number;
  minusVsTarget: number;
  minusVsMinimum: number;
  unsafeCells: number;
}

export interface GapGrid {
  dates: string[];
  competences: string[];
  units: GridUnit[];
  /** per date, in the order of `dates` (the department total row) */
  totals: GridTotal[];
  /** the whole period */
  total: GridTotal;
  beds: number;
}

const emptyTotal = (date: string | null): GridTotal => ({ date, minimum: 0, target: 0, staffed: 0, openShifts: 0, absent: 0, clockedIn: 0, plusVsTarget: 0, minusVsTarget: 0, minusVsMinimum: 0, unsafeCells: 0 });

function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`), end = Date.parse(`${to}T00:00:00Z`); t <= end; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/** Competence order: the ones Karolinska's list shows first, then alphabetical. */
const COMPETENCE_ORDER = ['SSK', 'SPSK', 'USK', 'LAK', 'BM'];
export function compareCompetence(a: string, b: string): number {
  const ia = COMPETENCE_ORDER.indexOf(a);
  const ib = COMPETENCE_ORDER.indexOf(b);
  return (ia === -1 ? 99 : ia) - (ib === -1 ? 99 : ib) || a.localeCompare(b);
}

export function gridCell(row: GapListRow): GridCell {
  const level = cellLevel(row);
  const vs = row.vsTarget ?? row.vsMinimum;
  return {
    row,
    level,
    plus: vs !== null && vs > 0 ? vs : 0,
    minus: vs !== null && vs < 0 ? vs : 0,
    minusMinimum: row.vsMinimum !== null && row.vsMinimum < 0 ? row.vsMinimum : 0,
  };
}

function addToTotal(t: GridTotal, cell: GridCell): void {
  const r = cell.row;
  t.minimum += r.minimum ?? 0;
  t.target += r.target ?? 0;
  t.staffed += r.staffed;
  t.openShifts += r.openShifts;
  t.absent += r.absent;
  t.clockedIn += r.clockedIn;
  t.plusVsTarget += cell.plus;
  t.minusVsTarget += cell.minus;
  t.minusVsMinimum += cell.minusMinimum;
  if (cell.level === 'unsafe') t.unsafeCells += 1;
}

/**
 * Karolinska's gap list (seeds/001) from the gap-list answer: units in the answer's order, for each unit its slots
 * in the unit's order × competences as rows, the dates of the period as columns; weekly sums (plus/vecka,
 * minus/vecka) per row, beds per unit, totals per date and for the period. Sums are computed from the current rows
 * so they stay right as live changes replace rows.
 */
export function buildGapGrid(data: Pick<GapListResponse, 'from' | 'to' | 'rows' | 'units'>, competence: string | null = null): GapGrid {
  const dates = datesBetween(data.from, data.to);
  const dateIndex = new Map(dates.map((d, i) => [d, i]));
  const rows = competence === null ? data.rows : data.rows.filter((r) => r.competence === competence);
  const competences = [...new Set(data.rows.map((r) => r.competence))].sort(compareCompetence);

  const byUnit = new Map<string, GapListRow[]>();
  for (const r of rows) {
    let list = byUnit.get(r.unitId);
    if (!list) byUnit.set(r.unitId, (list = []));
    list.push(r);
  }

  const unitOrder = [...data.units.map((u) => u.unitId)];
  for (const id of byUnit.keys()) if (!unitOrder.includes(id)) unitOrder.push(id);

  const totals = dates.map((d) => emptyTotal(d));
  const total = emptyTotal(null);
  let bedsTotal = 0;
  const units: GridUnit[] = [];
  for (const unitId of unitOrder) {
    const info = data.units.find((u) => u.unitId === unitId);
    const unitRows = byUnit.get(unitId) ?? [];
    const slotOrder = (info?.slots ?? []).map((s) => s.code);
    for (const r of unitRows) if (!slotOrder.includes(r.slot)) slotOrder.push(r.slot);
    const grid = new Map<string, GridRow>();
    for (const r of unitRows) {
      const key = `${unitId}|${r.slot}|${r.competence}`;
      let gr = grid.get(key);
      if (!gr) {
        const slotInfo = info?.slots.find((s) => s.code === r.slot);
        const start = r.slotStart ?? slotInfo?.start ?? null;
        const end = r.slotEnd ?? slotInfo?.end ?? null;
        gr = {
          key,
          unitId,
          slot: r.slot,
          slotName: r.slotName ?? slotInfo?.name ?? null,
          slotTime: start && end ? `${start}–${end}` : null,
          competence: r.competence,
          cells: dates.map(() => null),
          week: { days: 0, plusVsTarget: 0, minusVsTarget: 0, plusVsMinimum: 0, minusVsMinimum: 0, unsafeDays: 0 },
        };
        grid.set(key, gr);
      }
      const i = dateIndex.get(r.date);
      if (i === undefined) continue;
      const cell = gridCell(r);
      gr.cells[i] = cell;
      gr.week.days += 1;
      gr.week.plusVsTarget += cell.plus;
      gr.week.minusVsTarget += cell.minus;
      if (r.vsMinimum !== null) {
        if (r.vsMinimum > 0) gr.week.plusVsMinimum += r.vsMinimum;
        else gr.week.minusVsMinimum += r.vsMinimum;
      }
      if (cell.level === 'unsafe') gr.week.unsafeDays += 1;
      addToTotal(totals[i]!, cell);
      addToTotal(total, cell);
    }
    const ordered = [...grid.values()].sort((a, b) => slotOrder.indexOf(a.slot) - slotOrder.indexOf(b.slot) || compareCompetence(a.competence, b.competence));
    // beds to staff: on the first date that has a row (live rows carry it), else the answer's unit beds
    const firstRow = unitRows.reduce<GapListRow | null>((m, r) => (m === null || r.date < m.date ? r : m), null);
    const beds = firstRow?.beds ?? info?.beds ?? 0;
    bedsTotal += beds;
    units.push({
      unitId,
      name: info?.name ?? firstRow?.unitName ?? unitId,
      departmentId: info?.departmentId ?? firstRow?.departmentId ?? '',
      departmentName: info?.departmentName ?? null,
      beds,
      findings: info?.findings ?? 0,
      timeZone: info?.timeZone ?? 'Europe/Stockholm',
      rows: ordered,
    });
  }
  return { dates, competences, units, totals, total, beds: bedsTotal };
}

/** People of one cell, by row key. */
export function peopleByCell(people: readonly GapListPerson[]): Map<string, GapListPerson[]> {
  const out = new Map<string, GapListPerson[]>();
  for (const p of people) {
    let list = out.get(p.key);
    if (!list) out.set(p.key, (list = []));
    list.push(p);
  }
  return out;
}
