import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestPlatform, verifyWebhookSignature, type TestPlatform } from '@pks/backend';
import { AlertCommandResponse, AlertNotification as AlertNotificationSchema, AlertResponse, AlertRulesResponse, AlertsResponse, GapCandidatesResponse, StaffingCommandResponse, WebhookPayload as WebhookPayloadSchema, WebhookSubscriber } from '@pks/contracts';
import type { AlertNotification, AlertRow, LiveUpdateMessage, SubscribeAck, WebhookPayload } from '@pks/contracts';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, organisation, sickCall } from '../support/small-hospital.js';

/**
 * End to end through the real server: a sick call through the ingest API raises an alert the staffing centre sees
 * live; a booking through the command API closes the gap and resolves the alert; the history shows raised →
 * resolved; a webhook receiver that was down gets the signed alert on a later attempt; the bus carries it.
 */

const ALERT_ID = `abs~B8-AVA~${DAY}~dag~SSK`;

function connect(p: TestPlatform, token: string): Promise<Socket> {
  const socket = io(p.url, { path: '/socket.io', transports: ['websocket'], auth: { token }, reconnection: false, forceNew: true });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const subscribe = (socket: Socket, subscriptionId: string, model: string, params: Record<string, string>) =>
  new Promise<SubscribeAck>((resolve) => socket.emit('subscribe', { subscriptionId, model, params }, resolve));

function nextRow(socket: Socket, predicate: (row: AlertRow) => boolean, timeoutMs = 5000): Promise<{ row: AlertRow; update: LiveUpdateMessage }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off('update', handler);
      reject(new Error('no such alert row in time'));
    }, timeoutMs);
    const handler = (u: LiveUpdateMessage) => {
      const row = (u.rows as AlertRow[] | undefined)?.find(predicate);
      if (!row) return;
      clearTimeout(timer);
      socket.off('update', handler);
      resolve({ row, update: u });
    };
    socket.on('update', handler);
  });
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false> | T | null | undefined | false, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A webhook receiver that can be down (port closed) and up again on the same port; it keeps raw bodies and headers. */
class Receiver {
  readonly received: { body: string; headers: IncomingMessage['headers'] }[] = [];
  private server: Server | null = null;
  port = 0;

  async reservePort(): Promise<void> {
    await this.up();
    await this.down();
  }

  async up(): Promise<void> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        this.received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('deviation alerts end to end', () => {
  let p: TestPlatform;
  const receiver = new Receiver();
  const busMessages: { subject: string; message: AlertNotification }[] = [];

  beforeAll(async () => {
    p = await startTestPlatform({ alerting: { enabled: true, tickMs: 200, planDebounceMs: 50, webhookPollMs: 25, webhookBaseDelayMs: 150, webhookMaxDelayMs: 600, webhookMaxAttempts: 50, webhookTimeoutMs: 2000 } });
    await receiver.reservePort();
    // B8's dag on DAY needs 2 SSK (minimum 2, target 2); N1 and N2 are scheduled, POOL1 is free in pool bmc
    const setup = [
      ...organisation(),
      { id: 'req-b8', type: 'StaffingRequirementSet', data: { unitId: 'B8-AVA', date: DAY, slot: 'dag', competence: 'SSK', minimum: 2, target: 2 }, metadata: { sourceSystem: 'test' } },
    ];
    expect((await p.post(setup)).status).toBe(200);
    p.bus.subscribe('pks.alerts.>', (message, subject) => busMessages.push({ subject, message: message as AlertNotification }));
  });
  afterAll(async () => {
    await receiver.down();
    await p?.close();
  });

  it('sick call → alert live for the staffing centre → booking closes the gap and resolves it → history, bus and a signed webhook after the receiver was down', async () => {
    const admin = await p.token('admin');
    const centre = await p.token('staffing-centre', { pools: ['bmc'] });

    // an admin subscribes a webhook for this unit's sick-call alerts; the receiver is down for now
    const hook = await fetch(`${p.url}/api/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: `http://127.0.0.1:${receiver.port}/hooks/pks`, rules: ['absence-gap'], unitIds: ['B8-AVA'], description: 'region messaging' }),
    });
    expect(hook.status).toBe(201);
    const webhook = (await hook.json()) as { id: string; secret: string };
    expect(webhook.secret.length).toBeGreaterThanOrEqual(16);

    // the staffing centre's dashboard subscribes to the alerts of its pool
    await until('the alert engine to be ready', () => p.alerting!.engine.status().ready);
    await p.alerting!.engine.idle();
    const socket = await connect(p, centre);
    try {
      const ack = await subscribe(socket, 'alerts', 'alerts', { poolId: 'bmc' });
      if (!ack.ok) throw new Error(ack.error);
      expect((ack.snapshot as { rows: AlertRow[] }).rows.some((r) => r.alertId === ALERT_ID)).toBe(false);

      // a sick call through the ingest API
      const raisedLive = nextRow(socket, (r) => r.alertId === ALERT_ID && r.status === 'raised');
      const posted = await p.post([sickCall('N2', 'sick-e2e')]);
      expect(posted.status).toBe(200);
      const sent = Date.now();
      const { row: raised } = await raisedLive;
      expect(Date.now() - sent).toBeLessThan(3000);
      expect(raised).toMatchObject({
        rule: 'absence-gap',
        unitId: 'B8-AVA',
        departmentId: 'akut',
        window: { kind: 'slot', date: DAY, slot: 'dag', competence: 'SSK' },
        observed: 1,
        expected: 2,
        severity: 'high',
        audience: ['manager', 'staffing-centre'],
        status: 'raised',
      });
      expect(JSON.stringify(raised)).not.toMatch(/sick|N2|Nurse/i);

      // candidates for the gap: POOL1 is free in the pool
      const candidates = await p.get(`/api/v1/gaps/candidates?unitId=B8-AVA&date=${DAY}&slot=dag&competence=SSK`, { token: centre });
      expect(candidates.status).toBe(200);
      GapCandidatesResponse.parse(candidates.body);
      expect(candidates.body.gap).toMatchObject({ staffed: 1, minimum: 2, target: 2, status: 'below-minimum' });
      const pool1 = candidates.body.candidates.find((c: { staffId: string }) => c.staffId === 'POOL1');
      expect(pool1).toMatchObject({ source: 'pool', command: 'book-staff' });

      // the staffing centre books POOL1 through the command API (a retried click books once)
      const resolvedLive = nextRow(socket, (r) => r.alertId === ALERT_ID && r.status === 'resolved');
      const key = randomUUID();
      const book = () =>
        fetch(`${p.url}/api/v1/commands/book-staff`, {
          method: 'POST',
          headers: { authorization: `Bearer ${centre}`, 'content-type': 'application/json', 'idempotency-key': key },
          body: JSON.stringify(pool1.commandBody),
        });
      const first = await book();
      expect(first.status).toBe(200);
      const accepted = (await first.json()) as { status: string; bookingId: string; position: number };
      expect(accepted.status).toBe('accepted');
      StaffingCommandResponse.parse(accepted);
      const again = (await (await book()).json()) as { status: string; bookingId: string; position: number };
      expect(again).toMatchObject({ status: 'duplicate', bookingId: accepted.bookingId, position: accepted.position });

      const { row: resolved } = await resolvedLive;
      expect(resolved).toMatchObject({ status: 'resolved', resolution: 'auto', resolutionReason: 'deviation-gone', resolvedObserved: 2 });
      expect(resolved.resolveMessage).toContain('no longer shows the deviation');
      const gap = await p.get(`/api/v1/gap-list?unitId=B8-AVA&from=${DAY}&to=${DAY}&competence=SSK`, { token: admin });
      expect(gap.body.rows.find((r: { slot: string }) => r.slot === 'dag')).toMatchObject({ staffed: 2, booked: 1, belowTarget: false });
    } finally {
      socket.close();
    }

    // the tactical level's and the admin's history: raised → resolved
    const tactical = await p.token('tactical', { departments: ['akut'] });
    const history = await p.get(`/api/v1/alerts?unitId=B8-AVA&status=all&audience=all&rule=absence-gap`, { token: tactical });
    expect(history.status).toBe(200);
    AlertsResponse.parse(history.body);
    const entry = (history.body.rows as AlertRow[]).find((r) => r.alertId === ALERT_ID)!;
    expect(entry.history.map((h) => h.type)).toEqual(['raised', 'resolved']);
    const adminView = await p.get(`/api/v1/alerts/${encodeURIComponent(ALERT_ID)}`, { token: admin });
    AlertResponse.parse(adminView.body);
    expect(adminView.body.alert.history.map((h: { type: string }) => h.type)).toEqual(['raised', 'resolved']);
    // the tactical level's own feed (audience tactical) does not carry this staffing-centre alert
    const own = await p.get(`/api/v1/alerts?unitId=B8-AVA&status=all`, { token: tactical });
    expect((own.body.rows as AlertRow[]).some((r) => r.alertId === ALERT_ID)).toBe(false);

    // the bus carried both, on pks.alerts.<dept>.<unit>
    const onBus = busMessages.filter((m) => m.message.alert.alertId === ALERT_ID);
    for (const m of onBus) AlertNotificationSchema.parse(m.message);
    expect(onBus.map((m) => [m.subject, m.message.event.type])).toEqual([
      ['pks.alerts.akut.B8-AVA', 'AlertRaised'],
      ['pks.alerts.akut.B8-AVA', 'AlertResolved'],
    ]);

    // the webhook: attempts failed while the receiver was down …
    const failing = await until('a failed webhook attempt', async () => {
      const d = await p.get(`/api/v1/webhooks/${webhook.id}/deliveries`, { token: admin });
      const raisedDelivery = (d.body.deliveries as { type: string; attempts: number; status: string; lastError: string | null }[]).find((x) => x.type === 'AlertRaised');
      return raisedDelivery && raisedDelivery.attempts >= 1 && raisedDelivery.status === 'pending' ? raisedDelivery : null;
    });
    expect(failing.lastError).toMatch(/fetch failed|ECONNREFUSED|TypeError/);
    expect(receiver.received).toEqual([]);

    // … and once it is up, a retry delivers both, signed
    await receiver.up();
    await until('both webhook deliveries', () => receiver.received.length >= 2);
    const payloads = receiver.received.map((r) => ({ ...r, payload: WebhookPayloadSchema.parse(JSON.parse(r.body)) as WebhookPayload }));
    const raisedHook = payloads.find((x) => x.payload.event.type === 'AlertRaised')!;
    expect(raisedHook.payload).toMatchObject({ webhookId: webhook.id, alert: { alertId: ALERT_ID, rule: 'absence-gap', status: 'raised' } });
    expect(raisedHook.payload.attempt).toBeGreaterThanOrEqual(2);
    expect(raisedHook.headers['x-pks-delivery-attempt']).toBe(String(raisedHook.payload.attempt));
    expect(payloads.map((x) => x.payload.event.type).sort()).toEqual(['AlertRaised', 'AlertResolved']);
    for (const { body, headers } of payloads) {
      const header = String(headers['x-pks-signature']);
      // what a receiver does: recompute HMAC-SHA256(secret, "<t>.<raw body>"), compare in constant time, check t
      const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header)!;
      const expected = createHmac('sha256', webhook.secret).update(`${t}.${body}`).digest();
      expect(timingSafeEqual(expected, Buffer.from(v1!, 'hex'))).toBe(true);
      expect(Math.abs(Date.now() / 1000 - Number(t))).toBeLessThan(300);
      expect(verifyWebhookSignature(webhook.secret, body, header)).toMatchObject({ ok: true });
      // a tampered body or another secret fails; an old timestamp is refused as a replay
      expect(verifyWebhookSignature(webhook.secret, body.replace('B8-AVA', 'B8-AVB'), header)).toMatchObject({ ok: false });
      expect(verifyWebhookSignature('another-secret-0123456789', body, header)).toMatchObject({ ok: false });
      expect(verifyWebhookSignature(webhook.secret, body, header, Number(t) + 301)).toMatchObject({ ok: false, reason: expect.stringContaining('replay') });
      expect(headers['x-pks-event-id']).toBe(JSON.parse(body).event.id);
    }
    const deliveries = await p.get(`/api/v1/webhooks/${webhook.id}/deliveries`, { token: admin });
    expect((deliveries.body.deliveries as { status: string }[]).every((d) => d.status === 'delivered')).toBe(true);
    const list = await p.get('/api/v1/webhooks', { token: admin });
    WebhookSubscriber.parse(list.body.webhooks[0]);
    expect(list.body.webhooks[0]).toMatchObject({ id: webhook.id, delivered: 2, pending: 0 });
    expect(JSON.stringify(list.body)).not.toContain(webhook.secret);
  });

  it('acknowledge and resolve by hand, scope-checked and validated; managers see their units’ alerts only', async () => {
    const manager = await p.token('manager', { units: ['B8-AVA'] });
    const otherManager = await p.token('manager', { units: ['K1-KIR'] });
    // N1 falls ill too: the gap opens again (occurrence 2 of the same alert)
    const posted = await p.post([sickCall('N1', 'sick-e2e-2')]);
    await p.runner.waitForPosition(posted.body.position);
    const row = await until('the alert raised again', async () => {
      const r = await p.get(`/api/v1/alerts/${encodeURIComponent(ALERT_ID)}`, { token: manager });
      return r.status === 200 && r.body.alert.status === 'raised' && r.body.alert.occurrence === 2 ? (r.body.alert as AlertRow) : null;
    });
    expect(row.history.map((h) => `${h.occurrence}:${h.type}`)).toEqual(['1:raised', '1:resolved', '2:raised']);

    const list = await p.get('/api/v1/alerts', { token: manager });
    expect(list.status).toBe(200);
    expect((list.body.rows as AlertRow[]).every((r) => r.unitId === 'B8-AVA' && r.audience.includes('manager'))).toBe(true);
    expect((await p.get('/api/v1/alerts?audience=tactical', { token: manager })).status).toBe(403);
    expect((await p.get('/api/v1/alerts?unitId=K1-KIR', { token: manager })).status).toBe(403);

    const post = (path: string, token: string, body: unknown) =>
      fetch(`${p.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const path = `/api/v1/alerts/${encodeURIComponent(ALERT_ID)}`;
    const outside = await post(`${path}/acknowledge`, otherManager, {});
    expect(outside.status).toBe(403);
    expect(await outside.json()).toMatchObject({ code: 'outside-scope' });
    const ack = await post(`${path}/acknowledge`, manager, { note: 'calling N3' });
    expect(ack.status).toBe(200);
    expect(AlertCommandResponse.parse(await ack.json())).toMatchObject({ status: 'appended', alert: { status: 'acknowledged', owner: 'test-manager', acknowledgeNote: 'calling N3' } });
    expect(await (await post(`${path}/acknowledge`, manager, {})).json()).toMatchObject({ status: 'duplicate' });
    expect((await post(`${path}/resolve`, manager, {})).status).toBe(400);
    const resolved = await post(`${path}/resolve`, manager, { note: 'N3 comes in' });
    expect(await resolved.json()).toMatchObject({ status: 'appended', alert: { status: 'resolved', resolution: 'manual', resolvedBy: 'test-manager', resolveNote: 'N3 comes in' } });
    expect(await (await post(`${path}/resolve`, manager, { note: 'again' })).json()).toMatchObject({ code: 'already-resolved' });
    expect((await post('/api/v1/alerts/nope/acknowledge', manager, {})).status).toBe(404);
    // the deviation persists, but a manual resolution is not undone by the engine
    await p.alerting!.engine.runTick();
    expect((await p.get(path, { token: manager })).body.alert.status).toBe('resolved');
  });

  it('alert rules: readable by scoped roles, written by admins as an event; sources cannot send alert events', async () => {
    const manager = await p.token('manager', { units: ['B8-AVA'] });
    const admin = await p.token('admin');
    const rules = await p.get('/api/v1/alert-rules?unitId=B8-AVA', { token: manager });
    expect(rules.status).toBe(200);
    AlertRulesResponse.parse(rules.body);
    expect(rules.body.effective['below-minimum-soon']).toMatchObject({ enabled: true, withinHours: 24, audience: ['manager', 'staffing-centre'], escalateAfterMinutes: 30 });
    expect((await p.get('/api/v1/alert-rules?unitId=K1-KIR', { token: manager })).status).toBe(403);
    const put = (token: string, body: unknown) => fetch(`${p.url}/api/v1/alert-rules`, { method: 'PUT', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await put(manager, { rules: {} })).status).toBe(403);
    expect((await put(admin, { unitId: 'B8-AVA', rules: { 'below-minimum-soon': { withinHours: -1 } } })).status).toBe(400);
    const set = await put(admin, { unitId: 'B8-AVA', rules: { 'below-minimum-soon': { withinHours: 48, escalateAfterMinutes: 15 } } });
    expect(set.status).toBe(200);
    expect(((await set.json()) as { effective: Record<string, unknown> }).effective['below-minimum-soon']).toMatchObject({ withinHours: 48, escalateAfterMinutes: 15, severity: 'critical' });
    const forged = await p.post([{ id: 'forged-alert', type: 'AlertResolved', data: { alertId: ALERT_ID, occurrence: 2, resolution: 'manual', reason: 'manual', message: 'x' } }]);
    expect(forged.status).toBe(422);
    expect(forged.body.results[0].errors[0].message).toContain('appended by the server only');
  });

  it('the OpenAPI document describes the alert, webhook and staffing-action routes with their contracts', async () => {
    const doc = (await p.get('/api/v1/openapi.json', { token: null })).body;
    for (const [path, method] of [
      ['/api/v1/alerts', 'get'],
      ['/api/v1/alerts/{alertId}', 'get'],
      ['/api/v1/alerts/{alertId}/acknowledge', 'post'],
      ['/api/v1/alerts/{alertId}/resolve', 'post'],
      ['/api/v1/alert-rules', 'get'],
      ['/api/v1/alert-rules', 'put'],
      ['/api/v1/webhooks', 'post'],
      ['/api/v1/webhooks', 'get'],
      ['/api/v1/webhooks/{id}', 'delete'],
      ['/api/v1/gaps/candidates', 'get'],
      ['/api/v1/gaps/suggestions', 'get'],
      ['/api/v1/commands/book-staff', 'post'],
      ['/api/v1/commands/reallocate', 'post'],
    ] as const) {
      expect(doc.paths[path]?.[method], `${method} ${path}`).toBeDefined();
    }
    expect(doc.paths['/api/v1/alerts/{alertId}/acknowledge'].post.parameters).toEqual([expect.objectContaining({ name: 'alertId', in: 'path', required: true })]);
    for (const name of ['AlertRow', 'AlertsResponse', 'GapCandidatesResponse', 'BookStaffCommandInput', 'CommandRejection', 'WebhookCreated', 'AlertRaisedData']) expect(doc.components.schemas[name], name).toBeDefined();
  });
});
