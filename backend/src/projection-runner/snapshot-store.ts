/** Where the runner keeps projection state and checkpoints, written together so a crash leaves them consistent. */
export interface ProjectionSnapshot {
  name: string;
  version: number;
  /** the last event position folded into `state` */
  position: number;
  state: unknown;
}

export interface SnapshotStore {
  load(): Promise<Map<string, ProjectionSnapshot>>;
  /**
   * saves all entries atomically: either every one is stored or none. It must take its copy of the states before
   * its first `await` (the runner goes on folding events into them while the write is under way).
   */
  save(snapshots: ProjectionSnapshot[]): Promise<void>;
  close(): Promise<void>;
}
