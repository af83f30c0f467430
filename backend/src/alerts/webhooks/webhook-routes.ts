import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { WebhookCreateBody, WebhookCreated, WebhookDeliveriesResponse, WebhookListResponse, WebhookSubscriber } from '@pks/contracts';
import type { AuditLog } from '../../audit/audit-log.js';
import type { EventStore } from '../../event-store/event-store.js';
import { BodyError } from '../../ingest/parse-ndjson.js';
import type { RouteDocs } from '../../openapi/route-docs.js';
import type { WebhookStore } from './webhook-store.js';

export interface WebhookRouteOptions {
  docs: RouteDocs;
  store: EventStore;
  audit: AuditLog;
  /** null: this node keeps no webhook subscribers (the routes answer 503) */
  webhooks: WebhookStore | null;
}

const WebhookIdParam = z.object({ id: z.string().min(1).max(100).describe('the webhook id (wh-…)') });
const DeliveriesQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

const SIGNING =
  'Each delivery is a POST of JSON (WebhookPayload: the alert event, the alert after it, deliveryId, webhookId, attempt) with `X-PKS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, ' +
  '`X-PKS-Event-Id`, `X-PKS-Delivery-Id` and `X-PKS-Delivery-Attempt`. Verify: recompute the HMAC over the raw body with your secret, compare in constant time, refuse a t more than 300 s from your clock, and deduplicate on the event id (delivery is at least once). ' +
  'A 2xx answer delivers; anything else is retried with exponential backoff (2 s, 4 s, 8 s, … at most 1 h, 12 attempts by default), kept across restarts.';

/** Admin API of webhook subscribers (stored in the data directory's webhooks.sqlite, not in the event log). */
export async function webhookRoutes(app: FastifyInstance, options: WebhookRouteOptions): Promise<void> {
  const { docs, audit } = options;
  const webhooks = () => {
    if (!options.webhooks) throw new BodyError('this node keeps no webhook subscribers; use the node that runs the alert engine', 503);
    return options.webhooks;
  };

  docs.add({
    method: 'post',
    path: '/api/v1/webhooks',
    summary: 'Add a webhook subscriber for alerts (admin)',
    description: `Alert lifecycle events (AlertRaised, AlertAcknowledged, AlertEscalated, AlertResolved) appended after this call are delivered to the URL, optionally only some events, rules, units or departments. The secret is shown once. ${SIGNING}`,
    tags: ['alerts'],
    roles: ['admin'],
    body: { content: { 'application/json': WebhookCreateBody } },
    responses: { 201: { description: 'the subscriber, with its secret', content: { 'application/json': WebhookCreated } }, 400: { description: 'invalid body' } },
  });
  app.post('/api/v1/webhooks', { config: { roles: ['admin'] } }, async (request, reply) => {
    const body = WebhookCreateBody.parse(request.body ?? {});
    const created = webhooks().create(body, request.principal!.sub, await options.store.headPosition(), Date.now());
    audit.record(request.principal!, 'webhook:create', { id: created.id, url: created.url });
    return reply.code(201).send(created);
  });

  docs.add({
    method: 'get',
    path: '/api/v1/webhooks',
    summary: 'Webhook subscribers with delivery counts (admin; secrets are not shown)',
    tags: ['alerts'],
    roles: ['admin'],
    responses: { 200: { description: 'subscribers', content: { 'application/json': WebhookListResponse } } },
  });
  app.get('/api/v1/webhooks', { config: { roles: ['admin'] } }, async () => ({ webhooks: webhooks().list() }));

  docs.add({
    method: 'get',
    path: '/api/v1/webhooks/{id}/deliveries',
    summary: 'Recent deliveries of one subscriber: status, attempts, next attempt, last error (admin)',
    tags: ['alerts'],
    roles: ['admin'],
    pathParams: WebhookIdParam,
    query: DeliveriesQuery,
    responses: { 200: { description: 'newest first', content: { 'application/json': WebhookDeliveriesResponse } }, 404: { description: 'no such subscriber' } },
  });
  app.get('/api/v1/webhooks/:id/deliveries', { config: { roles: ['admin'] } }, async (request) => {
    const { id } = WebhookIdParam.parse(request.params);
    const { limit } = DeliveriesQuery.parse(request.query);
    if (!webhooks().get(id)) throw new BodyError(`no webhook '${id}'`, 404);
    return { deliveries: webhooks().deliveries(id, limit) };
  });

  docs.add({
    method: 'delete',
    path: '/api/v1/webhooks/{id}',
    summary: 'Remove a webhook subscriber (admin): nothing more is delivered to it',
    tags: ['alerts'],
    roles: ['admin'],
    pathParams: WebhookIdParam,
    responses: { 200: { description: 'removed', content: { 'application/json': WebhookSubscriber } }, 404: { description: 'no such subscriber' } },
  });
  app.delete('/api/v1/webhooks/:id', { config: { roles: ['admin'] } }, async (request) => {
    const { id } = WebhookIdParam.parse(request.params);
    const existing = webhooks().get(id);
    if (!existing || !webhooks().remove(id, Date.now())) throw new BodyError(`no webhook '${id}'`, 404);
    audit.record(request.principal!, 'webhook:delete', { id });
    return existing;
  });
}
