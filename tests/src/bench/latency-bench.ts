import { fork, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { addDays, isoWeekDates } from '@pks/projections';
import { benchScript, waitForProjections } from './bench-server.js';
import type { HistoryFacts } from './history.js';
import type { AckTable, ClientCommand, LiveClientSpec, LiveEvaluation } from './latency-client.js';
import { clockMs, percentiles, sleep, type Percentiles } from './stats.js';

/** Where the latency test sends events and connects its clients: the harness's own server or running nodes. */
export interface LatencyTarget {
  /** base URLs; events go to the first, clients are spread over all (each fails over to the next) */
  urls: string[];
  ingestToken: string;
  /** a token for a client watching `unitId` */
  clientToken(unitId: string): Promise<string>;
  /** the server's process id when it runs on this machine (its CPU time is read from /proc) */
  pid?: number;
  description: string;
}

export interface LatencyOptions {
  target: LatencyTarget;
  /** the organisation and a few days of history, sent first (idempotent ids) */
  setupLines: string[];
  facts: HistoryFacts;
  /** the ISO week the clients watch and the events change (e.g. 2026-W10) */
  week: string;
  clients: number;
  processes: number;
  /** events per second the sender keeps up */
  rate: number;
  /** the sender posts every tickMs (rate × tickMs / 1000 events per request) */
  tickMs: number;
  warmupMs: number;
  durationMs: number;
  repeats: number;
  log: (line: string) => void;
}

export interface LatencyRepeat {
  /** event-to-screen: client receive time − the sender's ack time */
  fromAck: Percentiles;
  /** client receive time − the sender's request start */
  fromSend: Percentiles;
  /** parts, per (client, event): server appliedAt − send; emittedAt − appliedAt; receive − emittedAt (server times are ms) */
  sendToApplied: Percentiles;
  appliedToEmitted: Percentiles;
  emittedToReceived: Percentiles;
  /** the baseline: socket.io echo round trips over the same client processes and connection count */
  echo: Percentiles;
  /** the sender's request round trips (POST to answer) */
  ackRoundTrip: Percentiles;
  eventsSent: number;
  achievedRate: number;
  expected: number;
  matched: number;
  updatesReceived: number;
  updatesPerSecond: number;
  echoSent: number;
  echoAnswered: number;
  resyncs: number;
  chainBreaks: number;
  reconnects: number;
  /** requests that had to wait for a free slot (the server did not keep up with the rate) */
  senderStalls: number;
  /** how late the sender sent each request after it was due, ms */
  senderLag: Percentiles;
  /** CPU seconds per wall second during the live run: the server (null for running nodes), the client processes */
  serverCpu: number | null;
  clientCpu: number;
}

export interface LatencyResult {
  target: string;
  week: string;
  units: number;
  clientsConnected: number;
  echoClientsConnected: number;
  connectSeconds: number;
  repeats: LatencyRepeat[];
}

interface Child {
  process: ChildProcess;
  request<T>(command: ClientCommand): Promise<T>;
}

function forkClient(): Promise<Child> {
  const child = fork(benchScript('latency-client.js'), [], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue: { resolve: (v: unknown) => void; reject: (e: Error) => void }[] = [];
  let ready: (() => void) | null = null;
  const readyPromise = new Promise<void>((resolve) => (ready = resolve));
  child.on('message', (message: { ok: boolean; result?: unknown; error?: string }) => {
    if (ready) {
      ready();
      ready = null;
      return;
    }
    const waiter = queue.shift();
    if (!waiter) return;
    if (message.ok) waiter.resolve(message.result);
    else waiter.reject(new Error(`latency client: ${message.error}`));
  });
  child.on('exit', (code) => {
    for (const w of queue.splice(0)) w.reject(new Error(`latency client exited (${String(code)})`));
  });
  return readyPromise.then(() => ({
    process: child,
    request: <T>(command: ClientCommand) =>
      new Promise<T>((resolve, reject) => {
        queue.push({ resolve: resolve as (v: unknown) => void, reject });
        child.send(command);
      }),
  }));
}

async function startEchoServer(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, [benchScript('echo-server.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    void exited.then(() => reject(new Error(`echo server exited: ${out}`)));
  });
  return {
    url,
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function postNdjson(url: string, token: string, lines: string[]): Promise<{ status: number; body: string }> {
  const response = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
    body: lines.join('\n') + '\n',
  });
  return { status: response.status, body: await response.text() };
}

/** Sends the setup history (batches of 5,000) and waits until every node's projections have it. */
export async function sendSetup(target: LatencyTarget, lines: string[]): Promise<number> {
  let position = 0;
  for (let i = 0; i < lines.length; i += 5000) {
    const { status, body } = await postNdjson(target.urls[0]!, target.ingestToken, lines.slice(i, i + 5000));
    if (status !== 200) throw new Error(`setup: POST /api/v1/events answered ${status}: ${body.slice(0, 1000)}`);
    position = Math.max(position, Number(/"position":(\d+)/.exec(body)?.[1] ?? 0));
  }
  for (const url of target.urls) await waitForProjections(url, position);
  return position;
}

/** The events the sender sends: per unit, lanes of (staff, date) cycling booking → sick call → withdrawn → cancelled. */
function eventSource(facts: HistoryFacts, units: HistoryFacts['units'], dates: string[], tag: string) {
  // Each lane books one person on one day of the week and calls them in sick, over and over. The person must be free
  // that day (no shift, booking or absence in the history), or the booking changes nothing on the gap list (a
  // scheduled person counts once) and the client would see that event only with the unit's next change. A person
  // is used by one lane only.
  const taken = new Set<string>();
  const lanes = units.map((unit) => {
    const home = facts.staff.filter((s) => s.homeUnitId === unit.unitId);
    const others = facts.staff.filter((s) => s.homeUnitId !== unit.unitId);
    const chosen: { person: HistoryFacts['staff'][number]; date: string }[] = [];
    for (const person of [...home, ...others]) {
      if (chosen.length === 14) break;
      if (taken.has(person.staffId) || person.competences.length === 0) continue;
      const date = dates.find((d, k) => !facts.busy.has(`${person.staffId}|${d}`) && k >= chosen.length % dates.length) ?? dates.find((d) => !facts.busy.has(`${person.staffId}|${d}`));
      if (date === undefined) continue;
      taken.add(person.staffId);
      chosen.push({ person, date });
    }
    return chosen;
  });
  const counters = new Array<number>(units.length).fill(0);
  let n = 0;
  return (): { unit: number; event: Record<string, unknown> } => {
    const u = n++ % units.length;
    const unit = units[u]!;
    const m = counters[u]!++;
    const unitLanes = lanes[u]!;
    const laneIndex = Math.floor(m / 4) % unitLanes.length;
    const cycle = Math.floor(m / (4 * unitLanes.length));
    const { person, date } = unitLanes[laneIndex]!;
    const key = `${tag}.${u}.${laneIndex}.${cycle}`;
    const bookingId = `bench-b.${key}`;
    const absenceId = `bench-a.${key}`;
    const metadata = { sourceSystem: 'bench' };
    const id = `bench.${key}.${m % 4}`;
    switch (m % 4) {
      case 0:
        return { unit: u, event: { id, type: 'StaffBooked', data: { bookingId, staffId: person.staffId, unitId: unit.unitId, date, slot: unit.slots[0], competence: person.competences[0], source: 'pool' }, metadata } };
      case 1:
        return { unit: u, event: { id, type: 'AbsenceReported', data: { absenceId, staffId: person.staffId, kind: 'sick', start: `${addDays(date, -1)}T23:00:00Z`, end: `${date}T23:00:00Z` }, metadata } };
      case 2:
        return { unit: u, event: { id, type: 'AbsenceWithdrawn', data: { absenceId, staffId: person.staffId }, metadata } };
      default:
        return { unit: u, event: { id, type: 'BookingCancelled', data: { bookingId }, metadata } };
    }
  };
}

interface SentEvent {
  unit: number;
  position: number;
  sentAt: number;
  ackedAt: number;
  counted: boolean;
}

/** Posts events at a steady rate: a request every tickMs, at most 16 in flight. */
async function runSender(options: { url: string; token: string; rate: number; tickMs: number; warmupMs: number; durationMs: number; next: () => { unit: number; event: Record<string, unknown> } }) {
  const sent: SentEvent[] = [];
  const roundTrips: number[] = [];
  const perTick = (options.rate * options.tickMs) / 1000;
  const started = clockMs();
  const countFrom = started + options.warmupMs;
  const end = countFrom + options.durationMs;
  const inFlight = new Set<Promise<void>>();
  const lags: number[] = [];
  let lastCountedSend = countFrom;
  let stalls = 0;
  let failure: Error | null = null;
  for (let k = 0; ; k++) {
    const due = started + k * options.tickMs;
    if (due >= end || failure) break;
    const wait = due - clockMs();
    if (wait > 0) await sleep(wait);
    const count = Math.floor((k + 1) * perTick) - Math.floor(k * perTick);
    if (count === 0) continue;
    if (inFlight.size >= 16) {
      stalls += 1;
      await Promise.race(inFlight);
    }
    const batch = Array.from({ length: count }, options.next);
    const sentAt = clockMs();
    // counted: events due in the window (a sender that falls behind sends them late, and the rate shows it)
    const counted = due >= countFrom;
    if (counted) {
      lags.push(sentAt - due);
      lastCountedSend = sentAt;
    }
    const request = postNdjson(
      options.url,
      options.token,
      batch.map((b) => JSON.stringify(b.event)),
    ).then(({ status, body }) => {
      const ackedAt = clockMs();
      if (status !== 200) throw new Error(`POST /api/v1/events answered ${status}: ${body.slice(0, 500)}`);
      const results = (JSON.parse(body) as { results: { position?: number; status: string }[] }).results;
      roundTrips.push(ackedAt - sentAt);
      results.forEach((r, i) => {
        if (r.status !== 'appended' || r.position === undefined) throw new Error(`event not appended: ${JSON.stringify(r)}`);
        sent.push({ unit: batch[i]!.unit, position: r.position, sentAt, ackedAt, counted });
      });
    });
    const tracked: Promise<void> = request.then(
      () => void inFlight.delete(tracked),
      (error: unknown) => {
        inFlight.delete(tracked);
        failure = error instanceof Error ? error : new Error(String(error));
      },
    );
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
  if (failure) throw failure;
  const counted = sent.filter((s) => s.counted).length;
  const span = Math.max(options.durationMs, lastCountedSend - countFrom + options.tickMs);
  return { sent, roundTrips, stalls, lags, achievedRate: counted / (span / 1000), counted };
}

function ackTables(sent: SentEvent[], units: number): AckTable[] {
  const byUnit: SentEvent[][] = Array.from({ length: units }, () => []);
  for (const s of sent) byUnit[s.unit]!.push(s);
  return byUnit.map((list) => {
    list.sort((a, b) => a.position - b.position);
    return {
      positions: Float64Array.from(list, (s) => s.position),
      sentAt: Float64Array.from(list, (s) => s.sentAt),
      ackedAt: Float64Array.from(list, (s) => s.ackedAt),
      counted: Uint8Array.from(list, (s) => (s.counted ? 1 : 0)),
    };
  });
}

/** user + system CPU seconds of a process on this machine (/proc/PID/stat) */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const concat = (arrays: Float64Array[]) => {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
};

/**
 * Event-to-screen latency: `clients` socket.io clients in `processes` child processes, each subscribed to the gap
 * list of one unit for one week; a sender posts bookings and sick calls on those units' cells at a steady rate;
 * each client matches every update (fromPosition, toPosition] to the events of its unit and takes receive time −
 * ack time on this machine's clock. Baseline per repeat: socket.io echo round trips from the same client
 * processes with as many connections, at the same total rate, to a bare socket.io server.
 */
export async function latencyBench(options: LatencyOptions): Promise<LatencyResult> {
  const { target, facts, log } = options;
  const units = facts.units.filter((u) => u.slots.length > 0);
  const week = options.week;
  const dates = isoWeekDates(week);
  log(`latency: setup (${options.setupLines.length} events) on ${target.description}`);
  await sendSetup(target, options.setupLines);

  const processes = Math.max(1, Math.min(options.processes, options.clients));
  const children = await Promise.all(Array.from({ length: processes }, () => forkClient()));
  const echoServer = await startEchoServer();
  try {
    const tokens = new Map<string, string>();
    for (const unit of units) tokens.set(unit.unitId, await target.clientToken(unit.unitId));
    const specs: LiveClientSpec[][] = children.map(() => []);
    for (let i = 0; i < options.clients; i++) {
      const unit = i % units.length;
      const urls = target.urls.map((_, k) => target.urls[(i + k) % target.urls.length]!);
      specs[i % processes]!.push({ urls, token: tokens.get(units[unit]!.unitId)!, params: { unitId: units[unit]!.unitId, week }, unit });
    }
    log(`latency: connecting ${options.clients} live clients in ${processes} processes to ${units.length} units' gap lists (${week}) …`);
    const connectStarted = clockMs();
    const connected = await Promise.all(children.map((c, i) => c.request<{ connected: number }>({ cmd: 'connect-live', clients: specs[i]!, concurrency: 10 })));
    const connectSeconds = (clockMs() - connectStarted) / 1000;
    const echoConnected = await Promise.all(children.map((c, i) => c.request<{ connected: number }>({ cmd: 'connect-echo', url: echoServer.url, count: specs[i]!.length, concurrency: 20 })));
    const clientsConnected = connected.reduce((n, c) => n + c.connected, 0);
    const echoClientsConnected = echoConnected.reduce((n, c) => n + c.connected, 0);
    log(`latency: ${clientsConnected} live and ${echoClientsConnected} echo clients connected in ${connectSeconds.toFixed(1)} s`);

    const repeats: LatencyRepeat[] = [];
    for (let r = 0; r < options.repeats; r++) {
      const echoRuns = await Promise.all(
        children.map((c) =>
          c.request<{ latencies: Float64Array; sent: number; answered: number }>({ cmd: 'run-echo', perClientPerSecond: options.rate / options.clients, warmupMs: options.warmupMs, durationMs: options.durationMs }),
        ),
      );
      await Promise.all(children.map((c) => c.request({ cmd: 'record', on: true })));
      const tag = `${Date.now().toString(36)}${r}`;
      const cpuBefore = target.pid !== undefined ? cpuSeconds(target.pid) : null;
      const liveStarted = clockMs();
      const sender = await runSender({ url: target.urls[0]!, token: target.ingestToken, rate: options.rate, tickMs: options.tickMs, warmupMs: options.warmupMs, durationMs: options.durationMs, next: eventSource(facts, units, dates, tag) });
      await sleep(1500);
      const liveSeconds = (clockMs() - liveStarted) / 1000;
      const serverCpu = cpuBefore !== null ? (cpuSeconds(target.pid!) - cpuBefore) / liveSeconds : null;
      await Promise.all(children.map((c) => c.request({ cmd: 'record', on: false })));
      const tables = ackTables(sender.sent, units.length);
      const evaluations = await Promise.all(children.map((c) => c.request<LiveEvaluation>({ cmd: 'evaluate-live', acks: tables })));
      const sum = (f: (e: LiveEvaluation) => number) => evaluations.reduce((n, e) => n + f(e), 0);
      const repeat: LatencyRepeat = {
        fromAck: percentiles(concat(evaluations.map((e) => e.fromAck))),
        fromSend: percentiles(concat(evaluations.map((e) => e.fromSend))),
        sendToApplied: percentiles(concat(evaluations.map((e) => e.sendToApplied))),
        appliedToEmitted: percentiles(concat(evaluations.map((e) => e.appliedToEmitted))),
        emittedToReceived: percentiles(concat(evaluations.map((e) => e.emittedToReceived))),
        echo: percentiles(concat(echoRuns.map((e) => e.latencies))),
        ackRoundTrip: percentiles(sender.roundTrips),
        eventsSent: sender.sent.length,
        achievedRate: sender.achievedRate,
        expected: sum((e) => e.expected),
        matched: sum((e) => e.matched),
        updatesReceived: sum((e) => e.updates),
        updatesPerSecond: sum((e) => e.updates) / ((options.warmupMs + options.durationMs) / 1000),
        echoSent: echoRuns.reduce((n, e) => n + e.sent, 0),
        echoAnswered: echoRuns.reduce((n, e) => n + e.answered, 0),
        resyncs: sum((e) => e.resyncs),
        chainBreaks: sum((e) => e.chainBreaks),
        reconnects: sum((e) => e.reconnects),
        senderStalls: sender.stalls,
        senderLag: percentiles(sender.lags),
        serverCpu,
        clientCpu: sum((e) => e.cpuSeconds) / liveSeconds,
      };
      log(
        `latency repeat ${r + 1}/${options.repeats}: p50/p95/p99 ${repeat.fromAck.p50.toFixed(1)}/${repeat.fromAck.p95.toFixed(1)}/${repeat.fromAck.p99.toFixed(1)} ms ` +
          `(echo ${repeat.echo.p50.toFixed(1)}/${repeat.echo.p95.toFixed(1)}/${repeat.echo.p99.toFixed(1)} ms), ${Math.round(repeat.achievedRate)} events/s, ` +
          `${repeat.matched}/${repeat.expected} deliveries matched, ${Math.round(repeat.updatesPerSecond)} updates/s to clients; POST round trip p50 ${repeat.ackRoundTrip.p50.toFixed(0)} ms; ` +
          `CPU server ${serverCpu === null ? 'n/a' : serverCpu.toFixed(2)}, clients ${repeat.clientCpu.toFixed(2)} cores`,
      );
      repeats.push(repeat);
    }
    return { target: target.description, week, units: units.length, clientsConnected, echoClientsConnected, connectSeconds, repeats };
  } finally {
    await Promise.all(children.map((c) => c.request({ cmd: 'close' }).catch(() => undefined)));
    for (const c of children) if (c.process.exitCode === null) c.process.kill('SIGKILL');
    await echoServer.stop();
  }
}
