import { describe, expect, it } from 'vitest'
import { findConflicts, occurrences, overlappingPairs, type ConflictOther } from '../../schedules/index.js'
import { daily, spec } from './fixtures.js'

const from = new Date('2026-03-02T00:00:00+07:00') // Monday
const MIN = 60_000
const morning = (over: Parameters<typeof spec>[1] = {}): ConflictOther =>
  ({ id: 'sch-morning', name: 'Bản tin sáng', spec: spec(daily('05:00'), over), durationMs: 10 * MIN })

describe('findConflicts', () => {
  it('a higher priority on the same zone wins and pre-empts', () => {
    const candidate = { spec: spec(daily('05:05'), { level: 'priority' }), durationMs: 5 * MIN }
    const found = findConflicts(candidate, [morning()], from)
    expect(found).toHaveLength(14)
    expect(found[0]).toEqual({
      scheduleId: 'sch-morning',
      scheduleName: 'Bản tin sáng',
      at: new Date('2026-03-02T05:05:00+07:00').toISOString(),
      candidateAt: new Date('2026-03-02T05:05:00+07:00').toISOString(),
      otherAt: new Date('2026-03-02T05:00:00+07:00').toISOString(),
      sharedZones: ['zone-a'],
      sharedNodes: [],
      winner: 'candidate'
    })
    const lower = findConflicts({ ...candidate, spec: spec(daily('05:05'), { priority: 20 }) }, [morning()], from)
    expect(lower.every(c => c.winner === 'other')).toBe(true)
  })

  it('equal priority: the later one is queued', () => {
    const found = findConflicts({ spec: spec(daily('04:55')), durationMs: 10 * MIN }, [morning()], from, 1)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ winner: 'queued', at: new Date('2026-03-02T05:00:00+07:00').toISOString() })
  })

  it('different zones do not conflict; a shared node does', () => {
    const elsewhere = spec(daily('05:00'), { targets: { zones: ['zone-b'], nodes: ['node-1'] } })
    expect(findConflicts({ spec: elsewhere, durationMs: 10 * MIN }, [morning()], from)).toEqual([])
    const other = morning({ targets: { zones: ['zone-a'], nodes: ['node-1', 'node-2'] } })
    const found = findConflicts({ spec: elsewhere, durationMs: 10 * MIN }, [other], from, 1)
    expect(found).toHaveLength(1)
    expect(found[0]).toMatchObject({ sharedZones: [], sharedNodes: ['node-1'] })
  })

  it('disabled schedules never conflict, and an edited schedule does not conflict with itself', () => {
    const candidate = { spec: spec(daily('05:00')), durationMs: 10 * MIN }
    expect(findConflicts(candidate, [morning({ enabled: false })], from)).toEqual([])
    expect(findConflicts({ ...candidate, spec: spec(daily('05:00'), { enabled: false }) }, [morning()], from)).toEqual([])
    expect(findConflicts({ ...candidate, id: 'sch-morning' }, [morning()], from)).toEqual([])
  })

  it('play length is duration times repeat, and plays that only touch do not overlap', () => {
    const candidate = { spec: spec(daily('05:10')), durationMs: 5 * MIN }
    expect(findConflicts(candidate, [morning()], from)).toEqual([]) // 05:00-05:10 then 05:10-05:15
    const twice = morning({ repeat: 2 }) // 05:00-05:20
    expect(findConflicts(candidate, [twice], from, 1)).toHaveLength(1)
    const candidateTwice = { spec: spec(daily('04:50'), { repeat: 3 }), durationMs: 4 * MIN } // 04:50-05:02
    expect(findConflicts(candidateTwice, [morning()], from, 1)).toHaveLength(1)
  })

  it('finds a play already running at the start of the horizon, and caps the list', () => {
    const candidate = { spec: spec(daily('05:05')), durationMs: MIN }
    const found = findConflicts(candidate, [morning()], new Date('2026-03-02T05:03:00+07:00'), 1)
    expect(found.map(c => c.otherAt)).toEqual([new Date('2026-03-02T05:00:00+07:00').toISOString()])
    expect(findConflicts(candidate, [morning()], from, 14, 3)).toHaveLength(3)
  })

  it('lists overlaps in time order across schedules', () => {
    const evening: ConflictOther = { id: 'sch-evening', name: 'Bản tin chiều', spec: spec(daily('17:00')), durationMs: 10 * MIN }
    const candidate = { spec: spec(daily('05:05', '17:05')), durationMs: MIN }
    const found = findConflicts(candidate, [evening, morning()], from, 2)
    expect(found.map(c => c.scheduleId)).toEqual(['sch-morning', 'sch-evening', 'sch-morning', 'sch-evening'])
  })
})

describe('overlappingPairs', () => {
  it('finds every pair, even when one list overlaps itself', () => {
    // a: [0,10) [5,15); b: [9,10) [14,20) [30,31)
    expect(overlappingPairs([0, 5], 10, [9, 14, 30], 1)).toEqual([[0, 9], [5, 9], [5, 14]])
    expect(overlappingPairs([], 10, [1], 1)).toEqual([])
  })
})

describe('scale', () => {
  // 200 schedules over 14 days, as a province-sized controller would hold; not timed, it must just finish.
  const zones = Array.from({ length: 20 }, (_, i) => `zone-${i}`)
  const others: ConflictOther[] = Array.from({ length: 200 }, (_, i) => {
    const minute = String(i % 60).padStart(2, '0')
    const recurrence = i % 2 === 0
      ? { kind: 'weekly' as const, days: [1, 2, 3, 4, 5, 6], times: [`05:${minute}`, `17:${minute}`] }
      : { kind: 'cron' as const, expr: `${i % 60} 6,18 * * *` }
    const timeZone = i % 3 === 0 ? 'Europe/Berlin' : 'Asia/Ho_Chi_Minh'
    return { id: `sch-${i}`, name: `Schedule ${i}`, spec: spec(recurrence, { timeZone, targets: { zones: [zones[i % 20] ?? 'zone-0'], nodes: [] } }), durationMs: 15 * MIN }
  })

  it('lists occurrences of 200 schedules over two weeks', () => {
    const to = new Date(from.getTime() + 14 * 86_400_000)
    const total = others.reduce((n, o) => n + occurrences(o.spec, from, to).length, 0)
    expect(total).toBe(100 * 24 + 100 * 28)
  })

  it('checks a candidate on every zone against all 200', () => {
    const candidate = { spec: spec({ kind: 'cron', expr: '*/10 5-18 * * *' }, { targets: { zones, nodes: [] } }), durationMs: 5 * MIN }
    const found = findConflicts(candidate, others, from, 14, 100_000)
    expect(found.length).toBeGreaterThan(1000)
    expect(findConflicts(candidate, others, from)).toHaveLength(50)
  })
})
