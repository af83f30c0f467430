import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createNatsBus, issueEmbeddedToken, loadOrCreateEmbeddedSecret } from '@pks/backend';
import type { HealthResponse, Role } from '@pks/contracts';
import { PKS_BIN } from './server-process.js';

/**
 * The multi-node topology as separate processes, for integration tests and the benchmark harness: N API nodes
 * (`pks serve`) and M projection nodes (`pks project`: the first becomes leader, the others standbys) on this
 * machine's PostgreSQL and NATS. Each topology gets its own PostgreSQL schema and NATS subject prefix (and so its
 * own JetStream stream), a shared embedded signing key, and a temporary data directory per node; `close()` kills
 * every process and removes all of it.
 *
 *   const topology = await startMultiNodeTopology({ apiNodes: 2, projectionNodes: 2 });
 *   topology.api[0].url, topology.api[1].url   // ingest and socket.io on either
 *   await topology.token('admin')
 *   await topology.close()
 *
 * PKS_TEST_PG_URL and PKS_TEST_NATS_URL point it elsewhere (default postgres://postgres@127.0.0.1:5432/test, else
 * user root, and nats://127.0.0.1:4222).
 */
export interface NodeProcess {
  name: string;
  command: 'serve' | 'project';
  url: string;
  child: ChildProcess;
  output(): string;
  /** resolves with the exit code or signal */
  exited: Promise<number | string>;
  health(): Promise<HealthResponse>;
}

export interface MultiNodeOptions {
  apiNodes?: number;
  projectionNodes?: number;
  pgUrl?: string;
  natsUrl?: string;
  /** extra environment for every node */
  env?: Record<string, string>;
  /** the prefix of schema and subjects, default `mn` */
  label?: string;
  /** run every node under `node --cpu-prof`, each writing into `<dir>/<node name>`; `close()` then stops the nodes
   * with SIGTERM (a profile is written only on a clean exit) */
  cpuProfileDir?: string;
}

export interface MultiNodeTopology {
  pgUrl: string;
  natsUrl: string;
  schema: string;
  subjectPrefix: string;
  api: NodeProcess[];
  projectors: NodeProcess[];
  /** every node's environment (without PKS_NODE_ID / port / data dir) */
  env: Record<string, string>;
  token(role?: Role, scope?: { sub?: string; units?: string[]; pools?: string[]; departments?: string[] }): Promise<string>;
  startApiNode(name?: string): Promise<NodeProcess>;
  startProjectionNode(name?: string): Promise<NodeProcess>;
  /** the projection node whose health says leader (polls until one does) */
  waitForLeader(timeoutMs?: number, among?: NodeProcess[]): Promise<NodeProcess>;
  close(): Promise<void>;
}

const PG_CANDIDATES = ['postgres://postgres@127.0.0.1:5432/test', 'postgres://root@127.0.0.1:5432/test'];

export async function reachablePostgres(preferred = process.env.PKS_TEST_PG_URL): Promise<string> {
  const failures: string[] = [];
  for (const candidate of preferred ? [preferred] : PG_CANDIDATES) {
    const client = new pg.Client({ connectionString: candidate });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return candidate;
    } catch (error) {
      failures.push(`${candidate}: ${(error as Error).message}`);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw new Error(`no PostgreSQL reachable (set PKS_TEST_PG_URL):\n${failures.join('\n')}`);
}

export async function startMultiNodeTopology(options: MultiNodeOptions = {}): Promise<MultiNodeTopology> {
  const pgUrl = await reachablePostgres(options.pgUrl ?? process.env.PKS_TEST_PG_URL);
  const natsUrl = options.natsUrl ?? process.env.PKS_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
  const run = `${options.label ?? 'mn'}_${process.pid.toString(36)}_${Date.now().toString(36)}`;
  const schema = `pks_${run}`.toLowerCase();
  const subjectPrefix = `pkstest.${run}`;
  const root = mkdtempSync(join(tmpdir(), 'pks-multinode-'));
  const secretFile = join(root, 'secret.key');
  writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  const secret = loadOrCreateEmbeddedSecret(secretFile);
  const env: Record<string, string> = {
    PKS_STORE: 'postgres',
    PKS_STORE_URL: pgUrl,
    PKS_STORE_SCHEMA: schema,
    PKS_BUS: 'nats',
    PKS_NATS_URL: natsUrl,
    PKS_NATS_SUBJECT_PREFIX: subjectPrefix,
    PKS_AUTH_SECRET_FILE: secretFile,
    PKS_SIMULATION: 'off',
    PKS_LOG_LEVEL: 'warn',
    PKS_SNAPSHOT_EVERY_MS: '2000',
    ...options.env,
  };
  const all: NodeProcess[] = [];
  const api: NodeProcess[] = [];
  const projectors: NodeProcess[] = [];
  let counter = 0;

  const start = async (command: 'serve' | 'project', name: string): Promise<NodeProcess> => {
    const nodeArgs = options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfileDir, name)] : [];
    const node = await spawnNode(command, name, join(root, name), { ...env, PKS_NODE_ID: name }, 30_000, nodeArgs);
    all.push(node);
    (command === 'serve' ? api : projectors).push(node);
    return node;
  };

  const topology: MultiNodeTopology = {
    pgUrl,
    natsUrl,
    schema,
    subjectPrefix,
    api,
    projectors,
    env,
    token: (role = 'admin', scope = {}) => issueEmbeddedToken(secret, { sub: scope.sub ?? `test-${role}`, role, ...scope }),
    startApiNode: (name = `api${(counter += 1)}`) => start('serve', name),
    startProjectionNode: (name = `projector${(counter += 1)}`) => start('project', name),
    async waitForLeader(timeoutMs = 10_000, among = projectors) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        for (const node of among) {
          const health = await node.health().catch(() => null);
          if (health?.node?.role === 'leader') return node;
        }
        if (Date.now() > deadline) throw new Error(`no leader among ${among.map((n) => n.name).join(', ')} within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      const running = all.filter((node) => node.child.exitCode === null && node.child.signalCode === null);
      if (options.cpuProfileDir) {
        // API nodes first, so the projection node still answers while they shut down; SIGKILL after 15 s
        for (const group of [running.filter((n) => n.command === 'serve'), running.filter((n) => n.command === 'project')]) {
          for (const node of group) node.child.kill('SIGTERM');
          await Promise.race([Promise.all(group.map((n) => n.exited)), new Promise((r) => setTimeout(r, 15_000))]);
        }
      }
      for (const node of running) if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
      await Promise.all(all.map((n) => n.exited));
      const admin = new pg.Client({ connectionString: pgUrl });
      await admin.connect();
      try {
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      } finally {
        await admin.end();
      }
      const streamName = `PKS_ALERTS_${subjectPrefix.replace(/[^A-Za-z0-9_-]/g, '_').toUpperCase()}`;
      const cleaner = await createNatsBus({ servers: natsUrl, name: `${run}-cleanup`, stream: { name: streamName, subjects: [`${subjectPrefix}.pks.alerts.>`] } });
      await cleaner.deleteDurableStream();
      await cleaner.close();
      rmSync(root, { recursive: true, force: true });
    },
  };

  try {
    const projectionNodes = options.projectionNodes ?? 2;
    // the first projection node becomes the leader; the others start as standbys
    if (projectionNodes > 0) {
      await topology.startProjectionNode('projector1');
      await topology.waitForLeader();
    }
    await Promise.all([
      ...Array.from({ length: projectionNodes - 1 }, (_, i) => topology.startProjectionNode(`projector${i + 2}`)),
      ...Array.from({ length: options.apiNodes ?? 2 }, (_, i) => topology.startApiNode(`api${i + 1}`)),
    ]);
    // in name order, whichever process was up first
    const byName = (a: NodeProcess, b: NodeProcess) => a.name.localeCompare(b.name, 'en', { numeric: true });
    api.sort(byName);
    projectors.sort(byName);
  } catch (error) {
    await topology.close().catch(() => undefined);
    throw error;
  }
  return topology;
}

/** Starts `pks <command>` as a process on a free port and waits until it listens. */
export async function spawnNode(
  command: 'serve' | 'project',
  name: string,
  dataDir: string,
  env: Record<string, string>,
  timeoutMs = 30_000,
  /** options for node itself, before the script (e.g. --cpu-prof) */
  nodeArgs: string[] = [],
): Promise<NodeProcess> {
  const child = spawn(process.execPath, [...nodeArgs, PKS_BIN, command, '--data', dataDir, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const stamp = (d: Buffer) => {
    const at = new Date().toISOString().slice(11, 23);
    output += d
      .toString()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => `${at} ${l}\n`)
      .join('');
  };
  child.stdout!.on('data', stamp);
  child.stderr!.on('data', stamp);
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start in time:\n${output}`)), timeoutMs);
    const check = () => {
      const m = /listening on (http:\/\/[^\s]+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stderr!.on('data', check);
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${String(code)}) before listening:\n${output}`));
    });
  });
  return {
    name,
    command,
    url,
    child,
    output: () => output,
    exited,
    async health() {
      const response = await fetch(`${url}/api/v1/health`, { signal: AbortSignal.timeout(2000) });
      return (await response.json()) as HealthResponse;
    },
  };
}
