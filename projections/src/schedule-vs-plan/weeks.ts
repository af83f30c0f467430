import { formatDate } from '../time/civil-days.js';
import { isoWeekOf } from '../time/calendar.js';
import { offsetMs, zonedEpochMs } from '../time/zoned-time.js';

export const SCHEDULE_VS_PLAN_MODEL = 'schedule-vs-plan';
const DAY = 86_400_000;

/** Monday (days since 1970-01-01) of the ISO week a day number falls in. */
export function mondayOf(day: number): number {
  return day - ((((day + 3) % 7) + 7) % 7);
}

/** ISO week (YYYY-Www) of a Monday day number, cached (not part of any state). */
const weekKeys = new Map<number, string>();
export function weekKey(monday: number): string {
  let key = weekKeys.get(monday);
  if (key === undefined) {
    key = isoWeekOf(formatDate(monday));
    if (weekKeys.size > 100_000) weekKeys.clear();
    weekKeys.set(monday, key);
  }
  return key;
}

/**
 * Splits [start, end) at local ISO-week boundaries (Monday 00:00 in the zone), calling back with each week's Monday
 * and the milliseconds in it. Durations are differences of instants, so a night across a DST change counts the
 * hours really worked (11 h in October, 9 h in March).
 */
export function forEachWeekPart(start: number, end: number, timeZone: string, add: (monday: number, ms: number) => void): void {
  let t = start;
  while (t < end) {
    const monday = mondayOf(Math.floor((t + offsetMs(timeZone, t)) / DAY));
    const lastMonday = mondayOf(Math.floor((end - 1 + offsetMs(timeZone, end - 1)) / DAY));
    if (lastMonday === monday) {
      add(monday, end - t);
      return;
    }
    const boundary = zonedEpochMs(formatDate(monday + 7), '00:00', timeZone);
    add(monday, boundary - t);
    t = boundary;
  }
}
