import { z } from 'zod';
import { EVENT_DESCRIPTIONS, EVENT_TYPES, ErrorResponse, EventMetadataInput, EventId, eventDataSchemas } from '@pks/contracts';
import type { RouteDocs } from './route-docs.js';

type Json = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): Json =>
  z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any', reused: 'inline' }) as Json;

/** Per event type: the envelope a source sends, with `type` fixed and `data` the type's schema. */
function eventSchemas(): { components: Record<string, Json>; oneOf: Json[] } {
  const components: Record<string, Json> = {};
  const oneOf: Json[] = [];
  for (const type of EVENT_TYPES) {
    components[`${type}Data`] = { ...toSchema(eventDataSchemas[type], 'input'), description: EVENT_DESCRIPTIONS[type] };
    components[type] = {
      type: 'object',
      description: EVENT_DESCRIPTIONS[type],
      required: ['id', 'type', 'data'],
      additionalProperties: false,
      properties: {
        id: { ...toSchema(EventId, 'input'), description: 'the source’s idempotency key' },
        type: { type: 'string', enum: [type] },
        data: { $ref: `#/components/schemas/${type}Data` },
        metadata: toSchema(EventMetadataInput, 'input'),
      },
    };
    oneOf.push({ $ref: `#/components/schemas/${type}` });
  }
  return { components, oneOf };
}

function queryParameters(schema: z.ZodType): Json[] {
  const json = toSchema(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, Json>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: required.has(name),
    ...(typeof s.description === 'string' && { description: s.description }),
    schema: s,
  }));
}

/** The OpenAPI 3.0 document, generated from the contracts the routes registered with. */
export function buildOpenApiDocument(docs: RouteDocs, info: { version: string; serverUrl?: string }): Json {
  const events = eventSchemas();
  const paths: Record<string, Record<string, Json>> = {};
  for (const route of docs.routes) {
    const responses: Record<string, Json> = {};
    for (const [code, r] of Object.entries(route.responses)) {
      responses[code] = {
        description: r.description,
        ...(r.content && {
          content: Object.fromEntries(
            Object.entries(r.content).map(([type, schema]) => [type, { schema: schema === 'text' ? { type: 'string' } : toSchema(schema, 'output') }]),
          ),
        }),
      };
    }
    if (route.roles !== 'public') {
      responses['401'] ??= { description: 'no or invalid bearer token', content: { 'application/json': { schema: toSchema(ErrorResponse, 'output') } } };
      responses['403'] ??= { description: 'the token’s role or scope does not allow this', content: { 'application/json': { schema: toSchema(ErrorResponse, 'output') } } };
    }
    const operation: Json = {
      summary: route.summary,
      ...(route.description && { description: route.description }),
      tags: route.tags,
      ...(route.roles === 'public' ? { security: [] } : {}),
      ...(Array.isArray(route.roles) && { 'x-roles': route.roles }),
      ...(route.query && { parameters: queryParameters(route.query) }),
      ...(route.body && {
        requestBody: {
          required: true,
          ...(route.body.description && { description: route.body.description }),
          content: Object.fromEntries(
            Object.entries(route.body.content).map(([type, schema]) => [type, { schema: schema === EVENTS_BODY ? { type: 'array', items: { oneOf: events.oneOf } } : toSchema(schema, 'input') }]),
          ),
        },
      }),
      responses,
    };
    (paths[route.path] ??= {})[route.method] = operation;
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'PKS staffing monitor API',
      version: info.version,
      description:
        'Real-time staffing monitor for Swedish healthcare (produktions- och kapacitetsstyrning). Every route needs a bearer token (JWT) except health and this document.',
    },
    ...(info.serverUrl && { servers: [{ url: info.serverUrl }] }),
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: events.components,
    },
  };
}

/** Marker for a body that is a list of catalogue events (documented as oneOf the per-type envelopes). */
export const EVENTS_BODY: z.ZodType = z.array(z.unknown()).describe('events');
