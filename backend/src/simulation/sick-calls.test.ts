import { localDateOf, weekdayOf } from '@pks/projections';
import { describe, expect, it } from 'vitest';
import { createHospital } from './create-hospital.js';
import { loadDemandProfile } from './demand-profile.js';
import { generateEvents } from './generate-events.js';
import { dayOfDate } from './local-calendar.js';
import { Simulation } from './simulation.js';

const TZ = 'Europe/Stockholm';

describe('sick calls over a simulated year', () => {
  it('are more frequent on Mondays than mid-week and in January than in July', () => {
    const hospital = createHospital({ scale: 'tiny', seed: 2026 });
    const byWeekday = new Array<number>(8).fill(0);
    const byMonth = new Array<number>(13).fill(0);
    let sameDay = 0;
    let total = 0;
    for (const e of generateEvents({ hospital, seed: 2026, from: '2026-01-01T00:00:00+01:00', to: '2027-01-01T00:00:00+01:00', faults: false })) {
      if (e.type !== 'AbsenceReported' || e.data.kind !== 'sick') continue;
      // the first day of the spell is in its id: sjuk.<staff>.<YYYYMMDD>
      const ymd = (e.data.absenceId as string).split('.')[2]!;
      const date = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
      byWeekday[weekdayOf(date)]! += 1;
      byMonth[Number(ymd.slice(4, 6))]! += 1;
      total += 1;
      if (localDateOf(Date.parse(e.metadata!.occurredAt!), TZ) === date) sameDay += 1;
    }
    const midweek = (byWeekday[2]! + byWeekday[3]! + byWeekday[4]!) / 3;
    console.log(`sick calls in a year: ${total}; Mon ${byWeekday[1]}, Tue–Thu mean ${midweek.toFixed(0)}; Jan ${byMonth[1]}, Jul ${byMonth[7]}; same day ${((100 * sameDay) / total).toFixed(0)} %`);
    expect(total).toBeGreaterThan(500);
    // designed factor Monday 1.55 vs Tue–Thu 0.94; a person already off sick does not call in again
    expect(byWeekday[1]!).toBeGreaterThan(1.2 * midweek);
    expect(byMonth[1]!).toBeGreaterThan(1.5 * byMonth[7]!);
    expect(sameDay / total).toBeGreaterThan(0.6);
  });
});

describe('absence model', () => {
  it('answers "absent on a day" from cached blocks exactly as a direct scan does', () => {
    const hospital = createHospital({ scale: 'tiny', seed: 11 });
    const sim = new Simulation(hospital, 11, loadDemandProfile({ path: null }));
    let absent = 0;
    for (let day = dayOfDate('2026-01-01'); day < dayOfDate('2026-07-01'); day += 1) {
      for (let staff = 0; staff < hospital.staff.length; staff += 2) {
        for (const kind of ['sick', 'child-care'] as const) {
          const fast = sim.absences.spellCovering(kind, staff, day);
          const slow = sim.absences.spellCoveringByScan(kind, staff, day);
          expect(fast?.start ?? -1).toBe(slow?.start ?? -1);
          if (fast) absent += 1;
        }
      }
    }
    expect(absent).toBeGreaterThan(100);
  });

  it('keeps people on summer vacation and summer substitutes out of season off the schedule', () => {
    const hospital = createHospital({ scale: 'tiny', seed: 11 });
    const sim = new Simulation(hospital, 11, loadDemandProfile({ path: null }));
    const monthly = hospital.staff.findIndex((s, i) => s.employmentForm === 'monthly' && sim.absences.parentalLeave(i, 2026) === null && sim.absences.parentalLeave(i, 2025) === null);
    const [from, to] = sim.absences.summerVacation(monthly, 2026)!;
    expect(to - from).toBe(28);
    expect(sim.absences.unavailable(monthly, from)).toBe(true);
    expect(sim.absences.unavailable(monthly, to - 1)).toBe(true);
    expect(sim.absences.unavailable(monthly, from - 1)).toBe(false);
    expect(sim.absences.unavailable(monthly, to)).toBe(false);
    const seasonal = hospital.staff.findIndex((s) => s.seasonal);
    expect(seasonal).toBeGreaterThanOrEqual(0);
    expect(sim.absences.unavailable(seasonal, dayOfDate('2026-03-01'))).toBe(true);
    expect(sim.absences.unavailable(seasonal, dayOfDate('2026-07-15'))).toBe(false);
  });
});
