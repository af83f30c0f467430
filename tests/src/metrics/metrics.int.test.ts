import { createInProcessBus, createNodeMetrics, prefixedBus, startMetricsListener, startTestPlatform, type TestPlatform } from '@pks/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { organisation } from '../support/small-hospital.js';

/** GET /metrics: Prometheus text, never open on the API port; the separate listener for internal networks. */
describe('metrics', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ metrics: { token: 'metrics-secret-token', host: '127.0.0.1', port: null } });
  });
  afterAll(async () => p.close());

  const scrape = (token: string | null, base = p.url) => fetch(`${base}/metrics`, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });

  it('needs the metrics token or an admin token on the API port', async () => {
    expect((await scrape(null)).status).toBe(401);
    expect((await scrape('wrong-token')).status).toBe(401);
    expect((await scrape(await p.token('manager', { units: ['B8-AVA'] }))).status).toBe(403);
    const byToken = await scrape('metrics-secret-token');
    expect(byToken.status).toBe(200);
    expect(byToken.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect((await scrape(await p.token('admin'))).status).toBe(200);
  });

  it('counts appended events and shows store position, projection lag, leader status and clients', async () => {
    // every append of this fresh store goes through this node (ingest, and the alert engine's own events), so the
    // counter equals the store position once both are read in one quiet moment
    const settled = async () => {
      for (let i = 0; ; i += 1) {
        await p.runner.waitForPosition(await p.store.headPosition());
        const text = await (await scrape('metrics-secret-token')).text();
        const appended = Number(/^pks_events_appended_total\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
        const position = Number(/^pks_store_position\{[^}]*\} (\d+)$/m.exec(text)?.[1]);
        if (appended === position || i === 20) return { text, appended, position };
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const posted = await p.post(organisation());
    expect(posted.status).toBe(200);
    const { text, appended, position } = await settled();
    expect(appended).toBe(position);
    expect(appended).toBeGreaterThanOrEqual(organisation().length);
    expect(Number(/^pks_projection_lag_events\{projection="gap-list",[^}]*\} (\d+)$/m.exec(text)?.[1])).toBe(0);
    expect(Number(/^pks_leader\{[^}]*\} (\d+)$/m.exec(text)?.[1])).toBe(1);
    expect(text).toMatch(/^pks_node_info\{role="single",store="sqlite",bus="in-process",[^}]*\} 1$/m);
    expect(text).toMatch(/^pks_live_connected_clients\{[^}]*\} 0$/m);
    expect(text).toMatch(/^# TYPE pks_live_push_latency_seconds histogram$/m);
    expect(text).toMatch(/^process_cpu_seconds_total/m);
    // duplicates are not appended: the counter still equals the position
    expect((await p.post(organisation())).body.results.every((r: { status: string }) => r.status === 'duplicate')).toBe(true);
    const again = await settled();
    expect(again.appended).toBe(again.position);
  });

  it('serves a separate listener, open only when no token is configured', async () => {
    const metrics = createNodeMetrics({ nodeId: 'n1', version: 'test', role: () => 'replica', store: p.store, runner: p.runner, busKind: 'nats', busState: () => 'reconnecting' });
    metrics.updateEmitted({ appliedAt: 1000, emittedAt: 1040 });
    const open = await startMetricsListener({ host: '127.0.0.1', port: 0, metrics, token: null });
    const guarded = await startMetricsListener({ host: '127.0.0.1', port: 0, metrics, token: 't0ken' });
    try {
      const text = await (await fetch(open.url)).text();
      expect(text).toMatch(/^pks_leader\{node="n1"\} 0$/m);
      expect(text).toMatch(/^pks_bus_connected\{node="n1"\} 0$/m);
      expect(text).toMatch(/^pks_live_push_latency_seconds_bucket\{le="0\.05",node="n1"\} 1$/m);
      expect(text).toMatch(/^pks_live_push_latency_seconds_bucket\{le="0\.025",node="n1"\} 0$/m);
      expect((await fetch(open.url.replace('/metrics', '/other'))).status).toBe(404);
      expect((await fetch(guarded.url)).status).toBe(401);
      expect((await fetch(guarded.url, { headers: { authorization: 'Bearer t0ken' } })).status).toBe(200);
    } finally {
      await open.close();
      await guarded.close();
    }
  });
});

describe('prefixed bus (PKS_NATS_SUBJECT_PREFIX)', () => {
  it('puts the prefix before every subject and hides it from subscribers; other prefixes see nothing', async () => {
    const shared = createInProcessBus();
    const a = prefixedBus(shared, 'site-a');
    const b = prefixedBus(shared, 'site-b');
    const onA: string[] = [];
    const onB: string[] = [];
    const raw: string[] = [];
    a.subscribe('pks.live.>', (_m, subject) => onA.push(subject));
    b.subscribe('pks.live.>', (_m, subject) => onB.push(subject));
    shared.subscribe('>', (_m, subject) => raw.push(subject));
    a.publish('pks.live.gap-list.akut.B8', { x: 1 });
    expect(onA).toEqual(['pks.live.gap-list.akut.B8']);
    expect(onB).toEqual([]);
    expect(raw).toEqual(['site-a.pks.live.gap-list.akut.B8']);
    expect(prefixedBus(shared, '')).toBe(shared);
    expect(() => prefixedBus(shared, 'bad prefix')).toThrow(/prefix/);
  });
});
