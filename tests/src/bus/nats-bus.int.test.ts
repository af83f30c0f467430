import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNatsBus, type BusState, type NatsBus } from '@pks/backend';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The NATS bus against the NATS server on this machine (PKS_TEST_NATS_URL, default nats://127.0.0.1:4222), and, for
 * connection loss, against a private nats-server this test starts and stops. Every run uses its own subjects and
 * JetStream stream, deleted at the end.
 */
const NATS_URL = process.env.PKS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const NATS_SERVER = process.env.PKS_TEST_NATS_SERVER ?? '/usr/sbin/nats-server';
const run = `t${process.pid.toString(36)}${Date.now().toString(36)}`;
const prefix = `pkstest.${run}`;
const stream = { name: `PKS_TEST_${run.toUpperCase()}`, subjects: [`${prefix}.alerts.>`] };

async function waitFor(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const started = Date.now();
  while (!predicate()) {
    if (Date.now() - started > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 5));
  }
}

const opened: NatsBus[] = [];
async function bus(name: string, servers = NATS_URL, extra: Partial<Parameters<typeof createNatsBus>[0]> = {}): Promise<NatsBus> {
  const b = await createNatsBus({ servers, name: `${run}-${name}`, stream, reconnectTimeWaitMs: 100, ...extra });
  opened.push(b);
  return b;
}

afterAll(async () => {
  const cleaner = opened.find((b) => b.state() === 'connected');
  if (cleaner) await cleaner.deleteDurableStream();
  for (const b of opened) await b.close();
});

describe('NATS bus', () => {
  it('delivers core messages with * and > wildcards across two bus instances (two nodes), as JSON', async () => {
    const nodeA = await bus('node-a');
    const nodeB = await bus('node-b');
    expect(nodeA.kind).toBe('nats');
    const onA: [unknown, string][] = [];
    const onB: [unknown, string][] = [];
    const unsubscribeA = nodeA.subscribe(`${prefix}.changes.*.unit`, (m, s) => void onA.push([m, s]));
    nodeB.subscribe(`${prefix}.changes.>`, (m, s) => void onB.push([m, s]));
    await Promise.all([nodeA.flush(), nodeB.flush()]);

    nodeB.publish(`${prefix}.changes.C4.unit`, { unitId: 'C4', position: 17, nested: { a: [1, 2] } });
    nodeA.publish(`${prefix}.changes.C4.pool.extra`, { poolId: 'P1' });
    nodeA.publish(`${prefix}.other.C4.unit`, { ignored: true });
    await waitFor(() => onA.length === 1 && onB.length === 2);
    await new Promise((r) => setTimeout(r, 50));
    expect(onA).toEqual([[{ unitId: 'C4', position: 17, nested: { a: [1, 2] } }, `${prefix}.changes.C4.unit`]]);
    expect(onB.map(([, s]) => s).sort()).toEqual([`${prefix}.changes.C4.pool.extra`, `${prefix}.changes.C4.unit`]);

    unsubscribeA();
    await nodeA.flush();
    nodeB.publish(`${prefix}.changes.C5.unit`, null);
    await waitFor(() => onB.length === 3);
    await new Promise((r) => setTimeout(r, 50));
    expect(onA).toHaveLength(1);
    expect(onB[2]).toEqual([null, `${prefix}.changes.C5.unit`]);
  });

  it('keeps durable messages published while the subscriber was closed, and delivers them when it comes back', async () => {
    const publisher = await bus('publisher');
    const first = await bus('alerts-node-1');
    const received: unknown[] = [];
    const stop = await first.subscribeDurable(`${prefix}.alerts.>`, 'node-1', (m) => void received.push(m));
    await publisher.publishDurable(`${prefix}.alerts.C4`, { alert: 1 });
    await waitFor(() => received.length === 1);
    await stop();
    await first.close();
    expect(first.state()).toBe('closed');

    // the node is down: alerts go on being raised, asynchronously
    const acks = await Promise.all([2, 3, 4].map((n) => publisher.publishDurable(`${prefix}.alerts.C${n}`, { alert: n })));
    expect(acks.map((a) => a.stream)).toEqual([stream.name, stream.name, stream.name]);
    // a retried publish with the same msgId is stored once
    const again = await publisher.publishDurable(`${prefix}.alerts.C4`, { alert: 4 }, { msgId: 'alert-4' });
    const dup = await publisher.publishDurable(`${prefix}.alerts.C4`, { alert: 4 }, { msgId: 'alert-4' });
    expect([again.duplicate, dup.duplicate, dup.seq]).toEqual([false, true, again.seq]);

    const restarted = await bus('alerts-node-1-again');
    const after: [unknown, string][] = [];
    await restarted.subscribeDurable(`${prefix}.alerts.>`, 'node-1', (m, s) => void after.push([m, s]));
    await waitFor(() => after.length === 4);
    await new Promise((r) => setTimeout(r, 100));
    expect(after).toEqual([
      [{ alert: 2 }, `${prefix}.alerts.C2`],
      [{ alert: 3 }, `${prefix}.alerts.C3`],
      [{ alert: 4 }, `${prefix}.alerts.C4`],
      [{ alert: 4 }, `${prefix}.alerts.C4`],
    ]);
    expect(received).toEqual([{ alert: 1 }]);
  });

  it('redelivers a durable message whose handler failed, and acknowledges it once handled', async () => {
    const node = await bus('retry-node');
    let attempts = 0;
    const handled: unknown[] = [];
    const error = console.error;
    console.error = () => undefined;
    try {
      await node.subscribeDurable(`${prefix}.alerts.retry.>`, 'retry-node', async (m) => {
        attempts += 1;
        if (attempts === 1) throw new Error('projection not ready');
        handled.push(m);
      });
      await node.publishDurable(`${prefix}.alerts.retry.C9`, { alert: 'retry' });
      await waitFor(() => handled.length === 1, 5000);
      await new Promise((r) => setTimeout(r, 200));
      expect(attempts).toBe(2);
      expect(handled).toEqual([{ alert: 'retry' }]);
    } finally {
      console.error = error;
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

const haveServerBinary = existsSync(NATS_SERVER);
if (!haveServerBinary) console.warn(`NATS bus connection-loss test skipped: no nats-server binary at ${NATS_SERVER} (set PKS_TEST_NATS_SERVER)`);

describe.skipIf(!haveServerBinary)('NATS bus across a NATS server restart (a private nats-server on a free port)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pks-nats-'));
  let server: ChildProcess | null = null;
  let port = 0;
  const start = async () => {
    server = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir], { stdio: 'ignore' });
    const started = Date.now();
    while (!(await portOpen(port))) {
      if (Date.now() - started > 10_000) throw new Error('nats-server did not start');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const stop = async () => {
    const child = server;
    server = null;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  afterAll(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports reconnecting while the server is gone, connected after it is back, closed after close, and loses no durable message', async () => {
    port = await freePort();
    await start();
    const url = `nats://127.0.0.1:${port}`;
    const node = await createNatsBus({ servers: url, name: `${run}-restart`, stream, reconnectTimeWaitMs: 50 });
    const publisher = await createNatsBus({ servers: url, name: `${run}-restart-pub`, stream, reconnectTimeWaitMs: 50 });
    try {
      const states: BusState[] = [];
      node.onStateChange((s) => states.push(s));
      expect(node.state()).toBe('connected');
      const got: unknown[] = [];
      const stopConsumer = await node.subscribeDurable(`${prefix}.alerts.>`, 'restart-node', (m) => void got.push(m));
      await stopConsumer();
      // and a consumer that keeps running across the restart
      const running: unknown[] = [];
      await node.subscribeDurable(`${prefix}.alerts.>`, 'restart-running', (m) => void running.push(m));
      await publisher.publishDurable(`${prefix}.alerts.X`, { alert: 'before the restart' });

      await stop();
      await waitFor(() => node.state() === 'reconnecting' || node.state() === 'disconnected', 5000);
      // a durable publish during the outage waits and retries until the server is back
      const during = publisher.publishDurable(`${prefix}.alerts.Y`, { alert: 'during the outage' }, { retryForMs: 20_000 });
      await new Promise((r) => setTimeout(r, 300));
      await start();
      await waitFor(() => node.state() === 'connected', 10_000);
      await during;
      expect(states).toContain('reconnecting');
      expect(states[states.length - 1]).toBe('connected');

      await node.subscribeDurable(`${prefix}.alerts.>`, 'restart-node', (m) => void got.push(m));
      await waitFor(() => got.length === 2, 10_000);
      expect(got).toEqual([{ alert: 'before the restart' }, { alert: 'during the outage' }]);
      await publisher.publishDurable(`${prefix}.alerts.Z`, { alert: 'after the restart' });
      await waitFor(() => running.length === 3, 15_000);
      expect(running).toEqual([{ alert: 'before the restart' }, { alert: 'during the outage' }, { alert: 'after the restart' }]);
    } finally {
      await node.close();
      await publisher.close();
    }
    expect(node.state()).toBe('closed');
  }, 40_000);
});
