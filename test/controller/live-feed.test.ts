import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { LiveFeed, type LiveFeedOptions, type LiveFrame } from '../../controller/engine/live-feed.js'

const SILENCE = Uint8Array.of(0xf8, 0xff, 0xfe)
const PACKET_SAMPLES = 960 // 20 ms at 48 kHz

/** A feed on fake time, with every frame it emits collected. */
function feedOf (over: Partial<LiveFeedOptions> = {}): { feed: LiveFeed, frames: LiveFrame[], ended: string[] } {
  const feed = new LiveFeed({
    channels: 1, frameMs: 100, sendAheadMs: 300, prebufferMs: 100, maxBufferMs: 1000, silence: SILENCE, now: Date.now, ...over
  })
  const frames: LiveFrame[] = []
  const ended: string[] = []
  feed.subscribe(f => frames.push(f))
  feed.onEnd(r => ended.push(r))
  return { feed, frames, ended }
}

/** Source packets whose single byte numbers them, so a test can tell which audio went where. */
let serial = 0
function pushMs (feed: LiveFeed, ms: number): number[] {
  const ids: number[] = []
  for (let i = 0; i < ms / 20; i++) {
    const id = (serial++) % 250
    ids.push(id)
    feed.push({ data: Uint8Array.of(id), samples: PACKET_SAMPLES })
  }
  return ids
}
const payload = (f: LiveFrame): number[] => f.packets.map(p => p[0] ?? -1)

describe('LiveFeed: audio that arrives over time, on a fixed clock', () => {
  beforeEach(() => { vi.useFakeTimers({ now: 1_800_000_000_000 }); serial = 0 })
  afterEach(() => { vi.useRealTimers() })

  it('keeps the speakers fed with silence until a frame plus the prebuffer is held, then plays the audio in order on a gapless timeline', () => {
    const { feed, frames } = feedOf()
    const t0 = Date.now()
    feed.start()
    expect(feed.firstPlayAt).toBe(t0 + 300)
    vi.advanceTimersByTime(250)
    const sent: number[] = []
    // Real time: 20 ms of audio every 20 ms.
    for (let i = 0; i < 50; i++) { sent.push(...pushMs(feed, 20)); vi.advanceTimersByTime(20) }
    const audio = frames.filter(f => !f.silent)
    expect(frames.slice(0, 3).every(f => f.silent)).toBe(true)
    expect(audio.flatMap(payload)).toEqual(sent.slice(0, audio.length * 5))
    expect(audio.length).toBeGreaterThanOrEqual(7)
    for (const f of frames) expect(f.durationSamples).toBe(4800)
    // Each frame starts where the previous one ends: no gap, no overlap, whatever it carries.
    for (let i = 1; i < frames.length; i++) {
      expect((frames[i] as LiveFrame).playAtUs - (frames[i - 1] as LiveFrame).playAtUs).toBe(100_000)
    }
    // Each frame is sent sendAhead before it plays.
    expect((frames[0] as LiveFrame).playAtUs).toBe((t0 + 300) * 1000)
    feed.abort('test over')
  })

  it('sends silence while the source stalls, never repeats old audio, and plays the source again after it returns', () => {
    const { feed, frames } = feedOf()
    feed.start()
    for (let i = 0; i < 25; i++) { pushMs(feed, 20); vi.advanceTimersByTime(20) }
    const before = frames.length
    vi.advanceTimersByTime(1000) // the source sends nothing for a second
    const during = frames.slice(before + 3) // what was buffered drains first
    expect(during.length).toBeGreaterThanOrEqual(5)
    expect(during.every(f => f.silent && f.packets.every(p => p === SILENCE))).toBe(true)
    const resumed: number[] = []
    for (let i = 0; i < 25; i++) { resumed.push(...pushMs(feed, 20)); vi.advanceTimersByTime(20) }
    vi.advanceTimersByTime(300)
    const after = frames.slice(before).filter(f => !f.silent).flatMap(payload).filter(id => resumed.includes(id))
    expect(after).toEqual(resumed.slice(0, after.length))
    expect(after.length).toBeGreaterThan(10)
    // Nothing played twice.
    const all = frames.filter(f => !f.silent).flatMap(payload)
    expect(new Set(all).size).toBe(all.length)
    feed.abort('test over')
  })

  it('drops a backlog past maxBufferMs, oldest first, so a burst cannot make the voice lag', () => {
    const { feed, frames } = feedOf({ maxBufferMs: 1000 })
    feed.start()
    const burst = pushMs(feed, 5000) // a client that sent five seconds at once
    expect(feed.stats.droppedMs).toBe(4000)
    vi.advanceTimersByTime(2000)
    const audio = frames.filter(f => !f.silent).flatMap(payload)
    expect(audio[0]).toBe(burst[200]) // the newest second is what plays
    feed.abort('test over')
  })

  it('drops a backlog that stays (a source that came back from a stall with its late audio) within a few seconds', () => {
    const { feed, frames } = feedOf({ maxBufferMs: 5000 })
    feed.start()
    pushMs(feed, 1000) // a second sent late, in one go
    let latest = -1
    for (let i = 0; i < 250; i++) { latest = pushMs(feed, 20)[0] ?? -1; vi.advanceTimersByTime(20) }
    expect(feed.stats.droppedMs).toBeGreaterThanOrEqual(800)
    // The delay is back near prebuffer + frame: the last frame sent holds audio pushed a few packets ago.
    const last = payload(frames[frames.length - 1] as LiveFrame).at(-1) ?? -1
    expect(((latest - last) % 250 + 250) % 250).toBeLessThanOrEqual(15)
    feed.abort('test over')
  })

  it('plays out what is buffered after end(), then ends with the reason and leaves no timer', () => {
    const { feed, frames, ended } = feedOf()
    feed.start()
    const sent = pushMs(feed, 500)
    feed.end('the speaker ended the live broadcast')
    vi.advanceTimersByTime(2000)
    expect(frames.filter(f => !f.silent).flatMap(payload)).toEqual(sent)
    expect(ended).toEqual(['the speaker ended the live broadcast'])
    expect(feed.isEnded).toBe(true)
    expect(feed.failed).toBe(false)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('drops the scrap held when a stall begins (it would be heard out of its time), and plays out what came after', () => {
    const { feed, frames } = feedOf()
    feed.start()
    let sent: number[] = []
    for (let i = 0; i < 25; i++) { sent = pushMs(feed, 20); vi.advanceTimersByTime(20) }
    // The stream stops mid-frame: 60 ms arrive, less than a frame, then nothing.
    const scrap = pushMs(feed, 60)
    vi.advanceTimersByTime(1000)
    const after = pushMs(feed, 60) // the speaker's last words, after the stall
    feed.end('the speaker ended the live broadcast')
    vi.advanceTimersByTime(1000)
    const played = frames.flatMap(payload)
    expect(played.some(id => scrap.includes(id))).toBe(false)
    expect(played.slice(-after.length)).toEqual(after)
    expect(played).toContain(sent[0])
    expect(feed.isEnded).toBe(true)
  })

  it('ends by itself at its limit (a relay\'s planned length), to the frame', () => {
    const { feed, frames, ended } = feedOf({ limit: { ms: 1000, reason: 'planned length' } })
    feed.start()
    for (let i = 0; i < 150; i++) { pushMs(feed, 20); vi.advanceTimersByTime(20) }
    expect(ended).toEqual(['planned length'])
    expect(feed.stats.timelineMs).toBe(1000)
    expect(frames).toHaveLength(10)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('abort() ends at once and drops what is buffered; a failed end is marked failed', () => {
    const a = feedOf()
    a.feed.start()
    pushMs(a.feed, 1000)
    a.feed.abort('stopped by staff')
    expect(a.ended).toEqual(['stopped by staff'])
    expect(vi.getTimerCount()).toBe(0)
    const b = feedOf()
    b.feed.start()
    b.feed.end('relay failed: no audio for 5 s', true)
    vi.advanceTimersByTime(500)
    expect(b.feed.failed).toBe(true)
    expect(b.ended).toEqual(['relay failed: no audio for 5 s'])
  })

  it('catches up frame by frame after the event loop was blocked, keeping the timeline', () => {
    const { feed, frames } = feedOf()
    feed.start()
    vi.setSystemTime(Date.now() + 1000) // the process froze for a second: its timers fire late
    vi.advanceTimersByTime(100)
    expect(frames.length).toBeGreaterThanOrEqual(10)
    for (let i = 1; i < frames.length; i++) expect((frames[i] as LiveFrame).playAtUs - (frames[i - 1] as LiveFrame).playAtUs).toBe(100_000)
    feed.abort('test over')
  })

  it('refuses a frame length that is not a whole number of 20 ms packets', () => {
    expect(() => feedOf({ frameMs: 90 })).toThrow(/multiple of 20/)
  })
})
