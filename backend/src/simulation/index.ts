/**
 * The simulated hospital: a deterministic generator of realistic PKS events (units, staff, schedules, clock
 * events, absences, bookings, plans, outcomes, patients) for the start command, load tests and benchmarks.
 */
export { createHospital, KAROLINSKA_UNITS, SCALE_TARGETS, unitHeadCount, type CreateHospitalOptions } from './create-hospital.js';
export type { Hospital, ProductionMeasure, RequirementModel, Scale, SlotModel, StaffingKeyModel, StaffModel, UnitModel, UnitTemplate, WorkPattern } from './hospital-model.js';
export { SCALES } from './hospital-model.js';
export { setupEvents, type SetupOptions } from './setup-events.js';
export { generateEvents, type GenerateOptions } from './generate-events.js';
export { SimulatedFeed, type SimulatedFeedOptions, type SimulatedFeedStats } from './simulated-feed.js';
export { writeHistoryNdjson, type HistoryProgress, type HistorySummary, type WriteHistoryOptions } from './write-history-ndjson.js';
export { DEFAULT_FAULTS, INVALID_CORRELATION_PREFIX, INVALID_ID_SUFFIX, isSimulatedInvalid, simulatedFault, type FaultOptions, type InvalidKind } from './faults.js';
export { builtInProfile, findEdArrivalsFile, loadDemandProfile, type DemandProfile } from './demand-profile.js';
export { SICK_MONTH_FACTOR, SICK_WEEKDAY_FACTOR, sickRateFactor } from './absence-model.js';
export { EVENT_ID_PREFIX, SOURCE } from './event-builders.js';
export type { InstantLike } from './local-calendar.js';
