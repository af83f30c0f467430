import pg from 'pg';
import { serialised, type LeaderElection } from './leader-election.js';

export interface PostgresLeaderLockOptions {
  connectionString: string;
  /** what is locked: one leader per name (the store's schema) */
  name: string;
  /** this node, shown in pg_stat_activity as `pks-leader:<nodeId>` */
  nodeId: string;
  /** a standby tries to take the lock this often, default 500 ms */
  retryMs?: number;
  /** the leader checks its lock connection this often, default 1,000 ms … */
  checkMs?: number;
  /** … and gives up leadership when a check takes longer than this, default 2,000 ms */
  checkTimeoutMs?: number;
  log?: (line: string) => void;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });

/**
 * Leader election with a PostgreSQL session-level advisory lock held on a dedicated connection.
 *
 * - A standby calls `pg_try_advisory_lock` every `retryMs` (never a blocking `pg_advisory_lock`: a waiter whose
 *   process died could otherwise be granted the lock by a server that has not noticed yet).
 * - The leader keeps the connection idle and runs `SELECT 1` every `checkMs`; when a check fails or takes longer
 *   than `checkTimeoutMs`, or the connection reports an error or its end, it steps down at once and reconnects as a
 *   standby.
 * - The server releases the lock when the leader's session ends: at once when the leader's process dies (the kernel
 *   closes its socket) or the connection is terminated; when the leader's host or network vanishes, after the TCP
 *   keepalive and user timeout this session sets (about 10 s: idle 5 s, then 3 probes 2 s apart; tcp_user_timeout
 *   10 s). The deposed leader has stepped down before that (checkMs + checkTimeoutMs ≈ 3 s), so two leaders overlap
 *   only in the rare case where the server drops the session first (e.g. pg_terminate_backend) and the leader's next
 *   check has not failed yet: at most ~3 s during which both may publish (receivers resync; nothing is lost).
 */
export function postgresLeaderLock(options: PostgresLeaderLockOptions): LeaderElection {
  const retryMs = options.retryMs ?? 500;
  const checkMs = options.checkMs ?? 1000;
  const checkTimeoutMs = options.checkTimeoutMs ?? 2000;
  const log = options.log ?? (() => {});
  const abort = new AbortController();
  let leader = false;
  let loop: Promise<void> | null = null;

  async function campaign(notify: (leader: boolean) => Promise<void>): Promise<void> {
    let warned = false;
    while (!abort.signal.aborted) {
      const client = new pg.Client({
        connectionString: options.connectionString,
        application_name: `pks-leader:${options.nodeId}`.slice(0, 63),
        keepAlive: true,
        keepAliveInitialDelayMillis: 5000,
        // the server notices a vanished leader within ~10 s and then releases the lock
        options: '-c tcp_keepalives_idle=5 -c tcp_keepalives_interval=2 -c tcp_keepalives_count=3 -c tcp_user_timeout=10000 -c statement_timeout=0',
        connectionTimeoutMillis: 5000,
      });
      let lost: (reason: string) => void = () => {};
      const lostPromise = new Promise<string>((resolve) => (lost = resolve));
      client.on('error', (error) => lost(`lock connection failed: ${error.message}`));
      client.on('end', () => lost('lock connection ended'));
      try {
        await client.connect();
        if (warned) log('leader lock: connected again');
        warned = false;
        // standby: try until the lock is ours
        for (;;) {
          if (abort.signal.aborted) return;
          const { rows } = await client.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock(hashtext('pks-leader'), hashtext($1)) AS locked`, [options.name]);
          if (rows[0]?.locked) break;
          const reason = await Promise.race([sleep(retryMs, abort.signal).then(() => null), lostPromise]);
          if (reason !== null) throw new Error(reason);
        }
        leader = true;
        log(`leader lock '${options.name}' acquired`);
        await notify(true);
        // leader: watch the connection
        for (;;) {
          const reason = await Promise.race([sleep(checkMs, abort.signal).then(() => null), lostPromise]);
          if (reason !== null) throw new Error(reason);
          if (abort.signal.aborted) return;
          const check = client.query('SELECT 1').then(
            () => null,
            (error: unknown) => `lock check failed: ${error instanceof Error ? error.message : String(error)}`,
          );
          const timeout = new Promise<string>((resolve) => setTimeout(() => resolve(`lock check took longer than ${checkTimeoutMs} ms`), checkTimeoutMs).unref());
          const failed = await Promise.race([check, timeout, lostPromise]);
          if (failed !== null) throw new Error(failed);
        }
      } catch (error) {
        if (abort.signal.aborted) return;
        const message = error instanceof Error ? error.message : String(error);
        if (leader) log(`leader lock lost (${message}): stepping down`);
        else if (!warned) log(`leader lock: ${message}; retrying`);
        warned = true;
      } finally {
        client.removeAllListeners('error');
        client.on('error', () => undefined);
        // ending the session releases the lock on the server
        await client.end().catch(() => undefined);
        if (leader) {
          leader = false;
          await notify(false);
        }
      }
      await sleep(retryMs, abort.signal);
    }
  }

  return {
    kind: 'postgres-advisory-lock',
    get isLeader() {
      return leader;
    },
    start(onChange) {
      if (loop) throw new Error('the election is already running');
      const notify = serialised(onChange, log);
      loop = campaign(notify).catch((error: unknown) => log(`leader election stopped: ${String(error)}`));
    },
    async stop() {
      abort.abort();
      // the loop ends its session (releasing the lock) and demotes this node before it resolves
      await loop;
    },
  };
}
