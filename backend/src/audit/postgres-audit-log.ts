import pg from 'pg';
import type { AuditEntry, AuditFilter, AuditLog } from './audit-log.js';

export interface PostgresAuditLogOptions {
  connectionString: string;
  /** the store's schema: the table `<schema>.audit` */
  schema: string;
  nodeId: string;
  /** entries are written in batches at most this long after they were recorded, default 50 ms */
  flushMs?: number;
  log?: (line: string) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]*$/;

/**
 * The audit log of every API node of an installation on PostgreSQL, in one table next to the events, so an admin
 * on any node sees every node's reads. `record` stays synchronous for the routes: entries are buffered and written
 * in one INSERT per flush (at most `flushMs` later; a failed write is retried with the next flush); `query` first
 * writes what is buffered, so a node always sees its own reads. Entries name the node that served the read.
 */
export async function getPostgresAuditLog(options: PostgresAuditLogOptions): Promise<AuditLog> {
  if (!SCHEMA_NAME.test(options.schema)) throw new Error(`schema must match ${String(SCHEMA_NAME)}, not '${options.schema}'`);
  const table = `"${options.schema}".audit`;
  const pool = new pg.Pool({ connectionString: options.connectionString, max: 2, application_name: `pks-audit:${options.nodeId}`.slice(0, 63) });
  pool.on('error', () => undefined);
  await pool.query(`CREATE SCHEMA IF NOT EXISTS "${options.schema}"`);
  await pool.query(
    `CREATE TABLE IF NOT EXISTS ${table} (id BIGSERIAL PRIMARY KEY, at TIMESTAMPTZ NOT NULL, sub TEXT NOT NULL, role TEXT NOT NULL, action TEXT NOT NULL, detail JSONB NOT NULL, node TEXT NOT NULL);
     CREATE INDEX IF NOT EXISTS audit_at ON ${table} (at)`,
  );
  const flushMs = options.flushMs ?? 50;
  let buffer: [string, string, string, string, string][] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> = Promise.resolve();

  const write = async () => {
    if (buffer.length === 0) return;
    const rows = buffer;
    buffer = [];
    const values: unknown[] = [];
    const tuples = rows.map((r, i) => {
      values.push(...r, options.nodeId);
      const b = i * 6;
      return `($${b + 1}, $${b + 2}, $${b + 3}, $${b + 4}, $${b + 5}::jsonb, $${b + 6})`;
    });
    try {
      await pool.query(`INSERT INTO ${table} (at, sub, role, action, detail, node) VALUES ${tuples.join(', ')}`, values);
    } catch (error) {
      buffer = rows.concat(buffer); // kept for the next flush
      options.log?.(`audit log: writing ${rows.length} entries failed (${error instanceof Error ? error.message : String(error)}); retrying`);
      schedule();
    }
  };
  const flush = () => (flushing = flushing.then(write));
  function schedule() {
    timer ??= setTimeout(() => {
      timer = null;
      void flush();
    }, flushMs);
  }

  return {
    record(principal, action, detail) {
      buffer.push([new Date().toISOString(), principal.sub, principal.role, action, JSON.stringify(detail)]);
      schedule();
    },
    async query(filter: AuditFilter): Promise<AuditEntry[]> {
      await flush();
      const where: string[] = [];
      const args: unknown[] = [];
      const add = (sql: string, value: unknown) => {
        args.push(value);
        where.push(sql.replace('?', `$${args.length}`));
      };
      if (filter.from) add('at >= ?', filter.from);
      if (filter.to) add('at < ?', filter.to);
      if (filter.sub) add('sub = ?', filter.sub);
      if (filter.action) add('action = ?', filter.action);
      args.push(filter.limit ?? 500);
      const { rows } = await pool.query<{ at: Date; sub: string; role: string; action: string; detail: Record<string, unknown> }>(
        `SELECT at, sub, role, action, detail FROM ${table} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT $${args.length}`,
        args,
      );
      return rows.map((r) => ({ at: r.at.toISOString(), sub: r.sub, role: r.role, action: r.action, detail: r.detail }));
    },
    async close() {
      if (timer) clearTimeout(timer);
      timer = null;
      await flush();
      await pool.end();
    },
  };
}
