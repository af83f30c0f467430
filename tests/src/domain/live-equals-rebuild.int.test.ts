import { isDeepStrictEqual } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { getInMemorySnapshotStore, getSQLiteEventStore, ProjectionRunner, rebuildProjections, type SnapshotStore } from '@pks/backend';
import { validateEvent } from '@pks/contracts';
import { allProjections } from '@pks/projections';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

/**
 * Property (issue 3): after a long random event sequence, the live state — built incrementally in batches, with
 * snapshots and restarts at random points — equals a rebuild of every projection from the log.
 */
const UNITS = ['U1', 'U2'];
const STAFF = ['P1', 'P2', 'P3', 'P4', 'P5', 'A1'];
const COMPETENCES = ['SSK', 'USK'];
const BASE = Date.UTC(2026, 9, 20); // around the October DST change
const HOUR = 3_600_000;
const iso = (ms: number) => new Date(ms).toISOString();

const slots = [
  { code: 'dag', start: '07:00', end: '15:30' },
  { code: 'kvall', start: '15:00', end: '21:45' },
  { code: 'natt', start: '21:15', end: '07:15' },
];

function setup(): Record<string, unknown>[] {
  return [
    ...UNITS.map((unitId) => ({ type: 'UnitRegistered', data: { unitId, name: unitId, departmentId: 'd', slots, poolId: 'pool' } })),
    ...STAFF.map((staffId, i) => ({
      type: 'StaffRegistered',
      data: { staffId, competences: [COMPETENCES[i % 2]!], employmentForm: staffId.startsWith('A') ? 'agency' : 'monthly', ...(staffId.startsWith('A') ? {} : { rate: 0.75 }), homeUnitId: UNITS[i % 2]!, poolId: i === 4 ? 'pool' : undefined },
    })).map((e) => ({ ...e, data: Object.fromEntries(Object.entries(e.data).filter(([, v]) => v !== undefined)) })),
    ...UNITS.flatMap((unitId) => COMPETENCES.map((competence) => ({ type: 'StaffingKeySet', data: { unitId, slot: 'dag', competence, minimum: { fixed: 1 }, target: { fixed: 2 } } }))),
    { type: 'BedsPlanned', data: { unitId: 'U1', from: '2026-01-01', beds: 12 } },
  ];
}

const id = (prefix: string, n: number) => `${prefix}${n}`;
const hourArb = fc.integer({ min: 0, max: 24 * 20 });

const eventArb: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  fc.record({ n: fc.integer({ min: 0, max: 15 }), unit: fc.constantFrom(...UNITS), staff: fc.option(fc.constantFrom(...STAFF), { nil: null }), comp: fc.constantFrom(...COMPETENCES), h: hourArb, len: fc.integer({ min: 4, max: 12 }), changed: fc.boolean() }).map((r) => ({
    type: r.changed ? 'ShiftChanged' : 'ShiftScheduled',
    data: { shiftId: id('S', r.n), unitId: r.unit, staffId: r.staff, competence: r.comp, start: iso(BASE + r.h * HOUR), end: iso(BASE + (r.h + r.len) * HOUR) },
  })),
  fc.integer({ min: 0, max: 15 }).map((n) => ({ type: 'ShiftCancelled', data: { shiftId: id('S', n) } })),
  fc.record({ staff: fc.constantFrom(...STAFF), unit: fc.constantFrom(...UNITS), h: hourArb, n: fc.option(fc.integer({ min: 0, max: 15 }), { nil: undefined }), out: fc.boolean() }).map((r) => ({
    type: r.out ? 'ClockedOut' : 'ClockedIn',
    data: { staffId: r.staff, unitId: r.unit, at: iso(BASE + r.h * HOUR + 7 * 60_000), ...(r.n !== undefined && { shiftId: id('S', r.n) }) },
  })),
  fc.record({ n: fc.integer({ min: 0, max: 6 }), staff: fc.constantFrom(...STAFF), h: hourArb, len: fc.integer({ min: 2, max: 72 }), kind: fc.constantFrom('sick', 'child-care', 'vacation'), corrected: fc.boolean() }).map((r) => ({
    type: r.corrected ? 'AbsenceCorrected' : 'AbsenceReported',
    data: { absenceId: id('A', r.n), staffId: r.staff, kind: r.kind, start: iso(BASE + r.h * HOUR), end: iso(BASE + (r.h + r.len) * HOUR) },
  })),
  fc.record({ n: fc.integer({ min: 0, max: 6 }), staff: fc.constantFrom(...STAFF) }).map((r) => ({ type: 'AbsenceWithdrawn', data: { absenceId: id('A', r.n), staffId: r.staff } })),
  fc.record({ n: fc.integer({ min: 0, max: 6 }), staff: fc.constantFrom(...STAFF), unit: fc.constantFrom(...UNITS), day: fc.integer({ min: 0, max: 19 }), slot: fc.constantFrom('dag', 'kvall', 'natt'), comp: fc.constantFrom(...COMPETENCES), source: fc.constantFrom('pool', 'overtime', 'agency') }).map((r) => ({
    type: 'StaffBooked',
    data: { bookingId: id('B', r.n), staffId: r.staff, unitId: r.unit, date: iso(BASE + r.day * 24 * HOUR).slice(0, 10), slot: r.slot, competence: r.comp, source: r.source },
  })),
  fc.integer({ min: 0, max: 6 }).map((n) => ({ type: 'BookingCancelled', data: { bookingId: id('B', n) } })),
  fc.record({ n: fc.integer({ min: 0, max: 6 }), staff: fc.constantFrom(...STAFF), unit: fc.constantFrom(...UNITS), h: hourArb, len: fc.integer({ min: 1, max: 6 }), kind: fc.constantFrom('overtime', 'additional', 'on-call', 'hourly') }).map((r) => ({
    type: 'WorkRegistered',
    data: { registrationId: id('W', r.n), staffId: r.staff, unitId: r.unit, competence: 'SSK', start: iso(BASE + r.h * HOUR), end: iso(BASE + (r.h + r.len) * HOUR), kind: r.kind },
  })),
  fc.record({ n: fc.integer({ min: 0, max: 4 }), unit: fc.constantFrom(...UNITS), day: fc.integer({ min: 0, max: 19 }), hours: fc.integer({ min: 0, max: 40 }), comp: fc.constantFrom('overtime', 'absence-sick', 'ordinary') }).map((r) => ({
    type: 'HoursReported',
    data: { reportId: id('H', r.n), unitId: r.unit, date: iso(BASE + r.day * 24 * HOUR).slice(0, 10), competence: 'USK', employmentForm: 'monthly', payComponent: r.comp, hours: r.hours },
  })),
  fc.record({ unit: fc.constantFrom(...UNITS), day: fc.integer({ min: 0, max: 19 }), patients: fc.integer({ min: 0, max: 20 }) }).map((r) => ({ type: 'CensusRecorded', data: { unitId: r.unit, date: iso(BASE + r.day * 24 * HOUR).slice(0, 10), patients: r.patients } })),
  fc.record({ unit: fc.constantFrom(...UNITS), day: fc.integer({ min: 0, max: 19 }), min: fc.integer({ min: 0, max: 3 }), extra: fc.integer({ min: 0, max: 2 }) }).map((r) => ({
    type: 'StaffingRequirementSet',
    data: { unitId: r.unit, date: iso(BASE + r.day * 24 * HOUR).slice(0, 10), slot: 'natt', competence: 'SSK', minimum: r.min, target: r.min + r.extra },
  })),
  fc.record({ unit: fc.constantFrom(...UNITS), week: fc.constantFrom('2026-W43', '2026-W44', '2026-W45'), hours: fc.integer({ min: 0, max: 300 }) }).map((r) => ({ type: 'ProductionPlanSet', data: { unitId: r.unit, week: r.week, activity: 'pat.sluten.odef', plannedHours: r.hours } })),
  fc.record({ n: fc.integer({ min: 0, max: 5 }), unit: fc.constantFrom(...UNITS), day: fc.integer({ min: 0, max: 30 }), hours: fc.integer({ min: 1, max: 8 }), removed: fc.boolean() }).map((r) =>
    r.removed
      ? { type: 'WaitlistEntryRemoved', data: { entryId: id('WL', r.n), reason: 'treated' } }
      : { type: 'WaitlistEntryAdded', data: { entryId: id('WL', r.n), unitId: r.unit, patientRef: `ref-${r.n}`, expectedHours: r.hours, medicalTargetDate: iso(BASE + r.day * 24 * HOUR).slice(0, 10) } },
  ),
);

function toStored(inputs: Record<string, unknown>[]) {
  return inputs.map((input, i) => {
    const result = validateEvent({ id: `e${i}`, ...input, metadata: { sourceSystem: 'prop', occurredAt: iso(BASE + i * 60_000) } }, iso(BASE + i * 60_000));
    if (!result.ok) throw new Error(`${String(input.type)}: ${JSON.stringify(result.issues)}`);
    return result.event;
  });
}

/** A snapshot store that round-trips through V8 serialisation, as the SQLite one does. */
function roundTripSnapshots(): SnapshotStore {
  const inner = getInMemorySnapshotStore();
  return {
    load: inner.load,
    save: (snapshots) => inner.save(snapshots.map((s) => ({ ...s, state: deserialize(serialize(s.state)) }))),
    close: inner.close,
  };
}

describe('live state equals a rebuild from the log', () => {
  it('for random event sequences with snapshots and restarts at random points', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(eventArb, { minLength: 50, maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 350 }), { maxLength: 4 }), fc.integer({ min: 1, max: 64 }), async (random, cuts, batchSize) => {
        const events = toStored([...setup(), ...random]);
        const store = getSQLiteEventStore({ path: ':memory:', pollIntervalMs: 5 });
        const snapshots = roundTripSnapshots();
        const points = [...new Set(cuts.map((c) => Math.min(c, events.length)))].sort((a, b) => a - b);
        let appended = 0;
        for (const point of [...points, events.length]) {
          // a runner lives for one stretch of the log: it loads the last snapshot, catches up, then "crashes" or stops
          const runner = new ProjectionRunner({ store, projections: allProjections(), snapshots, batchSize, snapshotEveryEvents: 37, snapshotEveryMs: 1e9 });
          await runner.start();
          while (appended < point) {
            const chunk = events.slice(appended, Math.min(point, appended + 1 + (appended % 5)));
            await store.appendBatch(chunk);
            appended += chunk.length;
          }
          await runner.waitForPosition(appended);
          await runner.stop({ snapshot: point % 2 === 0 });
        }
        const live = new ProjectionRunner({ store, projections: allProjections(), snapshots });
        await live.start();
        await live.waitForPosition(events.length);
        const rebuilt = await rebuildProjections({ store, projections: allProjections() });
        for (const projection of allProjections()) {
          const same = isDeepStrictEqual(live.state(projection.name), rebuilt.states.get(projection.name));
          if (!same) throw new Error(`${projection.name} differs from its rebuild`);
          expect(live.statuses().find((s) => s.name === projection.name)!.errors).toBe(0);
        }
        await live.stop({ snapshot: false });
        await store.close();
      }),
      { numRuns: 25, seed: 20261123 },
    );
  }, 120_000);
});
