import type { ChppdBucket, ChppdDimension, ChppdParams, ChppdResponse, ChppdRow } from '@pks/contracts';
import { formatDate, parseDate } from '../time/civil-days.js';
import { zonedEpochMs } from '../time/zoned-time.js';
import { forEachLocalDay, forEachReportDay, forEachWorkPiece, localDayOf } from './pieces.js';
import { periodBuckets, resolveStaffTimePeriod, timeZoneOfUnits } from './period.js';
import { KIND_STANDBY, PAY_COMPONENT_ABSENCE_BASE, kindFor, timeZoneOf, type PerformedTimeState } from './state.js';

/** A resolved CHPPD query: the HTTP layer resolves departmentId/poolId to unitIds and scopes them. */
export interface ChppdQuery {
  unitIds: readonly string[];
  /** first and last local date, both included */
  from: string;
  to: string;
  bucket: ChppdBucket;
  groupBy: readonly ChppdDimension[];
  unitId?: string | undefined;
  departmentId?: string | undefined;
  poolId?: string | undefined;
}

export function toChppdQuery(state: PerformedTimeState, params: ChppdParams, unitIds: readonly string[], now: string): ChppdQuery {
  const { from, to } = resolveStaffTimePeriod(params, now, timeZoneOfUnits(state, unitIds));
  return { unitIds, from, to, bucket: params.bucket, groupBy: params.groupBy, unitId: params.unitId, departmentId: params.departmentId, poolId: params.poolId };
}

/** Competences counted as care staff (careStaff = true in the catalogue, CompetenceDefined included). */
export function careCompetences(state: PerformedTimeState): string[] {
  return [...state.competences.values()].filter((c) => c.careStaff).map((c) => c.code).sort();
}

function rowOf(unitId: string | null, period: string, fromDay: number, toDay: number, complete: boolean, competence: string | null): ChppdRow {
  return {
    key: `${unitId ?? '*'}|${period}|${competence ?? '*'}`,
    unitId,
    period,
    from: formatDate(fromDay),
    to: formatDate(toDay),
    days: toDay - fromDay + 1,
    complete,
    competence,
    careHours: 0,
    patientDays: 0,
    chppd: null,
    censusDays: 0,
    missingCensusDays: 0,
    careHoursWithoutCensus: 0,
  };
}

/**
 * Care hours per patient day: care-staff performed hours on the days that have a midnight census ÷ the sum of that
 * census, per unit × bucket × competence and in total. Days without a census are counted and listed, and their hours
 * kept out of the ratio. Only whole local days before `now` count. Standby (beredskap) is not care time on the ward.
 */
export function queryChppd(state: PerformedTimeState, q: ChppdQuery, now: string): Omit<ChppdResponse, 'position'> {
  const nowMs = Date.parse(now);
  const byUnit = q.groupBy.includes('unit');
  const byCompetence = q.groupBy.includes('competence');
  const isCare = (competence: number) => state.competences.get(state.competenceCodes[competence]!)?.careStaff === true;
  const rows: ChppdRow[] = [];
  const missingCensus: { unitId: string; dates: string[] }[] = [];

  for (const unitId of q.unitIds) {
    const unit = state.unitIndex.get(unitId);
    const tz = unit === undefined ? 'Europe/Stockholm' : timeZoneOf(state, unit);
    const lastWholeDay = localDayOf(nowMs, tz) - 1;
    const d0 = parseDate(q.from);
    const d1 = Math.min(parseDate(q.to), lastWholeDay);
    if (d1 < d0) continue;
    const census = unit === undefined ? undefined : state.census.get(unit);

    // care hours per competence and local day
    const hours = new Map<number, Float64Array>();
    const add = (competence: number, day: number, h: number) => {
      if (day < d0 || day > d1) return;
      let arr = hours.get(competence);
      if (!arr) {
        arr = new Float64Array(d1 - d0 + 1);
        hours.set(competence, arr);
      }
      arr[day - d0] = arr[day - d0]! + h;
    };
    if (unit !== undefined) {
      const startMs = zonedEpochMs(formatDate(d0), '00:00', tz);
      const endMs = zonedEpochMs(formatDate(d1 + 1), '00:00', tz);
      forEachWorkPiece(state, unit, startMs, Math.min(endMs, nowMs), (s, e, attrs) => {
        if (attrs.kind === KIND_STANDBY || !isCare(attrs.competence)) return;
        const competence = attrs.competence;
        forEachLocalDay(s, e, tz, (day, h) => add(competence, day, h));
      });
      const r = state.reports;
      forEachReportDay(state, unit, d0, d1, (row, day, h) => {
        const component = r.component[row]!;
        if (component >= PAY_COMPONENT_ABSENCE_BASE || kindFor(r.form[row]!, component) === KIND_STANDBY || !isCare(r.competence[row]!)) return;
        add(r.competence[row]!, day, h);
      });
    }

    const missing: string[] = [];
    for (let d = d0; d <= d1; d++) if (census?.get(d) === undefined) missing.push(formatDate(d));
    if (missing.length > 0) missingCensus.push({ unitId, dates: missing });

    const competences = [...hours.keys()].sort((a, b) => state.competenceCodes[a]!.localeCompare(state.competenceCodes[b]!));
    for (const b of periodBuckets(q.from, q.to, q.bucket)) {
      const fromDay = parseDate(b.from);
      const toDay = Math.min(parseDate(b.to), lastWholeDay);
      if (toDay < fromDay) continue;
      const complete = parseDate(b.to) <= lastWholeDay;
      const total = rowOf(unitId, b.label, fromDay, toDay, complete, null);
      let patientDays = 0;
      let censusDays = 0;
      for (let d = fromDay; d <= toDay; d++) {
        const c = census?.get(d);
        if (c !== undefined) {
          patientDays += c;
          censusDays += 1;
        }
      }
      for (const competence of competences) {
        const arr = hours.get(competence)!;
        const row = rowOf(unitId, b.label, fromDay, toDay, complete, state.competenceCodes[competence]!);
        for (let d = fromDay; d <= toDay; d++) {
          const h = arr[d - d0]!;
          if (census?.get(d) !== undefined) row.careHours += h;
          else row.careHoursWithoutCensus += h;
        }
        if (row.careHours === 0 && row.careHoursWithoutCensus === 0) continue;
        row.patientDays = patientDays;
        row.censusDays = censusDays;
        row.missingCensusDays = row.days - censusDays;
        total.careHours += row.careHours;
        total.careHoursWithoutCensus += row.careHoursWithoutCensus;
        if (byCompetence) rows.push(row);
      }
      total.patientDays = patientDays;
      total.censusDays = censusDays;
      total.missingCensusDays = total.days - censusDays;
      rows.push(total);
    }
  }

  let out = rows;
  if (!byUnit) {
    const merged = new Map<string, ChppdRow>();
    for (const r of rows) {
      const key = `*|${r.period}|${r.competence ?? '*'}`;
      const m = merged.get(key);
      if (!m) {
        merged.set(key, { ...r, key, unitId: null });
        continue;
      }
      m.careHours += r.careHours;
      m.careHoursWithoutCensus += r.careHoursWithoutCensus;
      m.patientDays += r.patientDays;
      m.censusDays += r.censusDays;
      m.missingCensusDays += r.missingCensusDays;
      m.days = Math.max(m.days, r.days);
      m.from = m.from < r.from ? m.from : r.from;
      m.to = m.to > r.to ? m.to : r.to;
      m.complete = m.complete && r.complete;
    }
    out = [...merged.values()];
  }
  for (const r of out) r.chppd = r.patientDays > 0 ? r.careHours / r.patientDays : null;
  out.sort(
    (a, b) =>
      (a.unitId ?? '').localeCompare(b.unitId ?? '') ||
      a.from.localeCompare(b.from) ||
      (a.competence === null ? 1 : 0) - (b.competence === null ? 1 : 0) ||
      (a.competence ?? '').localeCompare(b.competence ?? ''),
  );

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
    careCompetences: careCompetences(state),
    rows: out,
    censusComplete: missingCensus.length === 0,
    missingCensus,
  };
}

