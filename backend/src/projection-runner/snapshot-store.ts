/** Where the runner keeps projection state and checkpoints, written together so a crash leaves them consistent. */
export interface ProjectionSnapshot {
  name: string;
  version: number;
  /** the last event position folded into `state` */
  position: number;
  state: unknown;
}

export interface SnapshotStore {
  /**
   * the saved snapshots, or only those of `names` when given: a runner of one small projection must not decode
   * every other projection's state (a medium year's snapshots are 845 MB)
   */
  load(names?: readonly string[]): Promise<Map<string, ProjectionSnapshot>>;
  /**
   * saves all entries atomically: either every one is stored or none. It must take its copy of the states before
   * its first `await` (the runner goes on folding events into them while the write is under way).
   */
  save(snapshots: ProjectionSnapshot[]): Promise<void>;
  close(): Promise<void>;
}
