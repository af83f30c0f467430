import type { Readable } from 'node:stream';
import type { RawItem } from './ingest-service.js';

export class BodyError extends Error {
  constructor(
    message: string,
    readonly statusCode: number,
    readonly line?: number,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

/**
 * Reads an NDJSON body as it streams in: one JSON object per line, blank lines skipped. Any line that is not a JSON
 * object fails the whole request (400, with its line number); so does a body over `maxBytes` (413) or more than
 * `maxEvents` events (413). Nothing is stored in those cases because storing starts only after the body is read.
 */
export async function parseNdjson(stream: Readable, limits: { maxBytes: number; maxEvents: number }): Promise<RawItem[]> {
  const items: RawItem[] = [];
  let bytes = 0;
  let rest = '';
  let line = 0;
  const take = (text: string) => {
    line += 1;
    const trimmed = text.trim();
    if (trimmed === '') return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (error) {
      throw new BodyError(`line ${line} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, 400, line);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new BodyError(`line ${line} must be one JSON object (an event)`, 400, line);
    }
    if (items.length >= limits.maxEvents) throw new BodyError(`more than ${limits.maxEvents} events in one request; split the body`, 413);
    items.push({ index: items.length + 1, line, value });
  };
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) {
    bytes += Buffer.byteLength(chunk);
    if (bytes > limits.maxBytes) {
      stream.destroy();
      throw new BodyError(`the body is larger than ${limits.maxBytes} bytes; split it into several requests`, 413);
    }
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  if (rest !== '') take(rest);
  return items;
}

/** A JSON body: an array of events, or one event object. */
export function itemsFromJson(body: unknown, maxEvents: number): RawItem[] {
  const values = Array.isArray(body) ? body : typeof body === 'object' && body !== null ? [body] : null;
  if (values === null) throw new BodyError('the body must be a JSON array of events (or one event object)', 400);
  if (values.length > maxEvents) throw new BodyError(`more than ${maxEvents} events in one request; split the body`, 413);
  return values.map((value, i) => ({ index: i + 1, value }));
}
