import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import type { Principal } from '@pks/contracts';

export interface AuditEntry {
  at: string;
  sub: string;
  role: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface AuditFilter {
  from?: string;
  to?: string;
  sub?: string;
  action?: string;
  limit?: number;
}

/**
 * Who read person-level data, when, and what (DOMAIN.md §6). Queried by admins. One node: SQLite in the data
 * directory (audit.sqlite); several API nodes on PostgreSQL: one table for all of them (postgres-audit-log.ts).
 */
export interface AuditLog {
  record(principal: Principal, action: string, detail: Record<string, unknown>): void;
  /** newest first */
  query(filter: AuditFilter): AuditEntry[] | Promise<AuditEntry[]>;
  close(): void | Promise<void>;
}

export function getSQLiteAuditLog(options: { path: string }): AuditLog {
  if (options.path !== ':memory:') mkdirSync(dirname(options.path), { recursive: true });
  const db = new Database(options.path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(`CREATE TABLE IF NOT EXISTS audit (id INTEGER PRIMARY KEY, at TEXT NOT NULL, sub TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, detail TEXT NOT NULL);
           CREATE INDEX IF NOT EXISTS audit_at ON audit (at);`);
  const insert = db.prepare('INSERT INTO audit (at, sub, role, action, detail) VALUES (?, ?, ?, ?, ?)');
  return {
    record(principal, action, detail) {
      insert.run(new Date().toISOString(), principal.sub, principal.role, action, JSON.stringify(detail));
    },
    query(filter) {
      const where: string[] = [];
      const args: unknown[] = [];
      if (filter.from) (where.push('at >= ?'), args.push(filter.from));
      if (filter.to) (where.push('at < ?'), args.push(filter.to));
      if (filter.sub) (where.push('sub = ?'), args.push(filter.sub));
      if (filter.action) (where.push('action = ?'), args.push(filter.action));
      const rows = db
        .prepare(`SELECT at, sub, role, action, detail FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`)
        .all(...args, filter.limit ?? 500) as { at: string; sub: string; role: string; action: string; detail: string }[];
      return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    },
    close() {
      db.close();
    },
  };
}
