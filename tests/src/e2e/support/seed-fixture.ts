/**
 * Loads the fixture hospital into a running platform, for looking at the dashboard by hand:
 *   node tests/dist/e2e/support/seed-fixture.js http://127.0.0.1:3000 <data dir>
 */
import { dataPaths, issueEmbeddedToken, loadOrCreateEmbeddedSecret } from '@pks/backend';
import { fixtureHospital } from './fixture-hospital.js';

const [url = 'http://127.0.0.1:3000', dataDir = './data'] = process.argv.slice(2);
const token = await issueEmbeddedToken(loadOrCreateEmbeddedSecret(dataPaths(dataDir).secret), { sub: 'fixture-seed', role: 'integration' });
const { events } = fixtureHospital();
const response = await fetch(`${url}/api/v1/events`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-ndjson' },
  body: events.map((e) => JSON.stringify(e)).join('\n'),
});
const body = (await response.json()) as { results?: { status: string; message?: string }[] };
const counts = new Map<string, number>();
for (const r of body.results ?? []) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
console.log(response.status, Object.fromEntries(counts));
const firstRejected = body.results?.find((r) => r.status === 'rejected');
if (firstRejected) console.log(JSON.stringify(firstRejected));
