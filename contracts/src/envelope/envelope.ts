import { z } from 'zod';
import { Instant } from '../primitives/scalars.js';
import type { EventData, EventType } from '../events/catalogue.js';

/** The source's idempotency key. Any printable text without line breaks. */
export const EventId = z
  .string()
  .min(1, 'an event needs an id (the source’s idempotency key)')
  .max(200)
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'must not contain control characters');

const TraceId = z.string().min(1).max(200);

/** Metadata as a source sends it. */
export const EventMetadataInput = z.strictObject({
  sourceSystem: z.string().min(1).max(100).default('unknown'),
  /** when it happened in the source; defaults to when we recorded it */
  occurredAt: Instant.optional(),
  correlationId: TraceId.optional(),
  causationId: TraceId.optional(),
  /** who or what caused it (user id, client id); never a patient */
  actor: TraceId.optional(),
});

/** An event as a source sends it to `POST /api/v1/events`. `data` is checked against the schema of `type`. */
export const EventInput = z.strictObject({
  id: EventId,
  type: z.string().min(1).max(100),
  data: z.record(z.string(), z.unknown()),
  metadata: EventMetadataInput.default({ sourceSystem: 'unknown' }),
});
export type EventInput = z.input<typeof EventInput>;

/** Metadata as stored: the source's, plus recordedAt set by the server. */
export const EventMetadata = z.object({
  sourceSystem: z.string(),
  occurredAt: z.string(),
  recordedAt: z.string(),
  correlationId: z.string().optional(),
  causationId: z.string().optional(),
  actor: z.string().optional(),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

/** An event ready to append: validated, with its stream chosen. */
export interface NewEvent<T extends string = string, D = Record<string, unknown>> {
  id: string;
  type: T;
  stream: string;
  data: D;
  metadata: EventMetadata;
}

/** An event as read back from the store. */
export interface StoredEvent<T extends string = string, D = Record<string, unknown>> extends NewEvent<T, D> {
  /** global position in the log, 1-based, gap-free within one store */
  position: number;
  /** revision within its stream, 0-based */
  revision: number;
}

export const StoredEventSchema = z.object({
  position: z.number().int().positive(),
  revision: z.number().int().nonnegative(),
  id: z.string(),
  type: z.string(),
  stream: z.string(),
  data: z.record(z.string(), z.unknown()),
  metadata: EventMetadata,
});

/** A stored event of a known type, with typed data. */
export type DomainEvent = {
  [T in EventType]: StoredEvent<T, EventData<T>>;
}[EventType];
