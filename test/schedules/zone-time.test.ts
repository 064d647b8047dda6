import { describe, expect, it } from 'vitest'
import { formatLocal, fromWallClock, isValidTimeZone, localDate, wallClock } from '../../schedules/index.js'

describe('time zones', () => {
  it('knows IANA zones and refuses made-up names and fixed offsets', () => {
    expect(isValidTimeZone('Asia/Ho_Chi_Minh')).toBe(true)
    expect(isValidTimeZone('Europe/Berlin')).toBe(true)
    expect(isValidTimeZone('UTC')).toBe(true)
    expect(isValidTimeZone('Mars/Olympus')).toBe(false)
    expect(isValidTimeZone('+07:00')).toBe(false)
    expect(isValidTimeZone('')).toBe(false)
  })

  it('reads the wall clock with an ISO weekday', () => {
    // 2026-03-01 22:00Z is Monday 2 March 05:00 in Hanoi/Ho Chi Minh City (UTC+7, no DST).
    expect(wallClock(new Date('2026-03-01T22:00:00Z'), 'Asia/Ho_Chi_Minh'))
      .toEqual({ year: 2026, month: 3, day: 2, hour: 5, minute: 0, second: 0, weekday: 1 })
    expect(wallClock(new Date('2026-03-01T12:00:00Z'), 'UTC').weekday).toBe(7)
    // Midnight is hour 0, never 24.
    expect(wallClock(new Date('2026-03-01T17:00:00Z'), 'Asia/Ho_Chi_Minh').hour).toBe(0)
  })

  it('turns an ordinary wall time into its instant', () => {
    expect(fromWallClock({ year: 2026, month: 3, day: 2, hour: 5, minute: 0 }, 'Asia/Ho_Chi_Minh').toISOString())
      .toBe('2026-03-01T22:00:00.000Z')
    expect(fromWallClock({ year: 2026, month: 7, day: 1, hour: 12, minute: 0, second: 30 }, 'Europe/Berlin').toISOString())
      .toBe('2026-07-01T10:00:30.000Z')
  })

  it('moves a wall time inside a DST gap forward by the gap', () => {
    // Berlin 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 02:30 never shows; it becomes 03:30 CEST.
    const berlin = fromWallClock({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, 'Europe/Berlin')
    expect(berlin.toISOString()).toBe('2026-03-29T01:30:00.000Z')
    expect(formatLocal(berlin, 'Europe/Berlin')).toBe('2026-03-29 03:30')
    // New York 2026-03-08: 02:00 EST jumps to 03:00 EDT.
    const ny = fromWallClock({ year: 2026, month: 3, day: 8, hour: 2, minute: 0 }, 'America/New_York')
    expect(formatLocal(ny, 'America/New_York')).toBe('2026-03-08 03:00')
  })

  it('takes the first occurrence of a wall time a DST overlap shows twice', () => {
    // Berlin 2026-10-25: 03:00 CEST falls back to 02:00 CET; 02:30 CEST (00:30Z) comes before 02:30 CET (01:30Z).
    expect(fromWallClock({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, 'Europe/Berlin').toISOString())
      .toBe('2026-10-25T00:30:00.000Z')
    // New York 2026-11-01: 01:30 EDT (05:30Z) before 01:30 EST (06:30Z).
    expect(fromWallClock({ year: 2026, month: 11, day: 1, hour: 1, minute: 30 }, 'America/New_York').toISOString())
      .toBe('2026-11-01T05:30:00.000Z')
  })

  it('refuses a date that no calendar has', () => {
    expect(() => fromWallClock({ year: 2026, month: 2, day: 30, hour: 5, minute: 0 }, 'UTC')).toThrow(RangeError)
    expect(() => fromWallClock({ year: 2026, month: 2, day: 1, hour: 24, minute: 0 }, 'UTC')).toThrow(RangeError)
    expect(() => fromWallClock({ year: 2026, month: 2, day: 1, hour: 5, minute: 0 }, 'Mars/Olympus')).toThrow(RangeError)
  })

  it('names local dates and times', () => {
    const t = new Date('2026-03-01T17:30:00Z')
    expect(localDate(t, 'Asia/Ho_Chi_Minh')).toBe('2026-03-02')
    expect(localDate(t, 'UTC')).toBe('2026-03-01')
    expect(formatLocal(t, 'Asia/Ho_Chi_Minh')).toBe('2026-03-02 00:30')
  })
})
