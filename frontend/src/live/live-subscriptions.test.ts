import type { LiveUpdateMessage, SubscribeAck, SubscribeRequest } from '@pks/contracts';
import { describe, expect, it } from 'vitest';
import { LiveSubscriptions, type LiveTransport, type SubscriptionHandlers } from './live-subscriptions';

/** A fake socket: records subscribe calls; the test answers them. */
class FakeTransport implements LiveTransport {
  connected = true;
  calls: { request: SubscribeRequest; ack: (r: SubscribeAck) => void }[] = [];
  unsubscribed: string[] = [];
  subscribe(request: SubscribeRequest, ack: (r: SubscribeAck) => void) {
    this.calls.push({ request, ack });
  }
  unsubscribe(id: string) {
    this.unsubscribed.push(id);
  }
  answer(i: number, position: number, snapshot: unknown = { position }) {
    const call = this.calls[i]!;
    call.ack({ ok: true, subscriptionId: call.request.subscriptionId, position, snapshot });
  }
}

function recorder() {
  const log: string[] = [];
  const handlers: SubscriptionHandlers = {
    snapshot: (_s, p) => log.push(`snapshot@${p}`),
    rows: (rows, u) => log.push(`rows ${rows.map((r) => String(r.key)).join(',')} ${u.fromPosition}->${u.toPosition}`),
    error: (status, message) => log.push(`error ${status} ${message}`),
    refetchHint: (u) => log.push(`refetch ${u.toPosition}`),
  };
  return { log, handlers };
}

const msg = (fromPosition: number, toPosition: number, rows?: Record<string, unknown>[], refetch = false): LiveUpdateMessage => ({
  subscriptionId: 's1',
  fromPosition,
  toPosition,
  ...(rows && { rows }),
  keys: [],
  unitIds: ['U1'],
  refetch,
  emittedAt: 0,
  appliedAt: 0,
});

function setup() {
  const transport = new FakeTransport();
  let now = 0;
  const timers: { at: number; fn: () => void }[] = [];
  const subs = new LiveSubscriptions(transport, {
    refetchThrottleMs: 1000,
    now: () => now,
    setTimer: (fn, ms) => {
      timers.push({ at: now + ms, fn });
      return timers.length as unknown as ReturnType<typeof setTimeout>;
    },
    clearTimer: () => {},
  });
  const advance = (ms: number) => {
    now += ms;
    // run the due timers; keep the others for later
    const due = timers.filter((t) => t.at <= now);
    timers.splice(0, timers.length, ...timers.filter((t) => t.at > now));
    for (const t of due) t.fn();
  };
  return { transport, subs, advance };
}

describe('LiveSubscriptions', () => {
  it('subscribes, takes the snapshot position, applies continuous updates and advances the position', () => {
    const { transport, subs } = setup();
    const { log, handlers } = recorder();
    subs.add('s1', 'gap-list', { unitId: 'U1', week: '2026-W48' }, handlers);
    expect(transport.calls[0]!.request).toEqual({ subscriptionId: 's1', model: 'gap-list', params: { unitId: 'U1', week: '2026-W48' } });
    transport.answer(0, 10);
    subs.update(msg(10, 12, [{ key: 'a' }]));
    subs.update(msg(12, 15, [{ key: 'b' }]));
    expect(log).toEqual(['snapshot@10', 'rows a 10->12', 'rows b 12->15']);
    expect(subs.position('s1')).toBe(15);
  });

  it('a gap in the chain leads to a fresh subscribe; updates while it is in flight are dropped', () => {
    const { transport, subs } = setup();
    const { log, handlers } = recorder();
    subs.add('s1', 'gap-list', { unitId: 'U1' }, handlers);
    transport.answer(0, 10);
    subs.update(msg(11, 13, [{ key: 'a' }])); // we have 10: missed (10, 11]
    expect(transport.calls).toHaveLength(2);
    expect(subs.position('s1')).toBeNull();
    subs.update(msg(13, 14, [{ key: 'late' }])); // in flight: its snapshot covers this
    transport.answer(1, 14);
    subs.update(msg(14, 16, [{ key: 'c' }]));
    expect(log).toEqual(['snapshot@10', 'snapshot@14', 'rows c 14->16']);
  });

  it('a resync message subscribes again', () => {
    const { transport, subs } = setup();
    const { log, handlers } = recorder();
    subs.add('s1', 'gap-list', { unitId: 'U1' }, handlers);
    transport.answer(0, 10);
    subs.resync({ subscriptionId: 's1', reason: 'missed' });
    transport.answer(1, 20);
    expect(log).toEqual(['snapshot@10', 'snapshot@20']);
  });

  it('after a reconnect every subscription is subscribed again; acks of calls from before the drop are ignored', () => {
    const { transport, subs } = setup();
    const a = recorder();
    const b = recorder();
    subs.add('s1', 'gap-list', { unitId: 'U1' }, a.handlers);
    subs.add('s2', 'staffing-overview', { poolId: 'P' }, b.handlers);
    transport.answer(0, 10);
    // s2's ack never came; the connection drops
    transport.connected = false;
    subs.disconnected();
    expect(subs.position('s1')).toBeNull();
    transport.answer(1, 11); // a late ack of the dead call
    transport.connected = true;
    subs.connected();
    expect(transport.calls.slice(2).map((c) => c.request.subscriptionId)).toEqual(['s1', 's2']);
    transport.answer(2, 30);
    transport.answer(3, 30);
    expect(a.log).toEqual(['snapshot@10', 'snapshot@30']);
    expect(b.log).toEqual(['snapshot@30']);
  });

  it('does not subscribe while disconnected, then does on connect', () => {
    const { transport, subs } = setup();
    transport.connected = false;
    subs.add('s1', 'gap-list', { unitId: 'U1' }, recorder().handlers);
    expect(transport.calls).toHaveLength(0);
    transport.connected = true;
    subs.connected();
    expect(transport.calls).toHaveLength(1);
  });

  it('refetch hints advance the position and resubscribe at most once per throttle window', () => {
    const { transport, subs, advance } = setup();
    const { log, handlers } = recorder();
    subs.add('s1', 'staffing-overview', { poolId: 'P' }, handlers);
    transport.answer(0, 10);
    subs.update(msg(10, 11, undefined, true));
    subs.update(msg(11, 12, undefined, true));
    expect(subs.position('s1')).toBe(12);
    expect(transport.calls).toHaveLength(1); // throttled: the first subscribe was just now
    advance(1000);
    expect(transport.calls).toHaveLength(2);
    transport.answer(1, 12);
    expect(log).toEqual(['snapshot@10', 'refetch 11', 'refetch 12', 'snapshot@12']);
  });

  it('a subscription may have its own refetch throttle (tactical panels: at most one refetch per 2 s)', () => {
    const { transport, subs, advance } = setup();
    const { log, handlers } = recorder();
    subs.add('s1', 'chppd', { departmentId: 'akut' }, handlers, { refetchThrottleMs: 2000 });
    transport.answer(0, 10);
    for (let p = 10; p < 15; p += 1) subs.update(msg(p, p + 1, undefined, true)); // a burst of hints
    advance(1000);
    expect(transport.calls).toHaveLength(1); // the manager's 1 s would have refetched by now
    advance(1000);
    expect(transport.calls).toHaveLength(2); // one refetch for the whole burst
    transport.answer(1, 15);
    subs.update(msg(15, 16, undefined, true));
    advance(1999);
    expect(transport.calls).toHaveLength(2);
    advance(1);
    expect(transport.calls).toHaveLength(3);
    expect(log.filter((l) => l.startsWith('snapshot'))).toEqual(['snapshot@10', 'snapshot@15']);
  });

  it('reports refusals (out of scope) and unsubscribes on remove', () => {
    const { transport, subs } = setup();
    const { log, handlers } = recorder();
    const off = subs.add('s1', 'gap-list', { unitId: 'OTHER' }, handlers);
    transport.calls[0]!.ack({ ok: false, subscriptionId: 's1', status: 403, error: 'unit OTHER is outside your scope' });
    expect(log).toEqual(['error 403 unit OTHER is outside your scope']);
    off();
    expect(transport.unsubscribed).toEqual(['s1']);
    subs.update(msg(0, 1, []));
    expect(log).toHaveLength(1);
  });
});
