import {
  DAY_MS, formatDate, formatHHMM, isCivilDate, isoWeekday, isTimeOfDay,
  type CivilDate, type CivilDateTime
} from './calendar.js'

/**
 * Time-zone maths on the runtime's own IANA database (Intl), with no tz library: Node ships full ICU, and a
 * second copy of the database could disagree with the one node-cron reads through the same Intl.
 */

/** What a clock on the wall in `tz` shows at an instant. `weekday` is ISO: 1 = Monday ... 7 = Sunday. */
export interface WallClock extends CivilDateTime { weekday: number }

/** A wall-clock reading to turn into an instant; seconds default to 0. */
export type WallTime = CivilDate & { hour: number, minute: number, second?: number }

export const DEFAULT_TIME_ZONE = 'Asia/Ho_Chi_Minh'

// One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. The cache only holds
// zones Intl accepted, so its size is bounded by the zone database.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter (tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (f === undefined) {
    // hourCycle h23, not hour12: false, which prints midnight as "24" in some ICU versions.
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric'
    })
    formatters.set(tz, f)
  }
  return f
}

/** True for a zone name the runtime knows (`Asia/Ho_Chi_Minh`, `UTC`); false for `Mars/Olympus` or `+07:00`. */
export function isValidTimeZone (tz: string): boolean {
  // Fixed offsets are refused on purpose: they have no DST rules, so "07:00 in +01:00" drifts twice a year.
  if (typeof tz !== 'string' || !/^[A-Za-z]/.test(tz)) return false
  try {
    formatter(tz)
    return true
  } catch {
    return false
  }
}

/** The wall clock in `tz` at `instant` (to the second). Throws RangeError for an unknown zone. */
export function wallClock (instant: Date, tz: string): WallClock {
  const p = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 }
  for (const part of formatter(tz).formatToParts(instant)) {
    if (part.type in p) p[part.type as keyof typeof p] = Number(part.value)
  }
  return { ...p, weekday: isoWeekday(p) }
}

// Offsets already looked up, per zone. Listing fire times asks for the same few instants again and again (the
// local midnights around each day, for every schedule in the zone), and formatToParts costs about 5 us.
// Cleared when large: a cache, not a store.
const offsets = new Map<string, Map<number, number>>()
const MAX_CACHED_OFFSETS = 100_000

/** How far `tz` is ahead of UTC at an instant, in ms (+7 h for Asia/Ho_Chi_Minh). */
function offsetAt (ms: number, tz: string): number {
  let zone = offsets.get(tz)
  if (zone === undefined) offsets.set(tz, zone = new Map())
  const known = zone.get(ms)
  if (known !== undefined) return known
  const w = wallClock(new Date(ms), tz)
  const offset = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000
  if (zone.size >= MAX_CACHED_OFFSETS) zone.clear()
  zone.set(ms, offset)
  return offset
}

/** Whether the wall clock in `tz` at `instant` reads exactly `t` (to the second). */
export function readsAs (instant: Date, t: WallTime, tz: string): boolean {
  const local = Date.UTC(t.year, t.month - 1, t.day, t.hour, t.minute, t.second ?? 0)
  return offsetAt(instant.getTime(), tz) === local - instant.getTime()
}

/**
 * The instant at which the wall clock in `tz` shows `t`. The same rule as Temporal's default ('compatible')
 * and as cron daemons that run a job whose time was skipped:
 * - DST gap (the time never shows, e.g. 02:30 on 2026-03-29 in Europe/Berlin): move forward by the length of
 *   the gap, so 02:30 becomes 03:30 CEST. A programme is played late rather than not at all.
 * - DST overlap (the time shows twice, e.g. 01:30 on 2026-11-01 in America/New_York): the FIRST occurrence
 *   (01:30 EDT). A programme plays once, at the earlier moment; it is never repeated an hour later.
 * Throws RangeError when the date or time does not exist on any calendar (2026-02-30, 24:00).
 */
export function fromWallClock (t: WallTime, tz: string): Date {
  const full = { ...t, second: t.second ?? 0 }
  if (!isCivilDate(full) || !isTimeOfDay(full)) throw new RangeError(`not a real date and time: ${JSON.stringify(t)}`)
  const local = Date.UTC(full.year, full.month - 1, full.day, full.hour, full.minute, full.second)
  // The true instant lies within 14 h of `local`, so offsets sampled a day either side are the offsets in force
  // before and after any transition near it (zones change offset at most once in two days).
  const before = offsetAt(local - DAY_MS, tz)
  const after = offsetAt(local + DAY_MS, tz)
  const candidates = before === after ? [local - before] : [local - before, local - after].sort((a, b) => a - b)
  for (const c of candidates) {
    if (offsetAt(c, tz) === local - c) return new Date(c)
  }
  // Nothing reads back: a gap. Reading the wall time with the offset in force before it lands `gap` later.
  return new Date(local - before)
}

/** The local date in `tz` at an instant, `YYYY-MM-DD`. */
export function localDate (instant: Date, tz: string): string {
  return formatDate(wallClock(instant, tz))
}

/** `YYYY-MM-DD HH:mm` in `tz`: how an error message or the panel names a fire time to a clerk. */
export function formatLocal (instant: Date, tz: string): string {
  const w = wallClock(instant, tz)
  return `${formatDate(w)} ${formatHHMM(w.hour, w.minute)}`
}
