export { performedTime, PERFORMED_TIME_MODEL, STAFF_VOLUME_MODEL, CHPPD_MODEL, ALL_CELLS as STAFF_TIME_ALL_CELLS } from './performed-time-projection.js';
export { initialPerformedTimeState, DEFAULT_TIME_ZONE as PERFORMED_TIME_DEFAULT_TIME_ZONE, type PerformedTimeState, type StaffInfo } from './state.js';
export { queryPerformedTime, toPerformedTimeQuery, rollupActivity, type PerformedTimeQuery } from './query-performed-time.js';
export { queryStaffVolume, toStaffVolumeQuery, type StaffVolumeQuery } from './query-staff-volume.js';
export { queryChppd, toChppdQuery, careCompetences, type ChppdQuery } from './query-chppd.js';
export { listPerformedTimeFindings, countPerformedTimeFindings } from './findings.js';
export { resolveStaffTimePeriod, periodBuckets, type StaffTimePeriodInput, type PeriodBucket } from './period.js';
