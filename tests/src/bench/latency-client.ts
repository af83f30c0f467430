/**
 * A child process of the latency benchmark: holds a share of the socket.io clients (forked with IPC, advanced
 * serialization). Live mode: LiveClients subscribed to a unit's gap list, recording every update with this
 * process's receive time (`performance.timeOrigin + performance.now()`, the machine clock the sender uses too).
 * Echo mode (the baseline): plain socket.io clients that send `echo` at a steady rate to a tiny server and time the
 * acknowledgement. Latencies are computed here, against the sender's ack times, and sent back as Float64Arrays.
 */
import type { LiveUpdateMessage } from '@pks/contracts';
import { io, type Socket } from 'socket.io-client';
import { LiveClient } from '../support/live-client.js';
import { clockMs, mapLimit, sleep } from './stats.js';

export interface LiveClientSpec {
  urls: string[];
  token: string;
  params: Record<string, string>;
  /** index of the unit the client watches (into the sender's ack table) */
  unit: number;
}

/** per unit: positions (ascending) of the benchmark's events with their send and ack times; counted: in the window */
export interface AckTable {
  positions: Float64Array;
  sentAt: Float64Array;
  ackedAt: Float64Array;
  counted: Uint8Array;
}

export type ClientCommand =
  | { cmd: 'connect-live'; clients: LiveClientSpec[]; concurrency: number }
  | { cmd: 'record'; on: boolean }
  | { cmd: 'evaluate-live'; acks: AckTable[] }
  | { cmd: 'connect-echo'; url: string; count: number; concurrency: number }
  | { cmd: 'run-echo'; perClientPerSecond: number; warmupMs: number; durationMs: number }
  | { cmd: 'close' };

export interface LiveEvaluation {
  /** receive time − the sender's ack time, per (client, event) */
  fromAck: Float64Array;
  /** receive time − the time the sender started the request */
  fromSend: Float64Array;
  /** the server's appliedAt − send time (store append, wake-up, projection) */
  sendToApplied: Float64Array;
  /** emittedAt − appliedAt (publisher, bus, gateway, 25 ms coalescing) */
  appliedToEmitted: Float64Array;
  /** receive time − emittedAt (socket.io transport, the client process's event loop) */
  emittedToReceived: Float64Array;
  expected: number;
  matched: number;
  updates: number;
  resyncs: number;
  chainBreaks: number;
  reconnects: number;
  refusals: number;
  /** CPU seconds this process used since recording started */
  cpuSeconds: number;
}

const send = (message: unknown) => process.send!(message);

class Growable {
  private data = new Float64Array(1024);
  length = 0;
  push(v: number) {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  result(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

const live: { client: LiveClient; unit: number }[] = [];
/** per live client: [from, to, receivedAt, appliedAt, emittedAt] per update */
const records: number[][] = [];
let recording = false;
let cpuAtRecord = process.cpuUsage();
let cpuSpent = { user: 0, system: 0 };
const echoSockets: Socket[] = [];

async function connectLive(specs: LiveClientSpec[], concurrency: number) {
  const started = clockMs();
  await mapLimit(specs, concurrency, async (spec) => {
    const slot = live.length;
    records.push([]);
    const client = new LiveClient({
      urls: spec.urls,
      token: spec.token,
      model: 'gap-list',
      params: spec.params,
      onUpdate: (update: LiveUpdateMessage) => {
        const at = clockMs();
        if (recording) records[slot]!.push(update.fromPosition, update.toPosition, at, update.appliedAt, update.emittedAt);
      },
    });
    live.push({ client, unit: spec.unit });
    await client.start();
  });
  return { connected: live.filter((l) => l.client.connected).length, seconds: (clockMs() - started) / 1000 };
}

function evaluateLive(acks: AckTable[]): LiveEvaluation {
  const out = { fromAck: new Growable(), fromSend: new Growable(), sendToApplied: new Growable(), appliedToEmitted: new Growable(), emittedToReceived: new Growable() };
  let expected = 0;
  let matched = 0;
  let updates = 0;
  live.forEach(({ unit }, slot) => {
    const table = acks[unit]!;
    for (let i = 0; i < table.counted.length; i++) expected += table.counted[i]!;
    const rec = records[slot]!;
    for (let r = 0; r < rec.length; r += 5) {
      updates += 1;
      const from = rec[r]!;
      const to = rec[r + 1]!;
      const at = rec[r + 2]!;
      const appliedAt = rec[r + 3]!;
      const emittedAt = rec[r + 4]!;
      // first event with position > from
      let lo = 0;
      let hi = table.positions.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (table.positions[mid]! <= from) lo = mid + 1;
        else hi = mid;
      }
      for (let i = lo; i < table.positions.length && table.positions[i]! <= to; i++) {
        if (table.counted[i] !== 1) continue;
        matched += 1;
        out.fromAck.push(at - table.ackedAt[i]!);
        out.fromSend.push(at - table.sentAt[i]!);
        out.sendToApplied.push(appliedAt - table.sentAt[i]!);
        out.appliedToEmitted.push(emittedAt - appliedAt);
        out.emittedToReceived.push(at - emittedAt);
      }
    }
    rec.length = 0;
  });
  const stats = live.reduce(
    (s, { client }) => ({
      resyncs: s.resyncs + client.stats.resyncs,
      chainBreaks: s.chainBreaks + client.stats.chainBreaks,
      reconnects: s.reconnects + client.stats.reconnects,
      refusals: s.refusals + client.stats.refusals,
    }),
    { resyncs: 0, chainBreaks: 0, reconnects: 0, refusals: 0 },
  );
  return {
    fromAck: out.fromAck.result(),
    fromSend: out.fromSend.result(),
    sendToApplied: out.sendToApplied.result(),
    appliedToEmitted: out.appliedToEmitted.result(),
    emittedToReceived: out.emittedToReceived.result(),
    expected,
    matched,
    updates,
    ...stats,
    cpuSeconds: (cpuSpent.user + cpuSpent.system) / 1e6,
  };
}

async function connectEcho(url: string, count: number, concurrency: number) {
  const started = clockMs();
  await mapLimit(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async () => {
      for (let attempt = 0; ; attempt++) {
        const socket = io(url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, timeout: 5000 });
        const ok = await new Promise<boolean>((resolve) => {
          socket.once('connect', () => resolve(true));
          socket.once('connect_error', () => resolve(false));
        });
        if (ok) {
          echoSockets.push(socket);
          return;
        }
        socket.close();
        if (attempt > 20) throw new Error(`echo client could not connect to ${url}`);
        await sleep(100);
      }
    },
  );
  return { connected: echoSockets.filter((s) => s.connected).length, seconds: (clockMs() - started) / 1000 };
}

async function runEcho(perClientPerSecond: number, warmupMs: number, durationMs: number) {
  const latencies = new Growable();
  const intervalMs = 1000 / perClientPerSecond;
  const started = clockMs();
  const countFrom = started + warmupMs;
  const end = countFrom + durationMs;
  let sent = 0;
  let answered = 0;
  const timers: NodeJS.Timeout[] = [];
  await new Promise<void>((resolve) => {
    echoSockets.forEach((socket, i) => {
      // spread the clients over the interval so the total rate is steady
      const phase = (intervalMs * i) / echoSockets.length;
      let k = 0;
      const tick = () => {
        const due = started + phase + k * intervalMs;
        if (due >= end) return;
        k += 1;
        const sentAt = clockMs();
        const counted = sentAt >= countFrom;
        if (counted) sent += 1;
        socket.emit('echo', sentAt, (echoed: number) => {
          if (counted) {
            answered += 1;
            latencies.push(clockMs() - echoed);
          }
        });
        timers.push(setTimeout(tick, Math.max(0, started + phase + k * intervalMs - clockMs())));
      };
      timers.push(setTimeout(tick, phase));
    });
    setTimeout(resolve, warmupMs + durationMs + 1000);
  });
  for (const t of timers) clearTimeout(t);
  return { latencies: latencies.result(), sent, answered };
}

process.on('message', (message: ClientCommand) => {
  const reply = (run: () => unknown) =>
    Promise.resolve()
      .then(run)
      .then(
        (result) => send({ ok: true, result }),
        (error: unknown) => send({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  switch (message.cmd) {
    case 'connect-live':
      void reply(() => connectLive(message.clients, message.concurrency));
      break;
    case 'record':
      recording = message.on;
      if (message.on) cpuAtRecord = process.cpuUsage();
      else cpuSpent = process.cpuUsage(cpuAtRecord);
      void reply(() => ({ recording }));
      break;
    case 'evaluate-live':
      void reply(() => evaluateLive(message.acks));
      break;
    case 'connect-echo':
      void reply(() => connectEcho(message.url, message.count, message.concurrency));
      break;
    case 'run-echo':
      void reply(() => runEcho(message.perClientPerSecond, message.warmupMs, message.durationMs));
      break;
    case 'close':
      for (const l of live) l.client.close();
      for (const s of echoSockets) s.close();
      void reply(() => ({ closed: true })).then(() => setTimeout(() => process.exit(0), 50));
      break;
  }
});
send({ ok: true, result: { ready: true } });
