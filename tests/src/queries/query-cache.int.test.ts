import { startTestPlatform, type TestPlatform } from '@pks/backend';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, organisation, sickCall, WEEK } from '../support/small-hospital.js';

/**
 * The gap list and schedule vs plan are served from a cache of serialised answers per log position: the same
 * answer as computed afresh, invalidated by any change, never served across scopes or presentations, and every
 * read of person-level data audited, from the cache or not.
 */
describe('cached query answers', () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startTestPlatform();
    expect((await p.post(organisation())).status).toBe(200);
  });
  afterAll(async () => p.close());

  const without = (body: any, ...keys: string[]) => Object.fromEntries(Object.entries(body).filter(([k]) => !keys.includes(k)));
  const cell = (body: any, unitId: string) => body.rows.find((r: any) => r.unitId === unitId && r.date === DAY && r.slot === 'dag' && r.competence === 'SSK');
  const audited = async (sub: string) => (await p.get(`/api/v1/audit?action=read:gap-list-people&sub=${sub}`, { token: await p.token('admin') })).body.entries as any[];

  it('answers the same JSON twice (fresh asOf, same position), and audits both reads', async () => {
    const token = await p.token('tactical', { sub: 'cache-tactical-1', departments: ['akut'] });
    const first = await p.get(`/api/v1/gap-list?departmentId=akut&week=${WEEK}`, { token });
    const second = await p.get(`/api/v1/gap-list?departmentId=akut&week=${WEEK}`, { token });
    expect(first.status).toBe(200);
    expect(second.status).toBe(200);
    expect(second.headers.get('content-type')).toContain('application/json');
    expect(Object.keys(second.body).slice(0, 2)).toEqual(['position', 'asOf']);
    expect(second.body.position).toBe(first.body.position);
    expect(Date.parse(second.body.asOf)).toBeGreaterThanOrEqual(Date.parse(first.body.asOf));
    expect(without(second.body, 'asOf')).toEqual(without(first.body, 'asOf'));
    expect(second.body.unitIds).toEqual(['B8-AVA', 'C9-RO']);
    expect(await audited('cache-tactical-1')).toHaveLength(2);
  });

  it('a change invalidates the answer at once', async () => {
    const token = await p.token('admin');
    const before = await p.get(`/api/v1/gap-list?unitId=B8-AVA&week=${WEEK}`, { token });
    expect(cell(before.body, 'B8-AVA')).toMatchObject({ staffed: 2, absent: 0 });
    const posted = await p.post([sickCall('N2', 'cache-sick-n2')]);
    expect(posted.status).toBe(200);
    const after = await p.get(`/api/v1/gap-list?unitId=B8-AVA&week=${WEEK}&minPosition=${posted.body.position}`, { token });
    expect(after.body.position).toBeGreaterThanOrEqual(posted.body.position);
    expect(cell(after.body, 'B8-AVA')).toMatchObject({ staffed: 1, absent: 1 });
    const svp1 = await p.get('/api/v1/schedule-vs-plan?departmentId=akut', { token });
    expect(svp1.status).toBe(200);
    const moved = await p.post([{ id: 'cache-shift-1', type: 'ShiftScheduled', data: { shiftId: 'CACHE-1', unitId: 'B8-AVA', staffId: 'N3', competence: 'SSK', start: `${DAY}T06:00:00Z`, end: `${DAY}T14:30:00Z` }, metadata: { sourceSystem: 'test' } }]);
    const svp2 = await p.get(`/api/v1/schedule-vs-plan?departmentId=akut&minPosition=${moved.body.position}`, { token });
    expect(svp2.body.position).toBeGreaterThan(svp1.body.position);
    const week = (body: any) => body.rows.find((r: any) => r.unitId === 'B8-AVA' && r.week === WEEK);
    expect(week(svp2.body).scheduledHours).toBeCloseTo(week(svp1.body).scheduledHours + 8.5, 6);
  });

  it('never serves one caller’s answer to another scope or presentation', async () => {
    const admin = await p.token('admin');
    const manager = await p.token('manager', { sub: 'cache-manager', units: ['B8-AVA'] });
    const tactical = await p.token('tactical', { sub: 'cache-tactical-2', departments: ['akut'] });
    const pool = await p.token('staffing-centre', { sub: 'cache-pool', pools: ['bmc'] });
    // the admin's answer for the department is cached first
    const asAdmin = await p.get(`/api/v1/gap-list?departmentId=akut&week=${WEEK}`, { token: admin });
    expect(asAdmin.body.unitIds).toEqual(['B8-AVA', 'C9-RO']);
    expect(asAdmin.body.people.find((x: any) => x.staffId === 'N2')).toMatchObject({ status: 'absent', absenceKind: 'sick' });
    // the manager of B8 asks the same: only B8, with reasons
    const asManager = await p.get(`/api/v1/gap-list?departmentId=akut&week=${WEEK}`, { token: manager });
    expect(asManager.body.unitIds).toEqual(['B8-AVA']);
    expect(asManager.body.rows.every((r: any) => r.unitId === 'B8-AVA')).toBe(true);
    expect(asManager.body.people.find((x: any) => x.staffId === 'N2')).toMatchObject({ absenceKind: 'sick' });
    // the tactical level sees both units, without reasons, though the admin's answer with reasons is cached
    const asTactical = await p.get(`/api/v1/gap-list?departmentId=akut&week=${WEEK}`, { token: tactical });
    expect(asTactical.body.unitIds).toEqual(['B8-AVA', 'C9-RO']);
    expect(asTactical.body.people.find((x: any) => x.staffId === 'N2')).toMatchObject({ status: 'absent', absenceKind: null });
    expect(asTactical.body.people.every((x: any) => x.absenceKind === null)).toBe(true);
    // scope is checked on every request: a cached answer for K1 is no way in
    expect((await p.get(`/api/v1/gap-list?unitId=K1-KIR&week=${WEEK}`, { token: admin })).status).toBe(200);
    expect((await p.get(`/api/v1/gap-list?unitId=K1-KIR&week=${WEEK}`, { token: manager })).status).toBe(403);
    expect((await p.get(`/api/v1/gap-list?unitId=K1-KIR&week=${WEEK}`, { token: pool })).status).toBe(403);
    expect((await p.get(`/api/v1/gap-list?unitId=K1-KIR&week=${WEEK}`, { token: null })).status).toBe(401);
    expect((await p.get('/api/v1/schedule-vs-plan?departmentId=kirurgi', { token: admin })).status).toBe(200);
    expect((await p.get('/api/v1/schedule-vs-plan?departmentId=kirurgi', { token: tactical })).status).toBe(403);
    const svpManager = await p.get('/api/v1/schedule-vs-plan?departmentId=akut', { token: manager });
    expect(svpManager.body.unitIds).toEqual(['B8-AVA']);
    // each read of people is in the audit log with its caller
    expect(await audited('cache-manager')).toHaveLength(1);
    expect(await audited('cache-tactical-2')).toHaveLength(1);
    expect((await audited('cache-pool')).length).toBe(0);
  });

  it('CSV is unaffected and audited too', async () => {
    const token = await p.token('tactical', { sub: 'cache-tactical-csv', departments: ['akut'] });
    await p.get(`/api/v1/gap-list?departmentId=akut&week=${WEEK}`, { token });
    const csv = await p.get(`/api/v1/gap-list?departmentId=akut&week=${WEEK}`, { token, accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.text.split('\n')[0]).toContain('unitId');
    expect(await audited('cache-tactical-csv')).toHaveLength(2);
  });
});
