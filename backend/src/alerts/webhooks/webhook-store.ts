import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { AlertNotification, WebhookCreateBody, WebhookCreated, WebhookDelivery, WebhookSubscriber } from '@pks/contracts';

/** A delivery due now, with what sending it needs. */
export interface DueDelivery {
  id: string;
  webhookId: string;
  url: string;
  secret: string;
  eventId: string;
  attempts: number;
  notification: AlertNotification;
}

/**
 * Webhook subscribers and their delivery queue, in a small SQLite database in the data directory
 * (`webhooks.sqlite`, mode 0600). Not in the event log, on purpose: subscribers carry the secret their payloads are
 * signed with, and the log is immutable and read by every projection, snapshot and export, so a secret there could
 * never be rotated away or deleted; and delivery attempts are operational state that changes with every retry, not
 * a fact about the hospital. The alert events themselves are in the log; this database only says who gets them and
 * how far delivery has come. The outbox checkpoint (the log position up to which alert events were enqueued) is
 * written in the same transaction as the deliveries, so a restart continues exactly where it stopped.
 */
export interface WebhookStore {
  create(input: WebhookCreateBody, createdBy: string, fromPosition: number, nowMs: number): WebhookCreated;
  list(): WebhookSubscriber[];
  get(id: string): WebhookSubscriber | null;
  /** soft delete: no new deliveries; pending ones are given up */
  remove(id: string, nowMs: number): boolean;
  deliveries(webhookId: string, limit: number): WebhookDelivery[];
  /** the log position up to which alert events were enqueued (null: never started) */
  checkpoint(): number | null;
  /**
   * enqueues each notification for every subscriber it matches and moves the checkpoint, in one transaction; returns
   * the number enqueued. With `lazyCheckpoint`, the checkpoint is moved only when something was enqueued (nothing is
   * written otherwise: the caller moves it later).
   */
  enqueue(notifications: readonly AlertNotification[], checkpoint: number, nowMs: number, options?: { lazyCheckpoint?: boolean }): number;
  due(nowMs: number, limit: number): DueDelivery[];
  markDelivered(id: string, status: number, nowMs: number): void;
  /** a failed attempt: retry at `nextAttemptAt`, or give up (null) */
  markAttemptFailed(id: string, status: number | null, error: string, nextAttemptAt: number | null, nowMs: number): void;
  close(): void;
}

interface SubscriberRow {
  id: string;
  url: string;
  secret: string;
  description: string | null;
  events: string | null;
  rules: string | null;
  unit_ids: string | null;
  department_ids: string | null;
  created_at: string;
  created_by: string;
  from_position: number;
  deleted_at: string | null;
}

interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  type: string;
  alert_id: string;
  position: number;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  created_at: string;
  delivered_at: string | null;
}

const list = (json: string | null): string[] | null => (json === null ? null : (JSON.parse(json) as string[]));
const iso = (ms: number) => new Date(ms).toISOString();

export function getSQLiteWebhookStore(options: { path: string }): WebhookStore {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  if (options.path !== ':memory:') {
    try {
      chmodSync(options.path, 0o600);
    } catch {
      // best effort (e.g. a file system without modes)
    }
  }
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS webhooks (
      id TEXT PRIMARY KEY, url TEXT NOT NULL, secret TEXT NOT NULL, description TEXT,
      events TEXT, rules TEXT, unit_ids TEXT, department_ids TEXT,
      created_at TEXT NOT NULL, created_by TEXT NOT NULL, from_position INTEGER NOT NULL, deleted_at TEXT);
    CREATE TABLE IF NOT EXISTS deliveries (
      id TEXT PRIMARY KEY, webhook_id TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL, alert_id TEXT NOT NULL,
      position INTEGER NOT NULL, payload TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at INTEGER, last_status INTEGER, last_error TEXT, created_at TEXT NOT NULL, delivered_at TEXT,
      UNIQUE (webhook_id, event_id));
    CREATE INDEX IF NOT EXISTS deliveries_due ON deliveries (status, next_attempt_at);
    CREATE TABLE IF NOT EXISTS outbox (name TEXT PRIMARY KEY, position INTEGER NOT NULL);
  `);
  const stmt = {
    insertWebhook: db.prepare(
      'INSERT INTO webhooks (id, url, secret, description, events, rules, unit_ids, department_ids, created_at, created_by, from_position) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    ),
    activeWebhooks: db.prepare('SELECT * FROM webhooks WHERE deleted_at IS NULL ORDER BY created_at, id'),
    webhook: db.prepare('SELECT * FROM webhooks WHERE id = ? AND deleted_at IS NULL'),
    deleteWebhook: db.prepare('UPDATE webhooks SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL'),
    cancelPending: db.prepare("UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, last_error = 'webhook deleted' WHERE webhook_id = ? AND status = 'pending'"),
    stats: db.prepare(
      "SELECT SUM(status = 'pending') AS pending, SUM(status = 'delivered') AS delivered, SUM(status = 'failed') AS failed, MAX(delivered_at) AS last_delivered FROM deliveries WHERE webhook_id = ?",
    ),
    lastError: db.prepare('SELECT last_error FROM deliveries WHERE webhook_id = ? AND last_error IS NOT NULL ORDER BY rowid DESC LIMIT 1'),
    deliveries: db.prepare('SELECT * FROM deliveries WHERE webhook_id = ? ORDER BY position DESC, rowid DESC LIMIT ?'),
    insertDelivery: db.prepare(
      "INSERT OR IGNORE INTO deliveries (id, webhook_id, event_id, type, alert_id, position, payload, status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
    ),
    checkpoint: db.prepare("SELECT position FROM outbox WHERE name = 'alerts'"),
    setCheckpoint: db.prepare("INSERT INTO outbox (name, position) VALUES ('alerts', ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position"),
    due: db.prepare(
      "SELECT d.*, w.url AS url, w.secret AS secret FROM deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.status = 'pending' AND d.next_attempt_at <= ? AND w.deleted_at IS NULL ORDER BY d.next_attempt_at, d.position LIMIT ?",
    ),
    delivered: db.prepare("UPDATE deliveries SET status = 'delivered', attempts = attempts + 1, last_status = ?, last_error = NULL, delivered_at = ?, next_attempt_at = NULL WHERE id = ?"),
    failed: db.prepare('UPDATE deliveries SET status = ?, attempts = attempts + 1, last_status = ?, last_error = ?, next_attempt_at = ? WHERE id = ?'),
  };

  const subscriber = (row: SubscriberRow): WebhookSubscriber => {
    const s = stmt.stats.get(row.id) as { pending: number | null; delivered: number | null; failed: number | null; last_delivered: string | null };
    const lastError = stmt.lastError.get(row.id) as { last_error: string } | undefined;
    return {
      id: row.id,
      url: row.url,
      description: row.description,
      events: list(row.events) as WebhookSubscriber['events'],
      rules: list(row.rules) as WebhookSubscriber['rules'],
      unitIds: list(row.unit_ids),
      departmentIds: list(row.department_ids),
      createdAt: row.created_at,
      createdBy: row.created_by,
      fromPosition: row.from_position,
      pending: s.pending ?? 0,
      delivered: s.delivered ?? 0,
      failed: s.failed ?? 0,
      lastDeliveredAt: s.last_delivered,
      lastError: lastError?.last_error ?? null,
    };
  };

  const matches = (w: SubscriberRow, n: AlertNotification): boolean => {
    if (n.event.position <= w.from_position) return false;
    const has = (json: string | null, value: string) => json === null || (JSON.parse(json) as string[]).includes(value);
    return has(w.events, n.event.type) && has(w.rules, n.alert.rule) && has(w.unit_ids, n.alert.unitId) && has(w.department_ids, n.alert.departmentId);
  };

  const enqueueTx = db.transaction((notifications: readonly AlertNotification[], checkpoint: number, nowMs: number, lazyCheckpoint: boolean): number => {
    const subscribers = notifications.length === 0 ? [] : (stmt.activeWebhooks.all() as SubscriberRow[]);
    let count = 0;
    for (const n of notifications) {
      for (const w of subscribers) {
        if (!matches(w, n)) continue;
        const info = stmt.insertDelivery.run(randomUUID(), w.id, n.event.id, n.event.type, n.alert.alertId, n.event.position, JSON.stringify(n), nowMs, iso(nowMs));
        count += info.changes;
      }
    }
    if (count > 0 || !lazyCheckpoint) stmt.setCheckpoint.run(checkpoint);
    return count;
  });

  return {
    create(input, createdBy, fromPosition, nowMs) {
      const id = `wh-${randomUUID()}`;
      const secret = input.secret ?? randomBytes(32).toString('base64url');
      const json = (v: readonly string[] | undefined) => (v === undefined ? null : JSON.stringify(v));
      stmt.insertWebhook.run(id, input.url, secret, input.description ?? null, json(input.events), json(input.rules), json(input.unitIds), json(input.departmentIds), iso(nowMs), createdBy, fromPosition);
      return { ...subscriber(stmt.webhook.get(id) as SubscriberRow), secret };
    },
    list() {
      return (stmt.activeWebhooks.all() as SubscriberRow[]).map(subscriber);
    },
    get(id) {
      const row = stmt.webhook.get(id) as SubscriberRow | undefined;
      return row ? subscriber(row) : null;
    },
    remove(id, nowMs) {
      const info = db.transaction(() => {
        const r = stmt.deleteWebhook.run(iso(nowMs), id);
        if (r.changes > 0) stmt.cancelPending.run(id);
        return r;
      })();
      return info.changes > 0;
    },
    deliveries(webhookId, limit) {
      return (stmt.deliveries.all(webhookId, limit) as DeliveryRow[]).map((r) => ({
        id: r.id,
        webhookId: r.webhook_id,
        eventId: r.event_id,
        type: r.type,
        alertId: r.alert_id,
        position: r.position,
        status: r.status,
        attempts: r.attempts,
        nextAttemptAt: r.next_attempt_at === null ? null : iso(r.next_attempt_at),
        lastStatus: r.last_status,
        lastError: r.last_error,
        createdAt: r.created_at,
        deliveredAt: r.delivered_at,
      }));
    },
    checkpoint() {
      const row = stmt.checkpoint.get() as { position: number } | undefined;
      return row?.position ?? null;
    },
    enqueue(notifications, checkpoint, nowMs, enqueueOptions = {}) {
      return enqueueTx(notifications, checkpoint, nowMs, enqueueOptions.lazyCheckpoint === true);
    },
    due(nowMs, limit) {
      return (stmt.due.all(nowMs, limit) as (DeliveryRow & { url: string; secret: string })[]).map((r) => ({
        id: r.id,
        webhookId: r.webhook_id,
        url: r.url,
        secret: r.secret,
        eventId: r.event_id,
        attempts: r.attempts,
        notification: JSON.parse(r.payload) as AlertNotification,
      }));
    },
    markDelivered(id, status, nowMs) {
      stmt.delivered.run(status, iso(nowMs), id);
    },
    markAttemptFailed(id, status, error, nextAttemptAt, _nowMs) {
      stmt.failed.run(nextAttemptAt === null ? 'failed' : 'pending', status, error.slice(0, 500), nextAttemptAt, id);
    },
    close() {
      db.close();
    },
  };
}
