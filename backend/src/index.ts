export * from './event-store/event-store.js';
export * from './event-store/sqlite/sqlite-event-store.js';
