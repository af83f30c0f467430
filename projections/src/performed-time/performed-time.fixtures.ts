import type { StoredEvent } from '@pks/contracts';
import type { Change } from '../projection/projection.js';
import { EventLog } from '../testing/given-events.js';
import { zonedEpochMs } from '../time/zoned-time.js';
import { performedTime } from './performed-time-projection.js';
import { initialPerformedTimeState, type PerformedTimeState } from './state.js';

/** Test fixture: a hospital's events through the real schemas, folded into the performed-time projection. */

export const TZ = 'Europe/Stockholm';

/** The UTC instant of a local Stockholm wall-clock time, e.g. local('2026-01-05', '07:00'). */
export function local(date: string, time: string): string {
  return new Date(zonedEpochMs(date, time, TZ)).toISOString();
}

export const SLOTS = [
  { code: 'dag', start: '07:00', end: '15:30' },
  { code: 'kvall', start: '15:00', end: '21:45' },
  { code: 'natt', start: '21:15', end: '07:15' },
];

export class Hospital {
  readonly log = new EventLog();
  readonly state: PerformedTimeState = initialPerformedTimeState();
  /** the changes of the last event */
  lastChanges: readonly Change[] = [];
  private n = 0;

  add(type: string, data: Record<string, unknown>, recordedAt?: string): StoredEvent {
    const event = this.log.add(type, data, recordedAt ? { recordedAt } : {});
    this.lastChanges = performedTime.evolve(this.state, event);
    return event;
  }

  unit(unitId = 'U1', extra: Record<string, unknown> = {}): this {
    this.add('UnitRegistered', { unitId, name: `Unit ${unitId}`, departmentId: 'D1', slots: SLOTS, ...extra });
    return this;
  }

  staff(staffId: string, employmentForm: 'monthly' | 'hourly' | 'agency' | 'external-resident', extra: Record<string, unknown> = {}): this {
    this.add('StaffRegistered', {
      staffId,
      competences: ['SSK'],
      employmentForm,
      rate: employmentForm === 'monthly' ? 1 : null,
      homeUnitId: 'U1',
      ...extra,
    });
    return this;
  }

  shift(shiftId: string, staffId: string | null, start: string, end: string, extra: Record<string, unknown> = {}, type = 'ShiftScheduled'): this {
    this.add(type, { shiftId, unitId: 'U1', staffId, competence: 'SSK', start, end, ...extra });
    return this;
  }

  nextId(prefix: string): string {
    this.n += 1;
    return `${prefix}${this.n}`;
  }
}
