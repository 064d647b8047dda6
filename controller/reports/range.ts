import { apiError } from '../errors.js'
import { fromWallClock, isValidTimeZone, parseDate } from '../../schedules/index.js'
import { dayNumber, fromDayNumber } from '../../schedules/calendar.js'

/** A year, leap day included: a clerk's "this year" report must fit; longer ones are asked for in pieces. */
export const MAX_REPORT_DAYS = 366

export interface ReportRange {
  from: string
  to: string
  timeZone: string
  /** Local midnight starting `from`, as an instant (ms). */
  fromMs: number
  /** Local midnight ending `to` (the start of the next day): the range is [fromMs, toMs). */
  toMs: number
}

/**
 * Turns the clerk's dates into instants. Days are local to `timeZone`, so "2026-11-28" in Asia/Ho_Chi_Minh
 * starts at 17:00 UTC the day before; in a zone with daylight saving a day may last 23 or 25 hours.
 */
export function reportRange (from: string, to: string, timeZone: string): ReportRange {
  if (!isValidTimeZone(timeZone)) throw apiError('REPORT_TIME_ZONE_UNKNOWN', { timeZone })
  const first = parseDate(from)
  if (first === null) throw apiError('REPORT_DATE_INVALID', { field: 'from', value: from })
  const last = parseDate(to)
  if (last === null) throw apiError('REPORT_DATE_INVALID', { field: 'to', value: to })
  const days = dayNumber(last) - dayNumber(first) + 1
  if (days < 1) throw apiError('REPORT_RANGE_REVERSED', { from, to })
  if (days > MAX_REPORT_DAYS) throw apiError('REPORT_RANGE_TOO_LONG', { from, to, days, max: MAX_REPORT_DAYS })
  const midnight = (d: { year: number, month: number, day: number }): number =>
    fromWallClock({ ...d, hour: 0, minute: 0 }, timeZone).getTime()
  return { from, to, timeZone, fromMs: midnight(first), toMs: midnight(fromDayNumber(dayNumber(last) + 1)) }
}
