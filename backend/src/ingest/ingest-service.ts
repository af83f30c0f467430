import {
  SERVER_ONLY_EVENT_TYPES,
  validateEvent,
  type EventType,
  type IngestItemResult,
  type IngestResponse,
  type NewEvent,
} from '@pks/contracts';
import { checkReferences, cloneCatalog, evolveCatalog, REFERENCE_EVENT_TYPES } from '@pks/projections';
import type { EventStore } from '../event-store/event-store.js';
import type { CatalogFeed } from './catalog-feed.js';

/** One event as it arrived, before validation. */
export interface RawItem {
  /** 1-based number in the request */
  index: number;
  /** 1-based line in an NDJSON body */
  line?: number;
  value: unknown;
}

export interface IngestOptions {
  atomic: boolean;
  /** recorded as metadata.actor when the source gave none */
  actor?: string;
}

/**
 * Validates events (schemas, then references against the catalogue, including reference events earlier in the
 * same request), appends the valid ones in one durable transaction, and answers per event. With `atomic`, nothing
 * is stored unless every event is valid and none conflicts.
 */
export class IngestService {
  constructor(
    private readonly store: EventStore,
    private readonly catalog: CatalogFeed,
    private readonly now: () => string = () => new Date().toISOString(),
  ) {}

  async ingest(items: RawItem[], options: IngestOptions): Promise<IngestResponse> {
    await this.catalog.ready();
    const recordedAt = this.now();
    const hasReferenceEvents = items.some((i) => isRecord(i.value) && REFERENCE_EVENT_TYPES.has(String(i.value.type)));
    const working = hasReferenceEvents ? cloneCatalog(this.catalog.state) : this.catalog.state;

    const results: IngestItemResult[] = new Array(items.length);
    const valid: { slot: number; event: NewEvent<EventType> }[] = [];
    items.forEach((item, slot) => {
      const base = { index: item.index, ...(item.line !== undefined && { line: item.line }) };
      const id = isRecord(item.value) && typeof item.value.id === 'string' ? item.value.id : undefined;
      const checked = validateEvent(item.value, recordedAt);
      if (!checked.ok) {
        results[slot] = { ...base, ...(id !== undefined && { id }), status: 'rejected', errors: checked.issues };
        return;
      }
      // alert lifecycle and rule configuration come from the server's own engine and APIs, never from a source
      const issues = SERVER_ONLY_EVENT_TYPES.has(checked.event.type)
        ? [{ path: 'type', message: `${checked.event.type} is appended by the server only (alert engine, /api/v1/alerts and /api/v1/alert-rules); sources cannot send it` }]
        : checkReferences(working, checked.event);
      if (issues.length > 0) {
        results[slot] = { ...base, id: checked.event.id, status: 'rejected', errors: issues };
        return;
      }
      if (hasReferenceEvents && REFERENCE_EVENT_TYPES.has(checked.event.type)) evolveCatalog(working, checked.event);
      if (options.actor !== undefined && checked.event.metadata.actor === undefined) checked.event.metadata.actor = options.actor;
      valid.push({ slot, event: checked.event });
      results[slot] = { ...base, id: checked.event.id, status: 'not-stored' };
    });

    const anyRejected = valid.length < items.length;
    if (!(options.atomic && anyRejected) && valid.length > 0) {
      const outcomes = await this.store.appendBatch(
        valid.map((v) => v.event),
        { atomic: options.atomic },
      );
      outcomes.forEach((outcome, i) => {
        const slot = valid[i]!.slot;
        const r = results[slot]!;
        switch (outcome.status) {
          case 'appended':
          case 'duplicate':
            results[slot] = { ...r, status: outcome.status, position: outcome.position };
            break;
          case 'conflict':
            results[slot] = { ...r, status: 'conflict', position: outcome.position, errors: [{ path: 'id', message: outcome.message }] };
            break;
          case 'not-stored':
            results[slot] = { ...r, status: 'not-stored' };
            break;
        }
      });
    }

    const count = (status: IngestItemResult['status']) => results.reduce((n, r) => (r.status === status ? n + 1 : n), 0);
    return {
      atomic: options.atomic,
      received: items.length,
      appended: count('appended'),
      duplicates: count('duplicate'),
      rejected: count('rejected'),
      conflicts: count('conflict'),
      notStored: count('not-stored'),
      position: await this.store.headPosition(),
      results,
    };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
