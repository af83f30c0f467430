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
  /** saves all entries atomically: either every one is stored or none */
  save(snapshots: ProjectionSnapshot[]): Promise<void>;
  close(): Promise<void>;
}
