import { addDays, addMonths, addWeeks, isoWeekDates, isoWeekOf, localDateOf, monthOf, slotInterval } from '@pks/projections';

/**
 * A small deterministic hospital for the browser tests and for looking at the dashboard by hand, relative to `now`
 * (Europe/Stockholm): two departments, four units (beds, staffing keys), named staff and a staffing-centre pool,
 * shifts from 26 weeks back to 12 weeks ahead (thinning out further ahead), today's clock-ins and sick calls, open
 * shifts, production plans, patient bookings and waiting lists, outcomes and forecasts, dimensioning and census.
 * No unit id is known to the dashboard: it reads them from /me and the answers.
 */

export const TZ = 'Europe/Stockholm';
const SLOTS = [
  { code: 'dag', start: '07:00', end: '15:30' },
  { code: 'kvall', start: '15:00', end: '21:45' },
  { code: 'natt', start: '21:15', end: '07:15' },
] as const;

export const UNITS = [
  { unitId: 'B8-AVA', name: 'B8, AVA', departmentId: 'akut', departmentName: 'Akutkliniken', poolId: 'bc-akut', beds: 14, kind: 'inpatient' },
  { unitId: 'B8-IMA', name: 'B8, IMA', departmentId: 'akut', departmentName: 'Akutkliniken', poolId: 'bc-akut', beds: 6, kind: 'inpatient' },
  { unitId: 'C10-Trauma', name: 'C10, Trauma', departmentId: 'akut', departmentName: 'Akutkliniken', poolId: 'bc-akut', beds: 20, kind: 'inpatient' },
  { unitId: 'M2-Kard', name: 'M2, Kardiologi', departmentId: 'medicin', departmentName: 'Medicinkliniken', poolId: 'bc-med', beds: 12, kind: 'inpatient' },
] as const;

const FIRST = ['Anna', 'Erik', 'Maria', 'Johan', 'Sara', 'Karl', 'Lena', 'Per', 'Eva', 'Nils', 'Ida', 'Olle', 'Frida', 'Hugo', 'Elin', 'Axel', 'Moa', 'Leo'];
const LAST = ['Andersson', 'Berg', 'Lund', 'Holm', 'Ek', 'Sjöberg', 'Nyberg', 'Lind', 'Wall', 'Falk', 'Strand', 'Dahl'];

/** requirement per slot and competence: [minimum, target] (fixed; SSK day per beds) */
const KEYS: Record<string, Record<string, { minimum: Record<string, number>; target: Record<string, number> }>> = {
  dag: { SSK: { minimum: { perBeds: 7 }, target: { perBeds: 5 } }, USK: { minimum: { fixed: 2 }, target: { fixed: 3 } } },
  kvall: { SSK: { minimum: { fixed: 2 }, target: { fixed: 2 } }, USK: { minimum: { fixed: 1 }, target: { fixed: 2 } } },
  natt: { SSK: { minimum: { fixed: 1 }, target: { fixed: 1 } }, USK: { minimum: { fixed: 1 }, target: { fixed: 1 } } },
};

/** a deterministic number 0..1 from a string */
function hash01(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i += 1) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return ((h >>> 0) % 10_000) / 10_000;
}

/** scheduled hours of a week with every slot at its target */
function weeklyHoursAtTarget(beds: number): number {
  let hours = 0;
  for (const slot of SLOTS) {
    const [sh, sm] = slot.start.split(':').map(Number) as [number, number];
    const [eh, em] = slot.end.split(':').map(Number) as [number, number];
    const length = ((eh * 60 + em - (sh * 60 + sm) + 1440) % 1440) / 60;
    for (const key of Object.values(KEYS[slot.code]!)) hours += length * ('perBeds' in key.target ? Math.ceil(beds / key.target.perBeds!) : key.target.fixed!);
  }
  return hours * 7;
}

export interface FixtureHospital {
  today: string;
  week: string;
  events: Record<string, unknown>[];
  /** a cell the tests change: B8-AVA, today, dag, SSK with exactly its target (3) of named staff */
  testCell: { unitId: string; date: string; slot: string; competence: string; staffIds: string[]; shiftIds: string[]; start: string; end: string };
}

let seq = 0;
/** on the test cell's date B8-AVA's other slots keep away from the test cell's three people */
const isTestCell0 = (unitId: string, date: string, today: string) => unitId === 'B8-AVA' && date === today;
const ev = (type: string, data: Record<string, unknown>, id?: string) => ({ id: id ?? `fx-${type}-${(seq += 1)}`, type, data });

export function fixtureHospital(now = Date.now()): FixtureHospital {
  seq = 0;
  const today = localDateOf(now, TZ);
  const week = isoWeekOf(today);
  const weekDates = isoWeekDates(week);
  const events: Record<string, unknown>[] = [];
  const staffByUnit = new Map<string, { staffId: string; competence: string }[]>();

  for (const u of UNITS) {
    events.push(ev('UnitRegistered', { unitId: u.unitId, name: u.name, departmentId: u.departmentId, departmentName: u.departmentName, kind: u.kind, slots: SLOTS, poolId: u.poolId }, `fx-unit-${u.unitId}`));
    events.push(ev('BedsPlanned', { unitId: u.unitId, from: addDays(today, -400), beds: u.beds }, `fx-beds-${u.unitId}`));
    for (const [slot, byComp] of Object.entries(KEYS)) {
      for (const [competence, key] of Object.entries(byComp)) {
        events.push(ev('StaffingKeySet', { unitId: u.unitId, slot, competence, ...key }, `fx-key-${u.unitId}-${slot}-${competence}`));
      }
    }
    const staff: { staffId: string; competence: string }[] = [];
    for (let i = 0; i < 18; i += 1) {
      const competence = i < 9 ? 'SSK' : 'USK';
      const staffId = `${u.unitId}-P${i + 1}`;
      const name = `${FIRST[(i + u.unitId.length) % FIRST.length]} ${LAST[(i * 5 + u.unitId.length * 3) % LAST.length]}`;
      events.push(ev('StaffRegistered', { staffId, name, competences: [competence], employmentForm: i === 17 ? 'agency' : 'monthly', ...(i === 17 ? {} : { rate: [1, 0.8, 0.9, 0.75][i % 4] }), homeUnitId: u.unitId }, `fx-staff-${staffId}`));
      staff.push({ staffId, competence });
    }
    staffByUnit.set(u.unitId, staff);
  }
  // the staffing centre's pool staff
  for (const [p, poolId] of [['A', 'bc-akut'], ['M', 'bc-med']] as const) {
    for (let i = 0; i < 5; i += 1) {
      const competence = i % 2 === 0 ? 'SSK' : 'USK';
      events.push(ev('StaffRegistered', { staffId: `POOL-${p}${i + 1}`, name: `${FIRST[(i * 3 + 4) % FIRST.length]} ${LAST[(i * 7 + 2) % LAST.length]} (pool)`, competences: [competence], employmentForm: i === 4 ? 'hourly' : 'monthly', ...(i === 4 ? {} : { rate: 1 }), homeUnitId: null, poolId }, `fx-staff-POOL-${p}${i + 1}`));
    }
  }

  // shifts: how many people per slot and competence on a date; the current week varies so the gap list has every level
  const firstDate = addDays(weekDates[0]!, -26 * 7);
  const lastDate = addDays(weekDates[0]!, 13 * 7 - 1);
  const testShiftIds: string[] = [];
  const scheduledToday = new Map<string, string[]>(); // unit → staff with a shift today outside the test cell (USK first)
  let testInterval = { start: '', end: '' };
  for (const u of UNITS) {
    const staff = staffByUnit.get(u.unitId)!;
    for (let date = firstDate; date <= lastDate; date = addDays(date, 1)) {
      const weeksAhead = Math.floor((Date.parse(date) - Date.parse(weekDates[0]!)) / (7 * 86_400_000));
      for (const slot of SLOTS) {
        for (const competence of ['SSK', 'USK']) {
          const key = KEYS[slot.code]![competence]!;
          const target = 'perBeds' in key.target ? Math.ceil(u.beds / key.target.perBeds!) : key.target.fixed!;
          const r = hash01(`${u.unitId}|${date}|${slot.code}|${competence}`);
          let n = target;
          if (weeksAhead >= 0 && weeksAhead <= 1) n = target + (r < 0.18 ? -2 : r < 0.4 ? -1 : r > 0.85 ? 1 : 0);
          else if (weeksAhead > 1) n = Math.max(0, target - Math.floor(weeksAhead / 3) - (r < 0.3 ? 1 : 0)); // the schedule thins out ahead
          const isTestCell = u.unitId === 'B8-AVA' && date === today && slot.code === 'dag' && competence === 'SSK';
          if (isTestCell) n = 3;
          n = Math.max(0, n);
          const pool = staff.filter((s) => s.competence === competence);
          const { startMs, endMs } = slotInterval(date, slot.start, slot.end, TZ);
          const start = new Date(startMs).toISOString();
          const end = new Date(endMs).toISOString();
          const offset = Math.floor(hash01(`${u.unitId}|${date}`) * pool.length);
          const keepAway = isTestCell0(u.unitId, date, today) && competence === 'SSK';
          const activity = weeksAhead < 0 && r > 0.9 ? 'ejpat.utbildning.intern' : r > 0.8 ? 'pat.ovrig.admin' : 'pat.sluten.odef';
          for (let i = 0; i < n; i += 1) {
            // disjoint people per slot on a date (dag from the offset, kvall 4 on, natt 7 on); the test cell has its own three
            const person = isTestCell
              ? pool[i]!
              : keepAway
                ? pool[3 + ((i + (slot.code === 'natt' ? 3 : 0)) % 6)]!
                : pool[(offset + i + (slot.code === 'dag' ? 0 : slot.code === 'kvall' ? 4 : 7)) % pool.length]!;
            const shiftId = `S-${u.unitId}-${date}-${slot.code}-${competence}-${i}`;
            events.push(ev('ShiftScheduled', { shiftId, unitId: u.unitId, staffId: person.staffId, competence, start, end, slot: slot.code, activity }, `fx-${shiftId}`));
            if (date === today && !isTestCell && !keepAway) {
              const list = scheduledToday.get(u.unitId) ?? [];
              if (!list.includes(person.staffId)) (competence === 'USK' ? list.unshift(person.staffId) : list.push(person.staffId));
              scheduledToday.set(u.unitId, list);
            }
            if (isTestCell) {
              testShiftIds.push(shiftId);
              testInterval = { start, end };
            }
            // today's clock-ins for shifts that have started
            if (date === today && startMs <= now && !isTestCell) {
              events.push(ev('ClockedIn', { staffId: person.staffId, unitId: u.unitId, at: new Date(startMs - 4 * 60_000).toISOString(), shiftId }, `fx-in-${shiftId}`));
            }
          }
          // open shifts in the current and next week
          if (weeksAhead >= 0 && weeksAhead <= 1 && r > 0.7 && !isTestCell) {
            const shiftId = `S-${u.unitId}-${date}-${slot.code}-${competence}-open`;
            events.push(ev('ShiftScheduled', { shiftId, unitId: u.unitId, staffId: null, competence, start, end, slot: slot.code }, `fx-${shiftId}`));
          }
        }
      }
    }
  }

  // today's sick calls (one per unit, someone with a shift today outside the test cell, so every date shows one) and a
  // child-care absence
  for (const u of UNITS) {
    const victim = { staffId: scheduledToday.get(u.unitId)?.[0] ?? staffByUnit.get(u.unitId)![5]!.staffId };
    const { startMs } = slotInterval(today, '00:00', '23:59', TZ);
    events.push(ev('AbsenceReported', { absenceId: `fx-abs-${u.unitId}`, staffId: victim.staffId, kind: u.unitId === 'C10-Trauma' ? 'child-care' : 'sick', start: new Date(startMs).toISOString(), end: new Date(startMs + 2 * 86_400_000).toISOString() }, `fx-abs-${u.unitId}`));
  }
  // the pool booked once today
  const { startMs: poolStart } = slotInterval(today, '15:00', '21:45', TZ);
  void poolStart;
  events.push(ev('StaffBooked', { bookingId: 'fx-book-1', staffId: 'POOL-A1', unitId: 'C10-Trauma', date: today, slot: 'kvall', competence: 'SSK', source: 'pool' }, 'fx-book-1'));

  // production plans per week: hours of inpatient care, 12 weeks back to 12 ahead
  for (const u of UNITS) {
    for (let w = -13; w <= 12; w += 1) {
      const wk = addWeeks(week, w);
      const base = weeklyHoursAtTarget(u.beds) * 0.725; // around the schedule line ÷ 1.1: some weeks meet plan × 1.10, some do not
      events.push(ev('ProductionPlanSet', { unitId: u.unitId, week: wk, activity: 'pat.sluten', plannedHours: Math.round(base * (0.92 + hash01(`${u.unitId}${wk}`) * 0.18)) }, `fx-plan-${u.unitId}-${wk}`));
    }
    // patient bookings and waiting list (opaque references)
    for (let w = 0; w <= 8; w += 1) {
      const monday = isoWeekDates(addWeeks(week, w))[0]!;
      const count = Math.max(0, 8 - w);
      for (let i = 0; i < count; i += 1) {
        const { startMs } = slotInterval(addDays(monday, i % 5), '09:00', '11:00', TZ);
        events.push(ev('PatientBooked', { bookingId: `fx-pb-${u.unitId}-${w}-${i}`, unitId: u.unitId, patientRef: `pat-${u.unitId}-${w}-${i}`, start: new Date(startMs).toISOString(), end: new Date(startMs + 2 * 3_600_000).toISOString() }, `fx-pb-${u.unitId}-${w}-${i}`));
      }
      for (let i = 0; i < 3 + (w % 3); i += 1) {
        events.push(ev('WaitlistEntryAdded', { entryId: `fx-wl-${u.unitId}-${w}-${i}`, unitId: u.unitId, patientRef: `wl-${u.unitId}-${w}-${i}`, expectedHours: 3, medicalTargetDate: addDays(monday, 2 + i) }, `fx-wl-${u.unitId}-${w}-${i}`));
      }
    }
    for (let i = 0; i < 4; i += 1) {
      events.push(ev('WaitlistEntryAdded', { entryId: `fx-late-${u.unitId}-${i}`, unitId: u.unitId, patientRef: `late-${u.unitId}-${i}`, expectedHours: 4, medicalTargetDate: addDays(today, -10 - i * 5) }, `fx-late-${u.unitId}-${i}`));
    }
  }

  // outcome vs plan (seeds/001's Jan–Sep table on the last nine months) and forecasts
  const inflowForecast = [110, 120, 130, 110, 100, 90, 100, 100, 100];
  const inflow = [103, 110, 133, 124, 99, 85, 97, 105, 103];
  const plan = [100, 120, 130, 130, 110, 80, 80, 80, 110];
  const production = [105, 119, 140, 115, 115, 90, 92, 91, 120];
  const thisMonth = monthOf(today);
  for (const u of UNITS) {
    for (let i = 0; i < 9; i += 1) {
      const month = addMonths(thisMonth, i - 9);
      const f = u.beds / 14;
      events.push(ev('ProductionPlanSet', { unitId: u.unitId, month, activity: 'pat.sluten', plannedVolume: Math.round(plan[i]! * f), measure: 'bed-days' }, `fx-mplan-${u.unitId}-${month}`));
      events.push(ev('ProductionRecorded', { unitId: u.unitId, period: month, measure: 'bed-days', value: Math.round(production[i]! * f) }, `fx-prod-${u.unitId}-${month}`));
      events.push(ev('InflowRecorded', { unitId: u.unitId, period: month, measure: 'bed-days', value: Math.round(inflow[i]! * f) }, `fx-inflow-${u.unitId}-${month}`));
      events.push(ev('ForecastSet', { unitId: u.unitId, month, what: 'inflow', measure: 'bed-days', value: Math.round(inflowForecast[i]! * f) }, `fx-fc-${u.unitId}-${month}`));
    }
    for (let i = -11; i <= 0; i += 1) {
      const month = addMonths(thisMonth, i);
      events.push(ev('DimensioningSet', { unitId: u.unitId, staffCategory: 'nursing', month, fte: Math.round((u.beds / 14) * 14.5 * (0.95 + hash01(`${u.unitId}${month}`) * 0.1) * 10) / 10 }, `fx-dim-${u.unitId}-${month}`));
    }
    for (let d = addDays(today, -45); d < today; d = addDays(d, 1)) {
      events.push(ev('CensusRecorded', { unitId: u.unitId, date: d, patients: Math.max(0, u.beds - Math.floor(hash01(`${u.unitId}${d}`) * 3)) }, `fx-census-${u.unitId}-${d}`));
    }
  }

  const staff = staffByUnit.get('B8-AVA')!.filter((s) => s.competence === 'SSK');
  return {
    today,
    week,
    events,
    testCell: { unitId: 'B8-AVA', date: today, slot: 'dag', competence: 'SSK', staffIds: staff.slice(0, 3).map((s) => s.staffId), shiftIds: testShiftIds, ...testInterval },
  };
}
