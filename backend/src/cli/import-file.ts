import { createReadStream, readFileSync, statSync } from 'node:fs';
import type { IngestResponse } from '@pks/contracts';
import type { IngestService, RawItem } from '../ingest/ingest-service.js';
import { BodyError, itemsFromJson } from '../ingest/parse-ndjson.js';

export interface ImportSummary {
  received: number;
  appended: number;
  duplicates: number;
  rejected: number;
  conflicts: number;
  notStored: number;
  /** the first rejections, with line and reason */
  firstErrors: { line?: number; index: number; id?: string; errors: { path: string; message: string }[] }[];
}

/**
 * Imports an NDJSON file (streamed, in batches) or a JSON array file through the same validation as the API.
 * NDJSON lines that are not JSON are reported as rejected with their line number and the import goes on.
 */
export async function importFile(
  path: string,
  service: IngestService,
  options: { batchSize?: number; atomic?: boolean; actor?: string; onProgress?: (bytes: number, total: number, summary: ImportSummary) => void },
): Promise<ImportSummary> {
  const summary: ImportSummary = { received: 0, appended: 0, duplicates: 0, rejected: 0, conflicts: 0, notStored: 0, firstErrors: [] };
  const total = statSync(path).size;
  const add = (r: IngestResponse) => {
    summary.received += r.received;
    summary.appended += r.appended;
    summary.duplicates += r.duplicates;
    summary.rejected += r.rejected;
    summary.conflicts += r.conflicts;
    summary.notStored += r.notStored;
    for (const item of r.results) {
      if ((item.status === 'rejected' || item.status === 'conflict') && summary.firstErrors.length < 20) {
        summary.firstErrors.push({ ...(item.line !== undefined && { line: item.line }), index: item.index, ...(item.id !== undefined && { id: item.id }), errors: item.errors ?? [] });
      }
    }
  };
  const ingestOptions = { atomic: options.atomic === true, ...(options.actor !== undefined && { actor: options.actor }) };

  if (path.endsWith('.json')) {
    let body: unknown;
    try {
      body = JSON.parse(readFileSync(path, 'utf8'));
    } catch (error) {
      throw new BodyError(`${path} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, 400);
    }
    add(await service.ingest(itemsFromJson(body, Number.MAX_SAFE_INTEGER), ingestOptions));
    options.onProgress?.(total, total, summary);
    return summary;
  }

  if (options.atomic) throw new BodyError('--atomic is only for JSON files; an NDJSON import goes in batches', 400);
  const batchSize = options.batchSize ?? 5000;
  let batch: RawItem[] = [];
  let unparsable: IngestResponse['results'] = [];
  let bytes = 0;
  let line = 0;
  let index = 0;
  let rest = '';
  const flush = async () => {
    if (batch.length > 0) add(await service.ingest(batch, ingestOptions));
    if (unparsable.length > 0) {
      add({ atomic: false, received: unparsable.length, appended: 0, duplicates: 0, rejected: unparsable.length, conflicts: 0, notStored: 0, position: 0, results: unparsable });
    }
    batch = [];
    unparsable = [];
    options.onProgress?.(bytes, total, summary);
  };
  const take = (text: string) => {
    line += 1;
    if (text.trim() === '') return;
    index += 1;
    try {
      batch.push({ index, line, value: JSON.parse(text) });
    } catch (error) {
      unparsable.push({ index, line, status: 'rejected', errors: [{ path: '(line)', message: `not valid JSON: ${error instanceof Error ? error.message : String(error)}` }] });
    }
  };
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<string>) {
    bytes += Buffer.byteLength(chunk);
    const text = rest + chunk;
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      take(text.slice(start, nl));
      start = nl + 1;
      if (batch.length >= batchSize) await flush();
    }
    rest = text.slice(start);
  }
  if (rest !== '') take(rest);
  await flush();
  return summary;
}
