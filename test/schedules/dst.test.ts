import { describe, expect, it } from 'vitest'
import { formatLocal, nextFireTimes, occurrences } from '../../schedules/index.js'
import { daily, iso, spec } from './fixtures.js'

// Fire times across DST changes: weekly and cron keep their wall-clock time; a time in a gap plays later by the
// gap, a time in an overlap plays once, at its first occurrence (see schedules/zone-time.ts, fromWallClock).

describe('daylight saving keeps the wall-clock time', () => {
  it('weekly: 05:00 stays 05:00 local across spring-forward and fall-back (Europe/Berlin)', () => {
    const s = spec(daily('05:00'), { timeZone: 'Europe/Berlin' })
    const spring = occurrences(s, new Date('2026-03-27T00:00:00Z'), new Date('2026-03-31T00:00:00Z'))
    expect(spring.map(f => formatLocal(f, 'Europe/Berlin'))).toEqual(['2026-03-27 05:00', '2026-03-28 05:00', '2026-03-29 05:00', '2026-03-30 05:00'])
    expect(spring.map(iso)).toEqual(['2026-03-27T04:00:00.000Z', '2026-03-28T04:00:00.000Z', '2026-03-29T03:00:00.000Z', '2026-03-30T03:00:00.000Z'])
    const fall = occurrences(s, new Date('2026-10-24T00:00:00Z'), new Date('2026-10-27T00:00:00Z'))
    expect(fall.map(iso)).toEqual(['2026-10-24T03:00:00.000Z', '2026-10-25T04:00:00.000Z', '2026-10-26T04:00:00.000Z'])
  })

  it('weekly: a time inside the gap plays later by the gap; one inside the overlap plays once, first', () => {
    const s = spec(daily('02:30'), { timeZone: 'Europe/Berlin' })
    const spring = occurrences(s, new Date('2026-03-28T12:00:00Z'), new Date('2026-03-30T12:00:00Z'))
    expect(spring.map(f => formatLocal(f, 'Europe/Berlin'))).toEqual(['2026-03-29 03:30', '2026-03-30 02:30'])
    const fall = occurrences(s, new Date('2026-10-24T12:00:00Z'), new Date('2026-10-26T12:00:00Z'))
    expect(fall.map(iso)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'])
  })

  it('cron: 17:00 stays 17:00 local in America/New_York across both changes', () => {
    const s = spec({ kind: 'cron', expr: '0 17 * * *' }, { timeZone: 'America/New_York' })
    const spring = occurrences(s, new Date('2026-03-07T00:00:00Z'), new Date('2026-03-10T00:00:00Z'))
    expect(spring.map(iso)).toEqual(['2026-03-07T22:00:00.000Z', '2026-03-08T21:00:00.000Z', '2026-03-09T21:00:00.000Z'])
    const fall = occurrences(s, new Date('2026-10-31T00:00:00Z'), new Date('2026-11-03T00:00:00Z'))
    expect(fall.map(iso)).toEqual(['2026-10-31T21:00:00.000Z', '2026-11-01T22:00:00.000Z', '2026-11-02T22:00:00.000Z'])
  })

  it('cron: hourly has 23 fires on the spring-forward day and 24 on the fall-back day, none twice', () => {
    const s = spec({ kind: 'cron', expr: '0 * * * *' }, { timeZone: 'America/New_York' })
    const spring = occurrences(s, new Date('2026-03-08T00:00:00-05:00'), new Date('2026-03-09T00:00:00-04:00'))
    expect(spring).toHaveLength(23)
    expect(spring.map(f => formatLocal(f, 'America/New_York').slice(11))).not.toContain('02:00')
    const fall = occurrences(s, new Date('2026-11-01T00:00:00-04:00'), new Date('2026-11-02T00:00:00-05:00'))
    expect(fall).toHaveLength(24)
    // 01:00 fires once, at 01:00 EDT (05:00Z); the repeated 01:00 EST (06:00Z) stays silent.
    expect(fall.map(iso)).toContain('2026-11-01T05:00:00.000Z')
    expect(fall.map(iso)).not.toContain('2026-11-01T06:00:00.000Z')
    expect(occurrences(s, new Date('2026-07-01T00:00:00-04:00'), new Date('2026-07-02T00:00:00-04:00'))).toHaveLength(24)
  })

  it('cron: a time inside the Berlin gap plays at 03:30, where node-cron itself would drop it', () => {
    const s = spec({ kind: 'cron', expr: '30 2 * * *' }, { timeZone: 'Europe/Berlin' })
    expect(nextFireTimes(s, new Date('2026-03-28T12:00:00Z'), 2).map(iso)).toEqual(['2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z'])
    const fall = nextFireTimes(s, new Date('2026-10-24T12:00:00Z'), 2)
    expect(fall.map(iso)).toEqual(['2026-10-25T00:30:00.000Z', '2026-10-26T01:30:00.000Z'])
  })
})

describe('a DST change at midnight (America/Santiago, 2026-09-06 00:00 -> 01:00)', () => {
  it('moves the missing midnight to 01:00 and keeps the rest of the day', () => {
    const s = spec(daily('00:00', '12:00'), { timeZone: 'America/Santiago' })
    const fires = occurrences(s, new Date('2026-09-05T12:00:00Z'), new Date('2026-09-07T12:00:00Z'))
    expect(fires.map(f => formatLocal(f, 'America/Santiago'))).toEqual(['2026-09-05 12:00', '2026-09-06 01:00', '2026-09-06 12:00', '2026-09-07 00:00'])
  })

  it('fires once when a shifted time meets a real one', () => {
    const s = spec({ kind: 'cron', expr: '*/30 0,1 * * *' }, { timeZone: 'America/Santiago' })
    const fires = occurrences(s, new Date('2026-09-05T12:00:00Z'), new Date('2026-09-07T00:00:00Z'))
    expect(fires.map(f => formatLocal(f, 'America/Santiago'))).toEqual(['2026-09-06 01:00', '2026-09-06 01:30'])
  })
})
