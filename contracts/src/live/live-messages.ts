import { z } from 'zod';

/**
 * The live protocol over socket.io (path /socket.io, websocket transport). The client authenticates in the
 * handshake (`auth: { token }`), subscribes to what its role and scope allow, gets a snapshot with its log
 * position, then updates that each carry (fromPosition, toPosition]. The client keeps the last position it has;
 * an update whose fromPosition is not that position means something was missed: it subscribes again (fresh
 * snapshot). After a reconnect it subscribes again too.
 */

export const LiveModel = z.enum(['gap-list', 'staffing-overview', 'schedule-vs-plan', 'outcome-vs-plan', 'performed-time', 'staff-volume', 'chppd', 'alerts']);
export type LiveModel = z.infer<typeof LiveModel>;

/** client → server, event `subscribe` (with an acknowledgement callback) */
export const SubscribeRequest = z.object({
  subscriptionId: z.string().min(1).max(100),
  model: LiveModel,
  /** the same parameters as the model's HTTP query (unitId or departmentId, week, …) */
  params: z.record(z.string(), z.string()),
});
export type SubscribeRequest = z.infer<typeof SubscribeRequest>;

/** server → client, the acknowledgement of `subscribe` */
export const SubscribeAck = z.union([
  z.object({ ok: z.literal(true), subscriptionId: z.string(), position: z.number().int(), snapshot: z.unknown() }),
  z.object({ ok: z.literal(false), subscriptionId: z.string(), status: z.number().int(), error: z.string() }),
]);
export type SubscribeAck = z.infer<typeof SubscribeAck>;

/** client → server, event `unsubscribe` */
export const UnsubscribeRequest = z.object({ subscriptionId: z.string() });

/** server → client, event `update`: rows that changed (replace by key), or a hint to refetch the model */
export const LiveUpdateMessage = z.object({
  subscriptionId: z.string(),
  fromPosition: z.number().int(),
  toPosition: z.number().int(),
  /** changed rows (same shape as the model's rows); absent when the client should refetch */
  rows: z.array(z.record(z.string(), z.unknown())).optional(),
  /** keys of the changed cells, e.g. '2026-11-23|dag|SSK' */
  keys: z.array(z.string()),
  /** units the change concerns */
  unitIds: z.array(z.string()),
  refetch: z.boolean(),
  /** server time the update was emitted, ms since epoch (for latency measurement) */
  emittedAt: z.number(),
  /** when the projection runner applied the newest event of this update, ms since epoch */
  appliedAt: z.number(),
});
export type LiveUpdateMessage = z.infer<typeof LiveUpdateMessage>;

/** server → client, event `resync`: the server cannot guarantee continuity; subscribe again */
export const ResyncMessage = z.object({ subscriptionId: z.string(), reason: z.string() });

/** published on the bus (subject pks.live.<model>.<departmentId>.<unitId>) by the projection runner's node */
export const LiveBusUpdate = z.object({
  model: LiveModel,
  unitId: z.string(),
  departmentId: z.string(),
  /** the previous update's toPosition for this model and unit (a chain per model and unit) */
  fromPosition: z.number().int(),
  toPosition: z.number().int(),
  keys: z.array(z.string()),
  rows: z.array(z.record(z.string(), z.unknown())).nullable(),
  appliedAt: z.number(),
});
export type LiveBusUpdate = z.infer<typeof LiveBusUpdate>;
