import { describe, expect, it } from 'vitest'
import {
  EMERGENCY_MIN, LEVEL_BAND, LEVEL_PRIORITY, checkPriority, effectivePriority, levelOf, parseScheduleSpec
} from '../../schedules/index.js'

const body = {
  name: 'Chương trình sáng',
  playlist: ['media-news', 'media-music'],
  targets: { zones: ['zone-a'], nodes: [] },
  recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6], times: ['05:00', '17:00'] }
}

function errorOf (b: unknown): string {
  const r = parseScheduleSpec(b)
  return r.ok ? 'accepted' : r.error
}

describe('priorities', () => {
  it('maps the three levels of Circular 39/2020 into their bands, emergency from 200', () => {
    expect(LEVEL_PRIORITY).toEqual({ normal: 100, priority: 150, emergency: 250 })
    expect(EMERGENCY_MIN).toBe(200)
    for (const level of ['normal', 'priority', 'emergency'] as const) {
      const [min, max] = LEVEL_BAND[level]
      expect(LEVEL_PRIORITY[level]).toBeGreaterThanOrEqual(min)
      expect(LEVEL_PRIORITY[level]).toBeLessThanOrEqual(max)
      expect(levelOf(LEVEL_PRIORITY[level])).toBe(level)
    }
    expect(levelOf(199)).toBe('priority')
    expect(levelOf(200)).toBe('emergency')
  })

  it('an explicit priority overrides the level number', () => {
    expect(effectivePriority({ level: 'normal' })).toBe(100)
    expect(effectivePriority({ level: 'normal', priority: 120 })).toBe(120)
    expect(effectivePriority({ level: 'emergency' })).toBe(250)
  })

  it('refuses a priority outside its level band', () => {
    expect(checkPriority({ level: 'normal', priority: 149 })).toBeNull()
    expect(checkPriority({ level: 'emergency', priority: 50 }))
      .toBe('priority 50 belongs to the normal level, not emergency (emergency is 200-255); change the level or the priority')
  })
})

describe('parseScheduleSpec', () => {
  it('accepts the Monday-Saturday programme and fills in the defaults', () => {
    const r = parseScheduleSpec(body)
    expect(r).toEqual({
      ok: true,
      value: { ...body, timeZone: 'Asia/Ho_Chi_Minh', level: 'normal', repeat: 1, enabled: true, onInterrupt: 'resume', maxWaitS: 300 }
    })
  })

  it('keeps what the body gives', () => {
    const r = parseScheduleSpec({ ...body, timeZone: 'Europe/Berlin', level: 'emergency', repeat: 3, volume: 80, enabled: false, onInterrupt: 'cancel', maxWaitS: 0, quietOverride: { reason: 'storm warning' } })
    expect(r.ok && r.value).toMatchObject({ timeZone: 'Europe/Berlin', level: 'emergency', repeat: 3, volume: 80, enabled: false, onInterrupt: 'cancel', maxWaitS: 0 })
  })

  it('gives each bad input a clear message', () => {
    expect(errorOf({ ...body, playlist: [] })).toBe('choose at least one media item to play (or a stream to relay)')
    expect(errorOf({ ...body, relay: { url: 'http://radio.example/vov1', durationS: 60 } })).toBe('it has both a playlist and a relay: choose one')
    expect(errorOf({ ...body, playlist: [], relay: { url: 'ftp://radio.example/vov1', durationS: 60 } })).toBe('the relay address must start with http:// or https://')
    expect(errorOf({ ...body, playlist: [], relay: { url: 'http://radio.example/vov1', durationS: 60 }, repeat: 2 })).toBe('a relay plays once per fire for its duration; leave repeat at 1')
    expect(errorOf({ ...body, timezone: 'Asia/Ho_Chi_Minh' })).toBe("schedule is not valid: unknown field 'timezone' at /")
    expect(errorOf({ ...body, timeZone: 'Mars/Olympus' })).toMatch(/unknown time zone 'Mars\/Olympus'/)
    expect(errorOf({ ...body, recurrence: { kind: 'cron', expr: '61 * * * *' } })).toMatch(/61 is an invalid expression for minute/)
    expect(errorOf({ ...body, recurrence: { kind: 'weekly', days: [1, 1], times: ['05:00'] } })).toBe('schedule is not valid: /recurrence/days: must not have duplicate items')
    expect(errorOf({ ...body, recurrence: { kind: 'yearly' } })).toBe("schedule is not valid: /recurrence/kind: must be 'once', 'weekly' or 'cron'")
    expect(errorOf({ ...body, validFrom: '2026-05-01', validTo: '2026-04-01' })).toMatch(/ends \(2026-04-01\) before it starts/)
    expect(errorOf({ ...body, targets: { zones: [], nodes: [] } })).toBe('choose at least one zone or speaker node')
    expect(errorOf({ ...body, repeat: 11 })).toMatch(/\/repeat: must be <= 10/)
    expect(errorOf({ ...body, quietOverride: { reason: 'x' } })).toMatch(/\/quietOverride\/reason/)
    expect(errorOf(null)).toBe('schedule is not valid: /: must be object')
  })
})
