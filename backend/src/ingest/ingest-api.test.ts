import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shiftScheduled, startTestPlatform, unitRegistered, type TestPlatform } from '../testing/test-platform.js';

describe('POST /api/v1/events', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform({ maxBodyBytes: 4 * 1024 * 1024, maxEventsPerRequest: 20_000 });
    const setup = await p.post([unitRegistered()]);
    expect(setup.status).toBe(200);
  });
  afterAll(async () => {
    await p.close();
  });

  it('requires a bearer token of an integration client', async () => {
    const none = await p.post([shiftScheduled(1)], { token: null });
    expect(none.status).toBe(401);
    const bad = await p.post([shiftScheduled(1)], { token: 'not-a-jwt' });
    expect(bad.status).toBe(401);
    const manager = await p.post([shiftScheduled(1)], { token: await p.token('manager', { units: ['B8-AVA'] }) });
    expect(manager.status).toBe(403);
    expect(manager.body.message).toContain("role 'manager'");
    expect(await p.store.headPosition()).toBe(1);
  });

  it('appends valid events, reports duplicates and conflicts, and stores each id once', async () => {
    const first = await p.post([shiftScheduled(1), shiftScheduled(2)]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ received: 2, appended: 2, duplicates: 0, rejected: 0 });
    expect(first.body.results.map((r: any) => [r.index, r.id, r.status])).toEqual([
      [1, 'shift-src-1', 'appended'],
      [2, 'shift-src-2', 'appended'],
    ]);
    const head = await p.store.headPosition();
    const again = await p.post([shiftScheduled(1), shiftScheduled(2, { end: '2026-11-23T15:30:00Z' })]);
    expect(again.status).toBe(422);
    expect(again.body.results.map((r: any) => r.status)).toEqual(['duplicate', 'conflict']);
    expect(again.body.results[0].position).toBe(first.body.results[0].position);
    expect(again.body.results[1].errors[0].path).toBe('id');
    expect(await p.store.headPosition()).toBe(head);
    const stream = await p.store.readStream('shift-S2');
    expect(stream).toHaveLength(1);
    expect(stream[0]!.data.end).toBe('2026-11-23T14:30:00.000Z');
  });

  it('rejects invalid events with the field path and a message, storing the valid ones', async () => {
    const head = await p.store.headPosition();
    const response = await p.post([
      shiftScheduled(10),
      shiftScheduled(11, { end: '2026-11-23T05:00:00Z' }),
      shiftScheduled(12, { competence: 'XYZ' }),
      shiftScheduled(13, { slot: 'kväll' }),
      shiftScheduled(14, { unitId: 'NOPE' }),
      shiftScheduled(15, { start: '2026-02-30T06:00:00Z' }),
      { id: 'h1', type: 'HoursReported', data: { reportId: 'r1', unitId: 'B8-AVA', month: '2026-11', competence: 'SSK', employmentForm: 'monthly', payComponent: 'overtime', hours: -1 } },
      { type: 'ShiftCancelled', data: { shiftId: 'S10' } },
    ]);
    expect(response.status).toBe(207);
    expect(response.body).toMatchObject({ received: 8, appended: 1, rejected: 7 });
    const errors = response.body.results.map((r: any) => r.errors?.[0] ?? null);
    expect(errors[0]).toBeNull();
    expect(errors[1]).toEqual({ path: 'data.end', message: 'end must be after start' });
    expect(errors[2].path).toBe('data.competence');
    expect(errors[2].message).toContain("unknown competence 'XYZ'");
    expect(errors[3].path).toBe('data.slot');
    expect(errors[4]).toEqual({ path: 'data.unitId', message: "unknown unit 'NOPE'; register it with UnitRegistered first" });
    expect(errors[5].path).toBe('data.start');
    expect(errors[6]).toEqual({ path: 'data.hours', message: 'hours cannot be negative' });
    expect(errors[7].path).toBe('id');
    expect(await p.store.headPosition()).toBe(head + 1);
  });

  it('with ?atomic=true stores nothing unless every event is valid', async () => {
    const head = await p.store.headPosition();
    const response = await p.post([shiftScheduled(20), shiftScheduled(21, { competence: 'NOPE' })], { query: '?atomic=true' });
    expect(response.status).toBe(422);
    expect(response.body.results.map((r: any) => r.status)).toEqual(['not-stored', 'rejected']);
    expect(await p.store.headPosition()).toBe(head);
    const ok = await p.post([shiftScheduled(20), shiftScheduled(21)], { query: '?atomic=true' });
    expect(ok.status).toBe(200);
    expect(await p.store.headPosition()).toBe(head + 2);
  });

  it('accepts a unit and events that refer to it in the same request', async () => {
    const response = await p.post([unitRegistered('C9-RO', 'akut'), shiftScheduled(30, { unitId: 'C9-RO', slot: 'natt' })]);
    expect(response.status).toBe(200);
    // and the next request sees the unit too
    const next = await p.post([shiftScheduled(31, { unitId: 'C9-RO' })]);
    expect(next.status).toBe(200);
  });

  it('takes 10,000 events as streamed NDJSON, answering per line', async () => {
    const lines = Array.from({ length: 10_000 }, (_, i) => JSON.stringify(shiftScheduled(1000 + i)));
    lines.splice(5000, 0, '', JSON.stringify(shiftScheduled(99_999, { end: '2026-11-22T00:00:00Z' })));
    const response = await p.post(`${lines.join('\n')}\n`, { contentType: 'application/x-ndjson' });
    expect(response.status).toBe(207);
    expect(response.body).toMatchObject({ received: 10_001, appended: 10_000, rejected: 1 });
    const rejected = response.body.results.find((r: any) => r.status === 'rejected');
    expect(rejected).toMatchObject({ line: 5002, index: 5001, id: 'shift-src-99999' });
    expect(rejected.errors[0].path).toBe('data.end');
    expect(response.body.results[9999 + 1].line).toBe(10_002);
  });

  it('refuses malformed JSON, a bad NDJSON line, a wrong content type and an empty body, storing nothing', async () => {
    const head = await p.store.headPosition();
    const malformed = await p.post('[{"id": "x",', {});
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toContain('not valid JSON');
    const badLine = await p.post(`${JSON.stringify(shiftScheduled(500))}\n{"id":\n`, { contentType: 'application/x-ndjson' });
    expect(badLine.status).toBe(400);
    expect(badLine.body).toMatchObject({ line: 2 });
    const notObject = await p.post(`${JSON.stringify(shiftScheduled(501))}\n[1,2]\n`, { contentType: 'application/x-ndjson' });
    expect(notObject.status).toBe(400);
    const wrongType = await p.post('id,type', { contentType: 'text/csv' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.message).toContain('application/x-ndjson');
    const empty = await p.post([]);
    expect(empty.status).toBe(400);
    const scalar = await p.post('42');
    expect(scalar.status).toBe(400);
    expect(await p.store.headPosition()).toBe(head);
  });

  it('refuses an oversized body or too many events with 413, storing nothing', async () => {
    const head = await p.store.headPosition();
    const big = Array.from({ length: 25_000 }, (_, i) => shiftScheduled(200_000 + i));
    const tooManyJson = await p.post(big.slice(0, 20_001));
    expect(tooManyJson.status).toBe(413);
    const tooBig = await p.post(big.map((e) => JSON.stringify(e)).join('\n'), { contentType: 'application/x-ndjson' });
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.message).toMatch(/larger than|more than/);
    const tooBigJson = await p.post(big);
    expect(tooBigJson.status).toBe(413);
    expect(await p.store.headPosition()).toBe(head);
  });

  it('health reports the store position and each projection’s lag, without a token', async () => {
    const head = await p.store.headPosition();
    await p.runner.waitForPosition(head);
    const health = await p.get('/api/v1/health', { token: null });
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
    expect(health.body.store).toEqual({ kind: 'sqlite', position: head });
    expect(health.body.projections.map((x: any) => x.name)).toContain('events-per-unit');
    for (const projection of health.body.projections) expect(projection.lag).toBe(0);
  });

  it('serves an OpenAPI document generated from the contracts', async () => {
    const doc = await p.get('/api/v1/openapi.json', { token: null });
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toBe('3.0.3');
    expect(doc.body.paths['/api/v1/events'].post.requestBody.content['application/x-ndjson']).toBeDefined();
    expect(doc.body.components.schemas.ShiftScheduledData.required).toEqual(['shiftId', 'unitId', 'competence', 'start', 'end']);
    expect(Object.keys(doc.body.components.schemas)).toContain('DimensioningSet');
  });
});
