import type { EventInput } from '@pks/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore } from '../event-store/event-store.js';
import { getSQLiteEventStore } from '../event-store/sqlite/sqlite-event-store.js';
import { CatalogFeed } from '../ingest/catalog-feed.js';
import { IngestService, type RawItem } from '../ingest/ingest-service.js';
import { createHospital } from './create-hospital.js';
import { simulatedFault } from './faults.js';
import { generateEvents } from './generate-events.js';
import { setupEvents } from './setup-events.js';

/** The simulated feed through the real ingest (schemas, reference checks, idempotent append) into SQLite. */
describe('simulated events through the ingest', () => {
  let store: EventStore;
  let catalog: CatalogFeed;
  let ingest: IngestService;

  beforeAll(async () => {
    store = getSQLiteEventStore({ path: ':memory:' });
    catalog = new CatalogFeed(store);
    await catalog.start();
    ingest = new IngestService(store, catalog, () => '2026-09-08T00:00:00.000Z');
  });

  afterAll(async () => {
    await catalog.stop();
    await store.close();
  });

  it('appends everything but the intentional faults: invalid ones are rejected, re-sends are duplicates', async () => {
    const hospital = createHospital({ scale: 'tiny', seed: 12 });
    const from = '2026-09-07T00:00:00+02:00';
    const setup = await ingest.ingest(items(setupEvents(hospital, { at: from })), { atomic: true });
    expect(setup.rejected).toBe(0);
    expect(setup.appended).toBe(setup.received);

    const events = [...generateEvents({ hospital, seed: 12, from, to: '2026-09-09T00:00:00+02:00', prologue: true, faults: { invalidRate: 0.005, duplicateRate: 0.005 } })];
    const totals = { appended: 0, duplicates: 0, rejected: 0, conflicts: 0 };
    for (let i = 0; i < events.length; i += 1000) {
      const batch = events.slice(i, i + 1000);
      const r = await ingest.ingest(items(batch), { atomic: false });
      totals.appended += r.appended;
      totals.duplicates += r.duplicates;
      totals.rejected += r.rejected;
      totals.conflicts += r.conflicts;
      r.results.forEach((result, j) => {
        const fault = simulatedFault(batch[j]!);
        if (result.status === 'rejected') expect(fault, `${batch[j]!.id}: ${JSON.stringify(result.errors)}`).toBe('invalid');
        else if (result.status === 'duplicate') expect(fault).toBe('duplicate');
        else expect(result.status, batch[j]!.id).toBe('appended');
      });
    }
    const invalid = events.filter((e) => simulatedFault(e) === 'invalid').length;
    const duplicates = events.filter((e) => simulatedFault(e) === 'duplicate').length;
    expect(totals).toEqual({ appended: events.length - invalid - duplicates, duplicates, rejected: invalid, conflicts: 0 });
    expect(invalid).toBeGreaterThan(0);
    expect(duplicates).toBeGreaterThan(0);
  });
});

function items(events: EventInput[]): RawItem[] {
  return events.map((value, i) => ({ index: i + 1, value }));
}
