import type { FastifyError, FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { AuthError } from '../auth/token-verifier.js';
import { BodyError } from '../ingest/parse-ndjson.js';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** One error shape for every route: { statusCode, error, message, line? }. */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | Error, request, reply) => {
    let statusCode = 500;
    let message = 'internal error';
    let line: number | undefined;
    if (error instanceof AuthError || error instanceof BodyError) {
      statusCode = error.statusCode;
      message = error.message;
      if (error instanceof BodyError && error.line !== undefined) line = error.line;
    } else if (error instanceof ZodError) {
      statusCode = 400;
      message = error.issues.map((i) => `${i.path.join('.') || '(query)'}: ${i.message}`).join('; ');
    } else if ('statusCode' in error && typeof error.statusCode === 'number' && error.statusCode < 500) {
      statusCode = error.statusCode;
      message = error.message;
      if (error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') message = `unsupported content type '${String(request.headers['content-type'] ?? '')}'; send application/json or application/x-ndjson`;
      if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') message = 'the body is larger than the limit; split it into several requests';
      if (error.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError) message = `the body is not valid JSON: ${error.message}`;
    } else {
      request.log.error(error);
    }
    reply.code(statusCode).send({ statusCode, error: REASONS[statusCode] ?? 'Error', message, ...(line !== undefined && { line }) });
  });
  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send({ statusCode: 404, error: 'Not Found', message: `no route ${request.method} ${request.url}` });
  });
}
