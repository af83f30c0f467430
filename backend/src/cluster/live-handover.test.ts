import type { LiveBusUpdate } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { createInProcessBus } from '../bus/in-process-bus.js';
import type { ChangeBatch, ProjectionRunner } from '../projection-runner/projection-runner.js';
import { LiveHandover } from './live-handover.js';

/** A runner stand-in: a position and change listeners, driven by the test. */
function fakeRunner(start = 0) {
  const listeners = new Set<(batch: ChangeBatch) => void>();
  const runner = {
    position: start,
    onChanges(listener: (batch: ChangeBatch) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  const apply = (toPosition: number, changes: [model: string, unitId: string | null, key: string][]) => {
    const batch: ChangeBatch = { fromPosition: runner.position, toPosition, changes: changes.map(([model, unitId, key]) => ({ model, unitId, key })), appliedAt: 0 };
    runner.position = toPosition;
    for (const l of listeners) l(batch);
  };
  return { runner: runner as unknown as ProjectionRunner, apply, set: (p: number) => (runner.position = p) };
}

const message = (model: string, unitId: string, fromPosition: number, toPosition: number): LiveBusUpdate => ({
  model: model as LiveBusUpdate['model'],
  unitId,
  departmentId: 'd',
  fromPosition,
  toPosition,
  keys: [],
  rows: null,
  appliedAt: 0,
});

describe('LiveHandover: a standby taking over publishing', () => {
  it('continues each chain where the old leader’s last message ended and catches up only what no message covered', () => {
    const bus = createInProcessBus();
    const { runner, apply } = fakeRunner(10);
    const handover = new LiveHandover(runner, bus, new Set(['gap-list', 'staffing-overview']));
    handover.start();
    handover.setBase(10);

    apply(12, [['gap-list', 'U1', 'k1'], ['gap-list', 'U2', 'k2'], ['staffing-overview', 'U1', 'o1'], ['events-per-unit', 'U1', 'x']]);
    bus.publish('pks.live.gap-list.d.U1', message('gap-list', 'U1', 10, 12));
    bus.publish('pks.live.staffing-overview.d.U1', message('staffing-overview', 'U1', 10, 12));
    // the leader died before publishing U2's change at 12 and everything at 14
    apply(14, [['gap-list', 'U1', 'k3'], ['gap-list', 'U1', 'k1']]);
    expect(handover.uncovered).toBe(2);

    const plan = handover.takeOver();
    expect(plan.startPosition).toBe(10);
    expect([...plan.chains]).toEqual([
      ['gap-list|U1', 12],
      ['staffing-overview|U1', 12],
    ]);
    expect(plan.catchUp?.toPosition).toBe(14);
    expect(plan.catchUp?.changes.map((c) => `${c.model}|${c.unitId}|${c.key}`).sort()).toEqual(['gap-list|U1|k1', 'gap-list|U1|k3', 'gap-list|U2|k2']);
    expect(plan.caughtUp).toBe(2);
  });

  it('a message arriving after the standby applied the same changes covers them; messages ending before the base do not vouch for a chain', () => {
    const bus = createInProcessBus();
    const { runner, apply } = fakeRunner(0);
    const handover = new LiveHandover(runner, bus, new Set(['gap-list']));
    handover.start();
    // a message published before this standby's snapshot position: it cannot know what came between
    bus.publish('pks.live.gap-list.d.U9', message('gap-list', 'U9', 0, 3));
    handover.setBase(5);
    apply(8, [['gap-list', 'U1', 'a']]);
    apply(9, [['gap-list', 'U1', 'b']]);
    // the leader's batching differs: one message up to 9 covers both
    bus.publish('pks.live.gap-list.d.U1', message('gap-list', 'U1', 5, 9));
    expect(handover.uncovered).toBe(0);
    const plan = handover.takeOver();
    expect(plan.catchUp).toBeNull();
    expect(plan.chains.get('gap-list|U1')).toBe(9);
    expect(plan.chains.has('gap-list|U9')).toBe(false);
    expect(plan.startPosition).toBe(5);
  });

  it('after a demotion it starts from what this node published itself', () => {
    const bus = createInProcessBus();
    const { runner, apply } = fakeRunner(20);
    const handover = new LiveHandover(runner, bus, new Set(['gap-list']), { chains: new Map([['gap-list|U1', 18]]), base: 20 });
    handover.start();
    apply(22, [['gap-list', 'U2', 'z']]);
    const plan = handover.takeOver();
    expect(plan.chains.get('gap-list|U1')).toBe(18);
    expect(plan.startPosition).toBe(20);
    expect(plan.catchUp?.changes).toEqual([{ model: 'gap-list', unitId: 'U2', key: 'z' }]);
  });
});
