import {
  HOURS_PER_CALENDAR_DAY,
  StaffCategory,
  type StaffVolumeBucket,
  type StaffVolumeDimension,
  type StaffVolumeParams,
  type StaffVolumeResponse,
  type StaffVolumeRow,
} from '@pks/contracts';
import { formatDate, parseDate } from '../time/civil-days.js';
import { zonedEpochMs } from '../time/zoned-time.js';
import {
  forEachLocalDay,
  forEachReportDay,
  forEachShiftOfPerson,
  forEachWorkPiece,
  localDayOf,
  monthNumberOfDay,
  monthSpan,
  shiftPieces,
} from './pieces.js';
import { periodBuckets, resolveStaffTimePeriod, timeZoneOfUnits } from './period.js';
import {
  FORM_MONTHLY,
  HOUR_MS,
  KIND_AGENCY,
  KIND_EXTERNAL,
  KIND_ORDINARY,
  PAY_COMPONENT_ABSENCE_BASE,
  STATUS_ACTIVE,
  categoryOfCompetence,
  categoryOfStaff,
  kindFor,
  timeZoneOf,
  type PerformedTimeState,
} from './state.js';

/** A resolved staff-volume query: the HTTP layer resolves departmentId/poolId to unitIds and scopes them. */
export interface StaffVolumeQuery {
  unitIds: readonly string[];
  /** first and last local date, both included */
  from: string;
  to: string;
  bucket: StaffVolumeBucket;
  groupBy: readonly StaffVolumeDimension[];
  absenceByReason: boolean;
  unitId?: string | undefined;
  departmentId?: string | undefined;
  poolId?: string | undefined;
}

export function toStaffVolumeQuery(state: PerformedTimeState, params: StaffVolumeParams, unitIds: readonly string[], now: string): StaffVolumeQuery {
  const { from, to } = resolveStaffTimePeriod(params, now, timeZoneOfUnits(state, unitIds));
  return {
    unitIds,
    from,
    to,
    bucket: params.bucket,
    groupBy: params.groupBy,
    absenceByReason: params.absenceByReason,
    unitId: params.unitId,
    departmentId: params.departmentId,
    poolId: params.poolId,
  };
}

const CATEGORIES = StaffCategory.options;
type Category = (typeof CATEGORIES)[number];

/** Hours of one unit, bucket and category. */
interface Acc {
  monthlyStaff: number;
  /** Σ rate × employed days of monthly staff (× 5.45 = contracted hours) */
  rateDays: number;
  /** by absence kind */
  absence: number[];
  /** HoursReported ordinary hours of monthly staff (used only without rate data) */
  reportedMonthlyOrdinary: number;
  /** by performed-time kind: 1–5 extra time, 6–7 agency / external resident */
  byKind: number[];
  unclassified: number;
}

const newAcc = (): Acc => ({ monthlyStaff: 0, rateDays: 0, absence: [0, 0, 0, 0, 0, 0], reportedMonthlyOrdinary: 0, byKind: [0, 0, 0, 0, 0, 0, 0, 0], unclassified: 0 });
const sum = (a: number[]) => a.reduce((s, v) => s + v, 0);

/** Dimensioned FTE of a unit and category over local days [fromDay, toDay], day-weighted; null when a month has none. */
function dimensioned(state: PerformedTimeState, unit: number, category: Category, fromDay: number, toDay: number): number | null {
  const byMonth = state.dimensioning.get(unit);
  if (!byMonth) return null;
  let total = 0;
  for (let m = monthNumberOfDay(fromDay); m <= monthNumberOfDay(toDay); m++) {
    const [first, length] = monthSpan(m);
    const days = Math.min(first + length - 1, toDay) - Math.max(first, fromDay) + 1;
    const fte = byMonth.get(`${formatDate(first).slice(0, 7)}|${category}`);
    if (fte === undefined) return null;
    total += fte * days;
  }
  return total / (toDay - fromDay + 1);
}

function makeRow(
  unitId: string | null,
  period: string,
  fromDay: number,
  toDay: number,
  complete: boolean,
  category: Category | null,
  acc: Acc,
  dimensionedFte: number | null,
  byReason: boolean,
): StaffVolumeRow {
  const days = toDay - fromDay + 1;
  const divisor = days * HOURS_PER_CALENDAR_DAY;
  const rates = acc.monthlyStaff > 0;
  const absenceHours = sum(acc.absence);
  const contractedHours = rates ? acc.rateDays * HOURS_PER_CALENDAR_DAY : acc.reportedMonthlyOrdinary + absenceHours;
  const monthlyPresenceHours = rates ? contractedHours - absenceHours : acc.reportedMonthlyOrdinary;
  // contracted FTE straight from the rates (Σ rate × days ÷ days) avoids the rounding of going through hours
  const contractedFte = rates ? acc.rateDays / days : contractedHours / divisor;
  const k = acc.byKind;
  const extraTimeHours = k[1]! + k[2]! + k[3]! + k[4]! + k[5]!;
  const nonEmployedHours = k[6]! + k[7]!;
  const absenceFte = absenceHours / divisor;
  const monthlyPresenceFte = rates ? contractedFte - absenceFte : monthlyPresenceHours / divisor;
  const extraTimeFte = extraTimeHours / divisor;
  const nonEmployedFte = nonEmployedHours / divisor;
  const fte = contractedFte + extraTimeFte;
  const prodN = monthlyPresenceFte + extraTimeFte + nonEmployedFte;
  const reason = (i: number) => (byReason ? acc.absence[i]! : null);
  return {
    key: `${unitId ?? '*'}|${period}|${category ?? '*'}`,
    unitId,
    period,
    from: formatDate(fromDay),
    to: formatDate(toDay),
    days,
    complete,
    staffCategory: category,
    basis: rates ? 'rates' : acc.reportedMonthlyOrdinary > 0 || absenceHours > 0 ? 'hours' : 'none',
    monthlyStaff: acc.monthlyStaff,
    contractedFte,
    absenceFte,
    monthlyPresenceFte,
    extraTimeFte,
    nonEmployedFte,
    fte,
    prodN,
    dimensionedFte,
    prodNMinusDimensioned: dimensionedFte === null ? null : prodN - dimensionedFte,
    contractedHours,
    absenceHours,
    monthlyPresenceHours,
    extraTimeHours,
    nonEmployedHours,
    unclassifiedHours: acc.unclassified,
    overtimeHours: k[1]!,
    additionalHours: k[2]!,
    onCallHours: k[3]!,
    standbyHours: k[4]!,
    hourlyHours: k[5]!,
    agencyHours: k[KIND_AGENCY]!,
    externalResidentHours: k[KIND_EXTERNAL]!,
    absenceSickHours: reason(0),
    absenceChildCareHours: reason(1),
    absenceVacationHours: reason(2),
    absenceParentalHours: reason(3),
    absenceEducationHours: reason(4),
    absenceOtherHours: reason(5),
  };
}

/** The hours of one unit and bucket per staff category (see README.md for every rule). */
function accumulate(state: PerformedTimeState, unit: number, monthlyStaff: readonly number[], fromDay: number, toDay: number, nowMs: number): Map<Category, Acc> {
  const tz = timeZoneOf(state, unit);
  const startMs = zonedEpochMs(formatDate(fromDay), '00:00', tz);
  const endMs = zonedEpochMs(formatDate(toDay + 1), '00:00', tz);
  const accs = new Map<Category, Acc>();
  const acc = (c: Category | null) => {
    const key = c ?? 'other';
    let a = accs.get(key);
    if (!a) {
      a = newAcc();
      accs.set(key, a);
    }
    return a;
  };
  const abs = state.absences;
  const t = state.shifts;

  // 1. monthly staff whose home unit this is: contracted time from the rate, and their absence
  for (const staff of monthlyStaff) {
    const info = state.staff[staff]!;
    const empFrom = Math.max(fromDay, info.employedFrom ?? -Infinity);
    const empTo = Math.min(toDay, info.employedUntil ?? Infinity);
    if (empTo < empFrom) continue;
    const rate = info.rate ?? 0;
    const a = acc(categoryOfStaff(state, staff));
    a.monthlyStaff += 1;
    a.rateDays += rate * (empTo - empFrom + 1);

    const absences = state.staffAbsences[staff]!.filter((r) => abs.status[r] === STATUS_ACTIVE && abs.start[r]! * 1000 < endMs && abs.end[r]! * 1000 > startMs);
    if (absences.length === 0) continue;
    // (a) the scheduled hours absence overlaps, on any unit (counted once; see shiftPieces)
    const shiftDays = new Set<number>();
    forEachShiftOfPerson(state, staff, startMs / 1000, endMs / 1000, (row) => {
      const s = Math.max(t.start[row]! * 1000, startMs);
      const e = Math.min(t.end[row]! * 1000, endMs);
      if (e <= s) return;
      forEachLocalDay(s, e, tz, (day) => shiftDays.add(day));
      const absent = shiftPieces(state, row).absent;
      for (let i = 0; i < absent.length; i += 3) {
        const as = Math.max(absent[i]!, startMs);
        const ae = Math.min(absent[i + 1]!, endMs);
        if (ae > as) a.absence[absent[i + 2]!]! += (ae - as) / HOUR_MS;
      }
    });
    // (b) whole local days inside an absence with no scheduled shift of the person: rate × 5.45 h per day
    const credited = new Set<number>();
    for (const r of absences) {
      const as = abs.start[r]! * 1000;
      const ae = abs.end[r]! * 1000;
      let firstDay = localDayOf(as, tz);
      if (zonedEpochMs(formatDate(firstDay), '00:00', tz) !== as) firstDay += 1;
      const lastDay = localDayOf(ae, tz) - 1;
      for (let d = Math.max(firstDay, empFrom), end = Math.min(lastDay, empTo); d <= end; d++) {
        if (shiftDays.has(d) || credited.has(d)) continue;
        credited.add(d);
        a.absence[abs.kind[r]!]! += rate * HOURS_PER_CALENDAR_DAY;
      }
    }
  }

  // 2. performed time on this unit: extra time, agency and external residents, unclassified ordinary time
  forEachWorkPiece(state, unit, startMs, Math.min(endMs, nowMs), (s, e, attrs) => {
    const hours = (e - s) / HOUR_MS;
    const registered = attrs.staff >= 0 && state.staff[attrs.staff] !== null;
    const a = acc(registered ? categoryOfStaff(state, attrs.staff) : categoryOfCompetence(state, attrs.competence));
    if (attrs.kind === KIND_ORDINARY) {
      // a monthly person's ordinary time is in their contracted FTE (home unit); without a known form it is nowhere
      if (attrs.form !== FORM_MONTHLY) a.unclassified += hours;
      return;
    }
    a.byKind[attrs.kind]! += hours;
  });

  // 3. payroll-style hour reports (a month-level report prorated by calendar days)
  const rep = state.reports;
  forEachReportDay(state, unit, fromDay, toDay, (row, _day, hours) => {
    const a = acc(categoryOfCompetence(state, rep.competence[row]!));
    const form = rep.form[row]!;
    const component = rep.component[row]!;
    if (component >= PAY_COMPONENT_ABSENCE_BASE) {
      // absence is part of a monthly employee's contracted time; other forms have none
      if (form === FORM_MONTHLY) a.absence[component - PAY_COMPONENT_ABSENCE_BASE]! += hours;
      return;
    }
    const kind = kindFor(form, component);
    if (kind === KIND_ORDINARY) {
      if (form === FORM_MONTHLY) a.reportedMonthlyOrdinary += hours;
      else a.unclassified += hours;
      return;
    }
    a.byKind[kind]! += hours;
  });
  return accs;
}

/** Row fields summed when rows of several units are merged (FTE is additive: each unit's over its own days). */
const SUMMED: readonly (keyof StaffVolumeRow)[] = [
  'monthlyStaff', 'contractedFte', 'absenceFte', 'monthlyPresenceFte', 'extraTimeFte', 'nonEmployedFte', 'fte', 'prodN',
  'contractedHours', 'absenceHours', 'monthlyPresenceHours', 'extraTimeHours', 'nonEmployedHours', 'unclassifiedHours',
  'overtimeHours', 'additionalHours', 'onCallHours', 'standbyHours', 'hourlyHours', 'agencyHours', 'externalResidentHours',
  'absenceSickHours', 'absenceChildCareHours', 'absenceVacationHours', 'absenceParentalHours', 'absenceEducationHours', 'absenceOtherHours',
];

/** Sums rows (of several categories or units) into one; FTE is additive (each part over its own days). */
function sumRows(parts: readonly StaffVolumeRow[], unitId: string | null, category: string | null): StaffVolumeRow {
  const m: StaffVolumeRow = { ...parts[0]!, unitId, staffCategory: category };
  m.key = `${unitId ?? '*'}|${m.period}|${category ?? '*'}`;
  const mm = m as Record<string, unknown>;
  for (const r of parts.slice(1)) {
    for (const f of SUMMED) {
      const v = r[f] as number | null;
      if (v !== null) mm[f] = ((mm[f] as number | null) ?? 0) + v;
    }
    m.dimensionedFte = m.dimensionedFte === null ? r.dimensionedFte : r.dimensionedFte === null ? m.dimensionedFte : m.dimensionedFte + r.dimensionedFte;
    m.days = Math.max(m.days, r.days);
    m.from = m.from < r.from ? m.from : r.from;
    m.to = m.to > r.to ? m.to : r.to;
    m.complete = m.complete && r.complete;
    if (m.basis === 'none') m.basis = r.basis;
    else if (r.basis !== 'none' && m.basis !== r.basis) m.basis = 'mixed';
  }
  m.prodNMinusDimensioned = m.dimensionedFte === null ? null : m.prodN - m.dimensionedFte;
  return m;
}

/** Merges the rows of several units by period and category. */
function mergeUnits(rows: readonly StaffVolumeRow[]): StaffVolumeRow[] {
  const groups = new Map<string, StaffVolumeRow[]>();
  for (const r of rows) {
    const key = `${r.period}|${r.staffCategory ?? '*'}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  return [...groups.values()].map((g) => sumRows(g, null, g[0]!.staffCategory));
}

/**
 * HÅA (fte) and ProdN per unit × bucket × staff category, and vs dimensioned presence. Only whole local days before
 * `now` count: a bucket not yet over is cut to its last whole day (complete = false), one not begun is left out.
 */
export function queryStaffVolume(state: PerformedTimeState, q: StaffVolumeQuery, now: string): Omit<StaffVolumeResponse, 'position'> {
  const nowMs = Date.parse(now);
  const byUnit = q.groupBy.includes('unit');
  const byCategory = q.groupBy.includes('category');
  const monthlyByHome = new Map<number, number[]>();
  state.staff.forEach((info, staff) => {
    if (!info || info.form !== FORM_MONTHLY || info.home < 0) return;
    let list = monthlyByHome.get(info.home);
    if (!list) {
      list = [];
      monthlyByHome.set(info.home, list);
    }
    list.push(staff);
  });

  const rows: StaffVolumeRow[] = [];
  for (const unitId of q.unitIds) {
    const unit = state.unitIndex.get(unitId);
    if (unit === undefined) continue;
    const tz = timeZoneOf(state, unit);
    const lastWholeDay = localDayOf(nowMs, tz) - 1;
    for (const b of periodBuckets(q.from, q.to, q.bucket === 'period' ? 'period' : q.bucket)) {
      const fromDay = parseDate(b.from);
      const toDay = Math.min(parseDate(b.to), lastWholeDay);
      if (toDay < fromDay) continue;
      const complete = parseDate(b.to) <= lastWholeDay;
      const accs = accumulate(state, unit, monthlyByHome.get(unit) ?? [], fromDay, toDay, nowMs);
      const categoryRows: StaffVolumeRow[] = [];
      for (const category of CATEGORIES) {
        const a = accs.get(category);
        const dim = dimensioned(state, unit, category, fromDay, toDay);
        if (!a && dim === null) continue;
        categoryRows.push(makeRow(unitId, b.label, fromDay, toDay, complete, category, a ?? newAcc(), dim, q.absenceByReason));
      }
      // the all-categories row: the sum of the category rows (each on its own basis)
      const allRow =
        categoryRows.length > 0 ? sumRows(categoryRows, unitId, null) : makeRow(unitId, b.label, fromDay, toDay, complete, null, newAcc(), null, q.absenceByReason);
      if (byCategory) rows.push(...categoryRows);
      rows.push(allRow);
    }
  }

  const out = byUnit ? rows : mergeUnits(rows);
  const categoryOrder = (c: string | null) => (c === null ? CATEGORIES.length : CATEGORIES.indexOf(c as Category));
  out.sort((a, b) => (a.unitId ?? '').localeCompare(b.unitId ?? '') || a.from.localeCompare(b.from) || categoryOrder(a.staffCategory) - categoryOrder(b.staffCategory));

  return {
    asOf: now,
    ...(q.unitId !== undefined && { unitId: q.unitId }),
    ...(q.departmentId !== undefined && { departmentId: q.departmentId }),
    ...(q.poolId !== undefined && { poolId: q.poolId }),
    unitIds: [...q.unitIds],
    from: q.from,
    to: q.to,
    bucket: q.bucket,
    groupBy: [...q.groupBy],
    hoursPerCalendarDay: HOURS_PER_CALENDAR_DAY,
    rows: out,
  };
}

