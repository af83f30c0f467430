import type { GapListPerson, GapListRow } from '@pks/contracts';
import { addDays, hoursOfLocalDay, zonedInstant } from '../time/calendar';

/** Persons that count as staffed in the curve (absent and moved ones do not). */
const STAFFED: ReadonlySet<GapListPerson['status']> = new Set(['scheduled', 'booked', 'clocked-in']);

export interface CoverageCurve {
  /** start of each local hour, seconds since epoch (uPlot's x) */
  x: number[];
  /** local hour of each bucket (two 02 in October, none in March) */
  hours: number[];
  /** staffed people during the hour: the time-weighted mean head count (someone leaving at :30 counts 0.5) */
  staffed: number[];
  /** required minimum during the hour, weighted by how much of the hour each slot covers */
  minimum: number[];
  target: number[];
  /** hours where staffed < minimum (rounded to 0.01 against float noise) */
  belowMinimumHours: number;
  belowTargetHours: number;
}

function overlap(aStart: number, aEnd: number, bStart: number, bEnd: number): number {
  return Math.max(0, Math.min(aEnd, bEnd) - Math.max(aStart, bStart));
}

/** The instants a slot of a row covers: local start on its date to local end (the next day when end ≤ start). */
export function slotInterval(row: Pick<GapListRow, 'date' | 'slotStart' | 'slotEnd'>, timeZone: string): [number, number] | null {
  if (!row.slotStart || !row.slotEnd) return null;
  const start = zonedInstant(row.date, row.slotStart, timeZone);
  const endDate = row.slotEnd <= row.slotStart ? addDays(row.date, 1) : row.date;
  return [start, zonedInstant(endDate, row.slotEnd, timeZone)];
}

/**
 * The hourly coverage of one local day against the requirement: every person's start–end covers hours; every
 * slot's minimum and target cover the slot's hours. Rows and people of the previous date count too (a night slot
 * belongs to the date it starts on but covers the early hours of the next one). When the previous date's night
 * rows are not given, the same slot's requirement of the day itself stands in for them.
 */
export function coverageCurve(input: {
  date: string;
  timeZone: string;
  rows: readonly GapListRow[];
  people: readonly GapListPerson[];
  competence?: string | null;
}): CoverageCurve {
  const { date, timeZone } = input;
  const competence = input.competence ?? null;
  const buckets = hoursOfLocalDay(date, timeZone);
  const dayStart = buckets[0]!.start;
  const dayEnd = buckets[buckets.length - 1]!.start + 3_600_000;
  const prev = addDays(date, -1);
  const rows = input.rows.filter((r) => (competence === null || r.competence === competence) && (r.date === date || r.date === prev));
  const intervals: { interval: [number, number]; row: GapListRow }[] = [];
  for (const r of rows) {
    const interval = slotInterval(r, timeZone);
    if (interval && overlap(interval[0], interval[1], dayStart, dayEnd) > 0) intervals.push({ interval, row: r });
  }
  // stand-in requirement for the previous night when its rows are not in the answer
  const havePrev = new Set(rows.filter((r) => r.date === prev).map((r) => `${r.unitId}|${r.slot}|${r.competence}`));
  for (const r of rows.filter((r) => r.date === date)) {
    if (havePrev.has(`${r.unitId}|${r.slot}|${r.competence}`)) continue;
    const stand = { ...r, date: prev };
    const interval = slotInterval(stand, timeZone);
    if (interval && overlap(interval[0], interval[1], dayStart, dayEnd) > 0) intervals.push({ interval, row: stand });
  }
  const people = input.people.filter((p) => STAFFED.has(p.status) && (competence === null || p.competence === competence) && (p.date === date || p.date === prev));
  const seen = new Set<string>();
  const spans: [number, number][] = [];
  for (const p of people) {
    const id = `${p.staffId}|${p.start}|${p.end}`;
    if (seen.has(id)) continue; // one person counted once
    seen.add(id);
    spans.push([Date.parse(p.start), Date.parse(p.end)]);
  }
  const round = (n: number) => Math.round(n * 100) / 100;
  const x: number[] = [];
  const hours: number[] = [];
  const staffed: number[] = [];
  const minimum: number[] = [];
  const target: number[] = [];
  let belowMinimumHours = 0;
  let belowTargetHours = 0;
  for (const b of buckets) {
    const end = b.start + 3_600_000;
    let s = 0;
    for (const [from, to] of spans) s += overlap(from, to, b.start, end) / 3_600_000;
    let min = 0;
    let tgt = 0;
    for (const { interval, row } of intervals) {
      const f = overlap(interval[0], interval[1], b.start, end) / 3_600_000;
      if (f === 0) continue;
      min += f * (row.minimum ?? 0);
      tgt += f * (row.target ?? row.minimum ?? 0);
    }
    x.push(b.start / 1000);
    hours.push(b.hour);
    staffed.push(round(s));
    minimum.push(round(min));
    target.push(round(tgt));
    if (round(s) < round(min)) belowMinimumHours += 1;
    if (round(s) < round(tgt)) belowTargetHours += 1;
  }
  return { x, hours, staffed, minimum, target, belowMinimumHours, belowTargetHours };
}
