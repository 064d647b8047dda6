import { randomUUID } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { streamTopic, type AudioFrame } from '../../protocol/index.js'
import { Playout, Session, type SessionInit, type SessionOutput } from '../../device-sim/index.js'

const T0 = 1_700_000_000_000
const FRAME_MS = 100

function setup (over: Partial<SessionInit> = {}): { session: Session, frame: (seq: number, o?: Partial<AudioFrame>) => AudioFrame } {
  const id = randomUUID()
  const session = new Session({
    session: id,
    topic: streamTopic(id),
    codec: { name: 'opus', sampleRate: 48_000, channels: 1 },
    startAt: T0 + 1000,
    priority: 10,
    joinedAt: T0,
    ...over
  })
  const frame = (seq: number, o: Partial<AudioFrame> = {}): AudioFrame => ({
    version: 1,
    codec: 1,
    end: false,
    channels: 1,
    skipSamples: 0,
    session: id,
    seq,
    playAtUs: (T0 + 1000 + seq * FRAME_MS) * 1000,
    durationSamples: FRAME_MS * 48,
    packets: [new Uint8Array([0xfc])],
    ...o
  })
  return { session, frame }
}

const kinds = (outs: SessionOutput[]): string[] => outs.map(o => o.kind)

describe('Session (pure, explicit time)', () => {
  it('buffers frames and plays each one when its playAt comes', () => {
    const { session, frame } = setup({ frames: 3 })
    expect(session.receive(frame(0), T0).outputs).toEqual([])
    expect(session.receive(frame(1), T0).status).toBe('buffered')
    expect(session.nextWakeAt()).toBe(T0 + 1000)
    expect(session.bufferedMs(T0)).toBe(1200)
    const first = session.advance(T0 + 1000)
    expect(first).toEqual([{ kind: 'started', seq: 0, firstSampleAt: T0 + 1000 }, { kind: 'play', frame: frame(0) }])
    expect(kinds(session.advance(T0 + 1099))).toEqual([])
    expect(kinds(session.advance(T0 + 1100))).toEqual(['play'])
    session.receive(frame(2, { end: true }), T0 + 1150)
    expect(session.nextWakeAt()).toBe(T0 + 1200)
    expect(kinds(session.advance(T0 + 1200))).toEqual(['play'])
    // Finished only when the END frame's audio is over.
    expect(session.nextWakeAt()).toBe(T0 + 1300)
    expect(session.advance(T0 + 1300)).toEqual([{ kind: 'finished', reason: 'end', expected: 3, received: 3, late: 0, missing: 0 }])
    expect(session.finished).toBe(true)
    expect(session.nextWakeAt()).toBeUndefined()
    expect(session.receive(frame(3), T0 + 1400).status).toBe('ignored')
  })

  it('reports a seq jump as a gap and counts it missing', () => {
    const { session, frame } = setup()
    session.receive(frame(0), T0)
    expect(session.receive(frame(3), T0).outputs).toEqual([{ kind: 'gap', fromSeq: 1, toSeq: 2 }])
    session.receive(frame(4, { end: true }), T0)
    const outs = session.advance(T0 + 2000)
    expect(outs.at(-1)).toEqual({ kind: 'finished', reason: 'end', expected: 5, received: 3, late: 0, missing: 2 })
    expect(kinds(outs).filter(k => k === 'play')).toHaveLength(3)
  })

  it('counts a late frame as received and late but does not play it', () => {
    const { session, frame } = setup()
    session.receive(frame(0), T0)
    session.receive(frame(2), T0)
    session.advance(T0 + 1150)
    const late = session.receive(frame(1), T0 + 1150)
    expect(late.status).toBe('late')
    expect(kinds(late.outputs)).toEqual([])
    expect(session.report()).toMatchObject({ received: 3, late: 1, missing: 0, outOfOrder: 1, receivedSeqs: [0, 2, 1] })
  })

  it('counts duplicates once', () => {
    const { session, frame } = setup()
    session.receive(frame(0), T0)
    expect(session.receive(frame(0), T0).status).toBe('duplicate')
    expect(session.report()).toMatchObject({ received: 1, duplicates: 1, receivedSeqs: [0, 0] })
  })

  it('reports the first sample at the first played frame, and when a skewed node really heard it', () => {
    const { session, frame } = setup({ clockOffsetMs: 40 })
    session.receive(frame(0), T0 + 1050) // late: not played
    session.receive(frame(1), T0 + 1050)
    expect(session.advance(T0 + 1100)[0]).toEqual({ kind: 'started', seq: 1, firstSampleAt: T0 + 1100 })
    expect(session.report()).toMatchObject({ firstSampleAt: T0 + 1100, firstSampleHeardAt: T0 + 1060 })
  })

  it('stops at once; a stopped session only owes the frames sent before the stop', () => {
    const { session, frame } = setup({ frames: 50 })
    session.receive(frame(0), T0)
    session.receive(frame(1), T0)
    expect(session.stop()).toEqual([{ kind: 'finished', reason: 'stopped', expected: 2, received: 2, late: 0, missing: 0 }])
    expect(session.stop()).toEqual([])
  })

  it('times out max(5 s, 3 frames) after the last audio, and reports announced frames that never came', () => {
    const { session, frame } = setup({ frames: 10 })
    session.receive(frame(0), T0)
    session.receive(frame(1), T0)
    const lastAudioEnd = T0 + 1000 + 2 * FRAME_MS
    expect(session.nextWakeAt()).toBe(T0 + 1000)
    session.advance(T0 + 1100)
    expect(session.nextWakeAt()).toBe(lastAudioEnd + 5000)
    expect(session.advance(lastAudioEnd + 4999)).toEqual([])
    expect(session.advance(lastAudioEnd + 5000)).toEqual([
      { kind: 'gap', fromSeq: 2, toSeq: 9 },
      { kind: 'finished', reason: 'timeout', expected: 10, received: 2, late: 0, missing: 8 }
    ])
  })

  it('uses 3 frame durations when frames are longer than the 5 s floor allows', () => {
    const { session, frame } = setup()
    session.receive(frame(0, { durationSamples: 48 * 2000 }), T0)
    expect(session.advance(T0 + 1000 + 2000 + 5999)).toHaveLength(2) // started + play
    expect(kinds(session.advance(T0 + 1000 + 2000 + 6000))).toEqual(['finished'])
  })

  it('times out a session that never gets a frame, counted from startAt', () => {
    const { session } = setup()
    expect(session.nextWakeAt()).toBe(T0 + 1000 + 5000)
    expect(session.advance(T0 + 6000)).toEqual([{ kind: 'finished', reason: 'timeout', expected: 0, received: 0, late: 0, missing: 0 }])
  })
})

describe('Playout (timers, fake time)', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.setSystemTime(T0)
  })
  afterEach(() => { vi.useRealTimers() })

  it('plays each frame at its playAt and finishes on its own', () => {
    const { session, frame } = setup()
    const outs: Array<{ at: number, kind: string }> = []
    const playout = new Playout(session, { now: Date.now, output: o => outs.push({ at: Date.now(), kind: o.kind }) })
    playout.start()
    for (let seq = 0; seq < 5; seq++) playout.receive(frame(seq, { end: seq === 4 }))
    vi.advanceTimersByTime(999)
    expect(outs).toEqual([])
    vi.advanceTimersByTime(1)
    expect(outs).toEqual([{ at: T0 + 1000, kind: 'started' }, { at: T0 + 1000, kind: 'play' }])
    vi.advanceTimersByTime(500)
    expect(outs.filter(o => o.kind === 'play').map(o => o.at)).toEqual([0, 1, 2, 3, 4].map(i => T0 + 1000 + i * FRAME_MS))
    expect(outs.at(-1)).toEqual({ at: T0 + 1500, kind: 'finished' })
    expect(vi.getTimerCount()).toBe(0)
  })

  it('fires the timeout when the stream stalls, using the node clock with its skew', () => {
    const skew = 250
    const { session, frame } = setup({ clockOffsetMs: skew })
    const outs: SessionOutput[] = []
    const playout = new Playout(session, { now: () => Date.now() + skew, output: o => outs.push(o) })
    playout.start()
    playout.receive(frame(0))
    // The skewed node plays 250 ms early in true time.
    vi.advanceTimersByTime(1000 - skew)
    expect(kinds(outs)).toEqual(['started', 'play'])
    vi.advanceTimersByTime(FRAME_MS + 5000 - 1)
    expect(kinds(outs)).toEqual(['started', 'play'])
    vi.advanceTimersByTime(1)
    expect(outs.at(-1)).toMatchObject({ kind: 'finished', reason: 'timeout', received: 1 })
    expect(session.report().firstSampleHeardAt).toBe(T0 + 1000 - skew)
  })

  it('dispose() forgets the timer without reporting anything', () => {
    const { session, frame } = setup()
    const outs: SessionOutput[] = []
    const playout = new Playout(session, { now: Date.now, output: o => outs.push(o) })
    playout.receive(frame(0))
    playout.dispose()
    vi.advanceTimersByTime(60_000)
    expect(outs).toEqual([])
    expect(vi.getTimerCount()).toBe(0)
  })
})
