import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { CommandLockTimeout, postgresCommandLock, type CommandLock } from '@pks/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reachablePostgres, startMultiNodeTopology, type MultiNodeTopology } from '../support/multi-node.js';
import { DAY, organisation } from '../support/small-hospital.js';

/**
 * What several API nodes share on PostgreSQL: staffing commands are serialised across nodes by the command lock (the
 * node holding it first reaches the store's head, so no two nodes book the same person into the same gap), and the
 * audit log is one table, so an admin on any node sees every node's person-level reads.
 */
describe('command lock on PostgreSQL', () => {
  let url: string;
  const locks: CommandLock[] = [];
  const name = `cl_${Date.now().toString(36)}`;
  beforeAll(async () => {
    url = await reachablePostgres();
  });
  afterAll(async () => {
    for (const l of locks) await l.close();
  });
  const lock = (nodeId: string, extra: { head?: number; seen?: number[]; timeoutMs?: number } = {}) => {
    const l = postgresCommandLock({
      connectionString: url,
      name,
      nodeId,
      headPosition: async () => extra.head ?? 0,
      waitForPosition: async (position) => {
        extra.seen?.push(position);
        return true;
      },
      ...(extra.timeoutMs !== undefined && { timeoutMs: extra.timeoutMs }),
    });
    locks.push(l);
    return l;
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('runs the commands of two nodes one at a time (read-decide-write never interleaves)', async () => {
    const a = lock('node-a');
    const b = lock('node-b');
    let inside = 0;
    let maxInside = 0;
    let counter = 0;
    const task = async () => {
      inside += 1;
      maxInside = Math.max(maxInside, inside);
      const read = counter;
      await sleep(5);
      counter = read + 1;
      inside -= 1;
    };
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).run(task)));
    expect(maxInside).toBe(1);
    expect(counter).toBe(10);
  });

  it('waits, holding the lock, until this node’s read models reach the store’s head before deciding', async () => {
    const seen: number[] = [];
    const l = lock('node-c', { head: 4711, seen });
    const order: string[] = [];
    await l.run(async () => void order.push(`task after ${seen.join(',')}`));
    expect(order).toEqual(['task after 4711']);
  });

  it('gives up with CommandLockTimeout while another node holds the lock, and takes it when the holder’s session dies', async () => {
    const holder = lock('node-holder');
    const waiter = lock('node-waiter', { timeoutMs: 300 });
    let release!: () => void;
    const held = holder.run(() => new Promise<void>((r) => (release = r)));
    await sleep(100);
    await expect(waiter.run(async () => 'decided')).rejects.toBeInstanceOf(CommandLockTimeout);
    // the holder's process dies: its session ends, the server releases the lock at once
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'pks-commands:node-holder'`);
    await admin.end();
    expect(await waiter.run(async () => 'decided')).toBe('decided');
    release();
    await held.catch(() => undefined); // its COMMIT fails on the dead session
  });
});

describe('staffing commands on two API nodes (PostgreSQL + NATS)', () => {
  let topology: MultiNodeTopology | null = null;
  afterAll(async () => topology?.close());

  it('the same pool nurse booked into the same gap through both nodes at once: exactly one booking, the other refused', async () => {
    topology = await startMultiNodeTopology({ apiNodes: 2, projectionNodes: 1, label: 'commands' });
    const [api1, api2] = topology.api;
    const integration = await topology.token('integration');
    const setup = await fetch(`${api1!.url}/api/v1/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${integration}`, 'content-type': 'application/json' },
      body: JSON.stringify(organisation()),
    });
    expect(setup.status).toBe(200);
    const centre = await topology.token('staffing-centre', { pools: ['bmc'] });
    const admin = await topology.token('admin');
    // both replicas hold the organisation
    const head = Math.max(...((await setup.json()) as { results: { position: number }[] }).results.map((r) => r.position));
    for (const node of topology.api) {
      const r = await fetch(`${node.url}/api/v1/gap-list?unitId=B8-AVA&from=${DAY}&to=${DAY}&minPosition=${head}`, { headers: { authorization: `Bearer ${admin}` } });
      expect(r.status).toBe(200);
    }
    const book = (nodeUrl: string) =>
      fetch(`${nodeUrl}/api/v1/commands/book-staff`, {
        method: 'POST',
        headers: { authorization: `Bearer ${centre}`, 'content-type': 'application/json', 'idempotency-key': randomUUID() },
        body: JSON.stringify({ unitId: 'B8-AVA', date: DAY, slot: 'dag', competence: 'SSK', staffId: 'POOL1' }),
      }).then(async (r) => ({ status: r.status, body: (await r.json()) as { status?: string; code?: string } }));
    const answers = await Promise.all([book(api1!.url), book(api2!.url)]);
    const accepted = answers.filter((a) => a.status === 200 && a.body.status === 'accepted');
    const refused = answers.filter((a) => a.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(['double-booking', 'no-gap']).toContain(refused[0]!.body.code);
    // and the log holds one booking
    const rows = await fetch(`${api2!.url}/api/v1/gap-list?unitId=B8-AVA&from=${DAY}&to=${DAY}&competence=SSK`, { headers: { authorization: `Bearer ${admin}` } }).then((r) => r.json() as Promise<{ rows: { slot: string; booked: number; staffed: number }[] }>);
    expect(rows.rows.find((r) => r.slot === 'dag')).toMatchObject({ booked: 1, staffed: 3 });
  }, 120_000);

  it('the audit log is the installation’s: an admin on either node sees the person-level reads served by both', async () => {
    const [api1, api2] = topology!.api;
    const candidates = async (nodeUrl: string, sub: string) => {
      const token = await topology!.token('staffing-centre', { sub, pools: ['bmc'] });
      const r = await fetch(`${nodeUrl}/api/v1/gaps/candidates?unitId=B8-AVA&date=${DAY}&slot=dag&competence=SSK`, { headers: { authorization: `Bearer ${token}` } });
      expect(r.status).toBe(200);
    };
    await candidates(api1!.url, 'reader-on-node-1');
    await candidates(api2!.url, 'reader-on-node-2');
    const admin = await topology!.token('admin');
    for (const node of [api1!, api2!]) {
      const r = await fetch(`${node.url}/api/v1/audit?action=read:gap-candidates`, { headers: { authorization: `Bearer ${admin}` } });
      expect(r.status).toBe(200);
      const { entries } = (await r.json()) as { entries: { sub: string; action: string; at: string }[] };
      // the node's own read is there at once; the other node's within its flush interval (50 ms) — poll briefly
      let subs = entries.map((e) => e.sub);
      for (let i = 0; i < 20 && !(subs.includes('reader-on-node-1') && subs.includes('reader-on-node-2')); i += 1) {
        await new Promise((res) => setTimeout(res, 50));
        const again = (await (await fetch(`${node.url}/api/v1/audit?action=read:gap-candidates`, { headers: { authorization: `Bearer ${admin}` } })).json()) as { entries: { sub: string }[] };
        subs = again.entries.map((e) => e.sub);
      }
      expect(subs).toEqual(expect.arrayContaining(['reader-on-node-1', 'reader-on-node-2']));
    }
  }, 60_000);
});
