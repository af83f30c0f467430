import type { StoredEvent } from '@pks/contracts';
import type { SubscribeOptions, Subscription } from './event-store.js';

export interface CatchUpSource {
  readAll(after: number, limit: number): Promise<StoredEvent[]>;
  /**
   * resolves when new events may be there: a local append, a notification, or a poll tick; at once when the change
   * counter is no longer `seen` (a change came while the subscription was reading)
   */
  waitForChange(signal: AbortSignal, seen?: number): Promise<void>;
  /** the change counter (see `changeSignal`), read before each read so that no change between read and wait is missed */
  version?(): number;
}

/** What an adapter's appends and notifications wake, counted so a subscription never waits on a change it missed. */
export interface ChangeSignal {
  /** a change: wakes every waiting subscription */
  notify(): void;
  version(): number;
  waitForChange(signal: AbortSignal, seen?: number): Promise<void>;
}

/** A change signal whose waits also end after `pollIntervalMs` (the safety net for changes nobody notified). */
export function changeSignal(pollIntervalMs: number): ChangeSignal {
  const waiters = new Set<() => void>();
  let version = 0;
  return {
    notify() {
      version += 1;
      for (const done of waiters) done();
      waiters.clear();
    },
    version: () => version,
    waitForChange(signal, seen) {
      if ((seen !== undefined && seen !== version) || signal.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, pollIntervalMs);
        waiters.add(done);
        signal.addEventListener('abort', done);
      });
    },
  };
}

/**
 * Catch-up then live over any store: it always reads `position > last delivered`, so the switch from catch-up to
 * live can neither skip nor repeat an event. Adapters give it a read function and a change signal.
 */
export function catchUpSubscription(source: CatchUpSource, options: SubscribeOptions): Subscription {
  const batchSize = options.batchSize ?? 1000;
  const abort = new AbortController();
  let position = options.from;
  let catchingUp = true;

  const loop = (async () => {
    while (!abort.signal.aborted) {
      const seen = source.version?.();
      const batch = await source.readAll(position, batchSize);
      if (abort.signal.aborted) return;
      if (batch.length > 0) {
        catchingUp = batch.length === batchSize;
        await options.onEvents(batch);
        position = batch[batch.length - 1]!.position;
        // a long catch-up must not starve the process: let timers and I/O run between batches (a synchronous store
        // and a synchronous onEvents would otherwise keep the loop in microtasks until the head)
        if (catchingUp) await new Promise<void>((resolve) => setImmediate(resolve));
        continue;
      }
      catchingUp = false;
      await source.waitForChange(abort.signal, seen);
    }
  })().catch((error: unknown) => {
    if (abort.signal.aborted) return;
    abort.abort();
    if (options.onError) options.onError(error);
    else console.error('subscription stopped:', error);
  });

  return {
    get position() {
      return position;
    },
    get catchingUp() {
      return catchingUp;
    },
    async stop() {
      abort.abort();
      await loop;
    },
  };
}
