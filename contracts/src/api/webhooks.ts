import { z } from 'zod';
import { AlertRule, ALERT_EVENT_TYPES } from '../events/alerts.js';
import { AlertRow } from '../read-models/alerts.js';
import { EntityId } from '../primitives/scalars.js';

/**
 * Outbound webhooks for alerts (admin API POST/GET/DELETE /api/v1/webhooks) and the notification every alert
 * lifecycle event produces: POSTed to subscribers (signed) and published on the bus as `pks.alerts.<dept>.<unit>`.
 *
 * Signature: header `X-PKS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. Verify by
 * recomputing over the raw body bytes, comparing in constant time, and refusing a `t` more than 5 minutes from
 * your clock (replays). Each attempt is signed afresh.
 */

export const AlertEventTypeName = z.enum(ALERT_EVENT_TYPES);

export const WebhookCreateBody = z
  .strictObject({
    url: z
      .string()
      .url()
      .max(2000)
      .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http(s) URL' }),
    secret: z.string().min(16, 'a secret has at least 16 characters').max(200).optional().describe('default: a random secret, returned once'),
    description: z.string().max(200).optional(),
    events: z.array(AlertEventTypeName).min(1).optional().describe('default: every alert event'),
    rules: z.array(AlertRule).min(1).optional().describe('default: every rule'),
    unitIds: z.array(EntityId).min(1).optional().describe('default: every unit'),
    departmentIds: z.array(EntityId).min(1).optional().describe('default: every department'),
  })
  .meta({ id: 'WebhookCreateBody' });
export type WebhookCreateBody = z.infer<typeof WebhookCreateBody>;

export const WebhookSubscriber = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(AlertEventTypeName).nullable(),
    rules: z.array(AlertRule).nullable(),
    unitIds: z.array(z.string()).nullable(),
    departmentIds: z.array(z.string()).nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    fromPosition: z.number().int().describe('alert events after this log position are delivered'),
    pending: z.number().int(),
    delivered: z.number().int(),
    failed: z.number().int().describe('deliveries that gave up after every retry'),
    lastDeliveredAt: z.string().nullable(),
    lastError: z.string().nullable(),
  })
  .meta({ id: 'WebhookSubscriber' });
export type WebhookSubscriber = z.infer<typeof WebhookSubscriber>;

export const WebhookCreated = WebhookSubscriber.extend({
  secret: z.string().describe('shown once: store it to verify signatures'),
}).meta({ id: 'WebhookCreated' });
export type WebhookCreated = z.infer<typeof WebhookCreated>;

export const WebhookListResponse = z.object({ webhooks: z.array(WebhookSubscriber) }).meta({ id: 'WebhookListResponse' });

export const WebhookDelivery = z
  .object({
    id: z.string(),
    webhookId: z.string(),
    eventId: z.string(),
    type: z.string(),
    alertId: z.string(),
    position: z.number().int(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    lastStatus: z.number().int().nullable().describe('HTTP status of the last attempt (null: no answer)'),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    deliveredAt: z.string().nullable(),
  })
  .meta({ id: 'WebhookDelivery' });
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveriesResponse = z.object({ deliveries: z.array(WebhookDelivery) }).meta({ id: 'WebhookDeliveriesResponse' });

/** One alert lifecycle event with the alert as it stands after it: the bus message and the core of a webhook body. */
export const AlertNotification = z
  .object({
    event: z.object({
      id: z.string().describe('the event id: deduplicate on it (at-least-once delivery)'),
      type: AlertEventTypeName,
      position: z.number().int(),
      recordedAt: z.string(),
      data: z.record(z.string(), z.unknown()),
    }),
    alert: AlertRow,
  })
  .meta({ id: 'AlertNotification' });
export type AlertNotification = z.infer<typeof AlertNotification>;

/** The JSON body POSTed to a webhook subscriber. */
export const WebhookPayload = AlertNotification.extend({
  deliveryId: z.string(),
  webhookId: z.string(),
  attempt: z.number().int().min(1),
}).meta({ id: 'WebhookPayload' });
export type WebhookPayload = z.infer<typeof WebhookPayload>;

export const WEBHOOK_SIGNATURE_HEADER = 'x-pks-signature';
/** How far a signature's timestamp may be from the receiver's clock. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;
