import { civilFromDays, daysFromCivil, formatDate, isoWeekOf, offsetMs, parseDate, zonedEpochMs } from '@pks/projections';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Day number of 1970-01-05, a Monday: weeks and schedule periods are counted from it. */
export const EPOCH_MONDAY = 4;

/** ISO weekday (1 = Monday … 7 = Sunday) of a day number (days since 1970-01-01). */
export function weekdayOfDay(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

/** The Monday on or before a day number. */
export function mondayOf(day: number): number {
  return day - weekdayOfDay(day) + 1;
}

/** Accepts an ISO instant, epoch milliseconds or a Date. */
export type InstantLike = string | number | Date;

export function toEpochMs(value: InstantLike): number {
  const ms = typeof value === 'number' ? value : typeof value === 'string' ? Date.parse(value) : value.getTime();
  if (!Number.isFinite(ms)) throw new Error(`not an instant: ${String(value)}`);
  return ms;
}

const isoDays = new Map<number, string>();
const PAD2: string[] = Array.from({ length: 60 }, (_, i) => (i < 10 ? `0${i}` : String(i)));
const PAD3: string[] = Array.from({ length: 1000 }, (_, i) => (i < 10 ? `00${i}` : i < 100 ? `0${i}` : String(i)));

/**
 * ISO-8601 UTC text with milliseconds (`2026-01-12T06:53:00.000Z`), as the contracts normalise instants. Same text
 * as Date#toISOString for years 1970–9999, several times faster (the date part is cached per UTC day).
 */
export function isoOf(instant: number): string {
  const ms = Math.floor(instant);
  const day = Math.floor(ms / DAY_MS);
  let prefix = isoDays.get(day);
  if (prefix === undefined) {
    if (isoDays.size > 4000) isoDays.clear();
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    isoDays.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const h = Math.floor(rest / HOUR_MS);
  rest -= h * HOUR_MS;
  const m = Math.floor(rest / MINUTE_MS);
  rest -= m * MINUTE_MS;
  const sec = Math.floor(rest / 1000);
  return `${prefix}${PAD2[h]}:${PAD2[m]}:${PAD2[sec]}.${PAD3[rest - sec * 1000]}Z`;
}

/**
 * Local calendar arithmetic in one time zone with the answers cached: day numbers, their dates, local midnights,
 * slot intervals (through Temporal, so daylight-saving days are right) and ISO weeks.
 */
export class LocalCalendar {
  private readonly midnights = new Map<number, number>();
  private readonly dates = new Map<number, string>();
  private readonly compact = new Map<number, string>();
  private readonly weeks = new Map<number, string>();

  constructor(readonly timeZone: string) {}

  /** The local day number an instant falls on. */
  dayOf(ms: number): number {
    return Math.floor((ms + offsetMs(this.timeZone, ms)) / DAY_MS);
  }

  /** The instant of local midnight starting a day. */
  midnight(day: number): number {
    let ms = this.midnights.get(day);
    if (ms === undefined) {
      ms = zonedEpochMs(this.date(day), '00:00', this.timeZone);
      this.midnights.set(day, ms);
    }
    return ms;
  }

  /** An instant `hours` (elapsed) after local midnight of a day, kept inside the day. */
  at(day: number, hours: number): number {
    const start = this.midnight(day);
    const ms = start + Math.round(hours * HOUR_MS);
    const end = this.midnight(day + 1);
    return ms < end ? ms : end - 1;
  }

  date(day: number): string {
    let s = this.dates.get(day);
    if (s === undefined) {
      s = formatDate(day);
      this.dates.set(day, s);
    }
    return s;
  }

  /** YYYYMMDD, for ids. */
  ymd(day: number): string {
    let s = this.compact.get(day);
    if (s === undefined) {
      const d = this.date(day);
      s = d.slice(0, 4) + d.slice(5, 7) + d.slice(8, 10);
      this.compact.set(day, s);
    }
    return s;
  }

  isoWeek(day: number): string {
    const monday = mondayOf(day);
    let s = this.weeks.get(monday);
    if (s === undefined) {
      s = isoWeekOf(this.date(monday));
      this.weeks.set(monday, s);
    }
    return s;
  }

  /** Start and end instants of a slot (local HH:MM–HH:MM) on a day; an end at or before the start is the next day. */
  slot(day: number, start: string, end: string): { startMs: number; endMs: number } {
    const s = minutesOf(start);
    const e = minutesOf(end);
    return { startMs: this.wall(day, s), endMs: this.wall(e <= s ? day + 1 : day, e) };
  }

  /**
   * The instant of a local wall-clock time (minutes after midnight) on a day. Offset arithmetic with the cached
   * offsets; times in the 02:00–03:00 hour and any instant next to an offset change go through Temporal, whose
   * 'compatible' rule (a skipped time moves forward, a repeated one takes the earlier instant) is the projections'.
   */
  wall(day: number, minutes: number): number {
    const wallMs = day * DAY_MS + minutes * MINUTE_MS;
    if (minutes < 3 * 60 || minutes >= 24 * 60) {
      const fast = this.wallByOffset(wallMs);
      if (!Number.isNaN(fast) && (minutes >= 24 * 60 || minutes < 2 * 60)) return fast;
      const h = Math.floor(minutes / 60);
      const m = minutes % 60;
      const d = day + Math.floor(h / 24);
      return zonedEpochMs(this.date(d), `${PAD2[h % 24]}:${PAD2[m]}`, this.timeZone);
    }
    const fast = this.wallByOffset(wallMs);
    if (!Number.isNaN(fast)) return fast;
    return zonedEpochMs(this.date(day), `${PAD2[Math.floor(minutes / 60)]}:${PAD2[minutes % 60]}`, this.timeZone);
  }

  private wallByOffset(wallMs: number): number {
    const o1 = offsetMs(this.timeZone, wallMs - offsetMs(this.timeZone, wallMs));
    const t = wallMs - o1;
    // unambiguous only when the offset is the same an hour around the instant
    if (offsetMs(this.timeZone, t) !== o1 || offsetMs(this.timeZone, t - HOUR_MS) !== o1 || offsetMs(this.timeZone, t + HOUR_MS) !== o1) return Number.NaN;
    return t;
  }

  /** Forgets cached days before a day number (keeps memory flat over long runs). */
  forgetBefore(day: number): void {
    if (this.midnights.size > 5_000) {
      for (const k of this.midnights.keys()) if (k < day - 500) this.midnights.delete(k);
    }
  }
}

const minuteCache = new Map<string, number>();

/** Minutes after midnight of HH:MM. */
export function minutesOf(time: string): number {
  let m = minuteCache.get(time);
  if (m === undefined) {
    m = Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
    minuteCache.set(time, m);
  }
  return m;
}

export function dayOfDate(date: string): number {
  return parseDate(date);
}

export function yearOfDay(day: number): number {
  return civilFromDays(day)[0];
}

/** Month 1–12 of a day number. */
export function monthOfDay(day: number): number {
  return civilFromDays(day)[1];
}

/** Day of month 1–31 of a day number. */
export function dayOfMonthOfDay(day: number): number {
  return civilFromDays(day)[2];
}

/** Day number of a calendar date given as numbers. */
export function dayOfYmd(year: number, month: number, dayOfMonth: number): number {
  return daysFromCivil(year, month, dayOfMonth);
}
