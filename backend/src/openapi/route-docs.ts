import type { z } from 'zod';
import type { Role } from '@pks/contracts';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path, e.g. /api/v1/gap-list */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  roles: readonly Role[] | 'public' | 'any';
  /** the query string: one schema, or several whose fields are merged */
  query?: z.ZodType | z.ZodType[];
  /** path parameters (`{name}` in `path`): an object schema, one field per parameter */
  pathParams?: z.ZodType;
  body?: { description?: string; content: Record<string, z.ZodType> };
  responses: Record<number, { description: string; content?: Record<string, z.ZodType | 'text'> }>;
}

/** Routes describe themselves here as they are registered; the OpenAPI document is generated from it. */
export class RouteDocs {
  readonly routes: RouteDoc[] = [];
  add(doc: RouteDoc): void {
    this.routes.push(doc);
  }
}
