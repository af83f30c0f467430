import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LiveBusUpdate, LiveUpdateMessage, Principal, SubscribeAck } from '@pks/contracts';
import { io, type Socket } from 'socket.io-client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { issueEmbeddedToken, embeddedTokenVerifier, AuthError } from '../auth/token-verifier.js';
import { createInProcessBus } from '../bus/in-process-bus.js';
import type { Bus } from '../bus/bus.js';
import { LiveGateway, type LiveModelHandler } from './live-gateway.js';

/**
 * Broadcast delivery: subscriptions with the same model, subscription id and share key get each update as one
 * message encoded once; every member keeps its own position chain (a later subscriber gets only what follows its
 * snapshot), members behind a gap are told to resync, scopes and presentation are never shared.
 */
const secret = new TextEncoder().encode('a-test-secret-of-enough-length-1234567890');

const handler: LiveModelHandler = {
  model: 'gap-list',
  open(principal: Principal, params: Record<string, string>) {
    const unitId = params.unitId!;
    if (principal.role === 'manager' && !principal.units.includes(unitId)) throw new AuthError(`unit ${unitId} is outside your scope`, 403);
    const seesReasons = principal.role === 'manager' || principal.role === 'admin';
    return {
      unitIds: [unitId],
      accepts: (row) => row.week === undefined || row.week === params.week,
      snapshot: () => ({ rows: [] }),
      present: (rows) => rows.map((r) => (seesReasons ? r : { ...r, reason: null })),
      shareKey: JSON.stringify([unitId, params.week ?? null, seesReasons]),
    };
  },
};

describe('LiveGateway broadcast', () => {
  let server: Server;
  let bus: Bus;
  let gateway: LiveGateway;
  let position = 0;
  let url = '';
  const sockets: Socket[] = [];
  const last = new Map<string, number>();

  async function start(coalesceMs: number) {
    server = createServer();
    bus = createInProcessBus();
    gateway = new LiveGateway({ httpServer: server, verifier: embeddedTokenVerifier(secret), bus, coalesceMs, handlers: [handler], position: () => position });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** the publisher's side: an update of a unit's chain at a new position */
  function publish(unitId: string, toPosition: number, rows: Record<string, unknown>[] = [{ key: `${unitId}|k${toPosition}`, at: toPosition, reason: 'sick' }]) {
    const update: LiveBusUpdate = { model: 'gap-list', unitId, departmentId: 'd', fromPosition: last.get(unitId) ?? 0, toPosition, keys: rows.map((r) => String(r.key)), rows, appliedAt: Date.now() };
    last.set(unitId, toPosition);
    position = Math.max(position, toPosition);
    bus.publish(`pks.live.gap-list.d.${unitId}`, update);
  }

  async function client(role: Principal['role'], units: string[] = []) {
    const token = await issueEmbeddedToken(secret, { sub: `${role}-${units.join()}`, role, units });
    const socket = io(url, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
    sockets.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    const updates: LiveUpdateMessage[] = [];
    const resyncs: unknown[] = [];
    socket.on('update', (u: LiveUpdateMessage) => updates.push(u));
    socket.on('resync', (m: unknown) => resyncs.push(m));
    const subscribe = (params: Record<string, string>, subscriptionId = 'gl') =>
      new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', { subscriptionId, model: 'gap-list', params }, resolve));
    return { socket, updates, resyncs, subscribe };
  }

  const settle = (ms = 60) => new Promise((r) => setTimeout(r, ms));
  const until = async (check: () => boolean, ms = 2000) => {
    const deadline = Date.now() + ms;
    while (!check() && Date.now() < deadline) await settle(5);
    expect(check()).toBe(true);
  };

  /** every update continues the chain from the position the client holds */
  const expectChain = (start: number, updates: LiveUpdateMessage[]) => {
    let at = start;
    for (const u of updates) {
      expect(u.fromPosition).toBe(at);
      at = u.toPosition;
    }
    return at;
  };

  beforeEach(() => {
    position = 0;
    last.clear();
  });
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.close();
    await gateway.close();
    await new Promise((r) => server.close(r));
  });

  it('encodes an update once for every client of the same subscription, each chain gap-free', async () => {
    await start(0);
    publish('U1', 1);
    const clients = await Promise.all([client('admin'), client('admin'), client('admin'), client('manager', ['U1'])]);
    const acks = await Promise.all(clients.map((c) => c.subscribe({ unitId: 'U1', week: 'W1' })));
    for (const ack of acks) expect(ack).toMatchObject({ ok: true, position: 1 });
    const broadcast = vi.spyOn(gateway.io.of('/').adapter, 'broadcast');
    for (let p = 2; p <= 6; p += 1) publish('U1', p);
    await until(() => clients.every((c) => c.updates.length === 5));
    // admins and the manager see absence reasons alike: one shared group, one broadcast per update to all four
    expect(broadcast).toHaveBeenCalledTimes(5);
    for (const call of broadcast.mock.calls) expect([...(call[1].rooms ?? [])]).toHaveLength(4);
    for (const c of clients) {
      expect(expectChain(1, c.updates)).toBe(6);
      expect(c.updates.map((u) => u.rows!.map((r) => r.key))).toEqual([2, 3, 4, 5, 6].map((p) => [`U1|k${p}`]));
    }
  });

  it('never shares across presentation or scope: reasons only for entitled roles, no unit outside the scope', async () => {
    await start(0);
    const manager = await client('manager', ['U1']);
    const tactical = await client('tactical');
    const otherManager = await client('manager', ['U1']);
    expect(await manager.subscribe({ unitId: 'U1', week: 'W1' })).toMatchObject({ ok: true });
    expect(await tactical.subscribe({ unitId: 'U1', week: 'W1' })).toMatchObject({ ok: true });
    // a crafted subscription for a unit outside the scope, with the same subscription id as a group of U2
    const admin = await client('admin');
    expect(await admin.subscribe({ unitId: 'U2', week: 'W1' })).toMatchObject({ ok: true });
    expect(await otherManager.subscribe({ unitId: 'U2', week: 'W1' })).toMatchObject({ ok: false, status: 403 });
    publish('U1', 1);
    publish('U2', 2);
    await until(() => manager.updates.length === 1 && tactical.updates.length === 1 && admin.updates.length === 1);
    await settle();
    expect(manager.updates[0]!.rows).toEqual([{ key: 'U1|k1', at: 1, reason: 'sick' }]);
    expect(tactical.updates[0]!.rows).toEqual([{ key: 'U1|k1', at: 1, reason: null }]);
    expect(admin.updates[0]!.rows).toEqual([{ key: 'U2|k2', at: 2, reason: 'sick' }]);
    expect(otherManager.updates).toEqual([]);
  });

  it('a client subscribing while updates are pending gets only those after its snapshot, in a message of its own', async () => {
    await start(80);
    const early = await client('admin');
    expect(await early.subscribe({ unitId: 'U1', week: 'W1' })).toMatchObject({ ok: true, position: 0 });
    publish('U1', 1); // idle: goes out at once
    await until(() => early.updates.length === 1);
    publish('U1', 2); // within the window: pending
    const late = await client('admin');
    expect(await late.subscribe({ unitId: 'U1', week: 'W1' })).toMatchObject({ ok: true, position: 2 });
    publish('U1', 3);
    await until(() => early.updates.length === 2 && late.updates.length === 1);
    expect(early.updates[1]).toMatchObject({ fromPosition: 1, toPosition: 3 });
    expect(early.updates[1]!.rows!.map((r) => r.key)).toEqual(['U1|k2', 'U1|k3']);
    expect(late.updates[0]).toMatchObject({ fromPosition: 2, toPosition: 3 });
    expect(late.updates[0]!.rows!.map((r) => r.key)).toEqual(['U1|k3']);
    // from now on both hold 3 and share one message again
    await settle(100);
    const broadcast = vi.spyOn(gateway.io.of('/').adapter, 'broadcast');
    publish('U1', 4);
    await until(() => early.updates.length === 3 && late.updates.length === 2);
    expect(broadcast).toHaveBeenCalledTimes(1);
    expectChain(0, early.updates);
    expectChain(2, late.updates);
  });

  it('coalesces updates within the window and sends an idle one at once', async () => {
    await start(250);
    const c = await client('admin');
    expect(await c.subscribe({ unitId: 'U1', week: 'W1' })).toMatchObject({ ok: true, position: 0 });
    const t0 = Date.now();
    publish('U1', 1);
    await until(() => c.updates.length === 1);
    expect(Date.now() - t0).toBeLessThan(200);
    for (let p = 2; p <= 5; p += 1) publish('U1', p);
    await until(() => c.updates.length === 2);
    expect(c.updates[1]).toMatchObject({ fromPosition: 1, toPosition: 5 });
    expect(c.updates[1]!.rows!.map((r) => r.key)).toEqual(['U1|k2', 'U1|k3', 'U1|k4', 'U1|k5']);
    // rows outside the subscription's filter are dropped; an update with none left is not sent
    await settle(300);
    publish('U1', 6, [{ key: 'U1|other-week', week: 'W2' }]);
    publish('U1', 7);
    await until(() => c.updates.length === 3);
    expect(c.updates[2]).toMatchObject({ fromPosition: 5, toPosition: 7 });
    expect(c.updates[2]!.rows!.map((r) => r.key)).toEqual(['U1|k7']);
  });

  it('members behind a gap in the chain are told to resync and get nothing more; members past it go on', async () => {
    await start(0);
    const behind = await client('admin');
    expect(await behind.subscribe({ unitId: 'U1', week: 'W1' })).toMatchObject({ ok: true, position: 0 });
    publish('U1', 1);
    await until(() => behind.updates.length === 1);
    // the bus lost (1, 5]: a node that subscribes now has state at 5
    last.set('U1', 5);
    position = 5;
    const ahead = await client('admin');
    expect(await ahead.subscribe({ unitId: 'U1', week: 'W1' })).toMatchObject({ ok: true, position: 5 });
    publish('U1', 6);
    await until(() => ahead.updates.length === 1 && behind.resyncs.length === 1);
    expect(ahead.updates[0]).toMatchObject({ fromPosition: 5, toPosition: 6 });
    publish('U1', 7);
    await until(() => ahead.updates.length === 2);
    await settle();
    expect(behind.updates).toHaveLength(1);
    expect(behind.resyncs).toHaveLength(1);
    // subscribing again: a fresh snapshot, and updates from there
    expect(await behind.subscribe({ unitId: 'U1', week: 'W1' })).toMatchObject({ ok: true, position: 7 });
    publish('U1', 8);
    await until(() => behind.updates.length === 2 && ahead.updates.length === 3);
    expect(behind.updates[1]).toMatchObject({ fromPosition: 7, toPosition: 8 });
    expectChain(5, ahead.updates);
  });

  it('unsubscribing and disconnecting leave the others of the group going', async () => {
    await start(0);
    const a = await client('admin');
    const b = await client('admin');
    await a.subscribe({ unitId: 'U1', week: 'W1' });
    await b.subscribe({ unitId: 'U1', week: 'W1' });
    a.socket.emit('unsubscribe', { subscriptionId: 'gl' });
    await settle(30);
    publish('U1', 1);
    await until(() => b.updates.length === 1);
    b.socket.close();
    const c = await client('admin');
    await c.subscribe({ unitId: 'U1', week: 'W1' });
    publish('U1', 2);
    await until(() => c.updates.length === 1);
    await settle();
    expect(a.updates).toEqual([]);
    expect(c.updates[0]).toMatchObject({ fromPosition: 1, toPosition: 2 });
  });
});
