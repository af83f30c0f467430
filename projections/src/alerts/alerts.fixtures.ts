import type { StoredEvent } from '@pks/contracts';
import { gapList } from '../gap-list/gap-list.js';
import { outcomeVsPlan } from '../outcome-vs-plan/outcome-vs-plan.js';
import { performedTime } from '../performed-time/performed-time-projection.js';
import type { Projection } from '../projection/projection.js';
import { scheduleVsPlan } from '../schedule-vs-plan/schedule-vs-plan.js';
import { staffRoster, type StaffRosterState } from '../staff-roster/staff-roster.js';
import { EventLog } from '../testing/given-events.js';
import { addDays } from '../time/calendar.js';
import { zonedEpochMs } from '../time/zoned-time.js';
import type { AlertAppend } from './alert-lifecycle.js';
import { planAlertSweep, type RuleFamily } from './alert-plan.js';
import type { AlertInputs } from './alert-rules-eval.js';
import { alerts } from './alerts-projection.js';
import type { AlertsState } from './alerts-state.js';

/** Test fixture: an organisation's events through the real schemas, folded into every projection the alert rules and staffing actions read. */

export const TZ = 'Europe/Stockholm';
export const SLOTS = [
  { code: 'dag', start: '07:00', end: '15:30' },
  { code: 'kvall', start: '15:00', end: '21:45' },
  { code: 'natt', start: '21:15', end: '07:15' },
];

/** The UTC instant of a local Stockholm wall-clock time. */
export function local(date: string, time: string): string {
  return new Date(zonedEpochMs(date, time, TZ)).toISOString();
}
export const localMs = (date: string, time: string) => zonedEpochMs(date, time, TZ);

const PROJECTIONS = [gapList, scheduleVsPlan, outcomeVsPlan, performedTime, alerts, staffRoster] as Projection<any>[];

export class World {
  readonly log = new EventLog();
  states = new Map<string, unknown>(PROJECTIONS.map((p) => [p.name, p.initialState()]));
  private n = 0;

  /** Appends an event (recorded at `recordedAt`, default the log's fixed instant) and folds it into every projection. */
  add(type: string, data: Record<string, unknown>, options: { id?: string; recordedAt?: string } = {}): StoredEvent {
    const event = this.log.add(type, data, { id: options.id ?? `w${(this.n += 1)}`, ...(options.recordedAt && { recordedAt: options.recordedAt }) });
    for (const p of PROJECTIONS) p.evolve(this.states.get(p.name), event);
    return event;
  }

  get inputs(): AlertInputs {
    return {
      gapList: this.states.get('gap-list') as AlertInputs['gapList'],
      scheduleVsPlan: this.states.get('schedule-vs-plan') as AlertInputs['scheduleVsPlan'],
      outcomeVsPlan: this.states.get('outcome-vs-plan') as AlertInputs['outcomeVsPlan'],
      performedTime: this.states.get('performed-time') as AlertInputs['performedTime'],
      alerts: this.states.get('alerts') as AlertsState,
    };
  }

  get alerts(): AlertsState {
    return this.states.get('alerts') as AlertsState;
  }

  get roster(): StaffRosterState {
    return this.states.get('staff-roster') as StaffRosterState;
  }

  /** Appends planned alert events as the engine would: the stream must be at the expected revision, and an id already stored is a duplicate (skipped). */
  apply(appends: readonly AlertAppend[], recordedAt: string): { appended: StoredEvent[]; duplicates: number } {
    const appended: StoredEvent[] = [];
    let duplicates = 0;
    for (const a of appends) {
      if (this.log.events.some((e) => e.id === a.event.id)) {
        duplicates += 1;
        continue;
      }
      const revision = this.log.events.filter((e) => e.stream === a.stream).length - 1;
      const ok = a.expectedRevision === 'no-stream' ? revision === -1 : revision === a.expectedRevision;
      if (!ok) throw new Error(`${a.stream}: expected revision ${String(a.expectedRevision)}, at ${revision}`);
      appended.push(this.add(a.event.type, a.event.data as Record<string, unknown>, { id: a.event.id, recordedAt }));
    }
    return { appended, duplicates };
  }

  /** One engine pass: evaluate, append, return the new alert events. */
  sweep(nowIso: string, family: RuleFamily = 'all', rearmed: ReadonlySet<string> = new Set()): StoredEvent[] {
    const plan = planAlertSweep(this.inputs, Date.parse(nowIso), { family, rearmed });
    return this.apply(plan.appends, nowIso).appended;
  }

  // --- organisation helpers ---

  unit(unitId: string, extra: Record<string, unknown> = {}): this {
    this.add('UnitRegistered', { unitId, name: unitId, departmentId: 'akut', slots: SLOTS, poolId: 'bmc', ...extra });
    return this;
  }

  key(unitId: string, minimum: number, target: number, slot = 'dag', competence = 'SSK'): this {
    this.add('StaffingKeySet', { unitId, slot, competence, minimum: { fixed: minimum }, target: { fixed: target } });
    return this;
  }

  staff(staffId: string, extra: Record<string, unknown> = {}): this {
    this.add('StaffRegistered', { staffId, name: `Name ${staffId}`, competences: ['SSK'], employmentForm: 'monthly', rate: 1, homeUnitId: null, ...extra });
    return this;
  }

  shift(shiftId: string, unitId: string, staffId: string | null, date: string, slot: 'dag' | 'kvall' | 'natt' = 'dag', competence = 'SSK'): this {
    const s = SLOTS.find((x) => x.code === slot)!;
    const endDate = s.end <= s.start ? nextDate(date) : date;
    this.add('ShiftScheduled', { shiftId, unitId, staffId, competence, start: local(date, s.start), end: local(endDate, s.end), slot });
    return this;
  }

  absence(absenceId: string, staffId: string, date: string, kind = 'sick'): this {
    this.add('AbsenceReported', { absenceId, staffId, kind, start: local(date, '00:00'), end: local(nextDate(date), '00:00') });
    return this;
  }
}

export const nextDate = (date: string) => addDays(date, 1);
