import { EventEmitter } from 'node:events';
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { getKurrentDBEventStore } from '@pks/backend';
import type { StartedTestContainer } from 'testcontainers';
import { afterAll, beforeAll, describe } from 'vitest';
import { eventStoreContract } from './event-store-contract.js';

/**
 * The contract suite against a real KurrentDB in a container (testcontainers), wherever a Docker engine answers.
 * Where none does (the development machines and CI of this project), the suite is skipped with the reason printed.
 * PKS_TEST_KURRENTDB_IMAGE chooses the image (default the latest KurrentDB; `eventstore/eventstore:…` works too).
 */
const IMAGE = process.env.PKS_TEST_KURRENTDB_IMAGE ?? 'docker.kurrent.io/kurrent-latest/kurrentdb:latest';

/** A Docker engine that answers /_ping: DOCKER_HOST (testcontainers decides), else the usual unix sockets. */
async function dockerEngine(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.env.DOCKER_HOST) return { ok: true };
  const sockets = [
    '/var/run/docker.sock',
    join(homedir(), '.docker/run/docker.sock'),
    join(homedir(), '.docker/desktop/docker.sock'),
    ...(process.env.XDG_RUNTIME_DIR ? [join(process.env.XDG_RUNTIME_DIR, 'docker.sock'), join(process.env.XDG_RUNTIME_DIR, 'podman/podman.sock')] : []),
  ].filter((s) => existsSync(s));
  if (sockets.length === 0) return { ok: false, reason: 'no Docker engine: no DOCKER_HOST and no Docker socket' };
  for (const socketPath of sockets) {
    const answered = await new Promise<boolean>((resolve) => {
      const req = request({ socketPath, path: '/_ping', method: 'GET', timeout: 2000 }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      });
      req.on('timeout', () => req.destroy());
      req.on('error', () => resolve(false));
      req.end();
    });
    if (answered) return { ok: true };
  }
  return { ok: false, reason: `no Docker engine: ${sockets.join(', ')} did not answer /_ping` };
}

const engine = await dockerEngine();
if (!engine.ok) console.warn(`KurrentDB contract suite skipped: ${engine.reason} (testcontainers needs one to start ${IMAGE})`);

describe.skipIf(!engine.ok)(`KurrentDB (${IMAGE}, testcontainers)`, () => {
  let container: StartedTestContainer | undefined;
  let connectionString = '';
  const run = `t${process.pid.toString(36)}${Date.now().toString(36)}`;
  let storeCounter = 0;
  let prefix = '';

  beforeAll(async () => {
    const { GenericContainer, Wait } = await import('testcontainers');
    const env = IMAGE.includes('eventstore') ? 'EVENTSTORE' : 'KURRENTDB';
    container = await new GenericContainer(IMAGE)
      .withEnvironment({
        [`${env}_INSECURE`]: 'true',
        [`${env}_CLUSTER_SIZE`]: '1',
        [`${env}_RUN_PROJECTIONS`]: 'None',
        [`${env}_MEM_DB`]: 'true',
        [`${env}_ENABLE_ATOM_PUB_OVER_HTTP`]: 'true',
      })
      .withExposedPorts(2113)
      .withWaitStrategy(Wait.forHttp('/health/live', 2113).forStatusCodeMatching((code) => code >= 200 && code < 300))
      .withStartupTimeout(120_000)
      .start();
    connectionString = `kurrentdb://${container.getHost()}:${container.getMappedPort(2113)}?tls=false`;
  }, 180_000);

  afterAll(async () => {
    await container?.stop();
  });

  // one database for the whole file; each store gets its own stream prefix, so each starts empty
  eventStoreContract('KurrentDB', {
    gapFreePositions: false,
    async create() {
      storeCounter += 1;
      prefix = `${run}s${storeCounter}_`;
      return getKurrentDBEventStore({ connectionString, streamPrefix: prefix, pollIntervalMs: 1000 });
    },
    async reopen() {
      return getKurrentDBEventStore({ connectionString, streamPrefix: prefix, pollIntervalMs: 1000 });
    },
  });
});

/**
 * Runs here too, with no Docker engine: the same contract suite against the adapter over an in-memory stand-in for
 * the KurrentDB client (per-stream revisions and expected-version checks, per-stream id idempotency as KurrentDB
 * does it, commit positions with gaps, filtered $all reads and a live $all subscription). It checks the adapter's own
 * logic (id index, read-back, position mapping, catch-up) and the suite's `gapFreePositions: false` branch; it is no
 * substitute for the real server, whose behaviour it only imitates.
 */
type FakeEvent = { streamId: string; id: string; type: string; data: unknown; metadata: unknown; revision: bigint; position: { commit: bigint; prepare: bigint }; isJson: true; created: Date };
type FakeFilter = { regex?: string; prefixes?: string[] } | undefined;

class FakeKurrentDBClient {
  private readonly log: FakeEvent[] = [];
  private readonly streams = new Map<string, FakeEvent[]>();
  private nextCommit = 1000n;
  private readonly live = new Set<{ emitter: EventEmitter; match: (e: FakeEvent) => boolean }>();

  private static matcher(filter: FakeFilter) {
    if (filter?.regex) {
      const re = new RegExp(filter.regex);
      return (e: FakeEvent) => re.test(e.streamId);
    }
    if (filter?.prefixes) return (e: FakeEvent) => filter.prefixes!.some((p) => e.streamId.startsWith(p));
    return () => true;
  }

  private static fail(type: string, extra: Record<string, unknown> = {}) {
    return Object.assign(new Error(type), { type, ...extra });
  }

  async appendToStream(name: string, input: unknown, options: { streamState?: unknown } = {}) {
    await new Promise((r) => setImmediate(r));
    const events = (Array.isArray(input) ? input : [input]) as { id: string; type: string; data: unknown; metadata: unknown }[];
    const stream = this.streams.get(name) ?? [];
    const state = options.streamState ?? 'any';
    const current = stream.length - 1;
    // KurrentDB's idempotency: the same event ids again, where they already are, is a success that writes nothing
    const at = stream.findIndex((e) => e.id === events[0]!.id);
    if (at >= 0 && events.every((e, k) => stream[at + k]?.id === e.id)) {
      const expectedOk = state === 'any' || state === 'stream_exists' || (state === 'no_stream' && at === 0) || (typeof state === 'bigint' && Number(state) === at - 1);
      if (expectedOk) {
        const last = stream[at + events.length - 1]!;
        return { success: true, nextExpectedRevision: last.revision, position: last.position };
      }
    }
    const ok = state === 'any' || (state === 'no_stream' && current === -1) || (state === 'stream_exists' && current >= 0) || (typeof state === 'bigint' && Number(state) === current);
    if (!ok) throw FakeKurrentDBClient.fail('wrong-expected-version', { streamName: name, expectedState: state, actualState: current === -1 ? 'no_stream' : BigInt(current) });
    this.streams.set(name, stream);
    const written: FakeEvent[] = [];
    for (const e of events) {
      const commit = this.nextCommit;
      this.nextCommit += 137n + BigInt(JSON.stringify(e.data).length); // log offsets: increasing, with gaps
      const recorded: FakeEvent = { streamId: name, id: e.id, type: e.type, data: structuredClone(e.data), metadata: structuredClone(e.metadata), revision: BigInt(stream.length), position: { commit, prepare: commit }, isJson: true, created: new Date() };
      stream.push(recorded);
      this.log.push(recorded);
      written.push(recorded);
    }
    const last = written[written.length - 1]!;
    setImmediate(() => {
      for (const sub of this.live) for (const e of written) if (sub.match(e)) sub.emitter.emit('data', { event: e, commitPosition: e.position.commit });
    });
    return { success: true, nextExpectedRevision: last.revision, position: last.position };
  }

  async *readStream(name: string, options: { direction?: string; fromRevision?: unknown; maxCount?: number | bigint } = {}) {
    await new Promise((r) => setImmediate(r));
    const stream = this.streams.get(name);
    if (!stream) throw FakeKurrentDBClient.fail('stream-not-found', { streamName: name });
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromRevision ?? (options.direction === 'backwards' ? 'end' : 'start');
    let out: FakeEvent[];
    if (options.direction === 'backwards') {
      const start = from === 'end' ? stream.length - 1 : Number(from);
      out = stream.slice(0, start + 1).reverse();
    } else {
      const start = from === 'start' ? 0 : Number(from);
      out = stream.slice(start);
    }
    for (const e of out.slice(0, max)) yield { event: e, commitPosition: e.position.commit };
  }

  async *readAll(options: { direction?: string; fromPosition?: unknown; maxCount?: number | bigint; filter?: FakeFilter } = {}) {
    await new Promise((r) => setImmediate(r));
    const match = FakeKurrentDBClient.matcher(options.filter);
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const from = options.fromPosition ?? (options.direction === 'backwards' ? 'end' : 'start');
    let out: FakeEvent[];
    if (options.direction === 'backwards') {
      out = (from === 'end' ? this.log : this.log.filter((e) => e.position.commit <= (from as { commit: bigint }).commit)).slice().reverse();
    } else {
      out = from === 'start' ? this.log : this.log.filter((e) => e.position.commit >= (from as { commit: bigint }).commit); // inclusive, as KurrentDB
    }
    let n = 0;
    for (const e of out) {
      if (n >= max) break;
      if (!match(e)) continue;
      n += 1;
      yield { event: e, commitPosition: e.position.commit };
    }
  }

  subscribeToAll(options: { fromPosition?: unknown; filter?: FakeFilter } = {}) {
    if (options.fromPosition !== 'end') throw new Error('the fake only subscribes from the end');
    const emitter = new EventEmitter();
    const entry = { emitter, match: FakeKurrentDBClient.matcher(options.filter) };
    this.live.add(entry);
    setImmediate(() => emitter.emit('confirmation'));
    return Object.assign(emitter, {
      unsubscribe: async () => {
        this.live.delete(entry);
      },
    });
  }

  async dispose() {
    this.live.clear();
  }
}

describe('KurrentDB adapter over an in-memory stand-in for the client (no Docker needed)', () => {
  let fake = new FakeKurrentDBClient();
  type Client = NonNullable<Parameters<typeof getKurrentDBEventStore>[0]['client']>;
  eventStoreContract('KurrentDB adapter, in-memory client', {
    gapFreePositions: false,
    async create() {
      fake = new FakeKurrentDBClient();
      return getKurrentDBEventStore({ connectionString: 'kurrentdb://unused:2113?tls=false', client: fake as unknown as Client, streamPrefix: 'p_', pollIntervalMs: 1000 });
    },
    async reopen() {
      return getKurrentDBEventStore({ connectionString: 'kurrentdb://unused:2113?tls=false', client: fake as unknown as Client, streamPrefix: 'p_', pollIntervalMs: 1000 });
    },
  });
});
