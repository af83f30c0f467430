import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertEventId, alertStream, validateEvent, type AlertNotification, type NewEvent, type WebhookPayload } from '@pks/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInProcessBus } from '../../bus/in-process-bus.js';
import type { EventStore } from '../../event-store/event-store.js';
import { getSQLiteEventStore } from '../../event-store/sqlite/sqlite-event-store.js';
import { AlertOutbox } from '../alert-outbox.js';
import { backoffMs, WebhookDispatcher } from './webhook-dispatcher.js';
import { verifyWebhookSignature } from './webhook-signature.js';
import { getSQLiteWebhookStore, type WebhookStore } from './webhook-store.js';

/** The alert outbox (bus + queue, checkpointed) and webhook delivery (signed, retried with backoff, persisted across restarts). */

let n = 0;
function raised(alertId: string, unitId = 'B8', rule = 'absence-gap'): NewEvent {
  const r = validateEvent(
    {
      id: alertEventId.raised(alertId, 1),
      type: 'AlertRaised',
      data: {
        alertId,
        occurrence: 1,
        rule,
        unitId,
        departmentId: 'akut',
        window: { kind: 'slot', date: '2026-11-24', slot: 'dag', competence: 'SSK' },
        observed: 1,
        expected: 2,
        quantity: 'persons',
        severity: 'high',
        audience: ['manager', 'staffing-centre'],
        escalation: ['manager', 'staffing-centre', 'tactical'],
        escalateAfterMinutes: 60,
        message: `alert ${(n += 1)}`,
      },
    },
    '2026-11-23T12:00:00.000Z',
  );
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.event;
}

async function until(what: string, probe: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('alert outbox and webhook delivery', () => {
  let dir: string;
  let store: EventStore;
  let webhooks: WebhookStore;
  const dbPath = () => join(dir, 'webhooks.sqlite');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pks-webhooks-'));
    store = getSQLiteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 10 });
    webhooks = getSQLiteWebhookStore({ path: dbPath() });
  });
  afterEach(async () => {
    webhooks.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the outbox publishes every alert event on pks.alerts.<dept>.<unit>, queues matching deliveries, and continues after a restart from its checkpoint', async () => {
    const old = raised('old');
    await store.appendToStream(alertStream('old'), [old], 'no-stream');
    const hook = webhooks.create({ url: 'http://127.0.0.1:9/x', rules: ['absence-gap'] }, 'admin', await store.headPosition(), Date.now());
    const other = webhooks.create({ url: 'http://127.0.0.1:9/y', unitIds: ['K1'] }, 'admin', 0, Date.now());
    const bus = createInProcessBus();
    const published: { subject: string; message: AlertNotification }[] = [];
    bus.subscribe('pks.alerts.>', (message, subject) => published.push({ subject, message: message as AlertNotification }));

    const outbox = new AlertOutbox({ store, bus, webhooks });
    await outbox.start();
    const e1 = raised('a1');
    await store.appendToStream(e1.stream, [e1], 'no-stream');
    await until('the first alert on the bus', () => published.length === 1);
    expect(published[0]).toMatchObject({ subject: 'pks.alerts.akut.B8', message: { event: { id: e1.id, type: 'AlertRaised' }, alert: { alertId: 'a1', status: 'raised' } } });
    await outbox.stop();

    // while the outbox is stopped two more alerts are raised (one of another rule); a restart continues from the checkpoint
    const e2 = raised('a2');
    const e3 = raised('a3', 'B8', 'below-target-horizon');
    await store.appendToStream(e2.stream, [e2], 'no-stream');
    await store.appendToStream(e3.stream, [e3], 'no-stream');
    webhooks.close();
    webhooks = getSQLiteWebhookStore({ path: dbPath() });
    const again = new AlertOutbox({ store, bus, webhooks });
    await again.start();
    await until('the outbox to reach the head', () => again.position === 4);
    await again.stop();
    expect(published.map((p) => p.message.alert.alertId)).toEqual(['a1', 'a2', 'a3']);
    // the old alert (before the outbox first started) is not re-sent; a3 is filtered out by rule; K1's subscriber gets nothing
    expect(webhooks.deliveries(hook.id, 10).map((d) => d.alertId).sort()).toEqual(['a1', 'a2']);
    expect(webhooks.deliveries(other.id, 10)).toEqual([]);
    expect(webhooks.checkpoint()).toBe(4);
  });

  it('delivers signed payloads; a receiver that is down gets them on a later attempt (exponential backoff), also after a restart', async () => {
    let failuresLeft = 2;
    const received: { body: string; signature: string; attempt: string }[] = [];
    const server: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          res.writeHead(503).end();
          return;
        }
        received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: String(req.headers['x-pks-signature']), attempt: String(req.headers['x-pks-delivery-attempt']) });
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
    try {
      const hook = webhooks.create({ url, secret: 'a-secret-of-the-region-0001' }, 'admin', 0, Date.now());
      const e = raised('a1');
      await store.appendToStream(e.stream, [e], 'no-stream');
      const outbox = new AlertOutbox({ store, bus: createInProcessBus(), webhooks });
      // the outbox starts at the head on first start: enqueue this one by hand through a checkpoint before it
      webhooks.enqueue([], 0, Date.now());
      await outbox.start();
      await until('the delivery to be queued', () => webhooks.deliveries(hook.id, 10).length === 1);
      await outbox.stop();

      let clock = 1_000_000;
      const dispatcher = () => new WebhookDispatcher({ webhooks, now: () => clock, baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 5 });
      webhooks.close();
      webhooks = getSQLiteWebhookStore({ path: dbPath() });
      // the delivery was queued at real time; move it to our clock
      expect(await dispatcher().runOnce()).toBe(0);
      clock = Date.now() + 1;
      expect(await dispatcher().runOnce()).toBe(1); // attempt 1: 503
      expect(webhooks.deliveries(hook.id, 1)[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatus: 503, lastError: 'HTTP 503', nextAttemptAt: new Date(clock + 1000).toISOString() });
      // restart: a new store handle and dispatcher continue with the stored attempts and time
      webhooks.close();
      webhooks = getSQLiteWebhookStore({ path: dbPath() });
      expect(await dispatcher().runOnce()).toBe(0); // not due yet
      clock += 1000;
      expect(await dispatcher().runOnce()).toBe(1); // attempt 2: 503, next in 2 s
      expect(webhooks.deliveries(hook.id, 1)[0]).toMatchObject({ attempts: 2, nextAttemptAt: new Date(clock + 2000).toISOString() });
      clock += 2000;
      expect(await dispatcher().runOnce()).toBe(1); // attempt 3: delivered
      expect(webhooks.deliveries(hook.id, 1)[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200, lastError: null });
      expect(received).toHaveLength(1);
      const payload = JSON.parse(received[0]!.body) as WebhookPayload;
      expect(payload).toMatchObject({ webhookId: hook.id, attempt: 3, event: { id: e.id, type: 'AlertRaised' }, alert: { alertId: 'a1' } });
      expect(received[0]!.attempt).toBe('3');
      expect(verifyWebhookSignature('a-secret-of-the-region-0001', received[0]!.body, received[0]!.signature, Math.floor(clock / 1000))).toMatchObject({ ok: true });
      expect(webhooks.list()[0]).toMatchObject({ delivered: 1, pending: 0, failed: 0 });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('gives up after the last attempt; deleting a subscriber stops its deliveries; backoff doubles up to the maximum', async () => {
    const hook = webhooks.create({ url: 'http://127.0.0.1:9/unreachable' }, 'admin', 0, Date.now());
    const notification = (id: string): AlertNotification => ({
      event: { id, type: 'AlertRaised', position: 5, recordedAt: '2026-11-23T12:00:00.000Z', data: {} },
      alert: { alertId: id, rule: 'absence-gap', unitId: 'B8', departmentId: 'akut' } as AlertNotification['alert'],
    });
    expect(webhooks.enqueue([notification('x1'), notification('x1')], 5, 0)).toBe(1);
    let clock = 0;
    const d = new WebhookDispatcher({ webhooks, now: () => clock, baseDelayMs: 10, maxAttempts: 2, timeoutMs: 2000 });
    await d.runOnce();
    clock = 10;
    await d.runOnce();
    expect(webhooks.deliveries(hook.id, 1)[0]).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: null });
    expect(webhooks.list()[0]).toMatchObject({ failed: 1 });

    const second = webhooks.create({ url: 'http://127.0.0.1:9/unreachable' }, 'admin', 0, Date.now());
    webhooks.enqueue([notification('x2')], 6, 0);
    expect(webhooks.remove(second.id, Date.now())).toBe(true);
    expect(webhooks.deliveries(second.id, 5).every((x) => x.status === 'failed' && x.lastError === 'webhook deleted')).toBe(true);
    expect(webhooks.get(second.id)).toBeNull();

    expect([1, 2, 3, 4, 12, 13].map((a) => backoffMs(a, 2000, 3_600_000))).toEqual([2000, 4000, 8000, 16000, 3_600_000, 3_600_000]);
  });
});
