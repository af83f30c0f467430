export * from './gap-list.js';
export * from './schedule-vs-plan.js';
export * from './outcome-vs-plan.js';
export * from './staffing-overview.js';
export * from './performed-time.js';
export * from './staff-volume.js';
export * from './chppd.js';
