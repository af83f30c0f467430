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
}

const MinPosition = z.object({
  minPosition: z.coerce.number().int().min(0).optional().describe('wait (up to 5 s) until the read model reflects at least this log position'),
});

/**
 * A GET route over a read model: validates the query string with the model's zod schema, waits for `minPosition`
 * if asked (read-your-writes), answers JSON with the log position it reflects, or CSV with `Accept: text/csv`.
 */
export function registerReadModelRoute<P>(app: FastifyInstance, docs: RouteDocs, runner: ProjectionRunner, route: ReadModelRoute<P>): void {
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
    const result = route.handle(request.principal!, params, new Date().toISOString());
    const accept = String(request.headers.accept ?? '');
    if (accept.includes('text/csv')) {
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${route.csvName}.csv"`)
        .header('x-log-position', String(position));
      return toCsv(result.rows as Record<string, string | number | boolean | null>[], route.csvColumns);
    }
    return { position, ...result };
  });
}
