import { randomUUID } from 'node:crypto';
import { startTestPlatform, type TestPlatform } from '@pks/backend';
import { GapCandidatesResponse, GapSuggestionsResponse } from '@pks/contracts';
import { addDays } from '@pks/projections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, organisation } from '../support/small-hospital.js';

/** The staffing-centre actions over HTTP: candidates, suggestions, book-staff and reallocate with their rejections and idempotency. */

describe('staffing actions API', () => {
  let p: TestPlatform;
  let centre: string;
  beforeAll(async () => {
    p = await startTestPlatform({ alerting: { enabled: false } });
    const e = (id: string, type: string, data: Record<string, unknown>) => ({ id, type, data, metadata: { sourceSystem: 'test' } });
    // C9 (minimum 1, target 1) has two nurses on dag: a surplus of one
    const extra = [
      e('c2', 'StaffRegistered', { staffId: 'C2', name: 'Nurse C2', competences: ['SSK'], employmentForm: 'monthly', rate: 1, homeUnitId: 'C9-RO' }),
      e('sc1', 'ShiftScheduled', { shiftId: 'S-C9-N3', unitId: 'C9-RO', staffId: 'N3', competence: 'SSK', start: `${DAY}T06:00:00Z`, end: `${DAY}T14:30:00Z` }),
      e('sc2', 'ShiftScheduled', { shiftId: 'S-C9-C2', unitId: 'C9-RO', staffId: 'C2', competence: 'SSK', start: `${DAY}T06:00:00Z`, end: `${DAY}T14:30:00Z` }),
    ];
    expect((await p.post([...organisation(), ...extra])).status).toBe(200);
    centre = await p.token('staffing-centre', { pools: ['bmc'] });
  });
  afterAll(async () => p?.close());

  const command = (name: string, token: string, body: Record<string, unknown>, key: string | null = randomUUID()) =>
    fetch(`${p.url}/api/v1/commands/${name}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...(key !== null && { 'idempotency-key': key }) },
      body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, any> }));

  const gap = { unitId: 'B8-AVA', date: DAY, slot: 'dag', competence: 'SSK' };

  it('candidates: reallocation from C9’s surplus first, then the free pool nurse, with reasons and command bodies', async () => {
    const r = await p.get(`/api/v1/gaps/candidates?unitId=B8-AVA&date=${DAY}&slot=dag&competence=SSK`, { token: centre });
    expect(r.status).toBe(200);
    GapCandidatesResponse.parse(r.body);
    expect(r.body.gap).toMatchObject({ staffed: 2, minimum: 2, target: 3, status: 'below-target' });
    expect(r.body.candidates.map((c: any) => [c.staffId, c.source])).toEqual([
      ['C2', 'reallocation'],
      ['N3', 'reallocation'],
      ['POOL1', 'pool'],
    ]);
    expect(r.body.candidates[0]).toMatchObject({ rank: 1, fromUnitId: 'C9-RO', fromShiftId: 'S-C9-C2', command: 'reallocate' });
    expect(r.body.rules).toEqual({ dailyRestHours: 11, weeklyCapHours: 48 });
    const manager = await p.token('manager', { units: ['K1-KIR'] });
    expect((await p.get(`/api/v1/gaps/candidates?unitId=B8-AVA&date=${DAY}&slot=dag&competence=SSK`, { token: manager })).status).toBe(403);
  });

  it('suggestions: moves for the whole slot across the pool', async () => {
    const r = await p.get(`/api/v1/gaps/suggestions?poolId=bmc&date=${DAY}&slot=dag`, { token: centre });
    expect(r.status).toBe(200);
    GapSuggestionsResponse.parse(r.body);
    expect(r.body.moves.map((m: any) => [m.unitId, m.staffId, m.source, m.fills])).toEqual([['B8-AVA', 'C2', 'reallocation', 'target']]);
    expect(r.body.shortages).toEqual([expect.objectContaining({ unitId: 'B8-AVA', staffed: 2, staffedAfter: 3, missingToTarget: 0 })]);
    expect(r.body.method).toContain('greedy');
  });

  it('rejects: no idempotency key, a manager booking, the integration role, a slot that ended, an unknown gap', async () => {
    expect(await command('book-staff', centre, { ...gap, staffId: 'POOL1' }, null)).toMatchObject({ status: 400, body: { message: expect.stringContaining('idempotency key') } });
    const manager = await p.token('manager', { units: ['B8-AVA', 'C9-RO'] });
    expect(await command('book-staff', manager, { ...gap, staffId: 'POOL1' })).toMatchObject({ status: 403, body: { code: 'outside-scope', rule: 'scope' } });
    expect((await command('book-staff', await p.token('integration'), { ...gap, staffId: 'POOL1' })).status).toBe(403);
    const past = addDays(DAY, -2);
    expect(await command('book-staff', centre, { ...gap, date: past, staffId: 'POOL1' })).toMatchObject({ status: 409, body: { code: 'slot-ended' } });
    expect(await command('book-staff', centre, { ...gap, competence: 'LAK', staffId: 'POOL1' })).toMatchObject({ status: 404, body: { code: 'unknown-gap' } });
    expect(await command('book-staff', centre, { ...gap, staffId: 'N4', source: 'overtime' })).toMatchObject({ status: 409, body: { code: 'double-booking' } });
  });

  it('reallocate (a manager between own units): the gap closes, the source keeps its target; the key cannot be reused for another command', async () => {
    const manager = await p.token('manager', { units: ['B8-AVA', 'C9-RO'] });
    const key = randomUUID();
    const moved = await command('reallocate', manager, { ...gap, staffId: 'C2', fromUnitId: 'C9-RO' }, key);
    expect(moved).toMatchObject({ status: 200, body: { status: 'accepted', event: { type: 'StaffBooked', data: { source: 'reallocation', fromUnitId: 'C9-RO', fromShiftId: 'S-C9-C2', staffId: 'C2' } } } });
    const cells = await p.get(`/api/v1/gap-list?departmentId=akut&from=${DAY}&to=${DAY}&competence=SSK`, { token: await p.token('admin') });
    const row = (unitId: string) => cells.body.rows.find((r: any) => r.unitId === unitId && r.slot === 'dag');
    expect(row('B8-AVA')).toMatchObject({ staffed: 3, belowTarget: false });
    expect(row('C9-RO')).toMatchObject({ staffed: 1, belowTarget: false });
    expect(await command('reallocate', manager, { ...gap, staffId: 'N3', fromUnitId: 'C9-RO' }, key)).toMatchObject({ status: 409, body: { code: 'idempotency-key-reused' } });
    // the same key and body again: the same booking
    expect(await command('reallocate', manager, { ...gap, staffId: 'C2', fromUnitId: 'C9-RO' }, key)).toMatchObject({ status: 200, body: { status: 'duplicate', bookingId: moved.body.bookingId } });
    // the gap is closed now
    expect(await command('book-staff', centre, { ...gap, staffId: 'POOL1' })).toMatchObject({ status: 409, body: { code: 'no-gap' } });
  });
});
