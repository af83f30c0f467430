import {
  GAP_LIST_ALL_CELLS,
  type AbsenceKind,
  type GapListClockIn,
  type GapListFinding,
  type GapListPerson,
  type GapListPersonStatus,
  type GapListResponse,
  type GapListRow,
  type GapListTotal,
  type GapListUnit,
  type GapListWeeklySum,
  type ShiftSlot,
} from '@pks/contracts';
import { formatDate, parseDate } from '../time/civil-days.js';
import { datesInRange, isoWeekDates, isoWeekOf, weekdayOf } from '../time/calendar.js';
import { localDateOf, toEpochMs } from '../time/zoned-time.js';
import { bedsOn, type UnitInfo } from '../unit-directory/unit-directory.js';
import { BOOKING, BOOKING_SOURCES, REALLOCATION, SHIFT, shiftRowOf, type GapListState } from './gap-list-state.js';
import {
  cellRequirement,
  DEFAULT_TIME_ZONE,
  entryAbsence,
  entryClock,
  movedTo,
  staffRowsOverlapping,
} from './gap-list-status.js';

const iso = (ms: number) => new Date(ms).toISOString();
/** the same order as `a.localeCompare(b, 'sv')` and `a.localeCompare(b)`, without making a collator per comparison */
const SV_COLLATOR = new Intl.Collator('sv');
const DEFAULT_COLLATOR = new Intl.Collator();
/** Slots overlap at handover (natt ends 07:15, dag starts 07:00): overlaps up to this long are not findings. */
export const HANDOVER_TOLERANCE_MS = 60 * 60_000;
const isoOrNull = (ms: number) => (Number.isNaN(ms) ? null : iso(ms));

interface PersonAgg {
  staff: number;
  entryCount: number;
  counted: number;
  /** the entry that puts the person in the cell: the earliest counted shift, else the earliest counted booking */
  primary: number;
  primaryIsShift: boolean;
  allAbsent: boolean;
  absenceKind: AbsenceKind | null;
  clockIn: number;
  clockOut: number;
  movedTo: number;
  /** a moved entry, shown when nothing is counted */
  movedRow: number;
}

interface CellAgg {
  slot: number;
  competence: number;
  scheduled: number;
  booked: number;
  absent: number;
  staffed: number;
  openShifts: number;
  clockedIn: number;
  people: PersonAgg[];
}

/** Every non-empty cell of a unit on a day, computed from its entries. Keyed by `<slot>|<competence>` codes. */
function cellsOfDay(state: GapListState, unit: number | undefined, day: number): Map<string, CellAgg> {
  const out = new Map<string, CellAgg>();
  if (unit === undefined) return out;
  const rows = state.byUnitDay.get(unit)?.get(day);
  if (!rows) return out;
  const e = state.entries;
  const s = state.strings.strings;
  const persons = new Map<string, Map<number, PersonAgg>>();
  for (const row of rows) {
    const slot = e.slot[row]!;
    const competence = e.competence[row]!;
    const key = `${slot < 0 ? '-' : s[slot]}|${s[competence]}`;
    let cell = out.get(key);
    if (!cell) {
      cell = { slot, competence, scheduled: 0, booked: 0, absent: 0, staffed: 0, openShifts: 0, clockedIn: 0, people: [] };
      out.set(key, cell);
      persons.set(key, new Map());
    }
    const staff = e.staff[row]!;
    const moved = movedTo(state, row);
    if (staff < 0) {
      if (moved < 0) cell.openShifts += 1;
      continue;
    }
    const byStaff = persons.get(key)!;
    let p = byStaff.get(staff);
    if (!p) {
      p = {
        staff,
        entryCount: 0,
        counted: 0,
        primary: -1,
        primaryIsShift: false,
        allAbsent: true,
        absenceKind: null,
        clockIn: Number.NaN,
        clockOut: Number.NaN,
        movedTo: -1,
        movedRow: -1,
      };
      byStaff.set(staff, p);
    }
    p.entryCount += 1;
    if (moved >= 0) {
      p.movedTo = moved;
      p.movedRow = row;
      continue;
    }
    p.counted += 1;
    const isShift = e.kind[row] === SHIFT;
    if (p.primary < 0 || (isShift && !p.primaryIsShift) || (isShift === p.primaryIsShift && e.start[row]! < e.start[p.primary]!)) {
      p.primary = row;
      p.primaryIsShift = isShift;
    }
    const absence = entryAbsence(state, row);
    if (absence === null) p.allAbsent = false;
    else p.absenceKind ??= absence;
    const clock = entryClock(state, row);
    if (clock && (Number.isNaN(p.clockIn) || clock[0] < p.clockIn)) {
      p.clockIn = clock[0];
      p.clockOut = clock[1];
    }
  }
  for (const [key, cell] of out) {
    for (const p of persons.get(key)!.values()) {
      cell.people.push(p);
      if (p.counted === 0) continue;
      if (p.primaryIsShift) cell.scheduled += 1;
      else cell.booked += 1;
      if (p.allAbsent) cell.absent += 1;
      else if (!Number.isNaN(p.clockIn)) cell.clockedIn += 1;
    }
    cell.staffed = cell.scheduled + cell.booked - cell.absent;
  }
  return out;
}

function personStatus(p: PersonAgg): GapListPersonStatus {
  if (p.counted === 0) return 'moved';
  if (p.allAbsent) return 'absent';
  if (!Number.isNaN(p.clockIn)) return 'clocked-in';
  return p.primaryIsShift ? 'scheduled' : 'booked';
}

function peopleOf(state: GapListState, cell: CellAgg, row: GapListRow): GapListPerson[] {
  const e = state.entries;
  const s = state.strings.strings;
  const out = cell.people.map((p): GapListPerson => {
    const entry = p.counted > 0 ? p.primary : p.movedRow;
    const source = e.source[entry]!;
    return {
      key: row.key,
      cellKey: row.cellKey,
      unitId: row.unitId,
      date: row.date,
      slot: row.slot,
      competence: row.competence,
      staffId: s[p.staff]!,
      name: state.staffNames.get(p.staff) ?? null,
      status: personStatus(p),
      entry: e.kind[entry] === SHIFT ? 'shift' : 'booking',
      entryId: e.ids[entry]!,
      entryCount: p.entryCount,
      bookingSource: source === 0 ? null : BOOKING_SOURCES[source - 1]!,
      start: isoOrNull(e.start[entry]!) ?? '',
      end: isoOrNull(e.end[entry]!) ?? '',
      absenceKind: p.counted > 0 && p.allAbsent ? p.absenceKind : null,
      clockedInAt: isoOrNull(p.clockIn),
      clockedOutAt: isoOrNull(p.clockOut),
      movedToUnitId: p.counted === 0 && p.movedTo >= 0 ? s[p.movedTo]! : null,
    };
  });
  const rank: Record<GapListPersonStatus, number> = { 'clocked-in': 0, scheduled: 1, booked: 2, absent: 3, moved: 4 };
  return out.sort((a, b) => rank[a.status] - rank[b.status] || SV_COLLATOR.compare(a.name ?? a.staffId, b.name ?? b.staffId) || DEFAULT_COLLATOR.compare(a.staffId, b.staffId));
}

function makeRow(
  state: GapListState,
  unit: UnitInfo,
  date: string,
  slotCode: string,
  slot: ShiftSlot | undefined,
  competence: string,
  cell: CellAgg | undefined,
): GapListRow {
  const req = cellRequirement(state, unit, date, slotCode, competence);
  const staffed = cell?.staffed ?? 0;
  const cellKey = `${date}|${slotCode}|${competence}`;
  return {
    key: `${unit.unitId}|${cellKey}`,
    cellKey,
    unitId: unit.unitId,
    unitName: unit.name,
    departmentId: unit.departmentId,
    date,
    weekday: weekdayOf(date),
    week: isoWeekOf(date),
    slot: slotCode,
    slotName: slot?.name ?? null,
    slotStart: slot?.start ?? null,
    slotEnd: slot?.end ?? null,
    competence,
    beds: bedsOn(unit, date),
    minimum: req.minimum,
    target: req.target,
    requirementSource: req.source,
    scheduled: cell?.scheduled ?? 0,
    booked: cell?.booked ?? 0,
    absent: cell?.absent ?? 0,
    staffed,
    openShifts: cell?.openShifts ?? 0,
    clockedIn: cell?.clockedIn ?? 0,
    vsMinimum: req.minimum === null ? null : staffed - req.minimum,
    vsTarget: req.target === null ? null : staffed - req.target,
    belowMinimum: req.minimum !== null && staffed < req.minimum,
    belowTarget: req.target !== null && staffed < req.target,
  };
}

/** The period a gap-list query covers: the given week, the given dates, or the current week in the time zone. */
export function resolveGapListPeriod(
  params: { week?: string | undefined; from?: string | undefined; to?: string | undefined },
  now: string,
  timeZone: string = DEFAULT_TIME_ZONE,
): { from: string; to: string; week: string | null } {
  if (params.from !== undefined && params.to !== undefined) {
    const week = isoWeekOf(params.from);
    const dates = isoWeekDates(week);
    return { from: params.from, to: params.to, week: dates[0] === params.from && dates[6] === params.to ? week : null };
  }
  const week = params.week ?? isoWeekOf(localDateOf(toEpochMs(now), timeZone));
  const dates = isoWeekDates(week);
  return { from: dates[0]!, to: dates[6]!, week };
}

export interface GapListQuery {
  /** the units, resolved from unitId, departmentId or poolId and the caller's scope */
  unitIds: string[];
  from: string;
  to: string;
  week?: string | null;
  competence?: string | null;
  /** echoed */
  unitId?: string;
  departmentId?: string;
  poolId?: string;
}

/** Competences a unit has rows for in a period: those of its keys, its per-date requirements and its entries. */
function competencesOf(state: GapListState, unit: UnitInfo, from: string, to: string, dayCells: Map<string, CellAgg>[]): string[] {
  const set = new Set<string>();
  for (const k of state.keys.get(unit.unitId) ?? []) set.add(k.competence);
  for (const key of state.overrides.get(unit.unitId)?.keys() ?? []) {
    const date = key.slice(0, 10);
    if (date >= from && date <= to) set.add(key.slice(key.lastIndexOf('|') + 1));
  }
  for (const cells of dayCells) for (const cell of cells.values()) set.add(state.strings.strings[cell.competence]!);
  return [...set].sort();
}

/** Slot codes of a unit's rows: its own slots in order, then codes that only entries use (a data-quality finding). */
function slotsOf(state: GapListState, unit: UnitInfo, dayCells: Map<string, CellAgg>[]): string[] {
  const codes = unit.slots.map((s) => s.code);
  const extra = new Set<string>();
  for (const cells of dayCells) {
    for (const cell of cells.values()) {
      const code = cell.slot < 0 ? '-' : state.strings.strings[cell.slot]!;
      if (!codes.includes(code)) extra.add(code);
    }
  }
  return [...codes, ...[...extra].sort()];
}

type Sums = Pick<GapListTotal, 'minimum' | 'target' | 'scheduled' | 'booked' | 'absent' | 'staffed' | 'openShifts' | 'plusVsMinimum' | 'minusVsMinimum' | 'plusVsTarget' | 'minusVsTarget'>;

function emptySums(): Sums {
  return { minimum: 0, target: 0, scheduled: 0, booked: 0, absent: 0, staffed: 0, openShifts: 0, plusVsMinimum: 0, minusVsMinimum: 0, plusVsTarget: 0, minusVsTarget: 0 };
}

function addRow(sums: Sums, row: GapListRow): void {
  sums.minimum += row.minimum ?? 0;
  sums.target += row.target ?? 0;
  sums.scheduled += row.scheduled;
  sums.booked += row.booked;
  sums.absent += row.absent;
  sums.staffed += row.staffed;
  sums.openShifts += row.openShifts;
  if (row.vsMinimum !== null) {
    if (row.vsMinimum > 0) sums.plusVsMinimum += row.vsMinimum;
    else sums.minusVsMinimum += row.vsMinimum;
  }
  if (row.vsTarget !== null) {
    if (row.vsTarget > 0) sums.plusVsTarget += row.vsTarget;
    else sums.minusVsTarget += row.vsTarget;
  }
}

/**
 * The gap list for units and a period: rows unit × competence × slot × date (every slot of the unit and every date,
 * empty cells included, so a client can draw Karolinska's weekly grid directly), weekly sums per unit × slot ×
 * competence (plus and minus summed separately), the units with their beds, totals over the units per date and for
 * the period, the people of each cell and who clocked in.
 */
export function queryGapList(state: GapListState, params: GapListQuery, now: string): Omit<GapListResponse, 'position'> {
  const dates = datesInRange(params.from, params.to);
  const competence = params.competence ?? null;
  const rows: GapListRow[] = [];
  const people: GapListPerson[] = [];
  const weekly = new Map<string, GapListWeeklySum>();
  const units: GapListUnit[] = [];
  const totals = new Map<string, GapListTotal>();
  const clockIns: GapListClockIn[] = [];
  const unitIds: string[] = [];

  const total = (date: string | null, comp: string): GapListTotal => {
    const k = `${date ?? ''}|${comp}`;
    let t = totals.get(k);
    if (!t) totals.set(k, (t = { date, competence: comp, units: 0, beds: 0, ...emptySums() }));
    return t;
  };

  for (const unitId of params.unitIds) {
    const unit = state.units.get(unitId);
    if (!unit) continue;
    unitIds.push(unitId);
    const u = state.strings.ids.get(unitId);
    const dayCells = dates.map((date) => cellsOfDay(state, u, parseDate(date)));
    const comps = competence !== null ? [competence] : competencesOf(state, unit, params.from, params.to, dayCells);
    const slotCodes = slotsOf(state, unit, dayCells);
    units.push({
      unitId,
      name: unit.name,
      departmentId: unit.departmentId,
      departmentName: unit.departmentName,
      timeZone: unit.timeZone,
      beds: bedsOn(unit, params.from),
      slots: unit.slots.map((s) => ({ code: s.code, name: s.name ?? null, start: s.start, end: s.end })),
      findings: gapListFindings(state, unitId, params.from, params.to).length,
    });
    for (const comp of comps) {
      const periodTotal = total(null, comp);
      periodTotal.units += 1;
      periodTotal.beds += bedsOn(unit, params.from);
      dates.forEach((date) => {
        const t = total(date, comp);
        t.units += 1;
        t.beds += bedsOn(unit, date);
      });
      for (const slotCode of slotCodes) {
        const slot = unit.slots.find((s) => s.code === slotCode);
        dates.forEach((date, i) => {
          const cell = dayCells[i]!.get(`${slotCode}|${comp}`);
          const row = makeRow(state, unit, date, slotCode, slot, comp, cell);
          rows.push(row);
          if (cell) people.push(...peopleOf(state, cell, row));
          const wk = `${unitId}|${slotCode}|${comp}|${row.week}`;
          let w = weekly.get(wk);
          if (!w) weekly.set(wk, (w = { unitId, slot: slotCode, competence: comp, week: row.week, days: 0, ...emptySums() }));
          w.days += 1;
          addRow(w, row);
          addRow(total(date, comp), row);
          addRow(periodTotal, row);
        });
      }
    }
    if (u !== undefined) clockIns.push(...clockInsOf(state, unitId, u, dates));
  }
  const totalRows = [...totals.values()].sort((a, b) => DEFAULT_COLLATOR.compare(a.date ?? '9999', b.date ?? '9999') || DEFAULT_COLLATOR.compare(a.competence, b.competence));
  return {
    asOf: now,
    ...(params.unitId !== undefined && { unitId: params.unitId }),
    ...(params.departmentId !== undefined && { departmentId: params.departmentId }),
    ...(params.poolId !== undefined && { poolId: params.poolId }),
    unitIds,
    week: params.week ?? null,
    from: params.from,
    to: params.to,
    competence,
    rows,
    weeklySums: [...weekly.values()],
    units,
    totals: totalRows,
    people,
    clockIns,
  };
}

function clockInsOf(state: GapListState, unitId: string, unit: number, dates: string[]): GapListClockIn[] {
  const byDay = state.clocks.get(unit);
  if (!byDay) return [];
  const out: GapListClockIn[] = [];
  const s = state.strings.strings;
  for (const date of dates) {
    const recs = byDay.get(parseDate(date));
    if (!recs) continue;
    for (let i = 0; i < recs.length; i += 4) {
      const staff = recs[i]!;
      const shiftRow = recs[i + 3]!;
      out.push({
        unitId,
        date,
        staffId: s[staff]!,
        name: state.staffNames.get(staff) ?? null,
        clockedInAt: isoOrNull(recs[i + 1]!),
        clockedOutAt: isoOrNull(recs[i + 2]!),
        shiftId: shiftRow >= 0 ? state.entries.ids[shiftRow]! : null,
      });
    }
  }
  return out;
}

/**
 * The current content of the named cells of one unit, for the live gateway: rows and their people. Keys are
 * `<date>|<slot>|<competence>`; the key `*` (every cell changed) sets `refetch`, and cells are then not listed.
 */
export function gapListCells(
  state: GapListState,
  unitId: string,
  keys: readonly string[],
): { cells: GapListRow[]; people: GapListPerson[]; refetch: boolean } {
  const unit = state.units.get(unitId);
  if (!unit || keys.includes(GAP_LIST_ALL_CELLS)) return { cells: [], people: [], refetch: true };
  const u = state.strings.ids.get(unitId);
  const byDay = new Map<string, Map<string, CellAgg>>();
  const cells: GapListRow[] = [];
  const people: GapListPerson[] = [];
  for (const key of new Set(keys)) {
    const parts = key.split('|');
    if (parts.length !== 3) continue;
    const [date, slotCode, competence] = parts as [string, string, string];
    let dayCells = byDay.get(date);
    if (!dayCells) byDay.set(date, (dayCells = cellsOfDay(state, u, parseDate(date))));
    const cell = dayCells.get(`${slotCode}|${competence}`);
    const row = makeRow(state, unit, date, slotCode, unit.slots.find((s) => s.code === slotCode), competence, cell);
    cells.push(row);
    if (cell) people.push(...peopleOf(state, cell, row));
  }
  return { cells, people, refetch: false };
}

/**
 * Data-quality findings for a unit and dates: a person more than once in a cell (counted once), a person in two
 * entries in different cells or units that overlap by more than an hour (handover overlaps are normal), entries in slots the unit does not have or on unregistered
 * units, reallocations naming a shift that is unknown, of another person or on another unit, a competence the
 * person does not hold, and clock-outs without a clock-in.
 */
export function gapListFindings(state: GapListState, unitId: string, from: string, to: string): GapListFinding[] {
  const out: GapListFinding[] = [];
  const u = state.strings.ids.get(unitId);
  if (u === undefined) return out;
  const unit = state.units.get(unitId);
  const e = state.entries;
  const s = state.strings.strings;
  const byDay = state.byUnitDay.get(u);
  const first = parseDate(from);
  const last = parseDate(to);
  for (let day = first; day <= last; day += 1) {
    const rows = byDay?.get(day);
    const date = formatDate(day);
    if (rows) {
      const seen = new Map<string, number[]>();
      for (const row of rows) {
        const slot = e.slot[row]! < 0 ? null : s[e.slot[row]!]!;
        const competence = s[e.competence[row]!]!;
        const staff = e.staff[row]!;
        const staffId = staff < 0 ? null : s[staff]!;
        const base = { unitId, date, slot, competence, staffId, entryIds: e.ids[row]! };
        if (!unit) out.push({ kind: 'unknown-unit', ...base, message: `entry ${e.ids[row]} is on unit ${unitId}, which is not registered` });
        else if (slot === null || !unit.slots.some((x) => x.code === slot)) {
          out.push({ kind: 'unknown-slot', ...base, message: `entry ${e.ids[row]} has slot '${slot ?? '?'}', which unit ${unitId} does not have` });
        }
        if (staff >= 0) {
          const held = state.staffCompetences.get(staff);
          if (held && !held.includes(competence)) {
            out.push({ kind: 'competence-not-held', ...base, message: `${staffId} is in a ${competence} cell but holds ${held.join(', ')}` });
          }
        }
        if (e.kind[row] === BOOKING && e.source[row] === REALLOCATION) {
          const r = state.reallocations.get(row);
          if (r?.fromShiftId != null) {
            const shift = shiftRowOf(state, r.fromShiftId);
            const problem =
              shift === undefined
                ? `names shift ${r.fromShiftId}, which is unknown`
                : e.staff[shift] !== staff
                  ? `names shift ${r.fromShiftId} of ${e.staff[shift]! < 0 ? 'nobody (an open shift)' : s[e.staff[shift]!]}`
                  : s[e.unit[shift]!] !== r.fromUnitId
                    ? `names shift ${r.fromShiftId} on unit ${s[e.unit[shift]!]}, not ${r.fromUnitId}`
                    : null;
            if (problem !== null) out.push({ kind: 'reallocation-mismatch', ...base, message: `reallocation ${e.ids[row]} ${problem}` });
          }
        }
        if (staff < 0 || movedTo(state, row) >= 0) continue;
        const cellPerson = `${slot ?? '-'}|${competence}|${staff}`;
        const same = seen.get(cellPerson);
        if (same) same.push(row);
        else seen.set(cellPerson, [row]);
        // overlaps with the person's counted entries in other cells (each pair once)
        for (const other of staffRowsOverlapping(state, staff, e.start[row]!, e.end[row]!)) {
          if (other === row || movedTo(state, other) >= 0) continue;
          const overlap = Math.min(e.end[row]!, e.end[other]!) - Math.max(e.start[row]!, e.start[other]!);
          if (overlap <= HANDOVER_TOLERANCE_MS) continue;
          const sameCell = e.unit[other] === u && e.day[other] === day && e.slot[other] === e.slot[row] && e.competence[other] === e.competence[row];
          if (sameCell) continue;
          if (e.unit[other] === u && other < row && e.day[other]! >= first && e.day[other]! <= last) continue;
          const otherDate = formatDate(e.day[other]!);
          out.push({
            kind: 'overlapping-assignments',
            ...base,
            entryIds: `${e.ids[row]},${e.ids[other]}`,
            message: `${staffId} is in overlapping entries ${e.ids[row]} and ${e.ids[other]} (${s[e.unit[other]!]} ${otherDate} ${e.slot[other]! < 0 ? '-' : s[e.slot[other]!]})`,
          });
        }
      }
      for (const [cellPerson, list] of seen) {
        if (list.length < 2) continue;
        const [slot, competence, staff] = cellPerson.split('|') as [string, string, string];
        const staffId = s[Number(staff)]!;
        out.push({
          kind: 'double-booked',
          unitId,
          date,
          slot: slot === '-' ? null : slot,
          competence,
          staffId,
          entryIds: list.map((r) => e.ids[r]).join(','),
          message: `${staffId} is in the ${date} ${slot} ${competence} cell ${list.length} times (${list.map((r) => e.ids[r]).join(', ')}); counted once`,
        });
      }
    }
    const recs = state.clocks.get(u)?.get(day);
    if (recs) {
      for (let i = 0; i < recs.length; i += 4) {
        if (!Number.isNaN(recs[i + 1]!)) continue;
        const staffId = s[recs[i]!]!;
        out.push({
          kind: 'clock-out-without-clock-in',
          unitId,
          date,
          slot: null,
          competence: null,
          staffId,
          entryIds: recs[i + 3]! >= 0 ? e.ids[recs[i + 3]!]! : '',
          message: `${staffId} clocked out at ${iso(recs[i + 2]!)} without a clock-in`,
        });
      }
    }
  }
  return out;
}
