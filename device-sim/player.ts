import { EventEmitter } from 'node:events'
import {
  FrameError, PROTOCOL_VERSION, decodeFrame, streamTopic,
  type AudioFrame, type NodeEvent, type PlayCommand
} from '../protocol/index.js'
import type { Outcome } from './commands.js'
import type { SimNodeEvents } from './events.js'
import type { LogFn } from './log.js'
import { Playout } from './playout.js'
import { Session, type SessionOutput, type SessionReport } from './session.js'
import { AudioTrack } from './track.js'
import { PcmTimeline } from './timeline.js'

/** The I/O a Player needs from its node. */
export interface PlayerContext {
  now (): number
  clockOffsetMs: number
  decode: boolean
  timeoutFloorMs: number | undefined
  log: LogFn
  emitter: EventEmitter<SimNodeEvents>
  subscribe (topic: string): void
  unsubscribe (topic: string): void
  publishEvent (event: NodeEvent): void
  setVolume (volume: number): void
  /** Playback changed: the node sends telemetry. */
  changed (): void
}

interface Entry {
  session: Session
  playout: Playout
  track: AudioTrack | undefined
  /** The play command's volume: for this session only (docs/protocol.md), not the node's own. */
  volume: number | undefined
}

/**
 * The sessions of one node: joining and leaving streams, turning each frame into a session input, and each
 * session output into an event on `nodes/{id}/events`. A speaker has one horn, so at most one session is
 * active; a play at equal or higher priority pre-empts it (higher number = more urgent, see the report).
 */
export class Player {
  private readonly entries = new Map<string, Entry>()
  private readonly timelines = new Map<string, PcmTimeline>()
  private readonly closing = new Set<Promise<void>>()
  private active: Entry | undefined
  /** The node's own volume (set by the volume command), which a session's volume overrides only while it plays. */
  private base: number

  constructor (private readonly ctx: PlayerContext, initialVolume: number) {
    this.base = initialVolume
  }

  /** The volume command: the node's own volume, heard at once unless a session plays at its own. */
  setBaseVolume (volume: number): void {
    this.base = volume
    this.applyVolume()
  }

  private applyVolume (): void {
    this.ctx.setVolume(this.active?.volume ?? this.base)
  }

  get playing (): string | null {
    return this.active?.session.id ?? null
  }

  bufferedMs (): number {
    return this.active?.session.bufferedMs(this.ctx.now()) ?? 0
  }

  play (cmd: PlayCommand): Outcome {
    if (cmd.topic !== streamTopic(cmd.session)) {
      return { ok: false, code: 'BAD_TOPIC', message: `topic must be ${streamTopic(cmd.session)}` }
    }
    const known = this.entries.get(cmd.session)
    // A repeated play (QoS 1 redelivery, a controller retry) must not restart or double-count the session.
    if (known !== undefined && !known.session.finished) return { ok: true, data: { joined: true } }
    if (known !== undefined) return { ok: false, code: 'SESSION_FINISHED', message: 'this node already finished the session' }
    if (this.active !== undefined) {
      if (cmd.priority < this.active.session.priority) {
        return { ok: false, code: 'BUSY', message: `playing ${this.active.session.id} at priority ${this.active.session.priority}` }
      }
      this.active.playout.stop()
    }
    this.join(cmd)
    return { ok: true }
  }

  stop (sessionId: string): Outcome {
    const entry = this.entries.get(sessionId)
    if (entry === undefined) return { ok: false, code: 'UNKNOWN_SESSION', message: 'this node has no such session' }
    // Stopping a session that is already over leaves the node as asked: not playing it.
    if (entry.session.finished) return { ok: true, data: { finished: true } }
    entry.playout.stop()
    return { ok: true }
  }

  /** One message from a stream topic; never throws. */
  frame (topicSession: string, payload: Uint8Array): void {
    let frame: AudioFrame
    try {
      frame = decodeFrame(payload)
    } catch (err) {
      const code = err instanceof FrameError ? err.code : 'FRAME_UNKNOWN'
      this.ctx.log('warn', 'bad frame dropped', { session: topicSession, code, error: String(err) })
      return
    }
    if (frame.session !== topicSession) {
      this.ctx.log('warn', 'frame for another session dropped', { topic: topicSession, frame: frame.session })
      return
    }
    const entry = this.entries.get(frame.session)
    if (entry === undefined || entry.session.finished) {
      this.ctx.log('debug', 'frame for no active session', { session: frame.session, seq: frame.seq })
      return
    }
    if (frame.channels !== entry.session.codec.channels) {
      this.ctx.log('warn', 'frame channels differ from the play command; dropped', { seq: frame.seq })
      return
    }
    const status = entry.playout.receive(frame)
    this.ctx.emitter.emit('frame', {
      session: frame.session, seq: frame.seq, playAtUs: frame.playAtUs, end: frame.end, status
    })
  }

  reports (): SessionReport[] {
    return [...this.entries.values()].map(e => e.session.report())
  }

  report (sessionId: string): SessionReport | undefined {
    return this.entries.get(sessionId)?.session.report()
  }

  audio (sessionId: string): Float32Array | undefined {
    return this.timelines.get(sessionId)?.samples()
  }

  dropAudio (sessionId: string): void {
    this.timelines.delete(sessionId)
  }

  /** Graceful: every active session ends 'stopped' and is reported. */
  stopAll (): void {
    for (const entry of this.entries.values()) entry.playout.stop()
  }

  /** Abrupt (a node that dies): timers cleared, decoders freed, nothing reported. */
  dispose (): void {
    for (const entry of this.entries.values()) {
      entry.playout.dispose()
      if (entry.track !== undefined) this.track(entry.track.close())
    }
    this.active = undefined
  }

  /** Resolves once every finished session's audio is complete and its 'session-end' emitted. */
  async idle (): Promise<void> {
    while (this.closing.size > 0) await Promise.all(this.closing)
  }

  private join (cmd: PlayCommand): void {
    const session = new Session({
      session: cmd.session,
      topic: cmd.topic,
      codec: cmd.codec,
      startAt: cmd.startAt,
      frames: cmd.frames,
      priority: cmd.priority,
      joinedAt: this.ctx.now(),
      clockOffsetMs: this.ctx.clockOffsetMs,
      timeoutFloorMs: this.ctx.timeoutFloorMs
    })
    let track: AudioTrack | undefined
    if (this.ctx.decode) {
      track = new AudioTrack(cmd.codec.channels, this.ctx.log)
      this.timelines.set(cmd.session, track.timeline)
    }
    const entry: Entry = { session, track, volume: cmd.volume, playout: new Playout(session, { now: this.ctx.now, output: out => this.output(entry, out) }) }
    this.entries.set(cmd.session, entry)
    this.active = entry
    this.applyVolume()
    this.ctx.subscribe(cmd.topic)
    entry.playout.start()
    this.ctx.emitter.emit('session-start', { session: cmd.session, topic: cmd.topic, priority: cmd.priority, startAt: cmd.startAt })
    this.ctx.changed()
  }

  private output (entry: Entry, out: SessionOutput): void {
    const base = { v: PROTOCOL_VERSION, ts: Math.max(0, Math.round(this.ctx.now())), session: entry.session.id }
    switch (out.kind) {
      case 'gap':
        this.ctx.publishEvent({ ...base, type: 'gap', fromSeq: out.fromSeq, toSeq: out.toSeq })
        return
      case 'started':
        this.ctx.publishEvent({ ...base, type: 'playback_started', seq: out.seq, firstSampleAt: out.firstSampleAt })
        this.ctx.changed()
        return
      case 'play':
        entry.track?.play(out.frame)
        return
      case 'finished': {
        const { kind: _, ...counts } = out
        this.ctx.publishEvent({ ...base, type: 'playback_finished', ...counts })
        this.ctx.unsubscribe(entry.session.topic)
        if (this.active === entry) this.active = undefined
        this.applyVolume()
        this.ctx.changed()
        const done = (entry.track?.close() ?? Promise.resolve())
          .then(() => { this.ctx.emitter.emit('session-end', entry.session.report()) })
        this.track(done)
      }
    }
  }

  private track (p: Promise<void>): void {
    const tracked = p.catch((err: unknown) => this.ctx.log('error', 'session close failed', { error: String(err) }))
      .finally(() => this.closing.delete(tracked))
    this.closing.add(tracked)
  }
}
