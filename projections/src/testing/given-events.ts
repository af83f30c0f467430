import { validateEvent, type EventInput, type StoredEvent } from '@pks/contracts';

/**
 * Test helper: turns events as a source would send them into stored events, through the real schemas (an invalid
 * event throws with the issues), numbering positions and revisions as a store would.
 */
export class EventLog {
  private position = 0;
  private readonly revisions = new Map<string, number>();
  readonly events: StoredEvent[] = [];

  constructor(private readonly recordedAt = '2026-01-01T00:00:00.000Z') {}

  /** Appends one event; `id` defaults to a running number. Returns the stored event. */
  add(type: string, data: Record<string, unknown>, options: { id?: string; recordedAt?: string; occurredAt?: string } = {}): StoredEvent {
    const input: EventInput = {
      id: options.id ?? `e${this.position + 1}`,
      type,
      data,
      metadata: { sourceSystem: 'test', ...(options.occurredAt && { occurredAt: options.occurredAt }) },
    };
    const result = validateEvent(input, options.recordedAt ?? this.recordedAt);
    if (!result.ok) throw new Error(`invalid ${type}: ${result.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`);
    this.position += 1;
    const revision = (this.revisions.get(result.event.stream) ?? -1) + 1;
    this.revisions.set(result.event.stream, revision);
    const stored: StoredEvent = { ...result.event, position: this.position, revision };
    this.events.push(stored);
    return stored;
  }
}
