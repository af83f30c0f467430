import { describe, expect, it } from 'vitest';
import { validateEvent } from './validate-event.js';

const recordedAt = '2026-11-23T12:00:00.000Z';

const shift = (data: Record<string, unknown>) => ({
  id: 'src-1',
  type: 'ShiftScheduled',
  data: {
    shiftId: 'S1',
    unitId: 'C4-IAKM',
    staffId: 'P1',
    competence: 'SSK',
    start: '2026-10-24T21:00:00+02:00',
    end: '2026-10-25T07:00:00+01:00',
    ...data,
  },
  metadata: { sourceSystem: 'heroma' },
});

describe('validateEvent', () => {
  it('accepts a valid shift, normalises instants to UTC and picks the stream', () => {
    const result = validateEvent(shift({}), recordedAt);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.event.stream).toBe('shift-S1');
    expect(result.event.data.start).toBe('2026-10-24T19:00:00.000Z');
    expect(result.event.data.end).toBe('2026-10-25T06:00:00.000Z');
    expect(result.event.data.activity).toBe('pat.sluten.odef');
    expect(result.event.metadata).toEqual({ sourceSystem: 'heroma', occurredAt: recordedAt, recordedAt });
  });

  it('rejects end before start with the field path', () => {
    const result = validateEvent(shift({ end: '2026-10-24T18:00:00Z' }), recordedAt);
    expect(result).toEqual({ ok: false, issues: [{ path: 'data.end', message: 'end must be after start' }] });
  });

  it('rejects a shift over 24 h', () => {
    const result = validateEvent(shift({ end: '2026-10-26T07:00:00Z' }), recordedAt);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues[0]).toEqual({ path: 'data.end', message: 'the interval cannot be longer than 24 h' });
  });

  it('rejects dates that do not exist', () => {
    const result = validateEvent(shift({ start: '2026-02-30T07:00:00Z' }), recordedAt);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => i.path)).toContain('data.start');
    const beds = validateEvent({ id: 'b', type: 'BedsPlanned', data: { unitId: 'U', from: '2025-02-29', beds: 3 } }, recordedAt);
    expect(beds).toEqual({ ok: false, issues: [{ path: 'data.from', message: 'must be a date that exists, YYYY-MM-DD' }] });
    const week = validateEvent({ id: 'w', type: 'ProductionPlanSet', data: { unitId: 'U', week: '2025-W53', activity: 'pat.oppen.mottagning', plannedHours: 3 } }, recordedAt);
    expect(week.ok).toBe(false);
    const week53 = validateEvent({ id: 'w', type: 'ProductionPlanSet', data: { unitId: 'U', week: '2026-W53', activity: 'pat.oppen.mottagning', plannedHours: 3 } }, recordedAt);
    expect(week53.ok).toBe(true);
  });

  it('rejects negative hours', () => {
    const result = validateEvent(
      { id: 'h', type: 'HoursReported', data: { reportId: 'r', unitId: 'U', month: '2026-01', competence: 'SSK', employmentForm: 'monthly', payComponent: 'overtime', hours: -2 } },
      recordedAt,
    );
    expect(result).toEqual({ ok: false, issues: [{ path: 'data.hours', message: 'hours cannot be negative' }] });
  });

  it('rejects unknown types and unknown fields', () => {
    const unknownType = validateEvent({ id: 'x', type: 'ShiftPlanned', data: {} }, recordedAt);
    expect(unknownType.ok).toBe(false);
    if (!unknownType.ok) expect(unknownType.issues[0]!.path).toBe('type');
    const typo = validateEvent(shift({ strat: 'x' }), recordedAt);
    expect(typo.ok).toBe(false);
    if (!typo.ok) expect(typo.issues[0]!.path).toBe('data');
  });

  it('rejects a missing id and reports the path', () => {
    const result = validateEvent({ type: 'ShiftCancelled', data: { shiftId: 'S' } }, recordedAt);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues[0]!.path).toBe('id');
  });

  it('requires a rate for monthly staff and none for hourly', () => {
    const monthly = validateEvent({ id: 'a', type: 'StaffRegistered', data: { staffId: 'P', competences: ['SSK'], employmentForm: 'monthly' } }, recordedAt);
    expect(monthly.ok).toBe(false);
    const hourly = validateEvent({ id: 'b', type: 'StaffRegistered', data: { staffId: 'P', competences: ['USK'], employmentForm: 'hourly', rate: 0.5 } }, recordedAt);
    expect(hourly.ok).toBe(false);
  });

  it('refuses a personal identity number as patient reference', () => {
    const result = validateEvent(
      { id: 'w1', type: 'WaitlistEntryAdded', data: { entryId: 'E', unitId: 'U', patientRef: '19121212-1212', expectedHours: 1, medicalTargetDate: '2026-12-01' } },
      recordedAt,
    );
    expect(result.ok).toBe(false);
  });

  it('rejects duplicate slot codes and bad time zones on units', () => {
    const result = validateEvent(
      {
        id: 'u',
        type: 'UnitRegistered',
        data: {
          unitId: 'B8-AVA',
          name: 'B8, AVA',
          departmentId: 'akut',
          timeZone: 'Europe/Stokholm',
          slots: [
            { code: 'dag', start: '07:00', end: '15:30' },
            { code: 'dag', start: '15:00', end: '21:45' },
          ],
        },
      },
      recordedAt,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((i) => i.path).sort()).toEqual(['data.slots[1].code', 'data.timeZone']);
  });
});
