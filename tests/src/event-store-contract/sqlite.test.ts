import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getSQLiteEventStore } from '@pks/backend';
import { eventStoreContract } from './event-store-contract.js';

let dir = '';
eventStoreContract('SQLite', {
  async create() {
    dir = mkdtempSync(join(tmpdir(), 'pks-sqlite-contract-'));
    return getSQLiteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 50 });
  },
  async reopen() {
    return getSQLiteEventStore({ path: join(dir, 'events.sqlite'), pollIntervalMs: 20 });
  },
  async cleanup() {
    rmSync(dir, { recursive: true, force: true });
  },
});
