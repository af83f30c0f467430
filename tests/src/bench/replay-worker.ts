/**
 * A fresh process for one pass over a data directory's SQLite store (so that each pass starts with a cold heap):
 *   node replay-worker.js decode DIR   — the rebuild baseline: readAll in batches of 5,000 (JSON.parse of data and
 *                                          metadata in the store adapter), nothing applied
 *   node replay-worker.js replay DIR   — rebuildProjections over every projection, without saving a snapshot
 * Prints one JSON line: { mode, events, seconds, perSecond, rss }.
 */
import { dataPaths, getSQLiteEventStore, rebuildProjections } from '@pks/backend';
import { allProjections } from '@pks/projections';
import { clockMs } from './stats.js';

const [mode, dir] = process.argv.slice(2);
if ((mode !== 'decode' && mode !== 'replay') || !dir) {
  process.stderr.write('usage: replay-worker.js decode|replay DATA_DIR\n');
  process.exit(64);
}
const store = getSQLiteEventStore({ path: dataPaths(dir).events });
const batchSize = 5000;
let events = 0;
let seconds = 0;
if (mode === 'decode') {
  const started = clockMs();
  let position = 0;
  let checksum = 0;
  for (;;) {
    const batch = await store.readAll(position, batchSize);
    if (batch.length === 0) break;
    for (const e of batch) checksum += e.type.length;
    position = batch[batch.length - 1]!.position;
    events += batch.length;
  }
  seconds = (clockMs() - started) / 1000;
  if (checksum === 0 && events > 0) throw new Error('nothing decoded');
} else {
  const started = clockMs();
  const result = await rebuildProjections({ store, projections: allProjections(), batchSize });
  seconds = (clockMs() - started) / 1000;
  events = result.events;
}
await store.close();
process.stdout.write(`${JSON.stringify({ mode, events, seconds, perSecond: events / seconds, rss: process.memoryUsage().rss })}\n`);
