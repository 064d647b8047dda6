import type { FastifyBaseLogger } from 'fastify'
import { SAMPLE_RATE, encodeFrame, streamTopic, type NodeEvent } from '../../protocol/index.js'
import type { BrokerLink } from '../broker/link.js'
import type { CommandBus } from './commands.js'
import type { LiveFeed, LiveFrame } from './live-feed.js'
import { Pacer, playTimesUs, type PacedFrame } from './pacer.js'

export interface StreamDeps {
  link: BrokerLink
  commands: CommandBus
  now: () => number
  log: FastifyBaseLogger
  leadMs: number
  joinTimeoutMs: number
  reportGraceMs: number
}

/** What one node did with one stream, for the broadcast's record. Counts are null when it never reported. */
export interface NodeResult {
  nodeId: string
  outcome: 'completed' | 'stopped' | 'preempted' | 'refused' | 'no_report'
  /** Frames this node should have heard from this stream (up to its end, its stop, or its release). */
  framesExpected: number
  received: number | null
  late: number | null
  /** Audio the node played from this stream, estimated from its counts. */
  deliveredMs: number
  reason: string | null
}

export interface StreamHooks {
  /** The stream no longer needs the node: it finished playing, or left. The engine may give it to another. */
  onNodeFree: (nodeId: string) => void
  /** The node's final figures for this stream (may come after onNodeFree, when its report arrives). */
  onNodeDone: (result: NodeResult) => void
  onStarted: (nodeId: string, firstSampleAt: number) => void
  onEnd: (s: { framesSent: number, stopped: boolean }) => void
}

export interface StreamSpec {
  id: string
  nodeIds: string[]
  frames: readonly PacedFrame[]
  /** Audio arriving over time instead of `frames`: the stream carries the feed's frames from its join on. */
  feed?: LiveFeed
  channels: number
  priority: number
  /** Earliest time (ms) the first sample may be heard, e.g. a schedule's exact time; default now + lead. */
  notBefore?: number
  durationMs?: number
  volume?: number
  /** Overrides the default lead for this stream. */
  leadMs?: number
}

/**
 * One MQTT stream: a set of nodes that hear the same frames at the same moments. Join the nodes, pace the
 * frames onto the session topic (one publish per frame, whatever the number of nodes), collect each node's
 * report. Steps: `join -> pace -> drain -> end`; `stop()` cuts in anywhere, `release()` takes one node out.
 */
export class StreamSession {
  readonly topic: string
  firstPlayAt = 0
  private readonly members = new Set<string>()
  /** Nodes that left (released) but whose report may still come. */
  private readonly leaving = new Map<string, { outcome: NodeResult['outcome'], expected: number }>()
  private readonly done = new Set<string>()
  /**
   * Nodes that played to the end but are handed back only when the whole stream ends: nodes that finish
   * together then start their next broadcast together, in one stream, in step.
   */
  private readonly finishedMembers = new Set<string>()
  private playAtUs: number[] = []
  private pacer: Pacer | undefined
  private unsubscribe: (() => void) | undefined
  private feedSeq = 0
  private endSent = false
  /** Play time (µs) and length of the last frame published from a feed, for the drain. */
  private lastFeedFrame: { playAtUs: number, samples: number } | undefined
  private drainTimer: NodeJS.Timeout | undefined
  private framesSent = 0
  private stopped = false
  private stopping = false
  private paced = false
  private ended = false
  private readonly frameMs: number
  private readonly leadMs: number

  constructor (private readonly spec: StreamSpec, private readonly deps: StreamDeps, private readonly hooks: StreamHooks) {
    this.topic = streamTopic(spec.id)
    for (const n of spec.nodeIds) this.members.add(n)
    this.leadMs = spec.feed?.sendAheadMs ?? spec.leadMs ?? deps.leadMs
    if (spec.feed !== undefined) {
      // About when the first frame this stream carries plays: the feed's next one, once the join is done.
      this.firstPlayAt = Math.max(spec.feed.nextPlayAtUs() / 1000, deps.now() + this.leadMs)
      this.frameMs = spec.feed.frameMs
      return
    }
    this.firstPlayAt = Math.max(deps.now() + this.leadMs, spec.notBefore ?? 0)
    this.playAtUs = playTimesUs(this.firstPlayAt, spec.frames)
    const samples = spec.frames.reduce((s, f) => s + f.durationSamples, 0)
    this.frameMs = spec.frames.length === 0 ? 0 : samples / SAMPLE_RATE * 1000 / spec.frames.length
  }

  get id (): string { return this.spec.id }
  get priority (): number { return this.spec.priority }
  get isEnded (): boolean { return this.ended }
  hasNode (nodeId: string): boolean { return this.members.has(nodeId) }
  nodes (): string[] { return [...this.members] }

  /** Joins the nodes and starts pacing; the play times were fixed when the stream was made. */
  async start (): Promise<void> {
    const { now } = this.deps
    const leadMs = this.leadMs
    await this.join()
    if (this.stopped) return
    if (this.members.size === 0) { this.end(); return }
    if (this.spec.feed !== undefined) { this.follow(this.spec.feed); return }
    const last = this.spec.frames.length - 1
    this.pacer = new Pacer(
      this.playAtUs.map(us => us / 1000 - leadMs),
      async i => await this.publishFrame(i, i === last),
      () => this.drain(),
      now
    )
    this.pacer.start()
  }

  /** Frame index (into this stream's frames) being heard now; where a resume should start again. */
  positionNow (): number {
    // Live audio has no position to go back to: a node that returns joins the feed where it is then.
    if (this.spec.feed !== undefined) return 0
    const nowUs = this.deps.now() * 1000
    let i = 0
    while (i + 1 < this.playAtUs.length && (this.playAtUs[i + 1] ?? Infinity) <= nowUs) i++
    return this.playAtUs.length === 0 || nowUs < (this.playAtUs[0] ?? 0) ? 0 : i
  }

  /**
   * Takes one node out (pre-empted by a more urgent broadcast, or stopped); returns the frame it was playing,
   * or null when it had already finished with this stream.
   */
  release (nodeId: string, outcome: 'preempted' | 'stopped'): number | null {
    const at = this.positionNow()
    if (this.finishedMembers.delete(nodeId)) { this.hooks.onNodeFree(nodeId); return null }
    if (!this.members.delete(nodeId)) return null
    // Stopping, or past its last frame and only waiting for reports: nothing is left to resume.
    const feed = this.spec.feed
    const over = this.stopping || (feed !== undefined ? feed.isEnded : at >= this.spec.frames.length - 1)
    // Then its figures close it as stopped or completed here (the caller gets null and resumes nothing).
    const final = !over ? outcome : outcome === 'stopped' || this.stopping ? 'stopped' : 'completed'
    this.leaving.set(nodeId, { outcome: final, expected: feed !== undefined ? this.framesSent : at + 1 })
    void this.deps.commands.send(nodeId, { type: 'stop', session: this.spec.id }, 2000)
    setTimeout(() => this.closeLeaving(nodeId), this.deps.reportGraceMs).unref()
    if (this.members.size === 0 && (this.pacer !== undefined || this.spec.feed !== undefined) && !this.ended) void this.stop('all nodes left', false, false)
    return over ? null : at
  }

  /** Ends the stream early: an END frame tells every node at once, then reports are awaited briefly. */
  async stop (reason: string, byStaff = true, sendEnd = true): Promise<void> {
    // Once the END frame is out the stream is only waiting for reports: it ends as it was going to.
    if (this.ended || this.stopping || this.endSent) return
    this.stopping = true
    this.stopped = byStaff
    this.paced = true
    this.pacer?.stop()
    this.unsubscribe?.()
    this.deps.log.debug({ stream: this.spec.id, reason }, 'engine: stream stopped')
    const seq = this.spec.feed !== undefined ? this.feedSeq : this.pacer?.sent ?? 0
    if (sendEnd && (this.spec.feed !== undefined || seq < this.spec.frames.length)) {
      const end = encodeFrame({
        end: true, channels: this.spec.channels, skipSamples: 0, session: this.spec.id, seq,
        playAtUs: Math.round(this.deps.now() * 1000), durationSamples: 0, packets: []
      })
      await this.deps.link.publish(this.topic, end, { qos: 0 }).catch(() => undefined)
    }
    // The END frame already ends playback; the stop command also cuts what the nodes have buffered.
    for (const n of this.members) void this.deps.commands.send(n, { type: 'stop', session: this.spec.id }, 2000)
    this.scheduleEnd(this.members.size === 0 && this.leaving.size === 0 ? 0 : this.deps.reportGraceMs)
  }

  nodeEvent (nodeId: string, e: NodeEvent): void {
    if (e.type === 'playback_started') {
      if (this.members.has(nodeId)) this.hooks.onStarted(nodeId, e.firstSampleAt)
      return
    }
    if (e.type !== 'playback_finished' || this.done.has(nodeId)) return
    const leaving = this.leaving.get(nodeId)
    if (!this.members.has(nodeId) && leaving === undefined) return
    const outcome = leaving?.outcome ?? (e.reason === 'end' ? 'completed' : 'stopped')
    this.members.delete(nodeId)
    this.leaving.delete(nodeId)
    this.report(nodeId, outcome, e.received, e.late, e.reason, leaving?.expected)
    const live = this.spec.feed !== undefined && !this.paced
    // A node that gave up on a live stream that goes on (it heard nothing for seconds) is handed back at once,
    // so the engine can bring it back to the live audio; a file's finishers wait to move on together.
    if (leaving === undefined && live) this.hooks.onNodeFree(nodeId)
    else if (leaving === undefined) this.finishedMembers.add(nodeId)
    if (this.members.size === 0 && this.leaving.size === 0) {
      if (this.paced) this.scheduleEnd(0)
      else if (live) void this.stop('all nodes left', false, false)
    }
  }

  private report (
    nodeId: string, outcome: NodeResult['outcome'], received: number | null, late: number | null, reason: string | null,
    expected = this.framesSent
  ): void {
    this.done.add(nodeId)
    const played = received === null ? 0 : Math.max(0, Math.min(received, expected) - (late ?? 0))
    this.hooks.onNodeDone({
      nodeId, outcome, framesExpected: expected, received, late,
      deliveredMs: Math.round(played * this.frameMs), reason
    })
  }

  private closeLeaving (nodeId: string): void {
    const leaving = this.leaving.get(nodeId)
    if (leaving === undefined) return
    this.leaving.delete(nodeId)
    this.report(nodeId, leaving.outcome, null, null, null, leaving.expected)
  }

  private async join (): Promise<void> {
    const { commands, joinTimeoutMs } = this.deps
    const body = {
      type: 'play' as const, session: this.spec.id, topic: this.topic,
      codec: { name: 'opus' as const, sampleRate: SAMPLE_RATE, channels: this.spec.channels },
      startAt: Math.round(this.firstPlayAt), priority: this.spec.priority,
      // Live audio has no known length: the node learns the end from the END frame.
      ...(this.spec.feed !== undefined
        ? {}
        : { frames: this.spec.frames.length, durationMs: this.spec.durationMs ?? Math.round(this.frameMs * this.spec.frames.length) }),
      ...(this.spec.volume !== undefined ? { volume: this.spec.volume } : {})
    }
    // Bounded well inside the lead, so a silent node cannot delay everyone's first frame.
    const timeout = Math.min(joinTimeoutMs, Math.floor(this.leadMs / 2))
    await Promise.all(this.nodes().map(async nodeId => {
      const reply = await commands.send(nodeId, body, timeout)
      if (reply === undefined || reply.status === 'ok' || !this.members.has(nodeId)) return
      // A node that refuses (busy with something more urgent it was not told to drop) is out of this stream.
      this.members.delete(nodeId)
      this.report(nodeId, 'refused', null, null, reply.error?.message ?? 'refused', 0)
      this.hooks.onNodeFree(nodeId)
    }))
  }

  private async publishFrame (seq: number, end: boolean): Promise<void> {
    const f = this.spec.frames[seq]
    if (f === undefined) return
    await this.sendFrame(seq, end, f, this.playAtUs[seq] ?? 0)
  }

  private async sendFrame (seq: number, end: boolean, f: PacedFrame, playAtUs: number): Promise<void> {
    const buf = encodeFrame({
      end, channels: this.spec.channels, skipSamples: f.skipSamples, session: this.spec.id, seq,
      playAtUs, durationSamples: f.durationSamples, packets: f.packets
    })
    try {
      await this.deps.link.publish(this.topic, buf, { qos: 0 })
      this.framesSent = seq + 1
    } catch (err) {
      this.deps.log.error({ err, stream: this.spec.id, seq }, 'engine: frame publish failed')
    }
  }

  /** Carries a live feed's frames as they come, then an END frame when the feed ends. */
  private follow (feed: LiveFeed): void {
    const send = async (f: LiveFrame): Promise<void> => {
      const seq = this.feedSeq++
      this.lastFeedFrame = { playAtUs: f.playAtUs, samples: f.durationSamples }
      await this.sendFrame(seq, false, f, f.playAtUs)
    }
    this.unsubscribe = feed.subscribe(f => { void send(f) })
    feed.onEnd(() => {
      if (this.stopping || this.ended) return
      this.unsubscribe?.()
      const seq = this.feedSeq++
      this.endSent = true
      const end = { packets: [], skipSamples: 0, durationSamples: 0 }
      void this.sendFrame(seq, true, end, feed.nextPlayAtUs()).then(() => this.drain())
    })
  }

  /** All frames are out: wait until the last one has played, plus a grace for the nodes' reports. */
  private drain (): void {
    this.paced = true
    const lastUs = this.lastFeedFrame?.playAtUs ?? this.playAtUs[this.playAtUs.length - 1] ?? 0
    const lastFrame = this.lastFeedFrame !== undefined ? { durationSamples: this.lastFeedFrame.samples } : this.spec.frames[this.spec.frames.length - 1]
    const endMs = lastUs / 1000 + (lastFrame?.durationSamples ?? 0) / SAMPLE_RATE * 1000
    if (this.members.size === 0 && this.leaving.size === 0) { this.scheduleEnd(0); return }
    this.scheduleEnd(Math.max(0, endMs - this.deps.now()) + this.deps.reportGraceMs)
  }

  private scheduleEnd (inMs: number): void {
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer)
    this.drainTimer = setTimeout(() => this.end(), inMs)
  }

  private end (): void {
    if (this.ended) return
    this.ended = true
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer)
    this.unsubscribe?.()
    for (const n of this.members) {
      this.report(n, 'no_report', null, null, null)
      this.hooks.onNodeFree(n)
    }
    this.members.clear()
    for (const n of this.finishedMembers) this.hooks.onNodeFree(n)
    this.finishedMembers.clear()
    for (const n of [...this.leaving.keys()]) this.closeLeaving(n)
    this.hooks.onEnd({ framesSent: this.framesSent, stopped: this.stopped })
  }
}
