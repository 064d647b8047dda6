/**
 * Civil (calendar) dates and times of day, with no zone attached. Schedules are written in these terms
 * ("2026-03-02", "05:00") and only become instants through zone-time.ts. Day arithmetic runs on day numbers
 * (days since 1970-01-01) so that it never meets a DST change.
 */

export interface CivilDate { year: number, month: number, day: number }
export interface TimeOfDay { hour: number, minute: number, second: number }
export type CivilDateTime = CivilDate & TimeOfDay

export const DAY_MS = 86_400_000

/** `YYYY-MM-DD`; the shape only, parseDate() also checks that the day exists. */
export const DATE_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$'
/** `HH:mm`, 00:00 to 23:59. */
export const HHMM_PATTERN = '^([01]\\d|2[0-3]):[0-5]\\d$'
/** `YYYY-MM-DDTHH:mm` or `YYYY-MM-DDTHH:mm:ss`, a wall-clock reading with no offset. */
export const LOCAL_DATE_TIME_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d)?$'

const dateRe = new RegExp(DATE_PATTERN)
const hhmmRe = new RegExp(HHMM_PATTERN)
const dateTimeRe = new RegExp(LOCAL_DATE_TIME_PATTERN)

// Earlier years are typing mistakes in a broadcast schedule (and Date.UTC maps 0-99 to 19xx). Input is four
// digits at most; 10000 is allowed so that "the day after validTo 9999-12-31" still exists.
const MIN_YEAR = 1970
const MAX_YEAR = 10_000

export function daysInMonth (year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate()
}

export function isCivilDate (d: CivilDate): boolean {
  return Number.isInteger(d.year) && d.year >= MIN_YEAR && d.year <= MAX_YEAR &&
    Number.isInteger(d.month) && d.month >= 1 && d.month <= 12 &&
    Number.isInteger(d.day) && d.day >= 1 && d.day <= daysInMonth(d.year, d.month)
}

export function isTimeOfDay (t: TimeOfDay): boolean {
  return Number.isInteger(t.hour) && t.hour >= 0 && t.hour <= 23 &&
    Number.isInteger(t.minute) && t.minute >= 0 && t.minute <= 59 &&
    Number.isInteger(t.second) && t.second >= 0 && t.second <= 59
}

/** `YYYY-MM-DD` -> date, or null when the text is malformed or the day does not exist (2026-02-30). */
export function parseDate (s: string): CivilDate | null {
  if (!dateRe.test(s)) return null
  const d = { year: Number(s.slice(0, 4)), month: Number(s.slice(5, 7)), day: Number(s.slice(8, 10)) }
  return isCivilDate(d) ? d : null
}

/** `HH:mm` -> minutes since midnight, or null. */
export function parseHHMM (s: string): number | null {
  if (!hhmmRe.test(s)) return null
  return Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5))
}

/** `YYYY-MM-DDTHH:mm[:ss]` -> date and time, or null when malformed or the day does not exist. */
export function parseLocalDateTime (s: string): CivilDateTime | null {
  if (!dateTimeRe.test(s)) return null
  const date = parseDate(s.slice(0, 10))
  if (date === null) return null
  return { ...date, hour: Number(s.slice(11, 13)), minute: Number(s.slice(14, 16)), second: s.length > 16 ? Number(s.slice(17, 19)) : 0 }
}

export function dayNumber (d: CivilDate): number {
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS
}

export function fromDayNumber (n: number): CivilDate {
  const t = new Date(n * DAY_MS)
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate() }
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export function isoWeekday (d: CivilDate): number {
  const sundayZero = new Date(Date.UTC(d.year, d.month - 1, d.day)).getUTCDay()
  return sundayZero === 0 ? 7 : sundayZero
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

export function formatDate (d: CivilDate): string {
  return `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`
}

export function formatHHMM (hour: number, minute: number): string {
  return `${pad(hour)}:${pad(minute)}`
}
