import { referenceCatalog, type ReferenceCatalogState } from '@pks/projections';
import type { EventStore } from '../event-store/event-store.js';
import { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { getInMemorySnapshotStore } from '../projection-runner/sqlite-snapshot-store.js';
import type { ProjectionSnapshot, SnapshotStore } from '../projection-runner/snapshot-store.js';

/**
 * The reference catalogue the ingest checks events against (units, slots, competences, labels), kept current from
 * the log by its own small runner. `ready()` waits until it has seen everything up to the store's head, so an
 * event may refer to a unit registered by the previous request.
 */
export class CatalogFeed {
  private readonly runner: ProjectionRunner;

  constructor(
    private readonly store: EventStore,
    /** where to start from instead of position 0 (the main runner's snapshot), read only */
    initial?: SnapshotStore,
  ) {
    const snapshots: SnapshotStore = initial
      ? {
          load: async () => {
            const mine = (await initial.load([referenceCatalog.name])).get(referenceCatalog.name);
            return new Map<string, ProjectionSnapshot>(mine ? [[mine.name, mine]] : []);
          },
          save: async () => {},
          close: async () => {},
        }
      : getInMemorySnapshotStore();
    this.runner = new ProjectionRunner({ store, projections: [referenceCatalog], snapshots, snapshotEveryEvents: Number.MAX_SAFE_INTEGER, snapshotEveryMs: Number.MAX_SAFE_INTEGER });
  }

  start(): Promise<void> {
    return this.runner.start();
  }

  get state(): ReferenceCatalogState {
    return this.runner.state<ReferenceCatalogState>(referenceCatalog.name);
  }

  async ready(timeoutMs = 30_000): Promise<void> {
    const head = await this.store.headPosition();
    if (!(await this.runner.waitForPosition(head, timeoutMs))) throw new Error('the reference catalogue is behind the store; try again');
  }

  stop(): Promise<void> {
    return this.runner.stop({ snapshot: false });
  }
}
