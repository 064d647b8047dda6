import {
  DAY_MS, dayNumber, fromDayNumber, isoWeekday, parseDate, parseHHMM, parseLocalDateTime, type CivilDate
} from './calendar.js'
import { checkCron, withCronPlan } from './cron.js'
import type { Recurrence, ScheduleSpec } from './model.js'
import { fromWallClock, isValidTimeZone, readsAs, wallClock } from './zone-time.js'

/**
 * When a schedule fires. Pure: every function takes the times it reasons about. Weekly and cron times are
 * wall-clock times in the schedule's zone, so "05:00" stays 05:00 local across a DST change; each wanted wall
 * time becomes an instant through fromWallClock() (gap: later by the gap; overlap: first occurrence). Every
 * wall time fires at most once, and two wall times that land on the same instant (02:30 and 03:30 on a
 * spring-forward day) fire once.
 */

/** The part of a schedule that decides its fire times. */
export type Timing = Pick<ScheduleSpec, 'recurrence' | 'timeZone' | 'validFrom' | 'validTo'>

/** How far nextFireTimes() looks ahead, so an expression that (almost) never fires answers quickly. */
export const NEXT_FIRE_HORIZON_DAYS = 400
const LATEST = 8.64e15 // the last instant a Date can hold

/** A clear English error for a recurrence that cannot run in `tz`, or null when it is fine. */
export function checkRecurrence (rec: Recurrence, tz: string): string | null {
  if (!isValidTimeZone(tz)) return `unknown time zone '${tz}'; use an IANA name such as 'Asia/Ho_Chi_Minh'`
  switch (rec.kind) {
    case 'once':
      return parseLocalDateTime(rec.at) === null
        ? `'${rec.at}' is not a date and time that exists; expected YYYY-MM-DDTHH:mm, for example '2026-03-02T05:00'`
        : null
    case 'weekly': {
      if (rec.days.length === 0) return 'choose at least one weekday'
      const badDay = rec.days.find(d => !Number.isInteger(d) || d < 1 || d > 7)
      if (badDay !== undefined) return `weekday ${badDay} does not exist; use 1 (Monday) to 7 (Sunday)`
      if (new Set(rec.days).size !== rec.days.length) return 'a weekday is listed twice'
      if (rec.times.length === 0) return 'choose at least one time of day'
      const badTime = rec.times.find(t => parseHHMM(t) === null)
      if (badTime !== undefined) return `'${badTime}' is not a time of day; expected HH:mm, for example '05:00'`
      if (new Set(rec.times).size !== rec.times.length) return 'a time of day is listed twice'
      return null
    }
    case 'cron':
      return checkCron(rec.expr)
  }
}

/** A clear English error for a validity window that is malformed or ends before it starts, or null. */
export function checkWindow (spec: Pick<ScheduleSpec, 'validFrom' | 'validTo'>): string | null {
  const from = spec.validFrom === undefined ? undefined : parseDate(spec.validFrom)
  const to = spec.validTo === undefined ? undefined : parseDate(spec.validTo)
  if (from === null) return `validFrom '${spec.validFrom ?? ''}' is not a date that exists; expected YYYY-MM-DD`
  if (to === null) return `validTo '${spec.validTo ?? ''}' is not a date that exists; expected YYYY-MM-DD`
  if (from !== undefined && to !== undefined && dayNumber(to) < dayNumber(from)) {
    return `the validity window ends (${spec.validTo ?? ''}) before it starts (${spec.validFrom ?? ''})`
  }
  return null
}

/** The instants [start, end) the validity window covers: 00:00 of validFrom to the end of validTo, local. */
function windowBounds (spec: Timing): [number, number] | null {
  const from = spec.validFrom === undefined ? undefined : parseDate(spec.validFrom)
  const to = spec.validTo === undefined ? undefined : parseDate(spec.validTo)
  if (from === null || to === null) return null
  const midnight = (d: CivilDate): number => fromWallClock({ ...d, hour: 0, minute: 0 }, spec.timeZone).getTime()
  const start = from === undefined ? -LATEST : midnight(from)
  const end = to === undefined ? LATEST : midnight(fromDayNumber(dayNumber(to) + 1))
  return [start, end]
}

/** Wall times (minutes since midnight) wanted on a local day, ascending; empty when the day is not wanted. */
type DayPlan = (day: CivilDate) => readonly number[]

/**
 * Every fire instant in [from, to), ascending, at most `limit`. Honours validFrom/validTo (local dates in the
 * schedule's zone, both inclusive); ignores `enabled`, which is the caller's business. An invalid recurrence
 * or window has no fire times (checkRecurrence/checkWindow say why). Cost grows with the days in the range.
 */
export function occurrences (spec: Timing, from: Date, to: Date, limit = 10_000): Date[] {
  // A cron expression is checked where it is compiled (withCronPlan), not twice.
  if (spec.recurrence.kind === 'cron' ? !isValidTimeZone(spec.timeZone) : checkRecurrence(spec.recurrence, spec.timeZone) !== null) return []
  const bounds = windowBounds(spec)
  if (bounds === null) return []
  const lo = Math.max(from.getTime(), bounds[0])
  const hi = Math.min(to.getTime(), bounds[1])
  if (!(lo < hi) || limit <= 0) return []
  const rec = spec.recurrence
  const tz = spec.timeZone
  if (rec.kind === 'once') {
    const at = parseLocalDateTime(rec.at)
    if (at === null) return []
    const t = fromWallClock(at, tz).getTime()
    return t >= lo && t < hi ? [new Date(t)] : []
  }
  if (rec.kind === 'weekly') {
    const days = new Set(rec.days)
    const times = rec.times.map(t => parseHHMM(t) ?? 0).sort((a, b) => a - b)
    return walkDays(tz, lo, hi, limit, day => days.has(isoWeekday(day)) ? times : [])
  }
  return withCronPlan(rec.expr, plan => {
    const times = plan.hours.flatMap(h => plan.minutes.map(m => h * 60 + m))
    return walkDays(tz, lo, hi, limit, day => plan.matchesDay(day) ? times : [])
  }) ?? []
}

/** The next `count` fire times strictly after `after`, looking at most NEXT_FIRE_HORIZON_DAYS ahead. */
export function nextFireTimes (spec: Timing, after: Date, count: number): Date[] {
  const from = new Date(after.getTime() + 1)
  // A one-off has no walk to bound: show it however far ahead it is.
  const to = spec.recurrence.kind === 'once' ? new Date(LATEST) : new Date(from.getTime() + NEXT_FIRE_HORIZON_DAYS * DAY_MS)
  return occurrences(spec, from, to, count)
}

/** Walks the local days that [lo, hi) touches and turns each wanted wall time into an instant. */
function walkDays (tz: string, lo: number, hi: number, limit: number, plan: DayPlan): Date[] {
  // One day of margin either side: a wall time shifted by a DST gap may cross midnight.
  const first = dayNumber(wallClock(new Date(lo), tz)) - 1
  const last = dayNumber(wallClock(new Date(hi), tz)) + 1
  const out: number[] = []
  for (let n = first; n <= last && out.length < limit; n++) {
    const day = fromDayNumber(n)
    const minutes = plan(day)
    if (minutes.length === 0) continue
    for (const t of instantsOn(day, minutes, tz)) {
      if (t >= lo && t < hi) out.push(t)
    }
  }
  out.sort((a, b) => a - b)
  const unique = out.filter((t, i) => i === 0 || t !== out[i - 1])
  return unique.slice(0, limit).map(t => new Date(t))
}

/** Instants of the given wall times on one local day. */
function instantsOn (day: CivilDate, minutes: readonly number[], tz: string): number[] {
  const midnight = { ...day, hour: 0, minute: 0 }
  const start = fromWallClock(midnight, tz)
  const next = fromWallClock({ ...fromDayNumber(dayNumber(day) + 1), hour: 0, minute: 0 }, tz).getTime()
  // Fast path for the ordinary day (24 h long, midnight exists): a cron minute walk then costs no Intl call.
  if (next - start.getTime() === DAY_MS && readsAs(start, midnight, tz)) return minutes.map(m => start.getTime() + m * 60_000)
  // The day of a DST change: convert each wall time on its own.
  return minutes.map(m => fromWallClock({ ...day, hour: Math.floor(m / 60), minute: m % 60 }, tz).getTime())
}
