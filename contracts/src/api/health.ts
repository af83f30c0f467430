import { z } from 'zod';

export const HealthResponse = z
  .object({
    status: z.enum(['ok', 'degraded']),
    version: z.string(),
    uptimeSeconds: z.number(),
    store: z.object({ kind: z.string(), position: z.number().int() }),
    bus: z.object({ kind: z.string(), state: z.string() }),
    projections: z.array(
      z.object({
        name: z.string(),
        version: z.number().int(),
        position: z.number().int(),
        lag: z.number().int().describe('events in the store not yet folded into this projection'),
        errors: z.number().int(),
        lastError: z.string().nullable(),
      }),
    ),
    lastEventAt: z.string().nullable().describe('recordedAt of the last event the projections applied'),
    catchingUp: z.boolean(),
    node: z
      .object({
        id: z.string(),
        role: z.enum(['single', 'leader', 'standby', 'replica']).describe('single: `pks start`; leader/standby: `pks project`; replica: `pks serve`'),
        leaderLock: z.string().optional().describe('how the projection runner leader is chosen (postgres-advisory-lock, none)'),
      })
      .optional()
      .describe('this node in a multi-node setup'),
  })
  .meta({ id: 'HealthResponse' });
export type HealthResponse = z.infer<typeof HealthResponse>;
