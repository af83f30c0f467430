import type { z } from 'zod';
import { EVENT_TYPES, eventDataSchemas, isEventType, streamFor, type EventType } from '../events/catalogue.js';
import { EventInput, type NewEvent } from './envelope.js';
import { parseEnvelopeFast } from './envelope-fast-path.js';

export interface ValidationIssue {
  /** where in the event, e.g. `data.slots[0].code` */
  path: string;
  message: string;
}

export type ValidationResult =
  | { ok: true; event: NewEvent<EventType> }
  | { ok: false; issues: ValidationIssue[] };

export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(event)' : out;
}

export function zodIssues(error: z.ZodError, prefix: PropertyKey[] = []): ValidationIssue[] {
  return error.issues.map((issue) => ({
    path: formatPath([...prefix, ...issue.path]),
    message: issue.message,
  }));
}

/**
 * Checks one event as a source sent it: the envelope, then the data against the schema of its type. Stateless: it
 * does not know which units, slots or competences exist (see the reference catalogue for that).
 * `recordedAt` is the server's clock, passed in.
 */
export function validateEvent(raw: unknown, recordedAt: string): ValidationResult {
  let parsed = parseEnvelopeFast(raw);
  if (parsed === null) {
    const envelope = EventInput.safeParse(raw);
    if (!envelope.success) return { ok: false, issues: zodIssues(envelope.error) };
    parsed = envelope.data;
  }
  const { id, type, data, metadata } = parsed;
  if (!isEventType(type)) {
    return {
      ok: false,
      issues: [{ path: 'type', message: `unknown event type '${type}'; expected one of ${EVENT_TYPES.join(', ')}` }],
    };
  }
  const checked = eventDataSchemas[type].safeParse(data);
  if (!checked.success) return { ok: false, issues: zodIssues(checked.error, ['data']) };
  const eventData = checked.data as Record<string, unknown>;
  return {
    ok: true,
    event: {
      id,
      type,
      stream: streamFor(type, eventData),
      data: eventData,
      metadata: {
        sourceSystem: metadata.sourceSystem,
        occurredAt: metadata.occurredAt ?? recordedAt,
        recordedAt,
        ...(metadata.correlationId !== undefined && { correlationId: metadata.correlationId }),
        ...(metadata.causationId !== undefined && { causationId: metadata.causationId }),
        ...(metadata.actor !== undefined && { actor: metadata.actor }),
      },
    },
  };
}
