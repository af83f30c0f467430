import type {
  PerformedTimeAbsenceMode,
  PerformedTimeBucket,
  PerformedTimeDimension,
  PerformedTimeParams,
  PerformedTimeResponse,
  PerformedTimeRow,
} from '@pks/contracts';
import { addDays, isoWeekOf, isoWeekStart, monthOf, monthStart } from '../time/calendar.js';
import { formatDate, parseDate } from '../time/civil-days.js';
import { splitIntoLocalHours, zonedEpochMs } from '../time/zoned-time.js';
import { countPerformedTimeFindings } from './findings.js';
import { forEachLocalDay, forEachReportDay, forEachWorkPiece, type WorkAttrs } from './pieces.js';
import { resolveStaffTimePeriod, timeZoneOfUnits } from './period.js';
import {
  ABSENCE_LABELS,
  FORMS,
  KINDS,
  NO_ACTIVITY,
  PAY_COMPONENT_ABSENCE_BASE,
  categoryOfCompetence,
  kindFor,
  timeZoneOf,
  type PerformedTimeState,
} from './state.js';

/** A resolved performed-time query: the HTTP layer resolves departmentId/poolId to unitIds and scopes them. */
export interface PerformedTimeQuery {
  unitIds: readonly string[];
  /** first and last local date, both included */
  from: string;
  to: string;
  bucket: PerformedTimeBucket;
  groupBy: readonly PerformedTimeDimension[];
  includeAbsence: PerformedTimeAbsenceMode;
  /** echoed in the answer when given */
  unitId?: string | undefined;
  departmentId?: string | undefined;
  poolId?: string | undefined;
}

/** Turns parsed query-string params into a query: the period (month, week, quarter, default the current month) resolved. */
export function toPerformedTimeQuery(state: PerformedTimeState, params: PerformedTimeParams, unitIds: readonly string[], now: string): PerformedTimeQuery {
  const { from, to } = resolveStaffTimePeriod(params, now, timeZoneOfUnits(state, unitIds));
  return {
    unitIds,
    from,
    to,
    bucket: params.bucket,
    groupBy: params.groupBy,
    includeAbsence: params.includeAbsence,
    unitId: params.unitId,
    departmentId: params.departmentId,
    poolId: params.poolId,
  };
}

/** Level 1, 2 and 3 of an activity label (the tree rolls up); an unknown code stays as level 3 with no parents. */
export function rollupActivity(state: PerformedTimeState, code: string | null): [string | null, string | null, string | null] {
  if (code === null) return [null, null, null];
  const label = state.labels.get(code);
  if (!label) return [null, null, code];
  if (label.level === 1) return [code, null, null];
  if (label.level === 2) return [label.parent, code, null];
  const parent = label.parent === null ? null : state.labels.get(label.parent);
  return [parent?.parent ?? null, label.parent, code];
}

interface Dims {
  activity1: string | null;
  activity2: string | null;
  activity3: string | null;
  competence: string | null;
  category: string | null;
  employmentForm: string | null;
  kind: string | null;
  key: string;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));
function offsetText(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
}

/**
 * Performed time of the units in [from, to] by bucket and the chosen dimensions. Only time before `now` counts
 * (an hour in progress counts up to now); hour reports count as reported. Rows are sparse (non-zero cells only).
 */
export function queryPerformedTime(state: PerformedTimeState, q: PerformedTimeQuery, now: string): Omit<PerformedTimeResponse, 'position'> {
  const nowMs = Date.parse(now);
  const g = new Set<PerformedTimeDimension>(q.groupBy);
  const rows = new Map<string, PerformedTimeRow>();
  const dimsCache = new Map<string, Dims>();
  let performedHours = 0;
  let absenceHours = 0;

  const makeDims = (activity: string | null, competence: string, form: string, kind: string, absenceActivity: boolean): Dims => {
    const cacheKey = `${activity}|${competence}|${form}|${kind}|${absenceActivity}`;
    let dims = dimsCache.get(cacheKey);
    if (!dims) {
      const [l1, l2, l3] = absenceActivity && q.includeAbsence === 'total' ? ['franvaro', null, null] : rollupActivity(state, activity);
      const keep3 = g.has('activity3');
      const keep2 = keep3 || g.has('activity2');
      const keep1 = keep2 || g.has('activity1');
      const competenceIndex = state.competenceIndex.get(competence);
      dims = {
        activity1: keep1 ? l1 : null,
        activity2: keep2 ? l2 : null,
        activity3: keep3 ? l3 : null,
        competence: g.has('competence') ? competence : null,
        category: g.has('category') && competenceIndex !== undefined ? categoryOfCompetence(state, competenceIndex) : null,
        employmentForm: g.has('employmentForm') ? form : null,
        kind: g.has('kind') ? kind : null,
        key: '',
      };
      dims.key = [dims.activity1, dims.activity2, dims.activity3, dims.competence, dims.category, dims.employmentForm, dims.kind].map((v) => v ?? '*').join('|');
      dimsCache.set(cacheKey, dims);
    }
    return dims;
  };
  const workDims = (a: WorkAttrs): Dims =>
    makeDims(a.activity === NO_ACTIVITY ? null : state.activityCodes[a.activity]!, state.competenceCodes[a.competence]!, FORMS[a.form]!, KINDS[a.kind]!, false);
  const absentDims = (absenceKind: number, competence: number, form: number): Dims =>
    makeDims(ABSENCE_LABELS[absenceKind]!, state.competenceCodes[competence]!, FORMS[form]!, 'absence', true);

  for (const unitId of q.unitIds) {
    const unit = state.unitIndex.get(unitId);
    if (unit === undefined) continue;
    const tz = timeZoneOf(state, unit);
    const fromMs = zonedEpochMs(q.from, '00:00', tz);
    const toMs = zonedEpochMs(addDays(q.to, 1), '00:00', tz);
    const unitKey = g.has('unit') ? unitId : null;
    const dayInfo = new Map<number, { label: string; periodStart: string }>();

    const row = (period: string, periodStart: string, hour: number | null, bucketStartMs: number | null, dims: Dims): PerformedTimeRow => {
      const key = `${unitKey ?? '*'}|${period}|${dims.key}`;
      let r = rows.get(key);
      if (!r) {
        r = {
          key,
          unitId: unitKey,
          period,
          periodStart,
          hour,
          bucketStart: bucketStartMs === null ? null : new Date(bucketStartMs).toISOString(),
          activity1: dims.activity1,
          activity2: dims.activity2,
          activity3: dims.activity3,
          competence: dims.competence,
          category: dims.category,
          employmentForm: dims.employmentForm,
          kind: dims.kind,
          hours: 0,
        };
        rows.set(key, r);
      }
      return r;
    };
    const addDay = (dims: Dims, day: number, hours: number) => {
      let info = dayInfo.get(day);
      if (!info) {
        const date = formatDate(day);
        if (q.bucket === 'hour' || q.bucket === 'day') info = { label: date, periodStart: date };
        else if (q.bucket === 'week') {
          const week = isoWeekOf(date);
          info = { label: week, periodStart: isoWeekStart(week) };
        } else {
          const month = monthOf(date);
          info = { label: month, periodStart: monthStart(month) };
        }
        dayInfo.set(day, info);
      }
      row(info.label, info.periodStart, null, null, dims).hours += hours;
    };
    const addInterval = (dims: Dims, s: number, e: number) => {
      if (q.bucket === 'hour') {
        for (const b of splitIntoLocalHours(s, e, tz)) {
          row(`${b.date}T${pad2(b.hour)}:00${offsetText(b.offsetMinutes)}`, b.date, b.hour, b.startMs, dims).hours += b.hours;
        }
      } else {
        forEachLocalDay(s, e, tz, (day, hours) => addDay(dims, day, hours));
      }
    };

    forEachWorkPiece(
      state,
      unit,
      fromMs,
      Math.min(toMs, nowMs),
      (s, e, attrs) => {
        addInterval(workDims(attrs), s, e);
        performedHours += (e - s) / 3_600_000;
      },
      q.includeAbsence === 'none'
        ? undefined
        : (s, e, absenceKind, attrs) => {
            addInterval(absentDims(absenceKind, attrs.competence, attrs.form), s, e);
            absenceHours += (e - s) / 3_600_000;
          },
    );

    const r = state.reports;
    forEachReportDay(state, unit, parseDate(q.from), parseDate(q.to), (rowIndex, day, hours) => {
      const component = r.component[rowIndex]!;
      const form = r.form[rowIndex]!;
      if (component >= PAY_COMPONENT_ABSENCE_BASE) {
        if (q.includeAbsence === 'none') return;
        addDay(absentDims(component - PAY_COMPONENT_ABSENCE_BASE, r.competence[rowIndex]!, form), day, hours);
        absenceHours += hours;
        return;
      }
      const activity = r.activity[rowIndex]!;
      addDay(makeDims(activity === NO_ACTIVITY ? null : state.activityCodes[activity]!, state.competenceCodes[r.competence[rowIndex]!]!, FORMS[form]!, KINDS[kindFor(form, component)]!, false), day, hours);
      performedHours += hours;
    });
  }

  const out = [...rows.values()].filter((r) => Math.abs(r.hours) > 1e-9);
  out.sort(
    (a, b) =>
      (a.unitId ?? '').localeCompare(b.unitId ?? '') ||
      a.periodStart.localeCompare(b.periodStart) ||
      (a.bucketStart ?? '').localeCompare(b.bucketStart ?? '') ||
      (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
  );

  let findings = 0;
  for (const unitId of q.unitIds) findings += countPerformedTimeFindings(state, unitId, q.from, q.to);

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
    includeAbsence: q.includeAbsence,
    rows: out,
    performedHours,
    absenceHours: q.includeAbsence === 'none' ? null : absenceHours,
    findings,
  };
}
