import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ScheduleVsPlanActivityRow, ScheduleVsPlanParams, ScheduleVsPlanResponse, ScheduleVsPlanRow } from './schedule-vs-plan.js';

const toOpenApi = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any', reused: 'inline' }) as Record<string, any>;
const messages = (r: { success: boolean; error?: z.ZodError }) => r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('ScheduleVsPlanParams', () => {
  it('defaults to 12 weeks back and ahead and the 1.10 target; coerces query-string numbers', () => {
    expect(ScheduleVsPlanParams.parse({ unitId: 'MOT' })).toEqual({ unitId: 'MOT', weeksBack: 12, weeksAhead: 12, targetRatio: 1.1, weeksAheadGoal: 12 });
    expect(ScheduleVsPlanParams.parse({ departmentId: 'ort', weeksAhead: '26', targetRatio: '1.05' })).toMatchObject({ weeksAhead: 26, targetRatio: 1.05 });
    expect(ScheduleVsPlanParams.parse({ unitId: 'MOT', from: '2026-W40', to: '2027-W10' })).toMatchObject({ from: '2026-W40', to: '2027-W10' });
  });

  it('explains what is wrong', () => {
    expect(messages(ScheduleVsPlanParams.safeParse({}))).toEqual(['unitId: give exactly one of unitId, departmentId or poolId']);
    expect(messages(ScheduleVsPlanParams.safeParse({ unitId: 'MOT', weeksAhead: 'many' }))[0]).toMatch(/^weeksAhead: /);
    expect(messages(ScheduleVsPlanParams.safeParse({ unitId: 'MOT', from: '2027-W10', to: '2026-W40' }))).toEqual(['to: to must not be before from']);
    expect(messages(ScheduleVsPlanParams.safeParse({ unitId: 'MOT', from: '2020-W01', to: '2026-W40' }))).toEqual(['to: a query covers at most 157 weeks']);
    expect(ScheduleVsPlanParams.safeParse({ unitId: 'MOT', from: '2024-W01', to: '2026-W52' }).success).toBe(true);
  });

  it('converts to OpenAPI; rows are flat', () => {
    expect(Object.keys(toOpenApi(ScheduleVsPlanParams, 'input').properties)).toContain('targetRatio');
    expect(() => toOpenApi(ScheduleVsPlanResponse, 'output')).not.toThrow();
    for (const row of [ScheduleVsPlanRow, ScheduleVsPlanActivityRow]) {
      for (const [name, field] of Object.entries(row.shape as Record<string, z.ZodType>)) {
        expect(['string', 'number', 'integer', 'boolean'], name).toContain(toOpenApi(field, 'output').type);
      }
    }
  });
});
