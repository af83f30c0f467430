import { EVENT_TYPES, type EventInput, validateEvent } from '@pks/contracts';
import { checkReferences, evolveCatalog, initialCatalog, localDateOf, type ReferenceCatalogState } from '@pks/projections';
import { beforeAll, describe, expect, it } from 'vitest';
import { createHospital } from './create-hospital.js';
import { isSimulatedInvalid, simulatedFault } from './faults.js';
import { generateEvents } from './generate-events.js';
import type { Hospital } from './hospital-model.js';
import { setupEvents } from './setup-events.js';

const TZ = 'Europe/Stockholm';

function catalogFor(hospital: Hospital, at: string): ReferenceCatalogState {
  const catalog = initialCatalog();
  for (const e of setupEvents(hospital, { at })) {
    const r = validateEvent(e, at);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    evolveCatalog(catalog, r.event);
  }
  return catalog;
}

/** The rejections the ingest would give: schema, then references. */
function rejections(catalog: ReferenceCatalogState, e: EventInput): string[] {
  const r = validateEvent(e, e.metadata?.occurredAt ?? '2026-01-01T00:00:00Z');
  if (!r.ok) return r.issues.map((i) => `${i.path}: ${i.message}`);
  return checkReferences(catalog, r.event).map((i) => `${i.path}: ${i.message}`);
}

describe('generateEvents (small hospital, a week over the autumn clock change)', () => {
  // 2026-10-25 is the last Sunday of October: the night shift that night is an hour longer
  const from = '2026-10-19T00:00:00+02:00';
  const to = '2026-10-26T00:00:00+01:00';
  let hospital: Hospital;
  let events: EventInput[];
  let catalog: ReferenceCatalogState;

  beforeAll(() => {
    hospital = createHospital({ scale: 'small', seed: 42 });
    catalog = catalogFor(hospital, from);
    const t0 = performance.now();
    events = [...generateEvents({ hospital, seed: 42, from, to, faults: { invalidRate: 0.002, duplicateRate: 0.003 } })];
    console.log(`small, 1 week: ${events.length} events in ${((performance.now() - t0) / 1000).toFixed(2)} s (incl. the look-back)`);
  });

  it('are in non-decreasing occurredAt order inside [from, to)', () => {
    let last = Date.parse(from);
    for (const e of events) {
      const ms = Date.parse(e.metadata!.occurredAt!);
      expect(ms).toBeGreaterThanOrEqual(last);
      last = ms;
    }
    expect(last).toBeLessThan(Date.parse(to));
  });

  it('pass validateEvent and the reference checks, except the intentionally invalid ones, which fail', () => {
    let invalid = 0;
    const invalidKinds = new Set<string>();
    for (const e of events) {
      const issues = rejections(catalog, e);
      if (isSimulatedInvalid(e)) {
        invalid += 1;
        invalidKinds.add(String(e.metadata?.correlationId));
        expect(issues.length, `${e.id} should be rejected`).toBeGreaterThan(0);
        expect(simulatedFault(e)).toBe('invalid');
      } else if (issues.length > 0) {
        throw new Error(`${e.type} ${e.id} rejected: ${issues.join('; ')}\n${JSON.stringify(e)}`);
      }
    }
    expect(invalid).toBeGreaterThan(5);
    expect(invalidKinds.size).toBeGreaterThan(2);
  });

  it('repeat an id only as an exact re-send, marked as a duplicate', () => {
    const first = new Map<string, string>();
    let duplicates = 0;
    for (const e of events) {
      const json = JSON.stringify(e);
      const seen = first.get(e.id);
      if (seen === undefined) {
        first.set(e.id, json);
        expect(simulatedFault(e)).not.toBe('duplicate');
      } else {
        duplicates += 1;
        expect(json).toBe(seen);
        expect(simulatedFault(e)).toBe('duplicate');
      }
    }
    expect(duplicates).toBeGreaterThan(5);
  });

  it('cover the catalogue: schedules, clock events, absence, bookings, plans, patients, outcomes', () => {
    const types = new Set(events.map((e) => e.type));
    for (const t of ['ShiftScheduled', 'ShiftChanged', 'ShiftCancelled', 'ClockedIn', 'ClockedOut', 'WorkRegistered', 'AbsenceReported', 'AbsenceCorrected', 'HoursReported', 'StaffBooked', 'PatientBooked', 'PatientBookingCancelled', 'WaitlistEntryAdded', 'WaitlistEntryRemoved', 'ProductionRecorded', 'InflowRecorded', 'CensusRecorded', 'ProductionPlanSet', 'StaffingRequirementSet']) {
      expect(types.has(t), t).toBe(true);
    }
    for (const t of types) expect(EVENT_TYPES).toContain(t);
    const sources = new Set(events.map((e) => (e.data as { source?: string }).source).filter((s) => s !== undefined));
    expect([...sources].sort()).toEqual(['agency', 'overtime', 'pool', 'reallocation']);
    const kinds = new Set(events.filter((e) => e.type === 'WorkRegistered').map((e) => e.data.kind));
    for (const k of ['ordinary', 'overtime', 'on-call']) expect(kinds.has(k), k).toBe(true);
  });

  it('publish schedules weeks ahead, with open shifts, and clock people in around the shift changes', () => {
    const scheduled = events.filter((e) => e.type === 'ShiftScheduled');
    const leadDays = scheduled.map((e) => (Date.parse(e.data.start as string) - Date.parse(e.metadata!.occurredAt!)) / 86_400_000);
    expect(Math.min(...leadDays)).toBeGreaterThan(6 * 7 - 1);
    expect(scheduled.some((e) => e.data.staffId === null)).toBe(true);
    const clockIns = events.filter((e) => e.type === 'ClockedIn' && typeof e.data.shiftId === 'string' && simulatedFault(e) === null);
    const byShift = new Map<string, number>();
    // shifts of the week come from schedules published before it: look them up by id in the shift id itself
    for (const e of clockIns) {
      const shiftId = e.data.shiftId as string;
      const slot = shiftId.split('.')[2];
      const at = new Date(e.data.at as string);
      const local = localDateOf(at.getTime(), TZ);
      byShift.set(shiftId, 1);
      expect(shiftId.split('.')[1]).toBe(local.replaceAll('-', ''));
      if (slot === 'dag') {
        const hhmm = new Intl.DateTimeFormat('sv-SE', { timeZone: TZ, hour: '2-digit', minute: '2-digit' }).format(at);
        expect(hhmm >= '06:30' && hhmm <= '08:30', hhmm).toBe(true);
      }
    }
    expect(byShift.size).toBeGreaterThan(1000);
  });

  it('report sick calls mostly the same morning, and census every day for every inpatient unit', () => {
    const sick = events.filter((e) => e.type === 'AbsenceReported' && e.data.kind === 'sick' && simulatedFault(e) === null);
    expect(sick.length).toBeGreaterThan(50);
    const sameDay = sick.filter((e) => localDateOf(Date.parse(e.metadata!.occurredAt!), TZ) === localDateOf(Date.parse(e.data.start as string) + 1, TZ));
    expect(sameDay.length / sick.length).toBeGreaterThan(0.6);
    const inpatient = hospital.units.filter((u) => u.kind === 'inpatient' && u.beds > 0).length;
    const census = new Set(events.filter((e) => e.type === 'CensusRecorded' && simulatedFault(e) === null).map((e) => `${e.data.unitId as string}|${e.data.date as string}`));
    // seven local days, 19–25 October (the 25th has 25 hours)
    expect(census.size).toBe(inpatient * 7);
  });

  it('give the night shift of the autumn clock change eleven hours', () => {
    // the schedule for 24 October was published weeks before: the prologue of a run starting that day has it
    const nights = [...generateEvents({ hospital, seed: 42, from: '2026-10-24T12:00:00+02:00', to: '2026-10-24T13:00:00+02:00', prologue: true, faults: false })].filter(
      (e) => e.type === 'ShiftScheduled' && (e.data.shiftId as string).includes('.20261024.natt.'),
    );
    expect(nights.length).toBeGreaterThan(10);
    for (const e of nights) expect((Date.parse(e.data.end as string) - Date.parse(e.data.start as string)) / 3_600_000).toBe(11);
  });
});

describe('generateEvents determinism and windows', () => {
  const hospital = createHospital({ scale: 'tiny', seed: 7 });
  const a = '2026-02-02T00:00:00+01:00';
  const b = '2026-02-04T13:37:00+01:00';
  const c = '2026-02-06T00:00:00+01:00';
  const run = (seed: number, from: string, to: string, prologue = false) => [...generateEvents({ hospital, seed, from, to, prologue })].map((e) => JSON.stringify(e));

  it('gives byte-identical events for the same seed and different ones for another seed', () => {
    const first = run(7, a, c);
    const again = run(7, a, c);
    const other = run(8, a, c);
    expect(first.length).toBeGreaterThan(500);
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
    expect(other.length).not.toBe(0);
  });

  it('is the same stream whichever window it is cut from', () => {
    const whole = run(7, a, c);
    const tail = run(7, b, c);
    const bMs = Date.parse(b);
    expect(tail).toEqual(whole.filter((json) => Date.parse((JSON.parse(json) as EventInput).metadata!.occurredAt!) >= bMs));
  });

  it('with the prologue, first sends what was published earlier and still matters, then the same period', () => {
    const withPrologue = [...generateEvents({ hospital, seed: 7, from: b, to: c, prologue: true, faults: false })];
    const bMs = Date.parse(b);
    const before = withPrologue.filter((e) => Date.parse(e.metadata!.occurredAt!) < bMs);
    const after = withPrologue.filter((e) => Date.parse(e.metadata!.occurredAt!) >= bMs).map((e) => JSON.stringify(e));
    expect(after).toEqual([...generateEvents({ hospital, seed: 7, from: b, to: c, faults: false })].map((e) => JSON.stringify(e)));
    const types = new Set(before.map((e) => e.type));
    for (const t of ['ShiftScheduled', 'ProductionPlanSet', 'ForecastSet', 'WaitlistEntryAdded', 'PatientBooked', 'AbsenceReported']) expect(types.has(t), t).toBe(true);
    // every prologue shift is one that has not ended at `from`
    for (const e of before.filter((x) => x.type === 'ShiftScheduled')) expect(Date.parse(e.data.end as string) + 3_600_000).toBeGreaterThan(bMs);
    // the schedule reaches at least six weeks past `from`
    const lastShift = Math.max(...before.filter((x) => x.type === 'ShiftScheduled').map((e) => Date.parse(e.data.start as string)));
    expect(lastShift - bMs).toBeGreaterThan(6 * 7 * 86_400_000);
    let last = 0;
    for (const e of withPrologue) {
      const ms = Date.parse(e.metadata!.occurredAt!);
      expect(ms).toBeGreaterThanOrEqual(last);
      last = ms;
    }
    const catalog = catalogFor(hospital, b);
    for (const e of withPrologue) expect(rejections(catalog, e), e.id).toEqual([]);
  });
});
