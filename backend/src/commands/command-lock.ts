import pg from 'pg';
import { SerialQueue } from './serial-queue.js';

/**
 * Decides commands one at a time, so each decision sees the previous one's events (no double booking from two
 * concurrent clicks). `run` gives the task the lock; the task decides against the read models and appends.
 */
export interface CommandLock {
  readonly kind: 'node-local' | 'postgres-advisory-lock';
  run<T>(task: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** One node (`pks start`, SQLite): commands queue in arrival order on this process. */
export function localCommandLock(): CommandLock {
  const queue = new SerialQueue();
  return { kind: 'node-local', run: (task) => queue.run(task), close: async () => {} };
}

/** Thrown when the cluster-wide lock or the read models' catch-up did not come in time: answer 503, retry later. */
export class CommandLockTimeout extends Error {}

export interface PostgresCommandLockOptions {
  connectionString: string;
  /** the store's schema: one lock per installation */
  name: string;
  nodeId: string;
  /** the store's head now (the lock holder waits until this node's read models hold it) */
  headPosition: () => Promise<number>;
  /** resolves true when this node's projections have folded in `position` */
  waitForPosition: (position: number, timeoutMs: number) => Promise<boolean>;
  /** how long a command waits for the lock and then for the catch-up, default 10,000 ms each */
  timeoutMs?: number;
}

/**
 * Several API nodes (`pks serve`) on PostgreSQL: a command holds a transaction-level advisory lock
 * (`pg_advisory_xact_lock`, one key per installation) while it decides and appends. Having the lock, the node
 * first waits until its own read replica has reached the store's head, so the decision sees every command any node
 * committed before; the lock is released at COMMIT, after the append, and by the server at once when the holder's
 * process dies (its session ends). Commands of one node also queue locally, so a node holds at most one
 * connection for them.
 */
export function postgresCommandLock(options: PostgresCommandLockOptions): CommandLock {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 1, application_name: `pks-commands:${options.nodeId}`.slice(0, 63) });
  pool.on('error', () => undefined); // an idle client's connection dropped: the next command connects again
  const queue = new SerialQueue();

  return {
    kind: 'postgres-advisory-lock',
    run<T>(task: () => Promise<T>): Promise<T> {
      return queue.run(async () => {
        const client = await pool.connect();
        let broken = false;
        // the session may die under us (server restart, terminated backend): the queries fail, the client is discarded
        const onError = () => {
          broken = true;
        };
        client.on('error', onError);
        try {
          await client.query('BEGIN');
          await client.query(`SET LOCAL lock_timeout = ${Math.round(timeoutMs)}`);
          try {
            await client.query(`SELECT pg_advisory_xact_lock(hashtext('pks-commands'), hashtext($1))`, [options.name]);
          } catch (error) {
            if ((error as { code?: string }).code === '55P03') throw new CommandLockTimeout(`another node held the command lock for more than ${timeoutMs} ms`);
            throw error;
          }
          const head = await options.headPosition();
          if (!(await options.waitForPosition(head, timeoutMs))) throw new CommandLockTimeout(`this node's read models did not reach position ${head} within ${timeoutMs} ms`);
          const result = await task();
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw error;
        } finally {
          client.off('error', onError);
          client.release(broken);
        }
      });
    },
    close: () => pool.end(),
  };
}
