/**
 * Pure scheduling logic for the controller's runner and API: the model, fire times, quiet hours, conflicts.
 * No timers and no I/O here; every function takes the time it reasons about.
 */
export * from './model.js'
export * from './zone-time.js'
export * from './recurrence.js'
export * from './quiet-hours.js'
export * from './conflicts.js'
export * from './validate.js'
export { checkCron } from './cron.js'
export {
  DATE_PATTERN, HHMM_PATTERN, LOCAL_DATE_TIME_PATTERN, parseDate, parseHHMM, parseLocalDateTime,
  type CivilDate, type CivilDateTime, type TimeOfDay
} from './calendar.js'
