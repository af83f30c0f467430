import type { FastifyInstance } from 'fastify';
import { IngestQuery, IngestResponse } from '@pks/contracts';
import { EVENTS_BODY } from '../openapi/openapi-document.js';
import type { RouteDocs } from '../openapi/route-docs.js';
import { IngestService, type RawItem } from './ingest-service.js';
import { BodyError, itemsFromJson, parseNdjson } from './parse-ndjson.js';

export interface IngestRouteOptions {
  service: IngestService;
  docs: RouteDocs;
  maxBodyBytes: number;
  maxEventsPerRequest: number;
}

/** `POST /api/v1/events`: a JSON array or NDJSON (streamed), answered per event. */
export async function ingestRoutes(app: FastifyInstance, options: IngestRouteOptions): Promise<void> {
  const { service, maxBodyBytes, maxEventsPerRequest } = options;

  // only JSON and NDJSON here: anything else is a 415 before the body is read
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: maxBodyBytes }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(new BodyError(`the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}`, 400), undefined);
    }
  });
  app.addContentTypeParser('application/x-ndjson', (_request, payload, done) => {
    parseNdjson(payload, { maxBytes: maxBodyBytes, maxEvents: maxEventsPerRequest }).then(
      (items) => done(null, items),
      (error: unknown) => done(error as Error, undefined),
    );
  });

  options.docs.add({
    method: 'post',
    path: '/api/v1/events',
    summary: 'Append events',
    description:
      'Takes a JSON array (application/json) or NDJSON (application/x-ndjson, streamed; one event per line), up to ' +
      `${maxEventsPerRequest} events and ${Math.round(maxBodyBytes / 1048576)} MiB per request. The server picks each event’s stream. ` +
      'Answers per event: appended (with position), duplicate (same id and content seen before: nothing stored), conflict (same id, other content), ' +
      'or rejected with the line number (NDJSON) or index, the field path and a message. With ?atomic=true nothing is stored unless every event is valid. ' +
      'Malformed JSON, a wrong content type or an oversized body are refused as a whole (400, 415, 413) and nothing is stored. ' +
      'An answer means the appended events are durable. Status: 200 all appended or duplicate; 207 some stored, some not; 422 none stored because of errors.',
    tags: ['ingest'],
    roles: ['integration', 'admin'],
    query: IngestQuery,
    body: { content: { 'application/json': EVENTS_BODY, 'application/x-ndjson': EVENTS_BODY } },
    responses: {
      200: { description: 'every event appended or a duplicate', content: { 'application/json': IngestResponse } },
      207: { description: 'some events stored, some rejected or in conflict', content: { 'application/json': IngestResponse } },
      422: { description: 'nothing stored: every event failed, or an atomic request had a failure', content: { 'application/json': IngestResponse } },
      400: { description: 'malformed JSON or not a list of events; nothing stored' },
      413: { description: 'body or event count over the limit; nothing stored' },
      415: { description: 'content type is neither application/json nor application/x-ndjson' },
    },
  });

  app.post(
    '/api/v1/events',
    { config: { roles: ['integration', 'admin'] }, bodyLimit: maxBodyBytes },
    async (request, reply) => {
      const query = IngestQuery.safeParse(request.query);
      if (!query.success) throw new BodyError(`atomic must be true or false`, 400);
      const contentType = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const items: RawItem[] = contentType === 'application/x-ndjson' ? (request.body as RawItem[]) : itemsFromJson(request.body, maxEventsPerRequest);
      if (items.length === 0) throw new BodyError('the body holds no events', 400);
      const result = await service.ingest(items, { atomic: query.data.atomic, actor: request.principal?.sub });
      const failed = result.rejected + result.conflicts + result.notStored;
      reply.code(failed === 0 ? 200 : result.appended > 0 ? 207 : 422);
      return result;
    },
  );
}
