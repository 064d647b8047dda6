import { SAMPLE_RATE, type AudioFrame, type CodecInfo } from '../protocol/index.js'

/**
 * One session as a node sees it: a pure state machine with no timers and no I/O. Every input carries the
 * node's clock (`now`, ms on the node's clock, which the protocol says is the controller's), and every effect
 * is returned as an output, so tests drive it with plain numbers and the node (playout.ts) drives it with
 * timers.
 *
 * Decisions (docs for testers, see also the final report of the sim):
 * - A frame that arrives after its playAt is `late`: it counts as received (it is not missing: the network
 *   delivered it) but it is not played, because a speaker cannot play the past and playing it late would put
 *   adjacent poles out of step. So played = received - late.
 * - A gap is reported when it is seen: a frame arrives whose seq jumps past the highest seq so far. If the
 *   skipped frame turns up later it still counts as received (and outOfOrder), but the gap event stands.
 * - The session ends `end` once the END frame's audio is over (playAt + duration), `stopped` on a stop
 *   command, `timeout` when no audio is buffered and nothing arrives for max(5 s, 3 x frame duration).
 */

export type FinishReason = 'end' | 'stopped' | 'timeout'

export interface SessionInit {
  session: string
  topic: string
  codec: CodecInfo
  /** Controller ms at which the controller means the first sample to be heard. */
  startAt: number
  /** Frame count from the play command, when the controller knew it. */
  frames?: number
  priority: number
  /** Node clock (ms) when the play command was accepted. */
  joinedAt: number
  /** How far the node's clock runs ahead of true time; only to report when a sample was really heard. */
  clockOffsetMs?: number
  /** Floor of the no-frame timeout, 5 s by the contract; tests may shorten it. */
  timeoutFloorMs?: number
}

export interface SessionReport {
  session: string
  /** Frames the node should have had; while running, only those due so far (see expected()). */
  expected: number
  /** Distinct seqs that arrived, late ones included. */
  received: number
  late: number
  missing: number
  duplicates: number
  /** Frames that arrived with a seq below the highest already seen. */
  outOfOrder: number
  /** playAt (ms, controller clock) of the first frame played, as the node reports it; null if none played. */
  firstSampleAt: number | null
  /** True machine time (ms) at which that sample was heard: firstSampleAt - clockOffsetMs. */
  firstSampleHeardAt: number | null
  /** Highest seq received, null before the first frame. */
  lastSeq: number | null
  finished: boolean
  reason: FinishReason | null
  /** Every frame's seq in arrival order, duplicates included. */
  receivedSeqs: number[]
}

export type SessionOutput =
  | { kind: 'gap', fromSeq: number, toSeq: number }
  | { kind: 'started', seq: number, firstSampleAt: number }
  | { kind: 'play', frame: AudioFrame }
  | { kind: 'finished', reason: FinishReason, expected: number, received: number, late: number, missing: number }

export type ArrivalStatus = 'buffered' | 'late' | 'duplicate' | 'ignored'

export const DEFAULT_TIMEOUT_FLOOR_MS = 5_000

function frameMs (frame: AudioFrame): number {
  return frame.durationSamples * 1000 / SAMPLE_RATE
}

export class Session {
  readonly id: string
  readonly topic: string
  readonly codec: CodecInfo
  readonly priority: number
  private readonly init: SessionInit
  private readonly seen = new Set<number>()
  private readonly arrivals: number[] = []
  /** Frames waiting for their playAt, sorted by it. */
  private pending: AudioFrame[] = []
  private highestSeq = -1
  private endSeq: number | null = null
  private endAtMs: number | null = null
  private lastAudioEndMs: number | null = null
  private longestFrameMs = 0
  private lateCount = 0
  private duplicates = 0
  private outOfOrder = 0
  private first: { seq: number, at: number } | null = null
  private reason: FinishReason | null = null

  constructor (init: SessionInit) {
    this.init = init
    this.id = init.session
    this.topic = init.topic
    this.codec = init.codec
    this.priority = init.priority
  }

  get finished (): boolean {
    return this.reason !== null
  }

  receive (frame: AudioFrame, now: number): { status: ArrivalStatus, outputs: SessionOutput[] } {
    if (this.finished) return { status: 'ignored', outputs: [] }
    this.arrivals.push(frame.seq)
    if (this.seen.has(frame.seq)) {
      this.duplicates++
      return { status: 'duplicate', outputs: this.advance(now) }
    }
    this.seen.add(frame.seq)
    const outputs: SessionOutput[] = []
    if (frame.seq > this.highestSeq + 1) outputs.push({ kind: 'gap', fromSeq: this.highestSeq + 1, toSeq: frame.seq - 1 })
    else if (frame.seq < this.highestSeq) this.outOfOrder++
    this.highestSeq = Math.max(this.highestSeq, frame.seq)
    const audioEnd = frame.playAtUs / 1000 + frameMs(frame)
    this.lastAudioEndMs = Math.max(this.lastAudioEndMs ?? audioEnd, audioEnd)
    this.longestFrameMs = Math.max(this.longestFrameMs, frameMs(frame))
    if (frame.end) {
      this.endSeq = frame.seq
      this.endAtMs = audioEnd
    }
    let status: ArrivalStatus = 'buffered'
    if (now * 1000 > frame.playAtUs) {
      this.lateCount++
      status = 'late'
    } else {
      const at = this.pending.findIndex(p => p.playAtUs > frame.playAtUs)
      this.pending.splice(at === -1 ? this.pending.length : at, 0, frame)
    }
    outputs.push(...this.advance(now))
    return { status, outputs }
  }

  /** Plays every frame that is due and ends the session when its END or its timeout has come. */
  advance (now: number): SessionOutput[] {
    if (this.finished) return []
    const outputs: SessionOutput[] = []
    while (this.pending[0] !== undefined && this.pending[0].playAtUs <= now * 1000) {
      const frame = this.pending.shift() as AudioFrame
      if (this.first === null) {
        this.first = { seq: frame.seq, at: Math.round(frame.playAtUs / 1000) }
        outputs.push({ kind: 'started', seq: frame.seq, firstSampleAt: this.first.at })
      }
      outputs.push({ kind: 'play', frame })
    }
    if (this.endAtMs !== null && now >= this.endAtMs) outputs.push(...this.finish('end'))
    else if (now >= this.timeoutAt()) outputs.push(...this.finish('timeout'))
    return outputs
  }

  stop (): SessionOutput[] {
    return this.finished ? [] : this.finish('stopped')
  }

  /** Node-clock ms at which advance() must next run; undefined once finished. */
  nextWakeAt (): number | undefined {
    if (this.finished) return undefined
    const candidates = [this.timeoutAt()]
    if (this.pending[0] !== undefined) candidates.push(this.pending[0].playAtUs / 1000)
    if (this.endAtMs !== null) candidates.push(this.endAtMs)
    return Math.min(...candidates)
  }

  /** Audio already buffered ahead of `now`, for telemetry. */
  bufferedMs (now: number): number {
    const last = this.pending.at(-1)
    return last === undefined ? 0 : Math.max(0, Math.round(last.playAtUs / 1000 + frameMs(last) - now))
  }

  report (): SessionReport {
    const expected = this.expected(this.reason ?? 'stopped')
    const offset = this.init.clockOffsetMs ?? 0
    return {
      session: this.id,
      expected,
      received: this.seen.size,
      late: this.lateCount,
      missing: this.missing(expected),
      duplicates: this.duplicates,
      outOfOrder: this.outOfOrder,
      firstSampleAt: this.first?.at ?? null,
      firstSampleHeardAt: this.first === null ? null : this.first.at - offset,
      lastSeq: this.highestSeq < 0 ? null : this.highestSeq,
      finished: this.finished,
      reason: this.reason,
      receivedSeqs: [...this.arrivals]
    }
  }

  /**
   * The contract: the play command's `frames`, else the END frame's seq + 1, else the highest seq + 1.
   * A stopped session (and a running one) only owes the frames sent before the stop: counting the rest of
   * the programme as missing would blame the node for audio that was never sent.
   */
  private expected (reason: FinishReason): number {
    const seenSoFar = this.highestSeq + 1
    if (this.init.frames !== undefined) return reason === 'stopped' ? Math.min(this.init.frames, seenSoFar) : this.init.frames
    if (this.endSeq !== null) return this.endSeq + 1
    return seenSoFar
  }

  private missing (expected: number): number {
    let have = 0
    for (const seq of this.seen) if (seq < expected) have++
    return expected - have
  }

  private timeoutAt (): number {
    const base = this.lastAudioEndMs ?? Math.max(this.init.startAt, this.init.joinedAt)
    return base + Math.max(this.init.timeoutFloorMs ?? DEFAULT_TIMEOUT_FLOOR_MS, 3 * this.longestFrameMs)
  }

  private finish (reason: FinishReason): SessionOutput[] {
    this.reason = reason
    this.pending = []
    const expected = this.expected(reason)
    const outputs: SessionOutput[] = []
    // Frames the controller announced but never sent are a gap too, seen only now.
    if (expected > this.highestSeq + 1) outputs.push({ kind: 'gap', fromSeq: this.highestSeq + 1, toSeq: expected - 1 })
    outputs.push({
      kind: 'finished', reason, expected, received: this.seen.size, late: this.lateCount, missing: this.missing(expected)
    })
    return outputs
  }
}
