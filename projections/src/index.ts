export * from './projection/projection.js';
export * from './time/civil-days.js';
export * from './time/calendar.js';
export * from './time/zoned-time.js';
export * from './unit-directory/unit-directory.js';
export * from './reference-catalog/reference-catalog.js';
export * from './events-per-unit/events-per-unit.js';
export * from './registry.js';
