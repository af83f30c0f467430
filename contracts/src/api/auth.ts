import { z } from 'zod';

/** Who may do what: integration (ingest only), manager (own units), staffing centre (its pool), tactical (its department), admin. */
export const Role = z.enum(['integration', 'manager', 'staffing-centre', 'tactical', 'admin']);
export type Role = z.infer<typeof Role>;

export const Principal = z.object({
  sub: z.string(),
  name: z.string().optional(),
  role: Role,
  /** units a manager is responsible for */
  units: z.array(z.string()).default([]),
  /** staffing-centre pools */
  pools: z.array(z.string()).default([]),
  /** departments of the tactical level */
  departments: z.array(z.string()).default([]),
});
export type Principal = z.infer<typeof Principal>;

/** Roles entitled to absence reasons (health data, DOMAIN.md §6). */
export const ROLES_SEEING_ABSENCE_REASONS: readonly Role[] = ['manager', 'admin'];

/** A demo user of the embedded mode, picked on the login page. */
export const DemoUser = z
  .object({
    id: z.string(),
    name: z.string(),
    title: z.string().describe('e.g. Vårdenhetschef B8'),
    role: Role,
    units: z.array(z.string()),
    pools: z.array(z.string()),
    departments: z.array(z.string()),
  })
  .meta({ id: 'DemoUser' });
export type DemoUser = z.infer<typeof DemoUser>;

export const DemoUsersResponse = z.object({ users: z.array(DemoUser) }).meta({ id: 'DemoUsersResponse' });

export const DemoLoginRequest = z.object({ userId: z.string().min(1) }).meta({ id: 'DemoLoginRequest' });

export const LoginResponse = z
  .object({ token: z.string(), expiresAt: z.string(), principal: Principal })
  .meta({ id: 'LoginResponse' });
export type LoginResponse = z.infer<typeof LoginResponse>;

export const ScopeUnit = z.object({
  unitId: z.string(),
  name: z.string(),
  departmentId: z.string(),
  departmentName: z.string().nullable(),
  poolId: z.string().nullable(),
  kind: z.string(),
});
export type ScopeUnit = z.infer<typeof ScopeUnit>;

/** Who am I and what may I see: the principal, the units in scope, and whether absence reasons are shown. */
export const MeResponse = z
  .object({
    principal: Principal,
    units: z.array(ScopeUnit),
    departments: z.array(z.object({ departmentId: z.string(), name: z.string().nullable() })),
    pools: z.array(z.string()),
    canSeeAbsenceReasons: z.boolean(),
    position: z.number().int(),
  })
  .meta({ id: 'MeResponse' });
export type MeResponse = z.infer<typeof MeResponse>;

export const AuditQuery = z.object({
  from: z.string().optional().describe('ISO instant'),
  to: z.string().optional(),
  sub: z.string().optional(),
  action: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
});
export const AuditResponse = z
  .object({
    entries: z.array(z.object({ at: z.string(), sub: z.string(), role: z.string(), action: z.string(), detail: z.record(z.string(), z.unknown()) })),
  })
  .meta({ id: 'AuditResponse' });
