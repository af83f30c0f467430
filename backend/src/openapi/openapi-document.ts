import { z } from 'zod';
import { EVENT_DESCRIPTIONS, EVENT_TYPES, ErrorResponse, EventMetadataInput, EventId, eventDataSchemas } from '@pks/contracts';
import type { RouteDocs } from './route-docs.js';

type Json = Record<string, unknown>;

/** Named schemas (`.meta({ id })`) found while converting; they go to components.schemas. */
let components: Record<string, Json> = {};

/**
 * A zod schema as OpenAPI 3.0 JSON schema. Schemas with an id become components (named `<id>` for responses,
 * `<id>Input` for request shapes, which may differ by defaults) and are referenced from where they are used.
 */
const toSchema = (schema: z.ZodType, io: 'input' | 'output'): Json => {
  const json = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any', reused: 'inline' }) as Json;
  const defs = (json.definitions ?? json.$defs) as Record<string, Json> | undefined;
  delete json.definitions;
  delete json.$defs;
  const name = (id: string) => (io === 'input' ? `${id}Input` : id);
  const rewrite = (value: Json): Json =>
    JSON.parse(JSON.stringify(value).replace(/"#\/(?:definitions|\$defs)\/([^"]+)"/g, (_m, id: string) => `"#/components/schemas/${name(id)}"`)) as Json;
  for (const [id, def] of Object.entries(defs ?? {})) components[name(id)] ??= rewrite(def);
  return rewrite(json);
};

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

function queryParameters(schemas: z.ZodType[]): Json[] {
  const properties: Record<string, Json> = {};
  const required = new Set<string>();
  const collect = (json: Json) => {
    if (typeof json.$ref === 'string') json = components[json.$ref.split('/').pop()!] ?? {};
    for (const part of (json.allOf as Json[] | undefined) ?? []) collect(part);
    Object.assign(properties, json.properties ?? {});
    for (const r of (json.required as string[] | undefined) ?? []) required.add(r);
  };
  for (const schema of schemas) collect(toSchema(schema, 'input'));
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
  components = {};
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
      ...((route.query || route.pathParams) && {
        parameters: [
          ...(route.pathParams ? queryParameters([route.pathParams]).map((p) => ({ ...p, in: 'path', required: true })) : []),
          ...(route.query ? queryParameters(Array.isArray(route.query) ? route.query : [route.query]) : []),
        ],
      }),
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
      schemas: { ...components, ...events.components },
    },
  };
}

/** Marker for a body that is a list of catalogue events (documented as oneOf the per-type envelopes). */
export const EVENTS_BODY: z.ZodType = z.array(z.unknown()).describe('events');
