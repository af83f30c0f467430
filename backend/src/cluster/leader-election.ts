/**
 * Exactly one projection runner publishes live changes and writes the shared snapshot: the leader. Every other
 * `pks project` node is a hot standby (it follows the log too) and takes over when the leader's lock is gone.
 */
export interface LeaderElection {
  /** `postgres-advisory-lock`, `none` */
  readonly kind: string;
  readonly isLeader: boolean;
  /**
   * Starts campaigning; `onChange(true)` when this node becomes leader, `onChange(false)` when it must stop
   * acting as one (lock lost). Calls never overlap: the next waits until the previous one resolved.
   */
  start(onChange: (leader: boolean) => void | Promise<void>): void;
  /** stops campaigning and releases the lock (a standby may take over at once) */
  stop(): Promise<void>;
}

/** No election: this node is always the leader (one projection node, no standby: SQLite, or a single runner). */
export function alwaysLeader(): LeaderElection {
  let leader = false;
  let notify: ((leader: boolean) => void | Promise<void>) | null = null;
  return {
    kind: 'none',
    get isLeader() {
      return leader;
    },
    start(onChange) {
      notify = onChange;
      leader = true;
      void Promise.resolve(onChange(true)).catch((error: unknown) => console.error('leader start failed:', error));
    },
    async stop() {
      if (leader) {
        leader = false;
        await notify?.(false);
      }
    },
  };
}

/** Serialises role changes: each waits for the previous handler, so promote and demote never interleave. */
export function serialised(onChange: (leader: boolean) => void | Promise<void>, log: (line: string) => void): (leader: boolean) => Promise<void> {
  let chain: Promise<void> = Promise.resolve();
  return (leader) => {
    chain = chain.then(async () => {
      try {
        await onChange(leader);
      } catch (error) {
        log(`leader ${leader ? 'promotion' : 'demotion'} failed: ${error instanceof Error ? error.stack : String(error)}`);
      }
    });
    return chain;
  };
}
