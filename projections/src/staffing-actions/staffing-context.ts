import {
  DEFAULT_DAILY_REST_HOURS,
  DEFAULT_WEEKLY_CAP_HOURS,
  type GapCell,
  type GapListPerson,
  type GapListRow,
  type Role,
} from '@pks/contracts';
import { gapListCells } from '../gap-list/gap-list-query.js';
import type { GapListState } from '../gap-list/gap-list-state.js';
import { staffingStatus } from '../staffing-overview/query-staffing-overview.js';
import { assignmentsOf, isAbsent, type RosterAssignment, type StaffRosterState } from '../staff-roster/staff-roster.js';
import { addDays, isoWeekOf, isoWeekStart } from '../time/calendar.js';
import { localDateOf, slotInterval, toInstant, zonedEpochMs } from '../time/zoned-time.js';
import type { UnitInfo } from '../unit-directory/unit-directory.js';

/** What the staffing actions read: the gap list (cells, people) and the roster (who works where and when). */
export interface StaffingInputs {
  gapList: GapListState;
  roster: StaffRosterState;
}

export interface WorkingTimeSettings {
  /** least rest between two assignments, hours (default 11) */
  dailyRestHours: number;
  /** most assigned hours in an ISO week (local), default 48 */
  weeklyCapHours: number;
}

export const DEFAULT_WORKING_TIME: WorkingTimeSettings = { dailyRestHours: DEFAULT_DAILY_REST_HOURS, weeklyCapHours: DEFAULT_WEEKLY_CAP_HOURS };

/** Who acts: role and scope (the principal's). */
export interface StaffingActor {
  sub: string;
  role: Role;
  units: readonly string[];
  pools: readonly string[];
  departments: readonly string[];
}

/** May the actor book pool, overtime or agency staff into this unit? Staffing centre: its pools; tactical: its departments; admin: all; managers: no (they reallocate between own units). */
export function mayBookInto(actor: StaffingActor, unit: UnitInfo): boolean {
  switch (actor.role) {
    case 'admin':
      return true;
    case 'staffing-centre':
      return unit.poolId !== null && actor.pools.includes(unit.poolId);
    case 'tactical':
      return actor.departments.includes(unit.departmentId);
    default:
      return false;
  }
}

/** May the actor move a person from one unit to another? Staffing centre: both in its pools; managers: both own units; tactical: both in its departments; admin: all. */
export function mayReallocate(actor: StaffingActor, from: UnitInfo, to: UnitInfo): boolean {
  const within = (u: UnitInfo) => {
    switch (actor.role) {
      case 'admin':
        return true;
      case 'staffing-centre':
        return u.poolId !== null && actor.pools.includes(u.poolId);
      case 'manager':
        return actor.units.includes(u.unitId);
      case 'tactical':
        return actor.departments.includes(u.departmentId);
      default:
        return false;
    }
  };
  return within(from) && within(to);
}

/** One cell with its slot interval and people, as the actions need it. */
export interface CellView {
  unit: UnitInfo;
  row: GapListRow;
  people: GapListPerson[];
  startMs: number;
  endMs: number;
  cell: GapCell;
}

/** The cell of a unit, date, slot and competence; null when the unit or slot is unknown. */
export function cellView(state: GapListState, unitId: string, date: string, slot: string, competence: string, nowMs: number): CellView | null {
  const unit = state.units.get(unitId);
  if (!unit) return null;
  const slotDef = unit.slots.find((s) => s.code === slot);
  if (!slotDef) return null;
  const { cells, people } = gapListCells(state, unitId, [`${date}|${slot}|${competence}`]);
  const row = cells[0];
  if (!row) return null;
  const { startMs, endMs } = slotInterval(date, slotDef.start, slotDef.end, unit.timeZone);
  return {
    unit,
    row,
    people,
    startMs,
    endMs,
    cell: {
      unitId,
      unitName: unit.name,
      departmentId: unit.departmentId,
      poolId: unit.poolId,
      date,
      slot,
      competence,
      start: toInstant(startMs),
      end: toInstant(endMs),
      minimum: row.minimum,
      target: row.target,
      staffed: row.staffed,
      vsMinimum: row.vsMinimum,
      vsTarget: row.vsTarget,
      status: staffingStatus(row),
      ended: endMs <= nowMs,
    },
  };
}

/** People who count in a cell (not moved away, not absent). */
export function countedPeople(view: CellView): GapListPerson[] {
  return view.people.filter((p) => p.status !== 'moved' && p.status !== 'absent');
}

export type WorkingTimeRule = 'staff-absent' | 'double-booking' | 'daily-rest' | 'weekly-cap';

export interface WorkingTimeCheck {
  violation: { code: WorkingTimeRule; reason: string } | null;
  weekHoursBefore: number;
  weekHoursAfter: number;
  restBeforeHours: number | null;
  restAfterHours: number | null;
}

const HOUR = 3_600_000;
const round1 = (v: number) => Math.round(v * 10) / 10;

function clipHours(a: { startMs: number; endMs: number }, from: number, to: number): number {
  return Math.max(0, Math.min(a.endMs, to) - Math.max(a.startMs, from)) / HOUR;
}

/**
 * Would assigning a person to [startMs, endMs) break a working-time rule? Checked in order: absent during the slot,
 * an assignment overlapping it (double booking), less than `dailyRestHours` between it and the previous or next
 * assignment, more than `weeklyCapHours` in its ISO week (the unit's time zone). `ignore` = assignment ids the
 * person leaves (a reallocation's from-shift). Absence is reported as "absent", never with its reason.
 */
export function checkWorkingTime(
  roster: StaffRosterState,
  staffId: string,
  startMs: number,
  endMs: number,
  timeZone: string,
  settings: WorkingTimeSettings,
  ignore: ReadonlySet<string> = new Set(),
): WorkingTimeCheck {
  const monday = isoWeekStart(isoWeekOf(localDateOf(startMs, timeZone)));
  const weekFrom = zonedEpochMs(monday, '00:00', timeZone);
  const weekTo = zonedEpochMs(addDays(monday, 7), '00:00', timeZone);
  const horizon = 48 * HOUR;
  const list: RosterAssignment[] = assignmentsOf(roster, staffId, Math.min(weekFrom, startMs - horizon), Math.max(weekTo, endMs + horizon)).filter((a) => !ignore.has(a.id));
  let weekBefore = 0;
  for (const a of list) weekBefore += clipHours(a, weekFrom, weekTo);
  const weekAfter = weekBefore + clipHours({ startMs, endMs }, weekFrom, weekTo);
  let prevEnd = -Infinity;
  let nextStart = Infinity;
  let overlap: RosterAssignment | null = null;
  for (const a of list) {
    if (a.startMs < endMs && a.endMs > startMs) overlap ??= a;
    else if (a.endMs <= startMs) prevEnd = Math.max(prevEnd, a.endMs);
    else if (a.startMs >= endMs) nextStart = Math.min(nextStart, a.startMs);
  }
  const restBefore = prevEnd === -Infinity || startMs - prevEnd > horizon ? null : round1((startMs - prevEnd) / HOUR);
  const restAfter = nextStart === Infinity || nextStart - endMs > horizon ? null : round1((nextStart - endMs) / HOUR);
  const base = { weekHoursBefore: round1(weekBefore), weekHoursAfter: round1(weekAfter), restBeforeHours: restBefore, restAfterHours: restAfter };
  let violation: WorkingTimeCheck['violation'] = null;
  if (isAbsent(roster, staffId, startMs, endMs)) violation = { code: 'staff-absent', reason: `${staffId} is absent during the slot` };
  else if (overlap) {
    violation = { code: 'double-booking', reason: `${staffId} is already assigned ${overlap.date} ${overlap.slot ?? ''} on ${overlap.unitId} (${overlap.kind} ${overlap.id}), overlapping the slot`.replace('  ', ' ') };
  } else if (restBefore !== null && restBefore < settings.dailyRestHours) {
    violation = { code: 'daily-rest', reason: `only ${restBefore} h rest after the previous assignment; the rule is ${settings.dailyRestHours} h between assignments` };
  } else if (restAfter !== null && restAfter < settings.dailyRestHours) {
    violation = { code: 'daily-rest', reason: `only ${restAfter} h rest before the next assignment; the rule is ${settings.dailyRestHours} h between assignments` };
  } else if (weekAfter > settings.weeklyCapHours + 1e-9) {
    violation = { code: 'weekly-cap', reason: `${round1(weekAfter)} h in ISO week ${isoWeekOf(monday)} would exceed the weekly cap of ${settings.weeklyCapHours} h` };
  }
  return { violation, ...base };
}
