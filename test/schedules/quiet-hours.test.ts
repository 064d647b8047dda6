import { describe, expect, it } from 'vitest'
import {
  DEFAULT_QUIET_HOURS, firstQuietFire, isEmergency, isQuiet, quietHoursMessage
} from '../../schedules/index.js'
import { daily, iso, spec } from './fixtures.js'

const HCM = 'Asia/Ho_Chi_Minh'
const at = (local: string): Date => new Date(`${local}+07:00`)

describe('quiet hours', () => {
  it('default 21:30-05:00 crosses midnight: start inclusive, end exclusive', () => {
    const q = DEFAULT_QUIET_HOURS
    expect(isQuiet(at('2026-03-02T04:00:00'), HCM, q)).toBe(true)
    expect(isQuiet(at('2026-03-02T05:30:00'), HCM, q)).toBe(false)
    expect(isQuiet(at('2026-03-02T05:00:00'), HCM, q)).toBe(false)
    expect(isQuiet(at('2026-03-02T04:59:59'), HCM, q)).toBe(true)
    expect(isQuiet(at('2026-03-02T05:29:59'), HCM, q)).toBe(false)
    expect(isQuiet(at('2026-03-02T21:30:00'), HCM, q)).toBe(true)
    expect(isQuiet(at('2026-03-02T21:29:59'), HCM, q)).toBe(false)
    expect(isQuiet(at('2026-03-02T00:00:00'), HCM, q)).toBe(true)
    expect(isQuiet(at('2026-03-02T12:00:00'), HCM, q)).toBe(false)
  })

  it('a window that does not cross midnight', () => {
    const q = { start: '12:00', end: '13:30' }
    expect(isQuiet(at('2026-03-02T12:00:00'), HCM, q)).toBe(true)
    expect(isQuiet(at('2026-03-02T13:29:00'), HCM, q)).toBe(true)
    expect(isQuiet(at('2026-03-02T13:30:00'), HCM, q)).toBe(false)
    expect(isQuiet(at('2026-03-02T04:00:00'), HCM, q)).toBe(false)
  })

  it('start equal to end means no quiet hours', () => {
    expect(isQuiet(at('2026-03-02T03:00:00'), HCM, { start: '00:00', end: '00:00' })).toBe(false)
  })

  it('is judged on the wall clock of the zone asked about', () => {
    // 21:00Z is 04:00 next day in Ho Chi Minh City, but 22:00 in Berlin (winter).
    const t = new Date('2026-03-01T21:00:00Z')
    expect(isQuiet(t, HCM, DEFAULT_QUIET_HOURS)).toBe(true)
    expect(isQuiet(t, 'Europe/Berlin', { start: '23:00', end: '06:00' })).toBe(false)
  })
})

describe('firstQuietFire', () => {
  const from = at('2026-03-02T00:00:00') // a Monday

  it('finds the first fire inside quiet hours, in the schedule zone', () => {
    // Mon-Sat 04:00 and 17:00: 04:00 is quiet, 05:00 and 05:30 would not be.
    const s = spec({ kind: 'weekly', days: [1, 2, 3, 4, 5, 6], times: ['04:00', '17:00'] })
    expect(firstQuietFire(s, DEFAULT_QUIET_HOURS, from)?.toISOString()).toBe(at('2026-03-02T04:00:00').toISOString())
    expect(firstQuietFire(spec(daily('05:30', '17:00')), DEFAULT_QUIET_HOURS, from)).toBeNull()
    expect(firstQuietFire(spec(daily('05:00', '17:00')), DEFAULT_QUIET_HOURS, from)).toBeNull()
  })

  it('names the mis-set 03:15 in a message a clerk can act on', () => {
    const s = spec({ kind: 'cron', expr: '15 3 * * 3' }) // Wednesdays at 03:15
    const first = firstQuietFire(s, DEFAULT_QUIET_HOURS, from)
    expect(first).not.toBeNull()
    if (first === null) return
    expect(iso(first)).toBe(at('2026-03-04T03:15:00').toISOString())
    expect(quietHoursMessage(first, HCM, DEFAULT_QUIET_HOURS))
      .toBe('this schedule would play at 2026-03-04 03:15 (Asia/Ho_Chi_Minh), inside quiet hours 21:30-05:00; ' +
        'choose another time, or give a reason to override quiet hours')
  })

  it('checks a one-off wherever it is, other schedules a year ahead, and nothing with no quiet hours', () => {
    const late = spec({ kind: 'once', at: '2027-05-01T23:00' })
    expect(firstQuietFire(late, DEFAULT_QUIET_HOURS, from)?.toISOString()).toBe(at('2027-05-01T23:00:00').toISOString())
    expect(firstQuietFire(late, { start: '05:00', end: '05:00' }, from, 90)).toBeNull()
    const later = { ...spec(daily('03:00')), validFrom: '2026-07-01' }
    expect(firstQuietFire(later, DEFAULT_QUIET_HOURS, from)?.toISOString()).toBe(at('2026-07-01T03:00:00').toISOString())
    expect(firstQuietFire(later, DEFAULT_QUIET_HOURS, from, 30)).toBeNull()
  })

  it('judges quiet hours in the commune\'s zone, not the schedule\'s', () => {
    const ny = { ...spec(daily('15:00')), timeZone: 'America/New_York' }
    // 15:00 in New York (EST, UTC-5) is 03:00 the next day in Vietnam.
    expect(firstQuietFire(ny, DEFAULT_QUIET_HOURS, from)).toBeNull()
    expect(firstQuietFire(ny, DEFAULT_QUIET_HOURS, from, 400, HCM)).not.toBeNull()
  })

  it('an every-minute cron stops at its first quiet minute', () => {
    const s = spec({ kind: 'cron', expr: '* * * * *' })
    expect(firstQuietFire(s, DEFAULT_QUIET_HOURS, at('2026-03-02T12:00:00'))?.toISOString()).toBe(at('2026-03-02T21:30:00').toISOString())
  })
})

describe('isEmergency', () => {
  it('is the emergency level, or any priority from 200', () => {
    expect(isEmergency({ level: 'emergency' })).toBe(true)
    expect(isEmergency({ level: 'priority' })).toBe(false)
    expect(isEmergency({ level: 'normal' })).toBe(false)
    expect(isEmergency({ level: 'priority', priority: 200 })).toBe(true)
    expect(isEmergency({ level: 'emergency', priority: 199 })).toBe(false)
  })
})
