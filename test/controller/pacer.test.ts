import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Pacer, playTimesUs } from '../../controller/engine/pacer.js'

const frame = (durationSamples: number): { packets: Uint8Array[], skipSamples: number, durationSamples: number } =>
  ({ packets: [Uint8Array.of(1)], skipSamples: 0, durationSamples })

describe('frame pacing', () => {
  beforeEach(() => { vi.useFakeTimers(); vi.setSystemTime(1_800_000_000_000) })
  afterEach(() => { vi.useRealTimers() })

  it('stamps play times from sample counts, exactly, however long the session', () => {
    const frames = Array.from({ length: 18_000 }, () => frame(9600)) // one hour of 200 ms frames
    const t = playTimesUs(1_000, frames)
    expect(t[0]).toBe(1_000_000)
    expect(t[1]).toBe(1_200_000)
    expect(t[17_999]).toBe(1_000_000 + 17_999 * 200_000)
    expect(playTimesUs(0, [frame(9288), frame(9600)])[1]).toBe(193_500)
  })

  it('sends each frame a lead ahead of its play time, in order, and catches up on frames already due', async () => {
    const lead = 1500
    const start = Date.now()
    const playAt = playTimesUs(start + lead, Array.from({ length: 20 }, () => frame(9600))).map(us => us / 1000)
    const sent: Array<[number, number]> = []
    let done = false
    const pacer = new Pacer(playAt.map(p => p - lead), async i => { sent.push([i, Date.now()]) }, () => { done = true }, Date.now)
    pacer.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(sent).toEqual([[0, start]])
    await vi.advanceTimersByTimeAsync(1000)
    expect(sent.map(s => s[0])).toEqual([0, 1, 2, 3, 4, 5])
    for (const [i, at] of sent) expect(at).toBe((playAt[i] ?? 0) - lead)
    await vi.advanceTimersByTimeAsync(5000)
    expect(sent).toHaveLength(20)
    expect(done).toBe(true)
  })

  it('sends a backlog at once after a stall, then keeps the schedule', async () => {
    const now = Date.now()
    const sendAt = [now - 600, now - 400, now - 200, now + 200]
    const sent: number[] = []
    const pacer = new Pacer(sendAt, async i => { sent.push(i) }, () => undefined, Date.now)
    pacer.start()
    await vi.advanceTimersByTimeAsync(0)
    expect(sent).toEqual([0, 1, 2])
    pacer.stop()
    await vi.advanceTimersByTimeAsync(1000)
    expect(sent).toEqual([0, 1, 2])
  })
})
