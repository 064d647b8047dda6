import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { withDefaults, type ScheduleSpecInput } from '../../schedules/index.js'
import { ScheduleRunner } from '../../controller/scheduler/runner.js'
import type { ScheduleRecord } from '../../controller/store/schema.js'

const silent = { warn () {}, error () {}, info () {}, debug () {}, fatal () {}, trace () {}, child () { return silent }, level: 'silent', silent () {} }
const PREPARE_MS = 2500
const GRACE_MS = 5 * 60_000
const hcm = (local: string): number => Date.parse(`${local}+07:00`)

interface Harness { runner: ScheduleRunner, fired: Array<{ at: string, calledAt: number }>, missed: Array<{ at: string, reason: string }>, records: ScheduleRecord[] }

function harness (records: ScheduleRecord[], failLedger = false): Harness {
  const fired: Harness['fired'] = []
  const missed: Harness['missed'] = []
  const runner = new ScheduleRunner({
    now: Date.now,
    list: () => records,
    graceMs: GRACE_MS,
    prepareMs: PREPARE_MS,
    log: silent as never,
    async markHandled (id, at) {
      if (failLedger) throw new Error('disk full')
      const r = records.find(x => x.id === id)
      if (r !== undefined) r.lastFiredAt = at.toISOString()
    },
    async fire (_s, at) { fired.push({ at: at.toISOString(), calledAt: Date.now() }) },
    async missed (_s, at, reason) { missed.push({ at: at.toISOString(), reason }) }
  })
  return { runner, fired, missed, records }
}

function record (spec: Partial<ScheduleSpecInput>, createdAt: number, lastFiredAt: number | null = null): ScheduleRecord {
  return {
    id: 's-1',
    spec: withDefaults({ name: 'Bản tin', playlist: ['m-1'], targets: { zones: ['z-1'], nodes: [] }, recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6], times: ['05:00', '17:00'] }, ...spec }),
    createdAt: new Date(createdAt).toISOString(), updatedAt: new Date(createdAt).toISOString(),
    lastFiredAt: lastFiredAt === null ? null : new Date(lastFiredAt).toISOString(), quietOverride: null
  }
}

describe('schedule runner (fake time)', () => {
  let h: Harness | undefined
  beforeEach(() => { vi.useFakeTimers() })
  afterEach(async () => { await h?.runner.stop(); vi.useRealTimers() })

  it('fires Monday-Saturday 05:00 and 17:00 exactly, over two weeks, never on Sunday', async () => {
    const start = hcm('2026-03-01T12:00:00') // a Sunday
    vi.setSystemTime(start)
    h = harness([record({}, start)])
    h.runner.start()
    await vi.advanceTimersByTimeAsync(14 * 24 * 3600_000)
    const expected: string[] = []
    for (let d = 2; d <= 14; d++) {
      const day = new Date(Date.UTC(2026, 2, d)).getUTCDay()
      if (day === 0) continue
      for (const t of ['05:00', '17:00']) expected.push(new Date(hcm(`2026-03-${String(d).padStart(2, '0')}T${t}:00`)).toISOString())
    }
    expect(h.fired.map(f => f.at)).toEqual(expected)
    expect(expected).toHaveLength(24)
    // Each fire starts the preparation time early, so its first sample is heard on the minute.
    for (const f of h.fired) expect(f.calledAt).toBe(Date.parse(f.at) - PREPARE_MS)
    expect(h.missed).toEqual([])
  })

  it('keeps the wall-clock time across a daylight-saving change', async () => {
    const start = Date.parse('2026-03-27T12:00:00Z')
    vi.setSystemTime(start)
    h = harness([record({ timeZone: 'Europe/Berlin', recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6, 7], times: ['05:00'] } }, start)])
    h.runner.start()
    await vi.advanceTimersByTimeAsync(4 * 24 * 3600_000)
    expect(h.fired.map(f => f.at)).toEqual([
      '2026-03-28T04:00:00.000Z', '2026-03-29T03:00:00.000Z', '2026-03-30T03:00:00.000Z', '2026-03-31T03:00:00.000Z'
    ])
  })

  it('plays a fire missed while the controller was down, once, if it comes back within the grace', async () => {
    const fire = hcm('2026-03-02T05:00:00')
    const records = [record({}, hcm('2026-02-01T00:00:00'), hcm('2026-02-28T17:00:00'))]
    vi.setSystemTime(fire + 2 * 60_000)
    h = harness(records)
    h.runner.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(h.fired.map(f => f.at)).toEqual([new Date(fire).toISOString()])
    await h.runner.stop()
    // Another restart right after: the ledger says it was handled, so it does not play again.
    h = harness(records)
    h.runner.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(h.fired).toEqual([])
  })

  it('records a fire as missed when the controller comes back after the grace', async () => {
    const fire = hcm('2026-03-02T05:00:00')
    vi.setSystemTime(fire + 10 * 60_000)
    h = harness([record({}, hcm('2026-02-01T00:00:00'), hcm('2026-02-28T17:00:00'))])
    h.runner.start()
    await vi.advanceTimersByTimeAsync(10)
    expect(h.fired).toEqual([])
    expect(h.missed).toHaveLength(1)
    expect(h.missed[0]?.at).toBe(new Date(fire).toISOString())
    expect(h.missed[0]?.reason).toMatch(/not running/)
    expect(h.records[0]?.lastFiredAt).toBe(new Date(fire).toISOString())
  })

  it('neither repeats a fire when the clock steps back, nor skips one when it steps forward', async () => {
    const fire = hcm('2026-03-02T05:00:00')
    vi.setSystemTime(fire - 60_000)
    h = harness([record({}, hcm('2026-02-01T00:00:00'), hcm('2026-02-28T17:00:00'))])
    h.runner.start()
    await vi.advanceTimersByTimeAsync(2 * 60_000)
    expect(h.fired).toHaveLength(1)
    vi.setSystemTime(fire - 10 * 60_000) // NTP steps the clock back ten minutes
    await vi.advanceTimersByTimeAsync(30 * 60_000)
    expect(h.fired).toHaveLength(1)
    // Then a step forward over 17:00, landing three minutes after it: within the grace, it plays late.
    vi.setSystemTime(hcm('2026-03-02T17:03:00'))
    await vi.advanceTimersByTimeAsync(61_000)
    expect(h.fired.map(f => f.at)).toEqual([new Date(fire).toISOString(), new Date(hcm('2026-03-02T17:00:00')).toISOString()])
    // And a step far past 05:00 next day: recorded as missed, not silently skipped.
    vi.setSystemTime(hcm('2026-03-03T06:00:00'))
    await vi.advanceTimersByTimeAsync(61_000)
    expect(h.fired).toHaveLength(2)
    expect(h.missed.map(m => m.at)).toEqual([new Date(hcm('2026-03-03T05:00:00')).toISOString()])
  })

  it('honours the validity window at both ends', async () => {
    const start = hcm('2026-03-01T12:00:00')
    vi.setSystemTime(start)
    h = harness([record({ validFrom: '2026-03-03', validTo: '2026-03-04' }, start)])
    h.runner.start()
    await vi.advanceTimersByTimeAsync(7 * 24 * 3600_000)
    expect(h.fired.map(f => f.at)).toEqual(['2026-03-03T05:00', '2026-03-03T17:00', '2026-03-04T05:00', '2026-03-04T17:00'].map(l => new Date(hcm(`${l}:00`)).toISOString()))
  })

  it('still plays when the ledger cannot be written (playing matters more)', async () => {
    const fire = hcm('2026-03-02T05:00:00')
    vi.setSystemTime(fire - 60_000)
    h = harness([record({}, hcm('2026-02-01T00:00:00'), hcm('2026-02-28T17:00:00'))], true)
    h.runner.start()
    await vi.advanceTimersByTimeAsync(2 * 60_000)
    expect(h.fired).toHaveLength(1)
  })
})
