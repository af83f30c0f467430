import { startTestPlatform, type TestPlatform } from '@pks/backend';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, organisation, sickCall, WEEK } from '../support/small-hospital.js';

describe('GET /api/v1/gap-list', () => {
  let p: TestPlatform;
  let position = 0;
  beforeAll(async () => {
    p = await startTestPlatform();
    const response = await p.post(organisation());
    expect(response.status).toBe(200);
    position = response.body.position;
  });
  afterAll(async () => p.close());

  const cell = (body: any, unitId: string, slot = 'dag', competence = 'SSK', date = DAY) =>
    body.rows.find((r: any) => r.unitId === unitId && r.date === date && r.slot === slot && r.competence === competence);

  it('answers the week of a unit with requirement, staffed and plus/minus, and the position it reflects', async () => {
    const manager = await p.token('manager', { units: ['B8-AVA'] });
    const response = await p.get(`/api/v1/gap-list?unitId=B8-AVA&week=${WEEK}&minPosition=${position}`, { token: manager });
    expect(response.status).toBe(200);
    expect(response.body.position).toBeGreaterThanOrEqual(position);
    expect(cell(response.body, 'B8-AVA')).toMatchObject({ minimum: 2, target: 3, scheduled: 2, staffed: 2, vsMinimum: 0, vsTarget: -1, belowTarget: true, belowMinimum: false, beds: 14 });
    expect(response.body.rows.filter((r: any) => r.slot === 'dag' && r.competence === 'SSK')).toHaveLength(7);
    expect(response.body.people.map((x: any) => x.staffId).sort()).toEqual(['N1', 'N2']);
  });

  it('a sick call changes the cell at once, and only entitled roles see the reason', async () => {
    const posted = await p.post([sickCall('N1')]);
    expect(posted.status).toBe(200);
    const manager = await p.token('manager', { units: ['B8-AVA'] });
    const asManager = await p.get(`/api/v1/gap-list?unitId=B8-AVA&week=${WEEK}&minPosition=${posted.body.position}`, { token: manager });
    expect(cell(asManager.body, 'B8-AVA')).toMatchObject({ staffed: 1, absent: 1, vsMinimum: -1, belowMinimum: true });
    expect(asManager.body.people.find((x: any) => x.staffId === 'N1')).toMatchObject({ status: 'absent', absenceKind: 'sick' });
    const tactical = await p.token('tactical', { departments: ['akut'] });
    const asTactical = await p.get(`/api/v1/gap-list?departmentId=akut&week=${WEEK}`, { token: tactical });
    expect(asTactical.status).toBe(200);
    expect(asTactical.body.unitIds).toEqual(['B8-AVA', 'C9-RO']);
    expect(asTactical.body.people.find((x: any) => x.staffId === 'N1')).toMatchObject({ status: 'absent', absenceKind: null });
    const audit = await p.get('/api/v1/audit?action=read:gap-list-people', { token: await p.token('admin') });
    expect(audit.status).toBe(200);
    expect(audit.body.entries.map((e: any) => e.role)).toEqual(expect.arrayContaining(['manager', 'tactical']));
  });

  it('scopes: a manager cannot read another unit or department; integration clients cannot read', async () => {
    const manager = await p.token('manager', { units: ['B8-AVA'] });
    expect((await p.get(`/api/v1/gap-list?unitId=K1-KIR&week=${WEEK}`, { token: manager })).status).toBe(403);
    expect((await p.get(`/api/v1/gap-list?departmentId=kirurgi&week=${WEEK}`, { token: manager })).status).toBe(403);
    const own = await p.get(`/api/v1/gap-list?departmentId=akut&week=${WEEK}`, { token: manager });
    expect(own.body.unitIds).toEqual(['B8-AVA']);
    expect((await p.get(`/api/v1/gap-list?unitId=B8-AVA&week=${WEEK}`)).status).toBe(403);
    expect((await p.get(`/api/v1/gap-list?unitId=B8-AVA&week=${WEEK}`, { token: null })).status).toBe(401);
    const pool = await p.token('staffing-centre', { pools: ['bmc'] });
    expect((await p.get(`/api/v1/gap-list?poolId=bmc&week=${WEEK}`, { token: pool })).body.unitIds).toEqual(['B8-AVA', 'C9-RO']);
    expect((await p.get(`/api/v1/gap-list?unitId=K1-KIR&week=${WEEK}`, { token: pool })).status).toBe(403);
  });

  it('rejects bad parameters with a readable 400 and unknown units with 404', async () => {
    const admin = await p.token('admin');
    const bad = await p.get('/api/v1/gap-list?unitId=B8-AVA&week=2026-W60', { token: admin });
    expect(bad.status).toBe(400);
    expect(bad.body.message).toContain('week');
    expect((await p.get('/api/v1/gap-list?week=2026-W48', { token: admin })).status).toBe(400);
    expect((await p.get('/api/v1/gap-list?unitId=NOPE&week=2026-W48', { token: admin })).status).toBe(404);
  });

  it('answers CSV with Accept: text/csv, with the position in a header', async () => {
    const admin = await p.token('admin');
    const csv = await p.get(`/api/v1/gap-list?unitId=B8-AVA&week=${WEEK}`, { token: admin, accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(Number(csv.headers.get('x-log-position'))).toBeGreaterThan(0);
    const records = parse(csv.text, { columns: true }) as Record<string, string>[];
    expect(Object.keys(records[0]!)).toEqual(expect.arrayContaining(['unitId', 'unitName', 'date', 'slot', 'competence', 'minimum', 'target', 'staffed', 'vsMinimum', 'vsTarget']));
    expect(records.filter((r) => r.slot === 'dag' && r.competence === 'SSK')).toHaveLength(7);
    const dag = records.find((r) => r.date === DAY && r.slot === 'dag' && r.competence === 'SSK');
    expect(dag).toMatchObject({ unitName: 'B8, AVA', staffed: '1', minimum: '2', vsMinimum: '-1', belowMinimum: 'true' });
  });

  it('the staffing centre sees the pool’s shortages by urgency and its free staff', async () => {
    const pool = await p.token('staffing-centre', { pools: ['bmc'] });
    const response = await p.get(`/api/v1/staffing-overview?poolId=bmc&from=${DAY}&days=1`, { token: pool });
    expect(response.status).toBe(200);
    // both day cells are one below minimum (B8: 1 of 2 after the sick call, C9: 0 of 1) and come first
    expect(response.body.rows.slice(0, 2).map((r: any) => [r.key, r.status])).toEqual([
      [`B8-AVA|${DAY}|dag|SSK`, 'below-minimum'],
      [`C9-RO|${DAY}|dag|SSK`, 'below-minimum'],
    ]);
    expect(response.body.rows.every((r: any) => r.status !== 'ok')).toBe(true);
    expect(response.body.poolStaff.map((s: any) => s.staffId)).toEqual(['POOL1']);
    const manager = await p.token('manager', { units: ['B8-AVA'] });
    expect((await p.get(`/api/v1/staffing-overview?poolId=bmc&from=${DAY}`, { token: manager })).status).toBe(403);
  });

  it('me tells the scope and the demo users cover every role', async () => {
    const me = await p.get('/api/v1/me', { token: await p.token('staffing-centre', { pools: ['bmc'] }) });
    expect(me.body.units.map((u: any) => u.unitId)).toEqual(['B8-AVA', 'C9-RO']);
    expect(me.body.canSeeAbsenceReasons).toBe(false);
    const users = await p.get('/api/v1/auth/demo-users', { token: null });
    expect(users.body.users.map((u: any) => u.role)).toEqual(expect.arrayContaining(['manager', 'staffing-centre', 'tactical', 'admin']));
    const login = await fetch(`${p.url}/api/v1/auth/demo-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId: users.body.users[0].id }) });
    const { token } = (await login.json()) as { token: string };
    expect((await p.get('/api/v1/me', { token })).body.principal.role).toBe('manager');
  });
});
