/**
 * A deterministic feed of valid domain events for crash and CLI tests: units, staff, shifts, clock events,
 * absences and bookings over a few weeks.
 */
export function sampleSetup(): Record<string, unknown>[] {
  const slots = [
    { code: 'dag', start: '07:00', end: '15:30' },
    { code: 'kvall', start: '15:00', end: '21:45' },
    { code: 'natt', start: '21:15', end: '07:15' },
  ];
  const units = ['B8-AVA', 'B8-IMA', 'C10-Trauma', 'C9-RO'].map((unitId) => ({
    id: `setup-unit-${unitId}`,
    type: 'UnitRegistered',
    data: { unitId, name: unitId, departmentId: 'akut', slots },
  }));
  const staff = Array.from({ length: 60 }, (_, i) => ({
    id: `setup-staff-${i}`,
    type: 'StaffRegistered',
    data: {
      staffId: `P${i}`,
      competences: [i % 3 === 0 ? 'USK' : 'SSK'],
      employmentForm: i % 10 === 9 ? 'agency' : 'monthly',
      ...(i % 10 === 9 ? {} : { rate: 0.5 + (i % 6) / 10 }),
      homeUnitId: units[i % units.length]!.data.unitId,
    },
  }));
  return [...units, ...staff];
}

/** Event number n of an endless feed (deterministic). */
export function sampleEvent(n: number): Record<string, unknown> {
  const unitIds = ['B8-AVA', 'B8-IMA', 'C10-Trauma', 'C9-RO'];
  const unitId = unitIds[n % unitIds.length]!;
  const day = Math.floor(n / 40) % 60;
  const startMs = Date.UTC(2026, 9, 1) + day * 86_400_000 + (n % 3) * 8 * 3_600_000 + 6 * 3_600_000;
  const iso = (ms: number) => new Date(ms).toISOString();
  const staffId = `P${n % 60}`;
  switch (n % 7) {
    case 0:
    case 1:
    case 2:
      return {
        id: `feed-${n}`,
        type: 'ShiftScheduled',
        data: { shiftId: `F${n}`, unitId, staffId: n % 13 === 0 ? null : staffId, competence: n % 3 === 0 ? 'USK' : 'SSK', start: iso(startMs), end: iso(startMs + 8.5 * 3_600_000) },
      };
    case 3:
      return { id: `feed-${n}`, type: 'ClockedIn', data: { staffId, unitId, at: iso(startMs - 5 * 60_000), shiftId: `F${n - 3}` } };
    case 4:
      return { id: `feed-${n}`, type: 'AbsenceReported', data: { absenceId: `A${n}`, staffId, kind: n % 2 === 0 ? 'sick' : 'child-care', start: iso(startMs), end: iso(startMs + 86_400_000) } };
    case 5:
      return { id: `feed-${n}`, type: 'ShiftCancelled', data: { shiftId: `F${n - 5}` } };
    default:
      return {
        id: `feed-${n}`,
        type: 'StaffBooked',
        data: { bookingId: `B${n}`, staffId, unitId, date: iso(startMs).slice(0, 10), slot: 'dag', competence: 'SSK', source: 'pool' },
      };
  }
}
