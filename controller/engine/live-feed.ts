import { SAMPLE_RATE } from '../../protocol/index.js'
import type { PacedFrame } from './pacer.js'

/** One frame of a live feed, already placed on the timeline: every stream that carries it uses this playAt. */
export interface LiveFrame extends PacedFrame {
  playAtUs: number
  /** Made of silence because the source had nothing to give in time. */
  silent: boolean
}

export interface LivePacket { data: Uint8Array, samples: number }

export interface LiveFeedOptions {
  channels: number
  /** Audio per frame (a multiple of 20 ms): live speech uses short frames, relays longer ones. */
  frameMs: number
  /** How long before its play time each frame is sent: the nodes' buffer for the network's jitter. */
  sendAheadMs: number
  /**
   * Source audio held before the first frame is taken from it (and again after a stall): the controller's
   * buffer for the source's own jitter. Latency from source to speaker is about sendAhead + prebuffer + frame.
   */
  prebufferMs: number
  /** Source audio held beyond this is dropped, oldest first, so a burst or a late backlog never grows latency. */
  maxBufferMs: number
  /** One 20 ms Opus packet that decodes to silence, for the feed's channel count. */
  silence: Uint8Array
  now: () => number
  /** The feed ends by itself once its timeline is this long (a relay's planned length, a live voice's cap). */
  limit?: { ms: number, reason: string }
}

export interface LiveFeedStats {
  frames: number
  silentFrames: number
  /** Source audio that was sent (ms). */
  audioMs: number
  /** Source audio dropped because it came too late or in too large a burst (ms). */
  droppedMs: number
  /** Length of the timeline so far, silence included (ms). */
  timelineMs: number
}

type Listener = (frame: LiveFrame) => void
const SAMPLES_PER_MS = SAMPLE_RATE / 1000
const SILENCE_PACKET_SAMPLES = 20 * SAMPLES_PER_MS
const TRIM_WINDOW_MS = 2000

/**
 * Audio that arrives over time (a microphone, a radio relay) turned into frames on a fixed clock. A frame is
 * due every frame length: it carries source audio when enough is buffered, and silence otherwise. So the
 * speakers hear silence while a source stalls, never stale audio, and a session never hangs waiting for a
 * source; when the source comes back it is prebuffered again, and a backlog past maxBufferMs is dropped.
 *
 * Every stream of the broadcast (nodes that joined late, or came back after an emergency) hears the same
 * frames at the same playAt, so poles within earshot stay in step.
 */
export class LiveFeed {
  readonly stats: LiveFeedStats = { frames: 0, silentFrames: 0, audioMs: 0, droppedMs: 0, timelineMs: 0 }
  endReason: string | null = null
  /** The source broke (rather than finished, or was stopped): the broadcast is then recorded as failed. */
  failed = false
  private readonly queue: LivePacket[] = []
  private queued = 0
  private prebuffering = true
  /** The least audio held over the current window of frames: what it stays above is a backlog to drop. */
  private windowMin = Infinity
  private windowFrames = 0
  private readonly listeners = new Set<Listener>()
  private readonly endListeners = new Set<(reason: string) => void>()
  private timer: NodeJS.Timeout | undefined
  private firstPlayAtUs = 0
  private samplesOut = 0
  private ending = false
  private ended = false
  private readonly frameSamples: number

  constructor (private readonly opts: LiveFeedOptions) {
    if (opts.frameMs % 20 !== 0 || opts.frameMs < 20) throw new RangeError(`frameMs must be a multiple of 20, got ${opts.frameMs}`)
    this.frameSamples = opts.frameMs * SAMPLES_PER_MS
  }

  get channels (): number { return this.opts.channels }
  get frameMs (): number { return this.opts.frameMs }
  get isEnded (): boolean { return this.ended }
  get started (): boolean { return this.firstPlayAtUs !== 0 }
  get sendAheadMs (): number { return this.opts.sendAheadMs }
  /** When the first frame plays (ms), once started. */
  get firstPlayAt (): number { return this.firstPlayAtUs / 1000 }

  /** Starts the clock: the first frame plays sendAhead from now. */
  start (): void {
    if (this.started || this.ended) return
    this.firstPlayAtUs = Math.round((this.opts.now() + this.opts.sendAheadMs) * 1000)
    this.tick()
  }

  /**
   * Source audio, in order. An encoder's pre-skip (a few ms of delay at the start of its stream) is not
   * trimmed: it is heard as a moment of silence, and the nodes' decoder is warm from the frames before.
   */
  push (packet: LivePacket): void {
    if (this.ending || this.ended) return
    this.queue.push(packet)
    this.queued += packet.samples
    const max = this.opts.maxBufferMs * SAMPLES_PER_MS
    while (this.queued > max && this.queue.length > 1) {
      const old = this.queue.shift()
      if (old === undefined) break
      this.queued -= old.samples
      this.stats.droppedMs += old.samples / SAMPLES_PER_MS
    }
  }

  /** The source is over: what is buffered still plays, then the feed ends with this reason. */
  end (reason: string, failed = false): void {
    if (this.ending || this.ended) return
    this.ending = true
    this.endReason = reason
    this.failed = failed
    if (!this.started) this.finish()
  }

  /** Ends at once, dropping what is buffered (staff stopped the broadcast). */
  abort (reason: string): void {
    if (this.ended) return
    this.endReason ??= reason
    this.finish()
  }

  /** Frames from now on; returns the unsubscribe function. */
  subscribe (listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  onEnd (listener: (reason: string) => void): void {
    if (this.ended) listener(this.endReason ?? 'ended')
    else this.endListeners.add(listener)
  }

  /** Play time (µs) of the next frame: where an END frame goes. */
  nextPlayAtUs (): number {
    return this.firstPlayAtUs + Math.round(this.samplesOut * 1_000_000 / SAMPLE_RATE)
  }

  private tick (): void {
    this.timer = undefined
    if (this.ended) return
    const nowMs = this.opts.now()
    // Catch up on every frame already due (after a blocked event loop), each one sent in order.
    while (!this.ended && this.nextPlayAtUs() / 1000 - this.opts.sendAheadMs <= nowMs) this.emitNext()
    if (this.ended) return
    const wait = Math.max(0, this.nextPlayAtUs() / 1000 - this.opts.sendAheadMs - this.opts.now())
    this.timer = setTimeout(() => this.tick(), wait)
  }

  private emitNext (): void {
    const limit = this.opts.limit
    if (limit !== undefined && this.samplesOut >= limit.ms * SAMPLES_PER_MS) {
      this.endReason ??= limit.reason
      this.finish()
      return
    }
    if (this.prebuffering && this.queued >= this.frameSamples + this.opts.prebufferMs * SAMPLES_PER_MS) this.prebuffering = false
    if (this.ending && this.queued === 0) { this.finish(); return }
    let frame: PacedFrame
    let silent = false
    if (!this.prebuffering || (this.ending && this.queued > 0)) {
      if (this.queued < this.frameSamples && !this.ending) {
        // Stalled: silence now, and prebuffer again so the next stall of the same size is absorbed. The scrap
        // held (less than a frame) would be heard after the silence, out of its time: it is dropped.
        this.prebuffering = true
        this.stats.droppedMs += this.queued / SAMPLES_PER_MS
        this.dropQueue()
        frame = this.silenceFrame()
        silent = true
      } else {
        frame = this.takeAudio()
        this.trimBacklog()
      }
    } else {
      frame = this.silenceFrame()
      silent = true
    }
    const out: LiveFrame = { ...frame, playAtUs: this.nextPlayAtUs(), silent }
    this.samplesOut += frame.durationSamples
    this.stats.frames++
    if (silent) this.stats.silentFrames++
    else this.stats.audioMs += frame.durationSamples / SAMPLES_PER_MS
    this.stats.timelineMs = this.samplesOut / SAMPLES_PER_MS
    for (const l of [...this.listeners]) l(out)
    if (this.ending && this.queued === 0) this.finish()
  }

  /**
   * After a stall or a burst the source is ahead by what it sent late, and being real-time it would stay that
   * far behind for good. When the buffer has not gone below the target for a whole window (2 s), the surplus
   * is dropped, so the delay comes back to about prebuffer + two frames. A source that sends in bursts dips between
   * them, so nothing of it is dropped.
   */
  private trimBacklog (): void {
    if (this.ending) return
    this.windowMin = Math.min(this.windowMin, this.queued)
    if (++this.windowFrames * this.opts.frameMs < TRIM_WINDOW_MS) return
    // A steady source dips to about the prebuffer after each frame is taken; what stays a whole frame above
    // that (plus a frame of slack for jitter) is backlog. Dropping less often keeps speech free of cuts.
    const target = (this.opts.prebufferMs + this.opts.frameMs) * SAMPLES_PER_MS
    let surplus = this.windowMin - target
    this.windowMin = Infinity
    this.windowFrames = 0
    if (surplus < this.frameSamples) return
    while (surplus > 0 && this.queue.length > 1) {
      const old = this.queue[0]
      if (old === undefined || old.samples > surplus) break
      this.queue.shift()
      this.queued -= old.samples
      surplus -= old.samples
      this.stats.droppedMs += old.samples / SAMPLES_PER_MS
    }
  }

  private takeAudio (): PacedFrame {
    const packets: Uint8Array[] = []
    let samples = 0
    while (samples < this.frameSamples && this.queue.length > 0) {
      const p = this.queue.shift()
      if (p === undefined) break
      packets.push(p.data)
      samples += p.samples
      this.queued -= p.samples
    }
    return { packets, skipSamples: 0, durationSamples: samples }
  }

  private silenceFrame (): PacedFrame {
    const n = this.frameSamples / SILENCE_PACKET_SAMPLES
    return { packets: Array.from({ length: n }, () => this.opts.silence), skipSamples: 0, durationSamples: this.frameSamples }
  }

  private dropQueue (): void {
    this.queue.length = 0
    this.queued = 0
  }

  private finish (): void {
    if (this.ended) return
    this.ended = true
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    this.dropQueue()
    this.listeners.clear()
    const reason = this.endReason ?? 'ended'
    for (const l of [...this.endListeners]) l(reason)
    this.endListeners.clear()
  }
}
