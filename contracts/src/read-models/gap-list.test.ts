import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { GapListCellsChanged, GapListFindingsParams, GapListFindingsResponse, GapListParams, GapListResponse, GapListRow } from './gap-list.js';

const toOpenApi = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any', reused: 'inline' }) as Record<string, any>;
const messages = (r: { success: boolean; error?: z.ZodError }) => r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('GapListParams', () => {
  it('takes a unit or a department with a week, or a date range', () => {
    expect(GapListParams.parse({ unitId: 'C4', week: '2026-W48' })).toEqual({ unitId: 'C4', week: '2026-W48' });
    expect(GapListParams.parse({ departmentId: 'akut', from: '2026-11-23', to: '2026-12-06', competence: 'SSK' })).toMatchObject({ departmentId: 'akut', competence: 'SSK' });
    expect(GapListParams.parse({ poolId: 'bemanning' })).toEqual({ poolId: 'bemanning' });
  });

  it('explains what is wrong', () => {
    expect(messages(GapListParams.safeParse({ week: '2026-W48' }))).toEqual(['unitId: give exactly one of unitId, departmentId or poolId']);
    expect(messages(GapListParams.safeParse({ unitId: 'C4', departmentId: 'akut' }))).toEqual(['unitId: give exactly one of unitId, departmentId or poolId']);
    expect(messages(GapListParams.safeParse({ unitId: 'C4', week: '2026-W54' }))).toEqual(['week: must be an ISO week that exists, YYYY-Www']);
    expect(messages(GapListParams.safeParse({ unitId: 'C4', week: '2026-W48', from: '2026-11-23', to: '2026-11-24' }))).toEqual(['week: give either week or from/to, not both']);
    expect(messages(GapListParams.safeParse({ unitId: 'C4', from: '2026-11-23' }))).toEqual(['to: give both from and to']);
    expect(messages(GapListParams.safeParse({ unitId: 'C4', from: '2026-11-23', to: '2026-11-22' }))).toEqual(['to: to must not be before from']);
    expect(messages(GapListParams.safeParse({ unitId: 'C4', from: '2026-01-01', to: '2026-12-31' }))).toEqual(['to: a gap list covers at most 62 days']);
    expect(messages(GapListParams.safeParse({ unitId: 'C4', competence: 'ssk' }))[0]).toContain('competence: must be an upper-case code');
    expect(messages(GapListFindingsParams.safeParse({ unitId: 'C4', from: '2026-11-23' }))).toEqual(['to: give both from and to']);
  });

  it('becomes OpenAPI query parameters with descriptions, and the responses convert', () => {
    const json = toOpenApi(GapListParams, 'input');
    expect(Object.keys(json.properties)).toEqual(['unitId', 'departmentId', 'poolId', 'week', 'from', 'to', 'competence']);
    expect(json.properties.week.description).toContain('ISO week');
    for (const schema of [GapListResponse, GapListCellsChanged, GapListFindingsResponse, GapListFindingsParams]) expect(() => toOpenApi(schema, 'output')).not.toThrow();
  });

  it('rows are flat: only strings, numbers, booleans and null (CSV)', () => {
    const shape = GapListRow.shape as Record<string, z.ZodType>;
    for (const [name, field] of Object.entries(shape)) {
      const type = toOpenApi(field, 'output').type;
      expect(['string', 'number', 'integer', 'boolean'], name).toContain(type);
    }
  });
});
