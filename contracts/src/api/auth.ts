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
