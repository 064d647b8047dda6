import { describe, expect, it } from 'vitest'
import {
  checkRecurrence, checkWindow, formatLocal, nextFireTimes, occurrences, wallClock
} from '../../schedules/index.js'
import { daily, iso, spec } from './fixtures.js'

const HCM = 'Asia/Ho_Chi_Minh'

describe('the Monday-Saturday programme (issue 3)', () => {
  const programme = spec({ kind: 'weekly', days: [1, 2, 3, 4, 5, 6], times: ['05:00', '17:00'] })

  it('fires exactly at 05:00 and 17:00, Monday to Saturday, over two weeks in Asia/Ho_Chi_Minh', () => {
    // Monday 2026-03-02 00:00 to Monday 2026-03-16 00:00, local.
    const fires = occurrences(programme, new Date('2026-03-01T17:00:00Z'), new Date('2026-03-15T17:00:00Z'))
    const expected: string[] = []
    for (const week of [2, 9]) {
      for (let d = week; d < week + 6; d++) {
        const day = String(d).padStart(2, '0')
        // UTC+7 all year: 05:00 local is 22:00Z the day before, 17:00 local is 10:00Z.
        expected.push(new Date(`2026-03-${day}T05:00:00+07:00`).toISOString(), new Date(`2026-03-${day}T17:00:00+07:00`).toISOString())
      }
    }
    expect(fires.map(iso)).toEqual(expected)
    expect(fires).toHaveLength(24)
  })

  it('never fires on Sunday', () => {
    const fires = occurrences(programme, new Date('2026-03-01T00:00:00Z'), new Date('2026-05-01T00:00:00Z'))
    expect(fires.length).toBeGreaterThan(100)
    expect(fires.filter(f => wallClock(f, HCM).weekday === 7)).toEqual([])
  })

  it('lists the next fire times strictly after a given moment', () => {
    const saturdayEvening = new Date('2026-03-07T17:00:00+07:00')
    expect(nextFireTimes(programme, saturdayEvening, 3).map(f => formatLocal(f, HCM)))
      .toEqual(['2026-03-09 05:00', '2026-03-09 17:00', '2026-03-10 05:00'])
  })
})

describe('validity window', () => {
  const s = spec(daily('00:00', '23:59'), { validFrom: '2026-03-05', validTo: '2026-03-07' })

  it('is honoured at both ends, inclusive, as local dates', () => {
    const fires = occurrences(s, new Date('2026-03-01T00:00:00Z'), new Date('2026-03-12T00:00:00Z'))
    expect(fires.map(f => formatLocal(f, HCM))).toEqual([
      '2026-03-05 00:00', '2026-03-05 23:59', '2026-03-06 00:00', '2026-03-06 23:59', '2026-03-07 00:00', '2026-03-07 23:59'
    ])
  })

  it('gives no fire times once it has ended', () => {
    expect(nextFireTimes(s, new Date('2026-03-08T00:00:00Z'), 5)).toEqual([])
  })

  it('reports a window that ends before it starts, or a date that does not exist', () => {
    expect(checkWindow({ validFrom: '2026-05-01', validTo: '2026-04-30' })).toMatch(/ends \(2026-04-30\) before it starts \(2026-05-01\)/)
    expect(checkWindow({ validFrom: '2026-05-01', validTo: '2026-05-01' })).toBeNull()
    expect(checkWindow({ validTo: '2026-02-29' })).toMatch(/not a date that exists/)
    expect(checkWindow({})).toBeNull()
  })
})

describe('one-off and daily recurrences', () => {
  const once = spec({ kind: 'once', at: '2026-03-10T07:30' })
  const atIso = '2026-03-10T00:30:00.000Z'

  it('fires once in the future and not at all once it is past', () => {
    expect(nextFireTimes(once, new Date('2026-03-01T00:00:00Z'), 5).map(iso)).toEqual([atIso])
    expect(nextFireTimes(once, new Date('2026-03-11T00:00:00Z'), 5)).toEqual([])
    expect(occurrences(once, new Date('2026-03-10T00:30:00Z'), new Date('2026-03-10T00:31:00Z')).map(iso)).toEqual([atIso])
  })

  it('shows a one-off however far ahead it is', () => {
    const far = spec({ kind: 'once', at: '2029-01-01T05:00:00' })
    expect(nextFireTimes(far, new Date('2026-03-01T00:00:00Z'), 1).map(iso)).toEqual(['2028-12-31T22:00:00.000Z'])
  })

  it('daily is all seven weekdays', () => {
    const fires = occurrences(spec(daily('06:15')), new Date('2026-03-02T00:00:00+07:00'), new Date('2026-03-09T00:00:00+07:00'))
    expect(fires.map(f => wallClock(f, HCM).weekday)).toEqual([1, 2, 3, 4, 5, 6, 7])
  })

  it('respects the limit', () => {
    expect(occurrences(spec({ kind: 'cron', expr: '* * * * *' }), new Date('2026-03-01T00:00:00Z'), new Date('2026-03-08T00:00:00Z'), 90)).toHaveLength(90)
  })
})

describe('cron expressions', () => {
  it('accepts five fields, names and nicknames', () => {
    expect(checkRecurrence({ kind: 'cron', expr: '0 5,17 * * 1-6' }, HCM)).toBeNull()
    expect(checkRecurrence({ kind: 'cron', expr: '0 5 * * MON-SAT' }, HCM)).toBeNull()
    expect(checkRecurrence({ kind: 'cron', expr: '@daily' }, HCM)).toBeNull()
  })

  it('explains what is wrong', () => {
    expect(checkRecurrence({ kind: 'cron', expr: '61 * * * *' }, HCM)).toBe("invalid cron expression '61 * * * *': 61 is an invalid expression for minute")
    expect(checkRecurrence({ kind: 'cron', expr: 'every day' }, HCM)).toMatch(/has 2 fields; expected 5: minute hour day-of-month month day-of-week/)
    expect(checkRecurrence({ kind: 'cron', expr: '* * * * * *' }, HCM)).toMatch(/has 6 fields; Loa schedules to the minute/)
    expect(checkRecurrence({ kind: 'cron', expr: '0 0 31 2 *' }, HCM)).toMatch(/impossible day of month/)
  })

  it('the same expressions give the same days as the weekly form', () => {
    const from = new Date('2026-03-01T00:00:00Z')
    const to = new Date('2026-04-01T00:00:00Z')
    const cron = occurrences(spec({ kind: 'cron', expr: '0 5,17 * * 1-6' }), from, to)
    const weekly = occurrences(spec({ kind: 'weekly', days: [1, 2, 3, 4, 5, 6], times: ['05:00', '17:00'] }), from, to)
    expect(cron.map(iso)).toEqual(weekly.map(iso))
  })

  it("day of month AND day of week, as node-cron matches them (Vixie cron would OR them)", () => {
    const s = spec({ kind: 'cron', expr: '0 5 1 * 1' }, { timeZone: 'UTC' })
    expect(nextFireTimes(s, new Date('2026-01-01T00:00:00Z'), 2).map(iso)).toEqual(['2026-06-01T05:00:00.000Z', '2027-02-01T05:00:00.000Z'])
  })

  it('an expression that never fires answers [] quickly', () => {
    const start = performance.now()
    expect(nextFireTimes(spec({ kind: 'cron', expr: '0 0 31 2 *' }), new Date('2026-01-01T00:00:00Z'), 3)).toEqual([])
    // 29 February: none within 400 days of 2026-01-01; from mid-2027, 2028-02-29 is in reach.
    expect(nextFireTimes(spec({ kind: 'cron', expr: '0 0 29 2 *' }), new Date('2026-01-01T00:00:00Z'), 3)).toEqual([])
    expect(nextFireTimes(spec({ kind: 'cron', expr: '0 0 29 2 *' }, { timeZone: 'UTC' }), new Date('2027-06-01T00:00:00Z'), 1).map(iso))
      .toEqual(['2028-02-29T00:00:00.000Z'])
    expect(performance.now() - start).toBeLessThan(5000)
  })
})

describe('checkRecurrence', () => {
  it('reports an unknown time zone', () => {
    expect(checkRecurrence({ kind: 'cron', expr: '0 5 * * *' }, 'Mars/Olympus')).toBe("unknown time zone 'Mars/Olympus'; use an IANA name such as 'Asia/Ho_Chi_Minh'")
  })

  it('reports a one-off date that does not exist', () => {
    expect(checkRecurrence({ kind: 'once', at: '2026-02-30T05:00' }, HCM)).toMatch(/'2026-02-30T05:00' is not a date and time that exists/)
    expect(checkRecurrence({ kind: 'once', at: '2026-03-02T05:00:30' }, HCM)).toBeNull()
  })

  it('reports bad weekly days and times', () => {
    expect(checkRecurrence({ kind: 'weekly', days: [1], times: ['5:00'] }, HCM)).toMatch(/'5:00' is not a time of day; expected HH:mm/)
    expect(checkRecurrence({ kind: 'weekly', days: [1], times: ['24:00'] }, HCM)).toMatch(/not a time of day/)
    expect(checkRecurrence({ kind: 'weekly', days: [0], times: ['05:00'] }, HCM)).toMatch(/weekday 0 does not exist/)
    expect(checkRecurrence({ kind: 'weekly', days: [], times: ['05:00'] }, HCM)).toMatch(/at least one weekday/)
    expect(checkRecurrence({ kind: 'weekly', days: [1], times: ['05:00', '05:00'] }, HCM)).toMatch(/listed twice/)
  })

  it('an invalid recurrence has no fire times', () => {
    expect(occurrences(spec({ kind: 'cron', expr: '61 * * * *' }), new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z'))).toEqual([])
    expect(occurrences(spec(daily('05:00'), { timeZone: 'Mars/Olympus' }), new Date('2026-03-01T00:00:00Z'), new Date('2026-03-02T00:00:00Z'))).toEqual([])
  })
})

describe('edges of the calendar', () => {
  it('a window to the last representable day still works', () => {
    const s = spec(daily('05:00'), { validFrom: '2026-03-02', validTo: '9999-12-31' })
    expect(nextFireTimes(s, new Date('2026-03-01T00:00:00Z'), 1).map(iso)).toEqual(['2026-03-01T22:00:00.000Z'])
  })
})
