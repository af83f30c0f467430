import { Temporal } from 'temporal-polyfill';
import { daysFromCivil, formatDate, parseDate } from './civil-days.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * Offsets from Temporal, cached per zone and UTC hour (every zone we serve changes offset only on whole UTC hours),
 * so that bucketing millions of events costs arithmetic, not a Temporal call per event.
 */
const offsetCache = new Map<string, Map<number, number>>();

export function offsetMs(timeZone: string, epochMs: number): number {
  let zone = offsetCache.get(timeZone);
  if (!zone) {
    zone = new Map();
    offsetCache.set(timeZone, zone);
  }
  const hour = Math.floor(epochMs / HOUR);
  let offset = zone.get(hour);
  if (offset === undefined) {
    offset = Temporal.Instant.fromEpochMilliseconds(hour * HOUR).toZonedDateTimeISO(timeZone).offsetNanoseconds / 1e6;
    zone.set(hour, offset);
  }
  return offset;
}

/** The local calendar date of an instant in a zone. */
export function localDateOf(epochMs: number, timeZone: string): string {
  return formatDate(Math.floor((epochMs + offsetMs(timeZone, epochMs)) / DAY));
}

export interface LocalHourBucket {
  /** local date of the hour */
  date: string;
  /** local hour of day, 0–23 */
  hour: number;
  /** offset from UTC in minutes during that hour (tells the two 02:00 hours of an October night apart) */
  offsetMinutes: number;
  /** the instant the local hour starts, ms */
  startMs: number;
  /** hours of the interval inside this bucket */
  hours: number;
}

/**
 * Splits [startMs, endMs) into the local hours of a zone. On the night the clocks go back, the 02:00 hour appears
 * twice (different offsets); on the night they go forward there is no 02:00 hour.
 */
export function splitIntoLocalHours(startMs: number, endMs: number, timeZone: string): LocalHourBucket[] {
  const out: LocalHourBucket[] = [];
  let t = startMs;
  while (t < endMs) {
    const offset = offsetMs(timeZone, t);
    const local = t + offset;
    const localHourStart = Math.floor(local / HOUR) * HOUR;
    const bucketStart = localHourStart - offset;
    let bucketEnd = bucketStart + HOUR;
    // an offset change inside this hour ends the bucket at the change
    const nextOffset = offsetMs(timeZone, bucketEnd - 1);
    if (nextOffset !== offset) bucketEnd = Math.floor((bucketEnd - 1) / HOUR) * HOUR;
    const end = Math.min(endMs, bucketEnd);
    const days = Math.floor(localHourStart / DAY);
    out.push({
      date: formatDate(days),
      hour: Math.floor((localHourStart - days * DAY) / HOUR),
      offsetMinutes: offset / 60_000,
      startMs: bucketStart,
      hours: (end - t) / HOUR,
    });
    t = end;
  }
  return out;
}

/** Splits [startMs, endMs) into local calendar days with the hours in each. */
export function splitIntoLocalDays(startMs: number, endMs: number, timeZone: string): { date: string; hours: number }[] {
  const out: { date: string; hours: number }[] = [];
  for (const bucket of splitIntoLocalHours(startMs, endMs, timeZone)) {
    const last = out[out.length - 1];
    if (last && last.date === bucket.date) last.hours += bucket.hours;
    else out.push({ date: bucket.date, hours: bucket.hours });
  }
  return out;
}

const instantCache = new Map<string, number>();

/**
 * The instant of a local date and wall-clock time in a zone. A time that does not exist (the skipped spring hour)
 * moves forward; an ambiguous one (the repeated autumn hour) takes the earlier instant (Temporal's 'compatible').
 */
export function zonedEpochMs(date: string, time: string, timeZone: string): number {
  const key = `${timeZone}|${date}|${time}`;
  let ms = instantCache.get(key);
  if (ms === undefined) {
    ms = Temporal.PlainDateTime.from(`${date}T${time}`).toZonedDateTime(timeZone, { disambiguation: 'compatible' }).epochMilliseconds;
    if (instantCache.size > 200_000) instantCache.clear();
    instantCache.set(key, ms);
  }
  return ms;
}

/** Start and end instant of a slot (local HH:MM–HH:MM) on a date; an end at or before the start is the next day. */
export function slotInterval(date: string, start: string, end: string, timeZone: string): { startMs: number; endMs: number } {
  const endDate = end <= start ? formatDate(parseDate(date) + 1) : date;
  return { startMs: zonedEpochMs(date, start, timeZone), endMs: zonedEpochMs(endDate, end, timeZone) };
}

/** Hours in a local calendar day (23, 24 or 25 around daylight-saving changes). */
export function hoursInLocalDay(date: string, timeZone: string): number {
  const next = formatDate(parseDate(date) + 1);
  return (zonedEpochMs(next, '00:00', timeZone) - zonedEpochMs(date, '00:00', timeZone)) / HOUR;
}

/** Days in a month of the proleptic Gregorian calendar. */
function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Milliseconds since the epoch of a canonical UTC instant, `YYYY-MM-DDTHH:MM:SSZ` or `YYYY-MM-DDTHH:MM:SS.s…Z` with
 * one to three fraction digits (stored events normalise every instant to `….sssZ`), by integer arithmetic; NaN for
 * anything else (other shapes, offsets, lower-case letters, more fraction digits, out-of-range fields such as
 * 2026-02-30, 24:00 or a leap second), which the caller hands to Temporal.
 */
export function canonicalInstantMs(s: string): number {
  const n = s.length;
  if (n !== 20 && (n < 22 || n > 24)) return Number.NaN;
  if (s.charCodeAt(n - 1) !== 90 /* Z */ || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84 /* T */) return Number.NaN;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return Number.NaN;
  let fraction = 0;
  if (n > 20) {
    if (s.charCodeAt(19) !== 46 /* . */) return Number.NaN;
    let scale = 100;
    for (let i = 20; i < n - 1; i += 1, scale /= 10) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return Number.NaN;
      fraction += c * scale;
    }
  }
  let bad = false;
  const d = (i: number): number => {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) bad = true;
    return c;
  };
  const year = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const month = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  const hour = d(11) * 10 + d(12);
  const minute = d(14) * 10 + d(15);
  const second = d(17) * 10 + d(18);
  if (bad || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return Number.NaN;
  return daysFromCivil(year, month, day) * DAY + hour * HOUR + minute * 60_000 + second * 1000 + fraction;
}

/** Milliseconds since the epoch of an ISO-8601 instant: the canonical UTC form by arithmetic, the rest by Temporal. */
export function toEpochMs(instant: string): number {
  const ms = canonicalInstantMs(instant);
  return ms === ms ? ms : Temporal.Instant.from(instant).epochMilliseconds;
}

export function toInstant(epochMs: number): string {
  // Temporal's form (seconds always, the fraction only as far as it is not zero) from Date's, for years 0–9999
  if (!Number.isInteger(epochMs) || epochMs < MIN_FOUR_DIGIT_MS || epochMs > MAX_FOUR_DIGIT_MS) return Temporal.Instant.fromEpochMilliseconds(epochMs).toString();
  const iso = new Date(epochMs).toISOString();
  const ms = ((epochMs % 1000) + 1000) % 1000;
  if (ms === 0) return `${iso.slice(0, 19)}Z`;
  const fraction = iso.slice(20, 23);
  return `${iso.slice(0, 19)}.${ms % 100 === 0 ? fraction.slice(0, 1) : ms % 10 === 0 ? fraction.slice(0, 2) : fraction}Z`;
}
/** 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z: the years Date writes with four digits */
const MIN_FOUR_DIGIT_MS = -62_167_219_200_000;
const MAX_FOUR_DIGIT_MS = 253_402_300_799_999;

/** The local wall-clock time (HH:MM) of an instant in a zone. */
export function localTimeOf(epochMs: number, timeZone: string): string {
  const local = epochMs + offsetMs(timeZone, epochMs);
  const minutes = Math.floor((((local % DAY) + DAY) % DAY) / 60_000);
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h < 10 ? `0${h}` : h}:${m < 10 ? `0${m}` : m}`;
}
