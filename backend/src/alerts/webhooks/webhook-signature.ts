import { createHmac, timingSafeEqual } from 'node:crypto';
import { WEBHOOK_TOLERANCE_SECONDS } from '@pks/contracts';

/**
 * Webhook signatures: `X-PKS-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
 * The timestamp is inside the signed text, so it cannot be changed without the secret; a receiver refuses a
 * signature whose `t` is more than 5 minutes from its clock, so a captured request cannot be replayed later
 * (deduplicate on the event id within those 5 minutes).
 */
export function signWebhook(secret: string, body: string, timestampSeconds: number): string {
  const mac = createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
  return `t=${timestampSeconds},v1=${mac}`;
}

export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: string };

/** Verifies a signature header against the raw body (what a receiver does; exported for tests and examples). */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | undefined | null,
  nowSeconds: number = Math.floor(Date.now() / 1000),
  toleranceSeconds: number = WEBHOOK_TOLERANCE_SECONDS,
): SignatureCheck {
  if (!header) return { ok: false, reason: 'no signature header' };
  const parts = new Map(header.split(',').map((p) => p.trim().split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1');
  if (!Number.isInteger(t) || !v1 || !/^[0-9a-f]{64}$/.test(v1)) return { ok: false, reason: 'malformed signature header' };
  if (Math.abs(nowSeconds - t) > toleranceSeconds) return { ok: false, reason: `timestamp ${t} is more than ${toleranceSeconds} s from now (replay?)` };
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest();
  const given = Buffer.from(v1, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature does not match' };
  return { ok: true, timestamp: t };
}
