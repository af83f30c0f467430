import type { GapListPerson, GapListResponse, GapListRow } from '@pks/contracts';

/** Builders for gap-list rows in unit tests (shaped like the server's answer). */
export function row(p: Partial<GapListRow> & Pick<GapListRow, 'unitId' | 'date' | 'slot'>): GapListRow {
  const competence = p.competence ?? 'SSK';
  const minimum = p.minimum === undefined ? 2 : p.minimum;
  const target = p.target === undefined ? 3 : p.target;
  const staffed = p.staffed ?? 3;
  const vsMinimum = minimum === null ? null : staffed - minimum;
  const vsTarget = target === null ? null : staffed - target;
  const slotTimes: Record<string, [string, string]> = { dag: ['07:00', '15:30'], kvall: ['15:00', '21:45'], natt: ['21:15', '07:15'] };
  return {
    key: `${p.unitId}|${p.date}|${p.slot}|${competence}`,
    cellKey: `${p.date}|${p.slot}|${competence}`,
    unitName: p.unitId,
    departmentId: 'akut',
    weekday: 1,
    week: '2026-W48',
    slotName: null,
    slotStart: slotTimes[p.slot]?.[0] ?? null,
    slotEnd: slotTimes[p.slot]?.[1] ?? null,
    beds: 14,
    requirementSource: minimum === null ? 'none' : 'key',
    scheduled: staffed,
    booked: 0,
    absent: 0,
    openShifts: 0,
    clockedIn: 0,
    belowMinimum: vsMinimum !== null && vsMinimum < 0,
    belowTarget: vsTarget !== null && vsTarget < 0,
    ...p,
    competence,
    minimum,
    target,
    staffed,
    vsMinimum,
    vsTarget,
  };
}

export function person(p: Partial<GapListPerson> & Pick<GapListPerson, 'unitId' | 'date' | 'slot' | 'staffId' | 'start' | 'end'>): GapListPerson {
  const competence = p.competence ?? 'SSK';
  return {
    key: `${p.unitId}|${p.date}|${p.slot}|${competence}`,
    cellKey: `${p.date}|${p.slot}|${competence}`,
    name: null,
    status: 'scheduled',
    entry: 'shift',
    entryId: `S-${p.staffId}`,
    entryCount: 1,
    bookingSource: null,
    absenceKind: null,
    clockedInAt: null,
    clockedOutAt: null,
    movedToUnitId: null,
    ...p,
    competence,
  };
}

export function answer(rows: GapListRow[], people: GapListPerson[] = [], from = '2026-11-23', to = '2026-11-29'): GapListResponse {
  const unitIds = [...new Set(rows.map((r) => r.unitId))];
  return {
    position: 10,
    asOf: '2026-11-23T10:00:00Z',
    unitIds,
    week: '2026-W48',
    from,
    to,
    competence: null,
    rows,
    weeklySums: [],
    units: unitIds.map((unitId) => ({
      unitId,
      name: `Unit ${unitId}`,
      departmentId: 'akut',
      departmentName: 'Akutkliniken',
      timeZone: 'Europe/Stockholm',
      beds: 14,
      slots: [
        { code: 'dag', name: null, start: '07:00', end: '15:30' },
        { code: 'kvall', name: null, start: '15:00', end: '21:45' },
        { code: 'natt', name: null, start: '21:15', end: '07:15' },
      ],
      findings: 0,
    })),
    totals: [],
    people,
    clockIns: [],
  };
}
