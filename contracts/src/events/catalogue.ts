import type { z } from 'zod';
import { AbsenceCorrected, AbsenceReported, AbsenceWithdrawn } from './absence.js';
import { AlertAcknowledged, AlertEscalated, AlertRaised, AlertResolved, AlertRulesConfigured } from './alerts.js';
import { BookingCancelled, StaffBooked } from './bookings.js';
import { HoursReported } from './hours-reports.js';
import {
  ActivityLabelDefined,
  BedsPlanned,
  CompetenceDefined,
  StaffingKeySet,
  StaffingRequirementSet,
  UnitRegistered,
} from './organisation.js';
import {
  CensusRecorded,
  DimensioningSet,
  ForecastSet,
  InflowRecorded,
  PatientBooked,
  PatientBookingCancelled,
  ProductionPlanSet,
  ProductionRecorded,
  WaitlistEntryAdded,
  WaitlistEntryRemoved,
} from './plan.js';
import { ShiftCancelled, ShiftChanged, ShiftScheduled } from './shifts.js';
import { StaffRegistered } from './staff.js';
import { ClockedIn, ClockedOut, WorkRegistered } from './time-registration.js';

/** Every event type of the v1 catalogue and the schema of its data. */
export const eventDataSchemas = {
  CompetenceDefined,
  ActivityLabelDefined,
  UnitRegistered,
  BedsPlanned,
  StaffingKeySet,
  StaffingRequirementSet,
  StaffRegistered,
  ShiftScheduled,
  ShiftChanged,
  ShiftCancelled,
  ClockedIn,
  ClockedOut,
  WorkRegistered,
  AbsenceReported,
  AbsenceCorrected,
  AbsenceWithdrawn,
  HoursReported,
  StaffBooked,
  BookingCancelled,
  ProductionPlanSet,
  PatientBooked,
  PatientBookingCancelled,
  WaitlistEntryAdded,
  WaitlistEntryRemoved,
  ProductionRecorded,
  InflowRecorded,
  ForecastSet,
  CensusRecorded,
  DimensioningSet,
  AlertRulesConfigured,
  AlertRaised,
  AlertAcknowledged,
  AlertEscalated,
  AlertResolved,
} as const;

export type EventType = keyof typeof eventDataSchemas;
export const EVENT_TYPES = Object.keys(eventDataSchemas) as EventType[];
export type EventData<T extends EventType> = z.output<(typeof eventDataSchemas)[T]>;
export type EventDataInput<T extends EventType> = z.input<(typeof eventDataSchemas)[T]>;

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventDataSchemas, type);
}

/** A one-line description of each event type, for the OpenAPI document and the README. */
export const EVENT_DESCRIPTIONS: Record<EventType, string> = {
  CompetenceDefined: 'A competence (SSK, USK, LAK, …) with its staff category; Swedish defaults are built in.',
  ActivityLabelDefined: 'A label of the three-level activity tree; Karolinska’s tree is built in.',
  UnitRegistered: 'A unit with its department, shift slots (local times), time zone and staffing-centre pool.',
  BedsPlanned: 'Beds to staff on a unit from a date.',
  StaffingKeySet: 'A staffing key: minimum and target per slot and competence, fixed or per N beds, optionally per weekday.',
  StaffingRequirementSet: 'An explicit minimum and target for one date, slot and competence (overrides keys).',
  StaffRegistered: 'A person: competences, employment form, rate, home unit, pool.',
  ShiftScheduled: 'A scheduled shift (staffed or open) with competence, times and level-3 activity.',
  ShiftChanged: 'A shift restated as it now is.',
  ShiftCancelled: 'A shift that will not take place.',
  ClockedIn: 'A person clocked in on a unit.',
  ClockedOut: 'A person clocked out on a unit.',
  WorkRegistered: 'A worked interval with its kind (ordinary, overtime, additional, on-call, standby, hourly); same registrationId replaces.',
  AbsenceReported: 'Absence of a person for an interval, past, present or future.',
  AbsenceCorrected: 'An absence restated as it now is.',
  AbsenceWithdrawn: 'An absence that did not happen.',
  HoursReported: 'Aggregate hours per unit, date or month, competence, employment form and pay component.',
  StaffBooked: 'A staffing-centre booking of a person into a unit’s slot (pool, overtime, agency, reallocation).',
  BookingCancelled: 'A staffing-centre booking that was cancelled.',
  ProductionPlanSet: 'Planned hours and/or volume for a unit, ISO week (or month) and activity.',
  PatientBooked: 'A patient (opaque reference) booked into a unit’s time.',
  PatientBookingCancelled: 'A patient booking that was cancelled.',
  WaitlistEntryAdded: 'A waiting-list entry with expected hours and a medical target date.',
  WaitlistEntryRemoved: 'A waiting-list entry that left the list.',
  ProductionRecorded: 'Recorded production (outcome) for a unit and period.',
  InflowRecorded: 'Recorded inflow (demand) for a unit and period.',
  ForecastSet: 'A forecast for a unit and month (inflow, production or capacity).',
  CensusRecorded: 'Patients on a unit at midnight of a date.',
  DimensioningSet: 'Dimensioned presence (FTE) per unit, staff category and month.',
  AlertRulesConfigured: 'Server-appended (PUT /api/v1/alert-rules; rejected on ingest): alert rule settings for the organisation or one unit.',
  AlertRaised: 'Server-appended (alert engine; rejected on ingest): a deviation alert was raised (rule, unit, window, observed vs expected, audience).',
  AlertAcknowledged: 'Server-appended (POST /api/v1/alerts/{alertId}/acknowledge; rejected on ingest): an owner took the alert.',
  AlertEscalated: 'Server-appended (alert engine; rejected on ingest): an unacknowledged alert went to the next level.',
  AlertResolved: 'Server-appended (alert engine or POST /api/v1/alerts/{alertId}/resolve; rejected on ingest): the deviation is gone, its window passed, or a person resolved it.',
};

type AnyData = Record<string, unknown>;

/** The stream an event belongs to. Sources know nothing of streams; the server picks it from the event. */
export function streamFor(type: EventType, data: AnyData): string {
  const s = (v: unknown) => String(v);
  switch (type) {
    case 'CompetenceDefined':
      return `competence-${s(data.code)}`;
    case 'ActivityLabelDefined':
      return `activity-${s(data.code)}`;
    case 'UnitRegistered':
    case 'BedsPlanned':
    case 'StaffingKeySet':
    case 'StaffingRequirementSet':
      return `unit-${s(data.unitId)}`;
    case 'StaffRegistered':
    case 'ClockedIn':
    case 'ClockedOut':
      return `staff-${s(data.staffId)}`;
    case 'ShiftScheduled':
    case 'ShiftChanged':
    case 'ShiftCancelled':
      return `shift-${s(data.shiftId)}`;
    case 'WorkRegistered':
      return `work-${s(data.registrationId)}`;
    case 'AbsenceReported':
    case 'AbsenceCorrected':
    case 'AbsenceWithdrawn':
      return `absence-${s(data.absenceId)}`;
    case 'HoursReported':
      return `hours-${s(data.unitId)}`;
    case 'StaffBooked':
    case 'BookingCancelled':
      return `booking-${s(data.bookingId)}`;
    case 'PatientBooked':
    case 'PatientBookingCancelled':
      return `patientbooking-${s(data.bookingId)}`;
    case 'WaitlistEntryAdded':
    case 'WaitlistEntryRemoved':
      return `waitlist-${s(data.entryId)}`;
    case 'ProductionPlanSet':
    case 'ForecastSet':
    case 'DimensioningSet':
      return `plan-${s(data.unitId)}`;
    case 'ProductionRecorded':
    case 'InflowRecorded':
    case 'CensusRecorded':
      return `outcome-${s(data.unitId)}`;
    case 'AlertRulesConfigured':
      return data.unitId === undefined ? 'alertrules-organisation' : `alertrules-unit-${s(data.unitId)}`;
    case 'AlertRaised':
    case 'AlertAcknowledged':
    case 'AlertEscalated':
    case 'AlertResolved':
      return `alert-${s(data.alertId)}`;
  }
}
