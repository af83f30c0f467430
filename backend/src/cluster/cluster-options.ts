import type { PlatformConfig } from '../config/config.js';
import { eventStoreConfigOf } from './node-resources.js';
import { alwaysLeader, type LeaderElection } from './leader-election.js';
import { postgresLeaderLock } from './postgres-leader-lock.js';

export interface ClusterOptions {
  /** PKS_LEADER_LOCK: postgres (an advisory lock; the default with PKS_STORE=postgres) or none (always leader: run one `pks project` only) */
  leaderLock: 'postgres' | 'none';
  /** PKS_LEADER_RETRY_MS: how often a standby tries the lock, default 500 */
  retryMs: number;
  /** PKS_LEADER_CHECK_MS: how often the leader checks its lock connection, default 1,000 (a check may take up to twice that) */
  checkMs: number;
}

export function clusterOptionsFromEnv(env: NodeJS.ProcessEnv, config: PlatformConfig): ClusterOptions {
  const lock = env.PKS_LEADER_LOCK || (config.store === 'postgres' ? 'postgres' : 'none');
  if (lock !== 'postgres' && lock !== 'none') throw new Error(`PKS_LEADER_LOCK must be postgres or none, not '${lock}'`);
  if (lock === 'postgres' && config.store !== 'postgres') throw new Error('PKS_LEADER_LOCK=postgres needs PKS_STORE=postgres (the lock lives in the event database)');
  const num = (v: string | undefined, fallback: number) => (v ? Number(v) : fallback);
  return {
    leaderLock: lock,
    retryMs: num(env.PKS_LEADER_RETRY_MS, 500),
    checkMs: num(env.PKS_LEADER_CHECK_MS, 1000),
  };
}

export function leaderElectionFor(config: PlatformConfig, options: ClusterOptions, log: (line: string) => void): LeaderElection {
  if (options.leaderLock === 'none') return alwaysLeader();
  const store = eventStoreConfigOf(config);
  return postgresLeaderLock({
    connectionString: store.url,
    name: store.schema ?? 'pks',
    nodeId: config.nodeId,
    retryMs: options.retryMs,
    checkMs: options.checkMs,
    checkTimeoutMs: options.checkMs * 2,
    log,
  });
}
