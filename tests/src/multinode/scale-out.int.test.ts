import pg from 'pg';
import { isoWeekDates } from '@pks/projections';
import { afterAll, describe, expect, it } from 'vitest';
import { LiveClient } from '../support/live-client.js';
import { startMultiNodeTopology, type MultiNodeTopology, type NodeProcess } from '../support/multi-node.js';
import { organisation, WEEK } from '../support/small-hospital.js';

/**
 * Issue 7's done-when, as separate processes on this machine's PostgreSQL and NATS: two API nodes (`pks serve`),
 * a projection runner (`pks project`) and its standby. Socket.io clients on both API nodes watch the gap list of a
 * department while events are ingested through both nodes; mid-stream one API node and the leading projection runner
 * are killed with SIGKILL. Clients of the dead node reconnect to the surviving one, the standby takes over
 * publishing, and in the end every acknowledged event's effect is in the rows every client holds, each client's
 * updates were chained by position without a gap, and the log holds every acknowledged event.
 */
const DATES = isoWeekDates(WEEK);
const UNITS = ['B8-AVA', 'C9-RO'];
const COMPETENCES = ['SSK', 'USK'];

/** event n: one open shift in one of 2 × 7 × 2 = 28 gap-list cells (explicit slot, so the cell is certain) */
function openShift(run: string, n: number) {
  const unitId = UNITS[n % 2]!;
  const date = DATES[Math.floor(n / 2) % 7]!;
  const competence = COMPETENCES[Math.floor(n / 14) % 2]!;
  return {
    event: {
      id: `${run}-open-${n}`,
      type: 'ShiftScheduled',
      data: { shiftId: `${run}-S${n}`, unitId, staffId: null, competence, slot: 'dag', start: `${date}T06:00:00Z`, end: `${date}T14:30:00Z` },
      metadata: { sourceSystem: 'multinode-test' },
    },
    cell: `${unitId}|${date}|dag|${competence}`,
  };
}

const percentile = (values: number[], q: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? NaN;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (!(await predicate())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(20);
  }
  return Date.now() - started;
}

describe('scale-out: two API nodes, a projection runner and its standby on PostgreSQL + NATS', () => {
  let topology: MultiNodeTopology | null = null;
  const clients: LiveClient[] = [];
  afterAll(async () => {
    for (const c of clients) c.close();
    await topology?.close();
  });

  it('survives SIGKILL of an API node and of the leading projection runner mid-stream: clients reconnect, the standby publishes, nothing acknowledged is lost, no gap', async () => {
    const testStarted = Date.now();
    topology = await startMultiNodeTopology({ apiNodes: 2, projectionNodes: 2, label: 'scaleout' });
    const [api1, api2] = topology.api as [NodeProcess, NodeProcess];
    const [leader, standby] = topology.projectors as [NodeProcess, NodeProcess];
    expect((await leader.health()).node).toMatchObject({ role: 'leader', leaderLock: 'postgres-advisory-lock' });
    expect((await standby.health()).node?.role).toBe('standby');
    expect((await api1.health()).node?.role).toBe('replica');
    expect((await api2.health()).bus).toEqual({ kind: 'nats', state: 'connected' });
    const startupMs = Date.now() - testStarted;

    const integration = await topology.token('integration');
    const post = async (url: string, events: unknown[]) => {
      const response = await fetch(`${url}/api/v1/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${integration}`, 'content-type': 'application/json' },
        body: JSON.stringify(events),
        signal: AbortSignal.timeout(5000),
      });
      return { status: response.status, body: (await response.json()) as { results: { id: string; status: string; position?: number }[] } };
    };
    const setup = await post(api1.url, organisation());
    expect(setup.status).toBe(200);

    // four dashboards: two on each API node, each able to fail over to the other node (as behind a proxy)
    const admin = await topology.token('admin');
    const tactical = await topology.token('tactical', { departments: ['akut'] });
    const spec = [
      { urls: [api1.url, api2.url], token: admin },
      { urls: [api1.url, api2.url], token: tactical },
      { urls: [api2.url, api1.url], token: admin },
      { urls: [api2.url, api1.url], token: tactical },
    ];
    const latencies: number[] = [];
    for (const s of spec) {
      const client = new LiveClient({ ...s, model: 'gap-list', params: { departmentId: 'akut', week: WEEK }, onUpdate: (u, at) => latencies.push(at - u.appliedAt) });
      clients.push(client);
      await client.start();
    }
    expect(clients.map((c) => c.url)).toEqual([api1.url, api1.url, api2.url, api2.url]);

    // ingest: two writers, one per API node, batches of 5; a batch that fails (its node died) is sent again to the
    // other node: the same ids make the retry idempotent, and only answered batches count as acknowledged
    const run = topology.schema.slice(-8);
    const acknowledged = new Map<string, { position: number; cell: string }>();
    let next = 0;
    let writing = true;
    let retries = 0;
    const dead = new Set<string>();
    const writer = async (home: string, other: string) => {
      let target = home;
      while (writing) {
        const batch = Array.from({ length: 5 }, () => openShift(run, next++));
        for (;;) {
          if (dead.has(target)) target = target === home ? other : home;
          try {
            const { status, body } = await post(target, batch.map((b) => b.event));
            expect(status).toBe(200);
            body.results.forEach((r, i) => {
              expect(['appended', 'duplicate']).toContain(r.status);
              acknowledged.set(r.id, { position: r.position!, cell: batch[i]!.cell });
            });
            break;
          } catch (error) {
            if (!dead.has(target)) throw error;
            retries += 1;
          }
        }
        await sleep(10);
      }
    };
    const writers = [writer(api1.url, api2.url), writer(api2.url, api1.url)];

    // phase 1: changes reach clients on both nodes
    await waitUntil('600 acknowledged events', () => acknowledged.size >= 600, 20_000);
    const phase1Head = Math.max(...[...acknowledged.values()].map((a) => a.position));
    await waitUntil('every client at phase-1 head', () => clients.every((c) => c.position >= phase1Head), 10_000);

    // phase 2: SIGKILL the second API node and the leading projection runner, mid-stream
    const killHead = Math.max(...[...acknowledged.values()].map((a) => a.position));
    const killedAt = Date.now();
    dead.add(api2.url);
    api2.child.kill('SIGKILL');
    leader.child.kill('SIGKILL');
    await Promise.all([api2.exited, leader.exited]);

    // the standby takes over; measured from the kill to its health saying leader
    await waitUntil('the standby to lead', async () => (await standby.health().catch(() => null))?.node?.role === 'leader', 15_000);
    const failoverMs = Date.now() - killedAt;
    const takeoverAt = Date.now();
    // clients of the dead node are on the surviving node again
    await waitUntil('clients of the killed node to reconnect', () => clients.every((c) => c.url === api1.url), 15_000);
    const reconnectedMs = Math.max(...clients.slice(2).map((c) => c.stats.connectedAt.at(-1)!)) - killedAt;

    // keep ingesting through the survivor for a while after the takeover
    const afterKill = acknowledged.size;
    await waitUntil('600 more acknowledged events after the kill', () => acknowledged.size >= afterKill + 600, 20_000);
    writing = false;
    await Promise.all(writers);
    const finalHead = Math.max(...[...acknowledged.values()].map((a) => a.position));

    // every client converges on the final head (all events touch the department the clients watch)
    const convergeMs = await waitUntil('every client at the final head', () => clients.every((c) => c.position >= finalHead), 15_000);

    // 1. the log holds every acknowledged event at the position it was acknowledged with
    const db = new pg.Client({ connectionString: topology.pgUrl });
    await db.connect();
    const { rows: stored } = await db.query<{ id: string; position: string }>(`SELECT id, position FROM "${topology.schema}".events WHERE id LIKE $1`, [`${run}-open-%`]);
    await db.end();
    const storedAt = new Map(stored.map((r) => [r.id, Number(r.position)]));
    const lost = [...acknowledged].filter(([id, a]) => storedAt.get(id) !== a.position);
    expect(lost).toEqual([]);

    // 2. every acknowledged event's effect is in the rows each client holds: one open shift per event, per cell
    const expected = new Map<string, number>();
    for (const a of acknowledged.values()) expected.set(a.cell, (expected.get(a.cell) ?? 0) + 1);
    // events sent but never acknowledged (in flight at the kill) may be stored too: count what the log holds
    const inLog = new Map<string, number>();
    for (let n = 0; n < next; n += 1) {
      const { event, cell } = openShift(run, n);
      if (storedAt.has(event.id)) inLog.set(cell, (inLog.get(cell) ?? 0) + 1);
    }
    for (const [i, client] of clients.entries()) {
      for (const [cell, count] of inLog) {
        const row = client.rows.get(cell);
        expect(row?.openShifts, `client ${i} cell ${cell}`).toBe(count);
        expect(count).toBeGreaterThanOrEqual(expected.get(cell) ?? 0);
      }
    }

    // … and the rows each client built from snapshot + updates equal a fresh snapshot from the surviving node
    const fresh = new LiveClient({ urls: [api1.url], token: admin, model: 'gap-list', params: { departmentId: 'akut', week: WEEK } });
    await fresh.start();
    fresh.close();
    expect(fresh.position).toBe(finalHead);
    // (a snapshot also lists empty cells of competences that appeared later; updates carry only changed cells)
    const keys = new Set([...fresh.rows.keys(), ...clients.flatMap((c) => [...c.rows.keys()])]);
    const comparable = (rows: Map<string, Record<string, unknown>>) =>
      [...keys].sort().map((k) => {
        const r = rows.get(k);
        return [k, r?.openShifts ?? 0, r?.scheduled ?? 0, r?.staffed ?? 0, r?.absent ?? 0, r?.belowMinimum ?? false];
      });
    for (const client of clients) expect(comparable(client.rows)).toEqual(comparable(fresh.rows));

    // 3. no gap: every update each client applied continued from the position it held
    expect(clients.map((c) => c.chainBreakDetails)).toEqual([[], [], [], []]);
    // clients of the killed node moved to the survivor
    expect(clients[2]!.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(clients[3]!.stats.nodes).toEqual([api2.url, api1.url]);

    // 4. the standby publishes: updates after the takeover reached clients, and health and metrics say leader
    expect(clients.every((c) => c.position > killHead)).toBe(true);
    expect((await standby.health()).node?.role).toBe('leader');
    const metrics = await (await fetch(`${standby.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(metrics).toMatch(/^pks_leader\{node="projector2"\} 1$/m);
    const apiMetrics = await (await fetch(`${api1.url}/metrics`, { headers: { authorization: `Bearer ${admin}` } })).text();
    expect(apiMetrics).toMatch(/^pks_live_connected_clients\{node="api1"\} 4$/m);
    expect(apiMetrics).toMatch(/^pks_live_push_latency_seconds_count\{node="api1"\} [1-9]\d*$/m);
    expect(apiMetrics).toMatch(/^pks_events_appended_total\{node="api1"\} [1-9]\d*$/m);

    const totalMs = Date.now() - testStarted;
    const summary = {
      acknowledged: acknowledged.size,
      stored: stored.length,
      sentNotAcknowledged: next - acknowledged.size,
      retriedBatches: retries,
      clients: clients.map(({ stats: { connectedAt: _at, ...stats } }) => ({ ...stats, nodes: stats.nodes.map((u) => (u === api1.url ? 'api1' : 'api2')) })),
      updatesReceived: latencies.length,
      appliedToClientMs: { p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), max: Math.max(...latencies) },
      startupMs,
      failoverMs,
      reconnectedMs,
      convergeAfterLastWriteMs: convergeMs,
      sinceTakeoverMs: Date.now() - takeoverAt,
      totalMs,
    };
    console.log(`multi-node scenario: ${JSON.stringify(summary, null, 1)}\nstandby log:\n${standby.output()}`);
    expect(totalMs).toBeLessThan(60_000);
  }, 90_000);

  it('a leader stopped with SIGTERM writes the shared snapshot at the head, releases the lock, and a new standby takes over', async () => {
    if (!topology) throw new Error('the first test did not start the topology');
    const current = await topology.waitForLeader(5000);
    const next = await topology.startProjectionNode('projector3');
    expect((await next.health()).node?.role).toBe('standby');
    const head = (await current.health()).store.position;
    const stoppedAt = Date.now();
    current.child.kill('SIGTERM');
    expect(await current.exited).toBe(0);
    await topology.waitForLeader(5000, [next]);
    const takeoverMs = Date.now() - stoppedAt;
    const db = new pg.Client({ connectionString: topology.pgUrl });
    await db.connect();
    const { rows } = await db.query<{ name: string; position: string }>(`SELECT name, position FROM "${topology.schema}".projection_snapshots`);
    await db.end();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => Number(r.position) === head)).toBe(true);
    console.log(`SIGTERM of the leader: the new standby led ${takeoverMs} ms after the signal (snapshot at ${head})`);
    expect(takeoverMs).toBeLessThan(5000);
  }, 30_000);
});
