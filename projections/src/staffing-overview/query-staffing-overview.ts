import type { GapListRow, OpenShiftRow, PoolStaffRow, StaffingOverviewResponse, StaffingOverviewRow, StaffingStatus } from '@pks/contracts';
import { addDays, datesInRange } from '../time/calendar.js';
import { localDateOf, slotInterval, toEpochMs, toInstant } from '../time/zoned-time.js';
import { assignmentById, assignmentsOf, isAbsent, type StaffRosterState } from '../staff-roster/staff-roster.js';

export interface StaffingOverviewQuery {
  unitIds: string[];
  from: string;
  to: string;
  poolId?: string;
  departmentId?: string;
  competence?: string | null;
}

const RANK: Record<StaffingStatus, number> = { 'below-minimum': 3, 'below-target': 2, surplus: 1, ok: 0 };

export function staffingStatus(row: Pick<GapListRow, 'minimum' | 'target' | 'staffed'>): StaffingStatus {
  if (row.minimum !== null && row.staffed < row.minimum) return 'below-minimum';
  if (row.target !== null && row.staffed < row.target) return 'below-target';
  if (row.target !== null && row.staffed > row.target) return 'surplus';
  return 'ok';
}

/**
 * Urgency: below minimum before below target before surplus; within a status, the sooner the slot starts the more
 * urgent, then the larger the gap.
 */
export function urgencyOf(status: StaffingStatus, startsAtMs: number, nowMs: number, gap: number): number {
  const hoursUntil = Math.min(9999, Math.max(0, (startsAtMs - nowMs) / 3_600_000));
  return RANK[status] * 1_000_000 + Math.round((10_000 - hoursUntil) * 10) + Math.min(99, Math.abs(gap));
}

/** The period of a staffing overview: `days` dates from `from` (default today in Europe/Stockholm). */
export function resolveOverviewPeriod(params: { from?: string | undefined; days: number }, now: string, timeZone = 'Europe/Stockholm'): { from: string; to: string } {
  const from = params.from ?? localDateOf(toEpochMs(now), timeZone);
  return { from, to: addDays(from, params.days - 1) };
}

/**
 * The staffing centre's view over gap-list rows of the pool's units (computed by the gap-list query) and the
 * roster: shortages and surpluses by urgency (slots that already ended are left out), open shifts, pool staff.
 */
export function queryStaffingOverview(
  gapRows: readonly GapListRow[],
  roster: StaffRosterState,
  params: StaffingOverviewQuery,
  now: string,
): Omit<StaffingOverviewResponse, 'position'> {
  const nowMs = toEpochMs(now);
  const units = new Set(params.unitIds);
  const rows: StaffingOverviewRow[] = [];
  for (const r of gapRows) {
    if (!units.has(r.unitId) || (params.competence && r.competence !== params.competence)) continue;
    const status = staffingStatus(r);
    if (status === 'ok' || r.slotStart === null || r.slotEnd === null) continue;
    const tz = roster.units.get(r.unitId)?.timeZone ?? 'Europe/Stockholm';
    const { startMs, endMs } = slotInterval(r.date, r.slotStart, r.slotEnd, tz);
    if (endMs <= nowMs) continue;
    const gap = status === 'below-minimum' ? (r.vsMinimum ?? 0) : (r.vsTarget ?? 0);
    rows.push({
      key: r.key,
      cellKey: r.cellKey,
      unitId: r.unitId,
      unitName: r.unitName,
      departmentId: r.departmentId,
      date: r.date,
      slot: r.slot,
      slotStart: r.slotStart,
      slotEnd: r.slotEnd,
      startsAt: toInstant(startMs),
      competence: r.competence,
      minimum: r.minimum,
      target: r.target,
      staffed: r.staffed,
      openShifts: r.openShifts,
      vsMinimum: r.vsMinimum,
      vsTarget: r.vsTarget,
      status,
      urgency: urgencyOf(status, startMs, nowMs, gap),
    });
  }
  rows.sort((a, b) => b.urgency - a.urgency || a.key.localeCompare(b.key));

  const dates = datesInRange(params.from, params.to);
  const openShifts: OpenShiftRow[] = [];
  for (const id of roster.openShifts) {
    const a = assignmentById(roster, id);
    if (!a || !units.has(a.unitId) || a.date < params.from || a.date > params.to || a.endMs <= nowMs) continue;
    if (params.competence && a.competence !== params.competence) continue;
    openShifts.push({
      shiftId: a.id,
      unitId: a.unitId,
      unitName: roster.units.get(a.unitId)?.name ?? a.unitId,
      date: a.date,
      slot: a.slot ?? '-',
      competence: a.competence,
      start: toInstant(a.startMs),
      end: toInstant(a.endMs),
    });
  }
  openShifts.sort((a, b) => a.start.localeCompare(b.start) || a.shiftId.localeCompare(b.shiftId));

  // the slot windows of the period, from the first unit's slots (pool units share the hospital's slots)
  const firstUnit = params.unitIds.map((u) => roster.units.get(u)).find((u) => u !== undefined);
  const windows: [number, number][] = [];
  if (firstUnit) {
    for (const date of dates) for (const s of firstUnit.slots) {
      const { startMs, endMs } = slotInterval(date, s.start, s.end, firstUnit.timeZone);
      if (endMs > nowMs) windows.push([startMs, endMs]);
    }
  }
  const periodStart = firstUnit ? slotInterval(params.from, '00:00', '23:59', firstUnit.timeZone).startMs : toEpochMs(`${params.from}T00:00:00Z`);
  const periodEnd = periodStart + dates.length * 86_400_000 + 12 * 3_600_000;
  const poolStaff: PoolStaffRow[] = [];
  for (const staff of roster.staff.values()) {
    const member = params.poolId !== undefined ? staff.poolId === params.poolId : staff.homeUnitId !== null && units.has(staff.homeUnitId) && staff.poolId !== null;
    if (!member) continue;
    if (params.competence && !staff.competences.includes(params.competence)) continue;
    const assignments = assignmentsOf(roster, staff.staffId, periodStart, periodEnd);
    const absentDates = dates.filter((date) => {
      const tz = firstUnit?.timeZone ?? 'Europe/Stockholm';
      const { startMs } = slotInterval(date, '00:00', '23:59', tz);
      return isAbsent(roster, staff.staffId, startMs, startMs + 86_400_000);
    });
    const free = windows.filter(([s, e]) => !isAbsent(roster, staff.staffId, s, e) && !assignments.some((a) => a.startMs < e && a.endMs > s)).length;
    poolStaff.push({
      staffId: staff.staffId,
      name: staff.name,
      competences: staff.competences.join(','),
      employmentForm: staff.employmentForm,
      poolId: staff.poolId,
      homeUnitId: staff.homeUnitId,
      assignments: assignments.map((a) => `${a.date} ${a.slot ?? '-'} ${a.unitId}`).join('; '),
      absentDates: absentDates.join('; '),
      freeSlots: free,
    });
  }
  poolStaff.sort((a, b) => b.freeSlots - a.freeSlots || a.staffId.localeCompare(b.staffId));

  return {
    asOf: now,
    ...(params.poolId !== undefined && { poolId: params.poolId }),
    ...(params.departmentId !== undefined && { departmentId: params.departmentId }),
    unitIds: params.unitIds,
    from: params.from,
    to: params.to,
    rows,
    openShifts,
    poolStaff,
  };
}
