import { addDays, isoWeekDates, isoWeekOf, monthEnd, monthOf, monthStart, quarterOf } from '../time/calendar.js';
import { formatDate, parseDate } from '../time/civil-days.js';
import { localDateOf } from '../time/zoned-time.js';
import { DEFAULT_TIME_ZONE, type PerformedTimeState } from './state.js';

/** The period fields of the staff-time read models' query strings. */
export interface StaffTimePeriodInput {
  from?: string | undefined;
  to?: string | undefined;
  month?: string | undefined;
  week?: string | undefined;
  quarter?: string | undefined;
}

/**
 * The local dates (both included) a query covers: from/to as given, a month, an ISO week or a calendar quarter;
 * by default the month of `now` in the time zone (the first unit's).
 */
export function resolveStaffTimePeriod(p: StaffTimePeriodInput, now: string, timeZone: string = DEFAULT_TIME_ZONE): { from: string; to: string } {
  if (p.from !== undefined && p.to !== undefined) return { from: p.from, to: p.to };
  if (p.month !== undefined) return { from: monthStart(p.month), to: monthEnd(p.month) };
  if (p.week !== undefined) {
    const dates = isoWeekDates(p.week);
    return { from: dates[0]!, to: dates[6]! };
  }
  if (p.quarter !== undefined) {
    const year = p.quarter.slice(0, 4);
    const q = Number(p.quarter.slice(6, 7));
    const first = `${year}-${String((q - 1) * 3 + 1).padStart(2, '0')}`;
    const last = `${year}-${String(q * 3).padStart(2, '0')}`;
    return { from: monthStart(first), to: monthEnd(last) };
  }
  const month = monthOf(localDateOf(Date.parse(now), timeZone));
  return { from: monthStart(month), to: monthEnd(month) };
}

/** The time zone of the first of the units (for resolving default periods), Europe/Stockholm when unknown. */
export function timeZoneOfUnits(state: PerformedTimeState, unitIds: readonly string[]): string {
  for (const id of unitIds) {
    const tz = state.units.get(id)?.timeZone;
    if (tz) return tz;
  }
  return DEFAULT_TIME_ZONE;
}

export interface PeriodBucket {
  /** 2026-03-05, 2026-W10, 2026-03, 2026-Q1 or `<from>..<to>` */
  label: string;
  /** first and last local date of the bucket, cut to the query's period */
  from: string;
  to: string;
  /** first and last date of the whole bucket (uncut) */
  fullFrom: string;
  fullTo: string;
}

export type PeriodBucketKind = 'day' | 'week' | 'month' | 'quarter' | 'period';

function quarterBounds(date: string): [string, string] {
  const q = quarterOf(date);
  const year = q.slice(0, 4);
  const n = Number(q.slice(6, 7));
  return [monthStart(`${year}-${String((n - 1) * 3 + 1).padStart(2, '0')}`), monthEnd(`${year}-${String(n * 3).padStart(2, '0')}`)];
}

/** The buckets covering [from, to], cut to it. */
export function periodBuckets(from: string, to: string, kind: PeriodBucketKind): PeriodBucket[] {
  if (kind === 'period') return [{ label: `${from}..${to}`, from, to, fullFrom: from, fullTo: to }];
  const out: PeriodBucket[] = [];
  let d = from;
  while (d <= to) {
    let label: string;
    let fullFrom: string;
    let fullTo: string;
    if (kind === 'day') {
      label = d;
      fullFrom = d;
      fullTo = d;
    } else if (kind === 'week') {
      label = isoWeekOf(d);
      const dates = isoWeekDates(label);
      fullFrom = dates[0]!;
      fullTo = dates[6]!;
    } else if (kind === 'month') {
      label = monthOf(d);
      fullFrom = monthStart(label);
      fullTo = monthEnd(label);
    } else {
      label = quarterOf(d);
      [fullFrom, fullTo] = quarterBounds(d);
    }
    const end = fullTo < to ? fullTo : to;
    out.push({ label, from: d, to: end, fullFrom, fullTo });
    d = addDays(end, 1);
  }
  return out;
}

/** Days since 1970-01-01 <-> dates, re-exported for the queries. */
export { formatDate, parseDate };
