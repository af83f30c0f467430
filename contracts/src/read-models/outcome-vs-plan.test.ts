import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { OutcomeVsPlanParams, OutcomeVsPlanResponse, OutcomeVsPlanRow } from './outcome-vs-plan.js';

const toOpenApi = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any', reused: 'inline' }) as Record<string, any>;
const messages = (r: { success: boolean; error?: z.ZodError }) => r.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

describe('OutcomeVsPlanParams', () => {
  it('months by default, weeks on request; the classification rule is configurable', () => {
    expect(OutcomeVsPlanParams.parse({ unitId: 'ORT' })).toEqual({ unitId: 'ORT', granularity: 'month', trackingSignalLimit: 4, minPeriods: 3 });
    expect(OutcomeVsPlanParams.parse({ unitId: 'ORT', from: '2023-01', to: '2023-09', trackingSignalLimit: '3.5', minPeriods: '6' })).toMatchObject({ trackingSignalLimit: 3.5, minPeriods: 6 });
    expect(OutcomeVsPlanParams.parse({ unitId: 'ORT', granularity: 'week', from: '2023-W01', to: '2023-W10' })).toMatchObject({ granularity: 'week' });
  });

  it('explains what is wrong', () => {
    expect(messages(OutcomeVsPlanParams.safeParse({ unitId: 'ORT', from: '2023-W01' }))).toEqual(['from: must be a month YYYY-MM (granularity month)']);
    expect(messages(OutcomeVsPlanParams.safeParse({ unitId: 'ORT', granularity: 'week', to: '2023-05' }))).toEqual(['to: must be an ISO week YYYY-Www (granularity week)']);
    expect(messages(OutcomeVsPlanParams.safeParse({ unitId: 'ORT', from: '2023-09', to: '2023-01' }))).toEqual(['to: to must not be before from']);
    expect(messages(OutcomeVsPlanParams.safeParse({ unitId: 'ORT', measure: 'beds' }))[0]).toMatch(/^measure: /);
  });

  it('converts to OpenAPI; rows are flat', () => {
    expect(Object.keys(toOpenApi(OutcomeVsPlanParams, 'input').properties)).toContain('granularity');
    expect(() => toOpenApi(OutcomeVsPlanResponse, 'output')).not.toThrow();
    for (const [name, field] of Object.entries(OutcomeVsPlanRow.shape as Record<string, z.ZodType>)) {
      expect(['string', 'number', 'integer', 'boolean'], name).toContain(toOpenApi(field, 'output').type);
    }
  });
});
