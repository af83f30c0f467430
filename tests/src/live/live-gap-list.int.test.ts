import { startTestPlatform, type TestPlatform } from '@pks/backend';
import type { LiveUpdateMessage, SubscribeAck } from '@pks/contracts';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, organisation, sickCall, WEEK } from '../support/small-hospital.js';

function connect(p: TestPlatform, token: string): Promise<Socket> {
  const socket = io(p.url, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const subscribe = (socket: Socket, subscriptionId: string, model: string, params: Record<string, string>) =>
  new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', { subscriptionId, model, params }, resolve));

function nextUpdate(socket: Socket, predicate: (u: LiveUpdateMessage) => boolean = () => true, timeoutMs = 5000): Promise<LiveUpdateMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no update in time')), timeoutMs);
    const handler = (u: LiveUpdateMessage) => {
      if (!predicate(u)) return;
      clearTimeout(timer);
      socket.off('update', handler);
      resolve(u);
    };
    socket.on('update', handler);
  });
}

describe('live gap list over socket.io', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
    expect((await p.post(organisation())).status).toBe(200);
  });
  afterAll(async () => p.close());

  it('refuses sockets without a valid token, and integration clients', async () => {
    await expect(connect(p, 'nonsense')).rejects.toThrow(/invalid token/);
    await expect(connect(p, await p.token('integration'))).rejects.toThrow(/no live access/);
  });

  it('sends a snapshot with its position, then the changed cell of a sick call within milliseconds, chained by position', async () => {
    const socket = await connect(p, await p.token('manager', { units: ['B8-AVA'] }));
    try {
      const ack = await subscribe(socket, 'gl', 'gap-list', { unitId: 'B8-AVA', week: WEEK });
      expect(ack.ok).toBe(true);
      if (!ack.ok) return;
      const snapshot = ack.snapshot as { rows: any[] };
      const before = snapshot.rows.find((r) => r.date === DAY && r.slot === 'dag' && r.competence === 'SSK');
      expect(before).toMatchObject({ staffed: 2 });

      const update = nextUpdate(socket);
      const posted = await p.post([sickCall('N2', 'sick-live-1')]);
      const appendedAt = Date.now();
      const message = await update;
      const latency = Date.now() - appendedAt;
      expect(message.fromPosition).toBe(ack.position);
      expect(message.toPosition).toBe(posted.body.position);
      const row = message.rows!.find((r) => r.key === `B8-AVA|${DAY}|dag|SSK`) as any;
      expect(row).toMatchObject({ staffed: 1, absent: 1, belowMinimum: true });
      expect(row.people.find((x: any) => x.staffId === 'N2')).toMatchObject({ status: 'absent', absenceKind: 'sick' });
      expect(latency).toBeLessThan(1000);
    } finally {
      socket.close();
    }
  });

  it('enforces scope on subscriptions: a manager of B8 cannot subscribe to K1, nor to a department without own units', async () => {
    const socket = await connect(p, await p.token('manager', { units: ['B8-AVA'] }));
    try {
      const other = await subscribe(socket, 'x', 'gap-list', { unitId: 'K1-KIR', week: WEEK });
      expect(other).toMatchObject({ ok: false, status: 403 });
      const dept = await subscribe(socket, 'y', 'gap-list', { departmentId: 'kirurgi', week: WEEK });
      expect(dept).toMatchObject({ ok: false, status: 403 });
      const bad = await subscribe(socket, 'z', 'gap-list', { unitId: 'B8-AVA', week: 'soon' });
      expect(bad).toMatchObject({ ok: false, status: 400 });
      // and no update about K1 reaches this socket
      const leaked: LiveUpdateMessage[] = [];
      socket.on('update', (u: LiveUpdateMessage) => leaked.push(u));
      const posted = await p.post([sickCall('N4', 'sick-k1')]);
      await p.runner.waitForPosition(posted.body.position);
      await new Promise((r) => setTimeout(r, 100));
      expect(leaked).toEqual([]);
    } finally {
      socket.close();
    }
  });

  it('hides absence reasons from roles not entitled to health data', async () => {
    const socket = await connect(p, await p.token('tactical', { departments: ['akut'] }));
    try {
      const ack = await subscribe(socket, 'd', 'gap-list', { departmentId: 'akut', week: WEEK });
      expect(ack.ok).toBe(true);
      const update = nextUpdate(socket);
      await p.post([sickCall('N3', 'sick-n3')]);
      await p.post([{ id: 'shift-n3', type: 'ShiftScheduled', data: { shiftId: 'S-N3', unitId: 'B8-AVA', staffId: 'N3', competence: 'SSK', start: `${DAY}T06:00:00Z`, end: `${DAY}T14:30:00Z` } }]);
      const message = await update;
      const people = message.rows!.flatMap((r: any) => r.people ?? []);
      expect(people.length).toBeGreaterThan(0);
      expect(people.every((x: any) => x.absenceKind === null)).toBe(true);
      if (ack.ok) expect(((ack.snapshot as any).people as any[]).every((x) => x.absenceKind === null)).toBe(true);
    } finally {
      socket.close();
    }
  });

  it('after a reconnect a fresh subscription includes what changed while the socket was away', async () => {
    const token = await p.token('manager', { units: ['B8-AVA'] });
    const first = await connect(p, token);
    const ack = await subscribe(first, 'gl', 'gap-list', { unitId: 'B8-AVA', week: WEEK });
    expect(ack.ok).toBe(true);
    first.close();
    const posted = await p.post([{ id: 'booking-away', type: 'StaffBooked', data: { bookingId: 'BK1', staffId: 'POOL1', unitId: 'B8-AVA', date: DAY, slot: 'dag', competence: 'SSK', source: 'pool' } }]);
    await p.runner.waitForPosition(posted.body.position);
    const second = await connect(p, token);
    try {
      const again = await subscribe(second, 'gl', 'gap-list', { unitId: 'B8-AVA', week: WEEK });
      expect(again.ok).toBe(true);
      if (!again.ok || !ack.ok) return;
      expect(again.position).toBeGreaterThan(ack.position);
      const row = (again.snapshot as any).rows.find((r: any) => r.date === DAY && r.slot === 'dag' && r.competence === 'SSK');
      expect(row.booked).toBe(1);
    } finally {
      second.close();
    }
  });

  it('coalesces a burst of events into few updates with a contiguous position chain', async () => {
    const socket = await connect(p, await p.token('admin'));
    try {
      const ack = await subscribe(socket, 'burst', 'gap-list', { unitId: 'B8-AVA', week: WEEK });
      if (!ack.ok) throw new Error(ack.error);
      const updates: LiveUpdateMessage[] = [];
      socket.on('update', (u: LiveUpdateMessage) => updates.push(u));
      let last = 0;
      for (let i = 0; i < 40; i += 1) {
        const r = await p.post([{ id: `burst-${i}`, type: 'ShiftScheduled', data: { shiftId: `BURST-${i}`, unitId: 'B8-AVA', staffId: null, competence: 'SSK', start: `${DAY}T06:00:00Z`, end: `${DAY}T14:30:00Z` } }]);
        last = r.body.position;
      }
      const deadline = Date.now() + 5000;
      while ((updates[updates.length - 1]?.toPosition ?? 0) < last && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(updates[updates.length - 1]!.toPosition).toBe(last);
      expect(updates.length).toBeLessThan(40);
      let position = ack.position;
      for (const u of updates) {
        expect(u.fromPosition).toBe(position);
        position = u.toPosition;
      }
      const row = updates[updates.length - 1]!.rows!.find((r) => r.key === `B8-AVA|${DAY}|dag|SSK`) as any;
      expect(row.openShifts).toBe(40);
    } finally {
      socket.close();
    }
  });
});
