import type { EventData, StoredEvent } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { project } from '../projection/projection.js';
import { decideAlertCommand, type AlertActor } from './alert-commands.js';
import { dueEscalations } from './alert-lifecycle.js';
import { planAlertCells, planAlertSweep } from './alert-plan.js';
import { queryAlerts } from './alert-query.js';
import { alerts as alertsProjection } from './alerts-projection.js';
import { local, World } from './alerts.fixtures.js';

/** Given/when/then for the alert lifecycle: raise once, auto-resolve, escalate, commands, no duplicates after a rebuild or with two engines. */

const DAY = '2026-11-24';
const NOW = local('2026-11-23', '13:00');
const ID = `bmin~B8~${DAY}~dag~SSK`;
const minutesAfter = (iso: string, minutes: number) => new Date(Date.parse(iso) + minutes * 60_000).toISOString();
const types = (events: StoredEvent[]) => events.map((e) => `${e.type}:${String((e.data as { alertId: string }).alertId)}`);

/** B8 needs 2 SSK on dag of DAY (target 2), N1 and N2 are scheduled; only the below-minimum rule is on. */
function ward(): World {
  const w = new World().unit('B8').key('B8', 2, 2);
  w.add('AlertRulesConfigured', { rules: { 'below-target-horizon': { enabled: false }, 'absence-gap': { enabled: false } } });
  for (const p of ['N1', 'N2', 'POOL1']) w.staff(p, p === 'POOL1' ? { poolId: 'bmc' } : { homeUnitId: 'B8' });
  return w.shift('S1', 'B8', 'N1', DAY).shift('S2', 'B8', 'N2', DAY);
}

const manager: AlertActor = { sub: 'chef-b8', name: 'Chef B8', role: 'manager', units: ['B8'], pools: [], departments: [] };
const centre: AlertActor = { sub: 'bmc-1', role: 'staffing-centre', units: [], pools: ['bmc'], departments: [] };
const unitScope = { unitId: 'B8', departmentId: 'akut', poolId: 'bmc' };

describe('alert lifecycle', () => {
  it('raises one alert per deviation: evaluating again (tick, change batch, restart) appends nothing', () => {
    const w = ward().absence('A1', 'N2', DAY);
    const first = w.sweep(NOW);
    expect(types(first)).toContain(`AlertRaised:${ID}`);
    expect(first.find((e) => e.type === 'AlertRaised' && (e.data as { alertId: string }).alertId === ID)).toMatchObject({ id: `${ID}/raised/1`, stream: `alert-${ID}`, revision: 0 });
    expect(w.sweep(NOW)).toEqual([]);
    expect(w.sweep(minutesAfter(NOW, 1))).toEqual([]);
    expect(planAlertCells(w.inputs, 'B8', [`${DAY}|dag|SSK`], Date.parse(NOW)).appends).toEqual([]);
  });

  it('two engines evaluating the same state plan the same events: the second append is a duplicate, not a second alert', () => {
    const w = ward().absence('A1', 'N2', DAY);
    const a = planAlertSweep(w.inputs, Date.parse(NOW));
    const b = planAlertSweep(w.inputs, Date.parse(minutesAfter(NOW, 0.5)));
    expect(b.appends).toEqual(a.appends);
    expect(w.apply(a.appends, NOW).appended.length).toBeGreaterThan(0);
    expect(w.apply(b.appends, NOW)).toMatchObject({ appended: [], duplicates: a.appends.length });
    expect(a.appends.find((x) => x.event.type === 'AlertRaised')!.expectedRevision).toBe('no-stream');
  });

  it('auto-resolves when the data no longer shows the deviation, saying what it shows now', () => {
    const w = ward().absence('A1', 'N2', DAY);
    w.sweep(NOW);
    w.add('StaffBooked', { bookingId: 'BK1', staffId: 'POOL1', unitId: 'B8', date: DAY, slot: 'dag', competence: 'SSK', source: 'pool' });
    const plan = planAlertCells(w.inputs, 'B8', [`${DAY}|dag|SSK`], Date.parse(NOW));
    expect(plan.appends).toHaveLength(1);
    expect(plan.appends[0]).toMatchObject({
      stream: `alert-${ID}`,
      expectedRevision: 0,
      event: { id: `${ID}/resolved/1`, type: 'AlertResolved', data: { resolution: 'auto', reason: 'deviation-gone', observed: 2, expected: 2, message: 'The data no longer shows the deviation: 2 vs 2' } },
    });
    w.apply(plan.appends, NOW);
    const row = queryAlerts(w.alerts, { unitIds: ['B8'], status: 'all', audience: 'all', limit: 10 }, NOW).rows.find((r) => r.alertId === ID)!;
    expect(row).toMatchObject({ status: 'resolved', resolution: 'auto', resolutionReason: 'deviation-gone', resolvedObserved: 2 });
    expect(row.history.map((h) => h.type)).toEqual(['raised', 'resolved']);
  });

  it('resolves with window-passed when the slot has ended; a deviation that comes back later raises the same alert again (occurrence 2)', () => {
    const w = ward().absence('A1', 'N2', DAY);
    w.sweep(NOW);
    // the absence is withdrawn: resolved; then reported again: raised again as occurrence 2 on the same stream
    w.add('AbsenceWithdrawn', { absenceId: 'A1', staffId: 'N2' });
    expect(types(w.sweep(NOW))).toEqual([`AlertResolved:${ID}`]);
    w.absence('A2', 'N2', DAY);
    const again = w.sweep(NOW);
    expect(again.map((e) => [e.id, e.revision])).toEqual([[`${ID}/raised/2`, 2]]);
    // after the slot ends, it resolves as window-passed
    const after = w.sweep(local(DAY, '16:00'));
    const resolved = after.find((e) => e.type === 'AlertResolved' && (e.data as { alertId: string }).alertId === ID)!;
    expect(resolved.data).toMatchObject({ occurrence: 2, reason: 'window-passed', message: expect.stringContaining('slot has ended') });
    const row = queryAlerts(w.alerts, { unitIds: ['B8'], status: 'all', audience: 'all', limit: 50 }, NOW).rows.find((r) => r.alertId === ID)!;
    expect(row.history.map((h) => `${h.occurrence}:${h.type}`)).toEqual(['1:raised', '1:resolved', '2:raised', '2:resolved']);
  });

  it('escalates an unacknowledged alert to the next level after escalateAfterMinutes; not an acknowledged one; not past the top', () => {
    const w = ward().absence('A1', 'N2', DAY);
    w.sweep(NOW);
    const raisedAt = Date.parse(NOW);
    expect(dueEscalations(w.alerts, raisedAt + 29 * 60_000)).toEqual([]);
    // (today's running dag slot, empty, has its own alert: look at DAY's)
    const due = dueEscalations(w.alerts, raisedAt + 30 * 60_000).filter((d) => d.event.data.alertId === ID);
    expect(due.map((d) => [d.event.id, d.event.data])).toEqual([
      [`${ID}/escalated/1/tactical`, { alertId: ID, occurrence: 1, fromLevel: 'staffing-centre', toLevel: 'tactical', afterMinutes: 30 }],
    ]);
    w.apply(due, minutesAfter(NOW, 30));
    const row = queryAlerts(w.alerts, { unitIds: ['B8'], status: 'active', audience: 'tactical', limit: 10 }, NOW).rows.find((r) => r.alertId === ID)!;
    expect(row).toMatchObject({ alertId: ID, audience: ['manager', 'staffing-centre', 'tactical'], level: 'tactical', escalatedAt: minutesAfter(NOW, 30) });
    // at the top of the ladder: nothing more
    expect(dueEscalations(w.alerts, raisedAt + 600 * 60_000).filter((d) => d.event.data.alertId === ID)).toEqual([]);

    // an acknowledged alert does not escalate
    const v = ward().absence('A1', 'N2', DAY);
    v.sweep(NOW);
    const ack = decideAlertCommand({ alert: v.alerts.alerts.get(ID), unit: unitScope }, { type: 'acknowledge', alertId: ID, note: 'calling the pool' }, manager);
    if (!ack.ok || !ack.append) throw new Error('expected an acknowledgement');
    v.apply([ack.append as never], minutesAfter(NOW, 5));
    expect(dueEscalations(v.alerts, raisedAt + 120 * 60_000).filter((d) => d.event.data.alertId === ID)).toEqual([]);
  });

  it('escalation follows the configured ladder (manager → staffing centre → tactical by default)', () => {
    const w = new World().unit('B8').key('B8', 1, 1);
    w.add('AlertRulesConfigured', {
      rules: { 'below-minimum-soon': { audience: ['manager'], escalateAfterMinutes: 10 }, 'below-target-horizon': { enabled: false }, 'absence-gap': { enabled: false } },
    });
    w.sweep(NOW);
    const id = `bmin~B8~${DAY}~dag~SSK`;
    const step1 = dueEscalations(w.alerts, Date.parse(NOW) + 10 * 60_000).filter((d) => d.event.data.alertId === id);
    expect(step1.map((d) => (d.event.data as EventData<'AlertEscalated'>).toLevel)).toEqual(['staffing-centre']);
    w.apply(step1, minutesAfter(NOW, 10));
    const step2 = dueEscalations(w.alerts, Date.parse(NOW) + 20 * 60_000).filter((d) => d.event.data.alertId === id);
    expect(step2.map((d) => (d.event.data as EventData<'AlertEscalated'>).toLevel)).toEqual(['tactical']);
  });

  it('a rebuild from the log gives the same alerts, and evaluating after it raises nothing twice', () => {
    const w = ward().absence('A1', 'N2', DAY);
    w.sweep(NOW);
    w.apply(dueEscalations(w.alerts, Date.parse(NOW) + 31 * 60_000), minutesAfter(NOW, 31));
    const rebuilt = project(alertsProjection, w.log.events);
    expect(structuredClone(rebuilt)).toEqual(structuredClone(w.alerts));
    // a fresh engine on the rebuilt state: no raise, no resolve, no escalation
    const replay = new World();
    for (const e of w.log.events) replay.add(e.type, e.data, { id: e.id, recordedAt: e.metadata.recordedAt });
    expect(planAlertSweep(replay.inputs, Date.parse(NOW) + 32 * 60_000).appends).toEqual([]);
    expect(dueEscalations(replay.alerts, Date.parse(NOW) + 32 * 60_000)).toEqual([]);
  });

  it('a manual resolution is not undone while the deviation persists; once it has been seen gone, it may be raised again', () => {
    const w = ward().absence('A1', 'N2', DAY);
    w.sweep(NOW);
    const decision = decideAlertCommand({ alert: w.alerts.alerts.get(ID), unit: unitScope }, { type: 'resolve', alertId: ID, note: 'deputy covers' }, manager);
    if (!decision.ok || !decision.append) throw new Error('expected a resolution');
    expect(decision.append.event).toMatchObject({ id: `${ID}/resolved/1`, data: { resolution: 'manual', reason: 'manual', by: 'chef-b8', note: 'deputy covers' } });
    w.apply([decision.append as never], NOW);
    expect(w.sweep(NOW)).toEqual([]);
    // the absence is withdrawn: the deviation is gone, the alert is re-armed
    w.add('AbsenceWithdrawn', { absenceId: 'A1', staffId: 'N2' });
    const rearm = planAlertSweep(w.inputs, Date.parse(NOW));
    expect(rearm.rearm).toEqual([ID]);
    w.absence('A2', 'N2', DAY);
    expect(planAlertSweep(w.inputs, Date.parse(NOW)).appends.filter((a) => a.event.data.alertId === ID)).toEqual([]);
    expect(planAlertSweep(w.inputs, Date.parse(NOW), { rearmed: new Set([ID]) }).appends.map((a) => a.event.id)).toContain(`${ID}/raised/2`);
  });
});

describe('alert commands (decider)', () => {
  const given = () => {
    const w = ward().absence('A1', 'N2', DAY);
    w.sweep(NOW);
    return w;
  };

  it('acknowledge: sets the owner; the same owner again is a duplicate; someone else is rejected', () => {
    const w = given();
    const d = decideAlertCommand({ alert: w.alerts.alerts.get(ID), unit: unitScope }, { type: 'acknowledge', alertId: ID, note: 'on it' }, manager);
    expect(d).toMatchObject({ ok: true, duplicate: false, append: { expectedRevision: 0, event: { id: `${ID}/acknowledged/1`, data: { owner: 'chef-b8', ownerName: 'Chef B8', ownerRole: 'manager', note: 'on it' } } } });
    if (!d.ok || !d.append) return;
    w.apply([d.append as never], NOW);
    expect(queryAlerts(w.alerts, { unitIds: ['B8'], status: 'acknowledged', audience: 'all', limit: 5 }, NOW).rows[0]).toMatchObject({ owner: 'chef-b8', acknowledgeNote: 'on it' });
    expect(decideAlertCommand({ alert: w.alerts.alerts.get(ID), unit: unitScope }, { type: 'acknowledge', alertId: ID }, manager)).toEqual({ ok: true, duplicate: true, append: null });
    expect(decideAlertCommand({ alert: w.alerts.alerts.get(ID), unit: unitScope }, { type: 'acknowledge', alertId: ID }, centre)).toMatchObject({ ok: false, code: 'already-acknowledged', statusCode: 409 });
  });

  it('rejects unknown alerts, actors outside the scope or audience, and resolved alerts', () => {
    const w = given();
    expect(decideAlertCommand({ alert: undefined, unit: unitScope }, { type: 'acknowledge', alertId: 'nope' }, manager)).toMatchObject({ ok: false, code: 'unknown-alert', statusCode: 404 });
    const otherManager: AlertActor = { ...manager, sub: 'chef-k1', units: ['K1'] };
    expect(decideAlertCommand({ alert: w.alerts.alerts.get(ID), unit: unitScope }, { type: 'resolve', alertId: ID, note: 'x' }, otherManager)).toMatchObject({ ok: false, code: 'outside-scope', statusCode: 403 });
    const otherPool: AlertActor = { ...centre, pools: ['other'] };
    expect(decideAlertCommand({ alert: w.alerts.alerts.get(ID), unit: unitScope }, { type: 'acknowledge', alertId: ID }, otherPool)).toMatchObject({ ok: false, code: 'outside-scope' });
    const tactical: AlertActor = { sub: 't', role: 'tactical', units: [], pools: [], departments: ['akut'] };
    const resolve = decideAlertCommand({ alert: w.alerts.alerts.get(ID), unit: unitScope }, { type: 'resolve', alertId: ID, note: 'handled' }, tactical);
    if (!resolve.ok || !resolve.append) throw new Error('tactical may resolve in its department');
    w.apply([resolve.append as never], NOW);
    expect(decideAlertCommand({ alert: w.alerts.alerts.get(ID), unit: unitScope }, { type: 'acknowledge', alertId: ID }, manager)).toMatchObject({ ok: false, code: 'already-resolved', statusCode: 409 });
    expect(decideAlertCommand({ alert: w.alerts.alerts.get(ID), unit: unitScope }, { type: 'resolve', alertId: ID, note: 'again' }, manager)).toMatchObject({ ok: false, code: 'already-resolved' });
  });

  it('the alerts projection keeps configuration and prunes old resolved alerts to tombstones, so they can be raised again', () => {
    const w = given();
    w.add('AbsenceWithdrawn', { absenceId: 'A1', staffId: 'N2' });
    w.sweep(NOW);
    expect(w.alerts.alerts.get(ID)!.status).toBe('resolved');
    // 91 days later any alert event prunes it
    w.add('AlertRulesConfigured', { unitId: 'B8', rules: { 'below-minimum-soon': { withinHours: 48 } } }, { recordedAt: '2027-03-01T00:00:00.000Z' });
    w.add('AlertRulesConfigured', { unitId: 'B8', rules: { 'below-minimum-soon': { withinHours: 24 } } }, { recordedAt: '2027-03-02T00:00:00.000Z' });
    expect(w.alerts.alerts.has(ID)).toBe(false);
    expect(w.alerts.tombstones.get(ID)).toEqual([1, 1]);
    expect(w.alerts.config.units.get('B8')).toEqual({ 'below-minimum-soon': { withinHours: 24 } });
  });
});
