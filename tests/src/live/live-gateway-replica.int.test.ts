import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInProcessBus, embeddedTokenVerifier, issueEmbeddedToken, LiveGateway, type Bus } from '@pks/backend';
import type { LiveBusUpdate, LiveUpdateMessage, SubscribeAck } from '@pks/contracts';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

/**
 * The gateway on an API node whose read replica trails the leader: bus updates wait until local state has reached
 * their position, keep their order, and turn into a resync when it never does; a subscription's snapshot includes
 * every update already passed on; after a resync a subscription gets nothing until the client subscribes again.
 */
const secret = new TextEncoder().encode('a-test-secret-of-enough-length-1234567890');

describe('LiveGateway with a trailing read replica (waitForPosition)', () => {
  let server: Server;
  let bus: Bus;
  let gateway: LiveGateway;
  let position = 0;
  let waiters: { position: number; resolve: (ok: boolean) => void }[] = [];
  let url = '';
  const sockets: Socket[] = [];

  const advance = (to: number) => {
    position = to;
    for (const w of waiters.filter((w) => w.position <= to)) w.resolve(true);
    waiters = waiters.filter((w) => w.position > to);
  };
  const update = (fromPosition: number, toPosition: number, unitId = 'U1'): LiveBusUpdate => ({
    model: 'gap-list',
    unitId,
    departmentId: 'd',
    fromPosition,
    toPosition,
    keys: [`k${toPosition}`],
    rows: [{ key: `k${toPosition}`, at: toPosition }],
    appliedAt: Date.now(),
  });

  beforeEach(async () => {
    position = 0;
    waiters = [];
    server = createServer();
    bus = createInProcessBus();
    gateway = new LiveGateway({
      httpServer: server,
      verifier: embeddedTokenVerifier(secret),
      bus,
      coalesceMs: 0,
      handlers: [{ model: 'gap-list', open: () => ({ unitIds: ['U1', 'U2'], accepts: () => true, snapshot: () => ({ rows: [], at: position }) }) }],
      position: () => position,
      waitForPosition: (p) =>
        new Promise<boolean>((resolve) => {
          if (position >= p) return resolve(true);
          const w = { position: p, resolve };
          waiters.push(w);
          setTimeout(() => {
            waiters = waiters.filter((x) => x !== w);
            resolve(false);
          }, 300);
        }),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await gateway.close();
    await new Promise((r) => server.close(r));
  });

  async function client() {
    const token = await issueEmbeddedToken(secret, { sub: 'admin', role: 'admin' });
    const socket = io(url, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const updates: LiveUpdateMessage[] = [];
    const resyncs: string[] = [];
    socket.on('update', (u: LiveUpdateMessage) => updates.push(u));
    socket.on('resync', (m: { reason: string }) => resyncs.push(m.reason));
    const subscribe = () => new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', { subscriptionId: 's', model: 'gap-list', params: {} }, resolve));
    return { socket, updates, resyncs, subscribe };
  }
  const tick = (ms = 30) => new Promise((r) => setTimeout(r, ms));

  it('holds an update until the replica reaches its position, in arrival order', async () => {
    advance(10);
    const c = await client();
    expect(await c.subscribe()).toMatchObject({ ok: true, position: 10 });
    bus.publish('pks.live.gap-list.d.U1', update(5, 12));
    bus.publish('pks.live.gap-list.d.U2', update(5, 13, 'U2'));
    await tick();
    expect(c.updates).toEqual([]);
    expect(gateway.waitingUpdates).toBe(2);
    advance(12);
    await tick();
    expect(c.updates.map((u) => [u.fromPosition, u.toPosition])).toEqual([[10, 12]]);
    expect(gateway.waitingUpdates).toBe(1);
    advance(13);
    await tick();
    expect(c.updates.map((u) => [u.fromPosition, u.toPosition])).toEqual([
      [10, 12],
      [12, 13],
    ]);
    expect(gateway.waitingUpdates).toBe(0);
  });

  it('a subscription waits until the replica has what the gateway already passed on', async () => {
    advance(10);
    bus.publish('pks.live.gap-list.d.U1', update(0, 10));
    const c = await client();
    // another chain's update made it through at 10; the replica is at 10: the snapshot is at least there
    expect(await c.subscribe()).toMatchObject({ ok: true, position: 10 });
  });

  it('when the replica never gets there, the client is told to resync and gets nothing more until it subscribes again', async () => {
    advance(10);
    const c = await client();
    await c.subscribe();
    bus.publish('pks.live.gap-list.d.U1', update(10, 15));
    await tick(400);
    expect(c.resyncs).toHaveLength(1);
    expect(c.resyncs[0]).toMatch(/did not reach position 15/);
    advance(20);
    bus.publish('pks.live.gap-list.d.U1', update(15, 20));
    await tick();
    // the chain continues on the bus, but this subscription must not see it: it would hide the changes up to 15
    expect(c.updates).toEqual([]);
    expect(await c.subscribe()).toMatchObject({ ok: true, position: 20 });
    bus.publish('pks.live.gap-list.d.U1', update(20, 21));
    advance(21);
    await tick();
    expect(c.updates.map((u) => [u.fromPosition, u.toPosition])).toEqual([[20, 21]]);
  });

  it('a gap in a chain makes subscribers resync once, and they get nothing more until they subscribe again', async () => {
    advance(30);
    const c = await client();
    await c.subscribe();
    bus.publish('pks.live.gap-list.d.U1', update(30, 31));
    advance(33);
    bus.publish('pks.live.gap-list.d.U1', update(32, 33)); // 31 → 32 missing
    bus.publish('pks.live.gap-list.d.U1', update(33, 33));
    advance(34);
    bus.publish('pks.live.gap-list.d.U1', update(33, 34));
    await tick();
    expect(c.updates.map((u) => [u.fromPosition, u.toPosition])).toEqual([[30, 31]]);
    expect(c.resyncs).toHaveLength(1);
  });
});
