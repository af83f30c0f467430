/**
 * A small, hand-written organisation for API and live tests: two units in one department and one pool, a third
 * unit elsewhere, staffing keys, staff and a day of shifts.
 */
import { addDays, isoWeekOf } from '@pks/projections';

/** Tomorrow (UTC date), so that slots of the day are always in the future when the tests run. */
export const DAY = addDays(new Date().toISOString().slice(0, 10), 1);
export const WEEK = isoWeekOf(DAY);

const slots = [
  { code: 'dag', start: '07:00', end: '15:30' },
  { code: 'kvall', start: '15:00', end: '21:45' },
  { code: 'natt', start: '21:15', end: '07:15' },
];

export function organisation(): Record<string, unknown>[] {
  const e = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, data, metadata: { sourceSystem: 'test' } });
  return [
    e('u1', 'UnitRegistered', { unitId: 'B8-AVA', name: 'B8, AVA', departmentId: 'akut', departmentName: 'Akutkliniken', slots, poolId: 'bmc' }),
    e('u2', 'UnitRegistered', { unitId: 'C9-RO', name: 'C9, RO', departmentId: 'akut', departmentName: 'Akutkliniken', slots, poolId: 'bmc' }),
    e('u3', 'UnitRegistered', { unitId: 'K1-KIR', name: 'K1, Kirurgi', departmentId: 'kirurgi', slots }),
    e('b1', 'BedsPlanned', { unitId: 'B8-AVA', from: '2026-01-01', beds: 14 }),
    e('k1', 'StaffingKeySet', { unitId: 'B8-AVA', slot: 'dag', competence: 'SSK', minimum: { fixed: 2 }, target: { fixed: 3 } }),
    e('k2', 'StaffingKeySet', { unitId: 'C9-RO', slot: 'dag', competence: 'SSK', minimum: { fixed: 1 }, target: { fixed: 1 } }),
    e('k3', 'StaffingKeySet', { unitId: 'K1-KIR', slot: 'dag', competence: 'SSK', minimum: { fixed: 1 }, target: { fixed: 2 } }),
    ...['N1', 'N2', 'N3', 'N4'].map((staffId, i) =>
      e(`p${i}`, 'StaffRegistered', { staffId, name: `Nurse ${staffId}`, competences: ['SSK'], employmentForm: 'monthly', rate: 1, homeUnitId: i < 3 ? 'B8-AVA' : 'K1-KIR' }),
    ),
    e('p9', 'StaffRegistered', { staffId: 'POOL1', name: 'Pool Nurse', competences: ['SSK'], employmentForm: 'monthly', rate: 1, homeUnitId: null, poolId: 'bmc' }),
    ...['N1', 'N2'].map((staffId, i) =>
      e(`s${i}`, 'ShiftScheduled', { shiftId: `S-${staffId}`, unitId: 'B8-AVA', staffId, competence: 'SSK', start: `${DAY}T06:00:00Z`, end: `${DAY}T14:30:00Z` }),
    ),
    e('s9', 'ShiftScheduled', { shiftId: 'S-N4', unitId: 'K1-KIR', staffId: 'N4', competence: 'SSK', start: `${DAY}T06:00:00Z`, end: `${DAY}T14:30:00Z` }),
  ];
}

export const sickCall = (staffId: string, id = `sick-${staffId}`) => ({
  id,
  type: 'AbsenceReported',
  data: { absenceId: id, staffId, kind: 'sick', start: `${DAY}T05:00:00Z`, end: `${DAY}T23:00:00Z` },
  metadata: { sourceSystem: 'test' },
});
