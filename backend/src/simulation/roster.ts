import type { AbsenceModel } from './absence-model.js';
import { weekdayOfDay } from './local-calendar.js';
import {
  PATTERN_DAY,
  PATTERN_NIGHT,
  PATTERN_ROTATING,
  PERIOD_DAYS,
  periodStart,
  SLOT_DAY,
  SLOT_LATE,
  SLOT_NIGHT,
  type SimContext,
  Tag,
} from './sim-context.js';

/**
 * A unit's published schedule for one 4-week period, as columns. Shift i is on day `startDay + day[i]`, fills key
 * group `group[i]` (slot and competence) as its `ord[i]`-th person, and is staffed by `staff[i]` (−1 = open).
 */
export interface Roster {
  unit: number;
  period: number;
  startDay: number;
  n: number;
  day: Uint8Array;
  group: Uint16Array;
  ord: Uint8Array;
  staff: Int32Array;
  /** shifts of day offset d are [dayStart[d], dayStart[d + 1]) */
  dayStart: Int32Array;
  /** rosterLocal × 28 + day offset → shift index, or −1 */
  personDay: Int32Array;
}

/** Weekly contract hours of a full-timer; night workers a little less (Swedish agreements, ~36 h). */
const FULL_TIME_WEEK = 40;
const NIGHT_WEEK = 36.3;
const MAX_CONSECUTIVE = 5;

/**
 * Builds a unit's schedule for a period: day by day, night slots first, each place given to the eligible person
 * furthest behind their contracted hours (rate × 40 h a week, less planned leave), with rest rules (no day or
 * evening shift after a night, at most five days in a row, night workers only at night, day workers only in
 * day slots). A place nobody can take stays open. Deterministic for the seed.
 */
export function buildRoster(ctx: SimContext, absences: AbsenceModel, unitIndex: number, period: number): Roster {
  const unit = ctx.units[unitIndex]!;
  const startDay = periodStart(period);
  const people = unit.rosterPeople;
  const np = people.length;
  const avail = new Uint8Array(np * (PERIOD_DAYS + 1));
  const quota = new Float64Array(np);
  for (let p = 0; p < np; p += 1) {
    const s = ctx.staff[people[p]!]!;
    let days = 0;
    for (let d = 0; d <= PERIOD_DAYS; d += 1) {
      const ok = absences.unavailable(s.idx, startDay + d) ? 0 : 1;
      avail[p * (PERIOD_DAYS + 1) + d] = ok;
      if (d < PERIOD_DAYS) days += ok;
    }
    quota[p] = (s.rate * (s.pattern === PATTERN_NIGHT ? NIGHT_WEEK : FULL_TIME_WEEK) * days) / 7;
  }
  const assigned = new Float64Array(np);
  const lastDay = new Int32Array(np).fill(-100);
  const lastKind = new Int8Array(np).fill(-1);
  const consecutive = new Int32Array(np);
  const usedOn = new Int32Array(np).fill(-1);

  const dayCol: number[] = [];
  const groupCol: number[] = [];
  const ordCol: number[] = [];
  const staffCol: number[] = [];
  const dayStart = new Int32Array(PERIOD_DAYS + 1);

  const pattern = new Int8Array(np);
  for (let p = 0; p < np; p += 1) pattern[p] = ctx.staff[people[p]!]!.pattern;
  const localByComp = new Map<number, Int32Array>();
  for (const [comp, list] of unit.peopleByComp) localByComp.set(comp, Int32Array.from(list, (st) => ctx.staff[st]!.rosterLocal));
  const jitter = new Float64Array(np);
  const pick = new Int32Array(np);
  const score = new Float64Array(np);
  const stride = PERIOD_DAYS + 1;
  for (let d = 0; d < PERIOD_DAYS; d += 1) {
    dayStart[d] = dayCol.length;
    const day = startDay + d;
    const weekday = weekdayOfDay(day);
    for (let p = 0; p < np; p += 1) jitter[p] = 3 * ctx.u(Tag.rosterJitter, people[p]!, day);
    for (const g of unit.rosterOrder) {
      const group = unit.groups[g]!;
      if (!group.target[weekday - 1]) continue;
      const need = ctx.target(unit, g, day) - ctx.overrideOn(unit, day, group); // overrides come after publication
      if (need <= 0) continue;
      const kind = unit.slotKind[group.slot]!;
      const hours = unit.slotHours[group.slot]!;
      const candidates = localByComp.get(group.comp);
      let chosen = 0;
      // pass 0: only people whose pattern fits; pass 1 (nights only): rotating staff too
      for (let pass = 0; pass < 2 && chosen < need && candidates; pass += 1) {
        if (pass === 1 && kind !== SLOT_NIGHT) break;
        let n = 0;
        for (let j = 0; j < candidates.length; j += 1) {
          const p = candidates[j]!;
          if (usedOn[p] === d || !avail[p * stride + d]) continue;
          const pat = pattern[p]!;
          if (kind === SLOT_NIGHT) {
            if (!avail[p * stride + d + 1]) continue;
            if (pass === 0 ? pat !== PATTERN_NIGHT : pat !== PATTERN_ROTATING) continue;
          } else if (pat === PATTERN_NIGHT || (pat === PATTERN_DAY && kind !== SLOT_DAY)) {
            continue;
          }
          const yesterday = lastDay[p] === d - 1;
          if (yesterday && lastKind[p] === SLOT_NIGHT && kind !== SLOT_NIGHT) continue;
          if (yesterday && consecutive[p]! >= MAX_CONSECUTIVE) continue;
          if (assigned[p]! + hours > quota[p]! + 4) continue;
          let sc = (quota[p]! * (d + 1)) / PERIOD_DAYS - assigned[p]! + jitter[p]!;
          if (yesterday && lastKind[p] === SLOT_LATE && kind === SLOT_DAY) sc -= 6; // quick return
          score[p] = sc;
          pick[n] = p;
          n += 1;
        }
        // the `need − chosen` best scores (selection: need is small)
        for (let k = 0; k < n && chosen < need; k += 1) {
          let bi = k;
          for (let j = k + 1; j < n; j += 1) if (score[pick[j]!]! > score[pick[bi]!]!) bi = j;
          const best = pick[bi]!;
          pick[bi] = pick[k]!;
          pick[k] = best;
          dayCol.push(d);
          groupCol.push(g);
          ordCol.push(chosen);
          staffCol.push(people[best]!);
          usedOn[best] = d;
          assigned[best] = assigned[best]! + hours;
          consecutive[best] = lastDay[best] === d - 1 ? consecutive[best]! + 1 : 1;
          lastDay[best] = d;
          lastKind[best] = kind;
          chosen += 1;
        }
      }
      for (; chosen < need; chosen += 1) {
        dayCol.push(d);
        groupCol.push(g);
        ordCol.push(chosen);
        staffCol.push(-1);
      }
    }
  }
  dayStart[PERIOD_DAYS] = dayCol.length;

  const n = dayCol.length;
  const personDay = new Int32Array(np * PERIOD_DAYS).fill(-1);
  const staff = Int32Array.from(staffCol);
  const day = Uint8Array.from(dayCol);
  for (let i = 0; i < n; i += 1) {
    const st = staff[i]!;
    if (st >= 0) personDay[ctx.staff[st]!.rosterLocal * PERIOD_DAYS + day[i]!] = i;
  }
  return { unit: unitIndex, period, startDay, n, day, group: Uint16Array.from(groupCol), ord: Uint8Array.from(ordCol), staff, dayStart, personDay };
}
