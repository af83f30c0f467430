import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Principal, Role } from '@pks/contracts';
import type { RouteDocs } from '../openapi/route-docs.js';
import type { ProjectionRunner } from '../projection-runner/projection-runner.js';
import { toCsv } from './csv.js';

export const READ_ROLES: readonly Role[] = ['manager', 'staffing-centre', 'tactical', 'admin'];

export interface ReadModelRoute<P> {
  path: string;
  summary: string;
  description: string;
  params: z.ZodType<P>;
  response: z.ZodType;
  roles?: readonly Role[];
  /** the answer without `position`; throws AuthError/BodyError for scope and input problems */
  handle(principal: Principal, params: P, now: string): Record<string, unknown> & { rows: Record<string, unknown>[] };
  /** columns of the CSV, in order (default: keys of the first row) */
  csvColumns?: readonly string[];
  /** file name stem for CSV downloads */
  csvName: string;
  /**
   * Optional: answers served from a cache of serialised JSON answers, shared by every caller whose answer is the
   * same. Called for every JSON request (also on a hit): checks scope like `handle` (throws AuthError/BodyError)
   * and tells what the answer depends on besides the log position and `asOf`, how to compute it, and what to record
   * for this read (audit), which runs for every request, from the cache or not.
   */
  cached?(principal: Principal, params: P, now: string): CachedRead;
}

export type ReadModelAnswer = Record<string, unknown> & { rows: Record<string, unknown>[] };

export interface CachedRead<F = any> {
  /** everything the answer depends on besides the log position and `asOf`: units (after the scope check), period, presentation */
  key: string;
  /** the answer (as `handle` gives it) and the facts `served` needs */
  compute(): { answer: ReadModelAnswer; facts: F };
  /** per-read side effects (audit), for every request */
  served?(facts: F): void;
}

interface CachedAnswer {
  /** the answer without `asOf` and without `position`, serialised and UTF-8 encoded (encoded once, not per request): '{…}' */
  body: Buffer;
  facts: unknown;
}

/**
 * Serialised answers of the current log position, keyed by route and what the answer depends on. Every entry is
 * dropped when the position moves (any change), so an answer is only ever served for the state it was computed
 * from. Bounded by entries and bytes (oldest dropped first).
 */
export class AnswerCache {
  private position = -1;
  private readonly entries = new Map<string, CachedAnswer>();
  private bytes = 0;

  constructor(private readonly limits: { maxEntries: number; maxBytes: number } = { maxEntries: 64, maxBytes: 64 * 1024 * 1024 }) {}

  get size(): number {
    return this.entries.size;
  }

  get(key: string, position: number): CachedAnswer | undefined {
    if (position !== this.position) {
      this.clear();
      this.position = position;
      return undefined;
    }
    const entry = this.entries.get(key);
    if (entry) {
      // most recently used last
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, position: number, entry: CachedAnswer): void {
    if (position !== this.position) {
      this.clear();
      this.position = position;
    }
    if (entry.body.length > this.limits.maxBytes) return;
    const old = this.entries.get(key);
    if (old) {
      this.bytes -= old.body.length;
      this.entries.delete(key);
    }
    while (this.entries.size > 0 && (this.entries.size >= this.limits.maxEntries || this.bytes + entry.body.length > this.limits.maxBytes)) {
      const [oldest, dropped] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      this.bytes -= dropped.body.length;
    }
    this.entries.set(key, entry);
    this.bytes += entry.body.length;
  }

  clear(): void {
    this.entries.clear();
    this.bytes = 0;
  }
}

/**
 * `{"position":N,"asOf":"…",…}` from a cached body: the same JSON as `{ position, ...answer }` with `asOf` first.
 * Two chunks, the cached body not copied (no large allocation per request: it would drive the GC of a big heap).
 */
function assemble(position: number, asOf: string, body: Buffer): Buffer[] {
  if (body.length <= 2) return [Buffer.from(`{"position":${position},"asOf":${JSON.stringify(asOf)}}`)];
  return [Buffer.from(`{"position":${position},"asOf":${JSON.stringify(asOf)},`), body.subarray(1)];
}

const MinPosition = z.object({
  minPosition: z.coerce.number().int().min(0).optional().describe('wait (up to 5 s) until the read model reflects at least this log position'),
});

/**
 * A GET route over a read model: validates the query string with the model's zod schema, waits for `minPosition`
 * if asked (read-your-writes), answers JSON with the log position it reflects, or CSV with `Accept: text/csv`.
 */
export function registerReadModelRoute<P>(app: FastifyInstance, docs: RouteDocs, runner: ProjectionRunner, route: ReadModelRoute<P>, cache: AnswerCache = new AnswerCache()): void {
  const roles = route.roles ?? READ_ROLES;
  docs.add({
    method: 'get',
    path: route.path,
    summary: route.summary,
    description: `${route.description} Answers JSON, or CSV of \`rows\` with \`Accept: text/csv\`. Every answer carries the log position it reflects (header \`X-Log-Position\` for CSV).`,
    tags: ['read models'],
    roles,
    query: [route.params, MinPosition],
    responses: {
      200: { description: 'the read model', content: { 'application/json': route.response, 'text/csv': 'text' } },
      400: { description: 'invalid query parameters' },
      404: { description: 'unknown unit or department' },
    },
  });
  app.get(route.path, { config: { roles } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const query = request.query as Record<string, unknown>;
    const wait = MinPosition.safeParse(query);
    if (wait.success && wait.data.minPosition !== undefined) await runner.waitForPosition(wait.data.minPosition, 5000);
    const rest = { ...query };
    delete rest.minPosition;
    const params = route.params.parse(rest);
    const position = runner.position;
    const now = new Date().toISOString();
    const accept = String(request.headers.accept ?? '');
    const csv = accept.includes('text/csv');
    if (route.cached && !csv) {
      // scope check and audit for this caller on every request; only the computed, serialised answer is shared
      const read = route.cached(request.principal!, params, now);
      const key = `${route.path}\u0000${read.key}`;
      let entry = cache.get(key, position);
      if (!entry) {
        const { answer, facts } = read.compute();
        const { asOf: _asOf, ...rest } = answer;
        entry = { body: Buffer.from(JSON.stringify(rest)), facts };
        cache.set(key, position, entry);
      }
      read.served?.(entry.facts);
      const chunks = assemble(position, now, entry.body);
      reply.type('application/json; charset=utf-8').header('content-length', String(chunks.reduce((n, c) => n + c.length, 0)));
      return Readable.from(chunks, { objectMode: false });
    }
    let result: ReadModelAnswer;
    if (route.cached) {
      const read = route.cached(request.principal!, params, now);
      const { answer, facts } = read.compute();
      read.served?.(facts);
      result = answer;
    } else {
      result = route.handle(request.principal!, params, now);
    }
    if (csv) {
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${route.csvName}.csv"`)
        .header('x-log-position', String(position));
      return toCsv(result.rows as Record<string, string | number | boolean | null>[], route.csvColumns);
    }
    return { position, ...result };
  });
}
