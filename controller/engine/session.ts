import type { FastifyBaseLogger } from 'fastify'
import { encodeFrame, streamTopic, type NodeEvent } from '../../protocol/index.js'
import type { BrokerLink } from '../broker/link.js'
import type { BroadcastRecord, NodeDelivery } from '../store/schema.js'
import type { CommandBus } from './commands.js'
import { Pacer, playTimesUs, type PacedFrame } from './pacer.js'

export interface SessionDeps {
  link: BrokerLink
  commands: CommandBus
  now: () => number
  log: FastifyBaseLogger
  leadMs: number
  joinTimeoutMs: number
  reportGraceMs: number
  /** Whether a node is connected now; an offline node is recorded as such and not waited for. */
  isOnline: (nodeId: string) => boolean
  /** Called on every state change with a copy of the record; persists it and never rejects. */
  onChange: (record: BroadcastRecord) => Promise<void>
}

export interface SessionSpec {
  id: string
  mediaId: string
  targets: { zones: string[], nodes: string[] }
  nodeIds: string[]
  frames: readonly PacedFrame[]
  channels: number
  durationMs: number
  priority: number
}

const iso = (ms: number): string => new Date(ms).toISOString()

/**
 * One broadcast session: join the target nodes, pace the frames onto the session topic (one publish per frame,
 * whatever the number of nodes), collect each node's report, end. Steps, in order:
 * `join -> pace -> drain (wait for reports) -> finish`; `stop()` cuts in at any step.
 */
export class BroadcastSession {
  readonly record: BroadcastRecord
  readonly finished: Promise<BroadcastRecord>
  private readonly members = new Set<string>()
  private readonly delivery = new Map<string, NodeDelivery>()
  private pacer: Pacer | undefined
  private drainTimer: NodeJS.Timeout | undefined
  private paced = false
  private failed = false
  private resolveFinished!: (r: BroadcastRecord) => void
  private readonly topic: string

  constructor (private readonly spec: SessionSpec, private readonly deps: SessionDeps) {
    this.topic = streamTopic(spec.id)
    this.finished = new Promise(resolve => { this.resolveFinished = resolve })
    for (const nodeId of spec.nodeIds) {
      this.members.add(nodeId)
      this.delivery.set(nodeId, {
        nodeId, status: 'pending', framesExpected: spec.frames.length, framesReceived: null, framesLate: null,
        framesMissing: null, firstSampleAt: null, finishReason: null
      })
    }
    this.record = {
      id: spec.id, mediaId: spec.mediaId, targets: spec.targets, priority: spec.priority, state: 'starting',
      createdAt: iso(deps.now()), startAt: null, endedAt: null, endReason: null,
      framesTotal: spec.frames.length, framesSent: 0, durationMs: spec.durationMs, delivery: []
    }
  }

  get id (): string { return this.spec.id }
  get mediaId (): string { return this.spec.mediaId }
  get ended (): boolean { return this.record.endedAt !== null }
  hasNode (nodeId: string): boolean { return this.members.has(nodeId) }
  nodes (): string[] { return [...this.members] }

  snapshot (): BroadcastRecord {
    return { ...this.record, delivery: [...this.delivery.values()].map(d => ({ ...d })) }
  }

  async start (): Promise<void> {
    const { now, leadMs } = this.deps
    const firstPlayAt = now() + leadMs
    const playAtUs = playTimesUs(firstPlayAt, this.spec.frames)
    this.record.startAt = iso(firstPlayAt)
    this.changed()
    await this.join(firstPlayAt)
    if (this.ended || this.record.endReason !== null) return
    if (this.members.size === 0) {
      this.record.endReason = 'no target node was online and willing to play'
      this.failed = true
      this.finish()
      return
    }
    this.record.state = 'playing'
    this.changed()
    const last = this.spec.frames.length - 1
    this.pacer = new Pacer(
      playAtUs.map(us => us / 1000 - leadMs),
      async i => await this.publishFrame(i, playAtUs[i] ?? 0, i === last),
      () => this.drain(),
      now
    )
    this.pacer.start()
  }

  /** Ends the session early: an END frame tells every node at once, then reports are awaited briefly. */
  async stop (reason: string): Promise<void> {
    if (this.ended || this.record.endReason !== null) return
    this.record.endReason = reason
    this.pacer?.stop()
    const seq = this.pacer?.sent ?? 0
    const end = encodeFrame({
      end: true, channels: this.spec.channels, skipSamples: 0, session: this.spec.id, seq,
      playAtUs: Math.round(this.deps.now() * 1000), durationSamples: 0, packets: []
    })
    await this.deps.link.publish(this.topic, end, { qos: 0 }).catch(() => undefined)
    for (const n of this.members) {
      const d = this.delivery.get(n)
      if (d !== undefined) d.framesExpected = seq
    }
    // The END frame already ends playback; the stop command is the belt to its braces, not waited for.
    for (const n of this.nodes()) void this.deps.commands.send(n, { type: 'stop', session: this.spec.id }, 2000)
    this.paced = true
    this.scheduleFinish(this.deps.reportGraceMs)
  }

  /** Hands a node over to another session (pre-emption) or drops it (node deleted). */
  release (nodeId: string, status: 'preempted' | 'stopped'): void {
    if (!this.members.delete(nodeId)) return
    const d = this.delivery.get(nodeId)
    if (d !== undefined) { d.status = status; d.framesExpected = this.pacer?.sent ?? 0 }
    void this.deps.commands.send(nodeId, { type: 'stop', session: this.spec.id }, 2000)
    if (this.members.size === 0 && !this.ended) void this.stop(`all nodes ${status}`)
  }

  nodeEvent (nodeId: string, e: NodeEvent): void {
    const d = this.delivery.get(nodeId)
    if (d === undefined || this.ended) return
    if (e.type === 'playback_started') {
      d.firstSampleAt = iso(e.firstSampleAt)
      if (d.status === 'joined' || d.status === 'pending' || d.status === 'no_reply') d.status = 'playing'
    } else if (e.type === 'playback_finished') {
      d.framesReceived = e.received
      d.framesLate = e.late
      d.framesMissing = Math.max(0, d.framesExpected - e.received)
      d.finishReason = e.reason
      if (this.members.has(nodeId)) d.status = e.reason === 'end' ? 'completed' : 'stopped'
      if (this.paced && this.allReported()) this.scheduleFinish(0)
    }
  }

  private async join (startAt: number): Promise<void> {
    const { commands, joinTimeoutMs } = this.deps
    const body = {
      type: 'play' as const, session: this.spec.id, topic: this.topic,
      codec: { name: 'opus' as const, sampleRate: 48_000 as const, channels: this.spec.channels },
      startAt: Math.round(startAt), frames: this.spec.frames.length, durationMs: this.spec.durationMs,
      priority: this.spec.priority
    }
    // The join wait is bounded well inside the lead, so a silent node cannot delay everyone's first frame.
    const timeout = Math.min(joinTimeoutMs, Math.floor(this.deps.leadMs / 2))
    for (const nodeId of this.nodes()) {
      if (this.deps.isOnline(nodeId)) continue
      this.members.delete(nodeId)
      const d = this.delivery.get(nodeId)
      if (d !== undefined) d.status = 'offline'
    }
    await Promise.all(this.nodes().map(async nodeId => {
      const reply = await commands.send(nodeId, body, timeout)
      const d = this.delivery.get(nodeId)
      if (d === undefined || d.status !== 'pending') return
      if (reply === undefined) {
        d.status = 'no_reply' // still a member: its reply may be lost while the frames get through
      } else if (reply.status === 'ok') {
        d.status = 'joined'
      } else {
        d.status = 'refused'
        d.finishReason = reply.error?.message ?? 'refused'
        this.members.delete(nodeId)
      }
    }))
  }

  private async publishFrame (seq: number, playAtUs: number, end: boolean): Promise<void> {
    const f = this.spec.frames[seq]
    if (f === undefined) return
    const buf = encodeFrame({
      end, channels: this.spec.channels, skipSamples: f.skipSamples, session: this.spec.id, seq,
      playAtUs, durationSamples: f.durationSamples, packets: f.packets
    })
    try {
      await this.deps.link.publish(this.topic, buf, { qos: 0 })
      this.record.framesSent++
    } catch (err) {
      this.deps.log.error({ err, session: this.spec.id, seq }, 'engine: frame publish failed')
    }
  }

  /** All frames are out: wait until the last one has played plus a grace for the nodes' reports. */
  private drain (): void {
    this.paced = true
    if (this.allReported()) { this.scheduleFinish(0); return }
    const lastEndMs = Date.parse(this.record.startAt ?? '') + this.spec.durationMs
    this.scheduleFinish(Math.max(0, lastEndMs - this.deps.now()) + this.deps.reportGraceMs)
  }

  private allReported (): boolean {
    for (const n of this.members) if (this.delivery.get(n)?.framesReceived === null) return false
    return true
  }

  private scheduleFinish (inMs: number): void {
    if (this.drainTimer !== undefined) clearTimeout(this.drainTimer)
    this.drainTimer = setTimeout(() => this.finish(), inMs)
  }

  private finish (): void {
    if (this.ended) return
    for (const d of this.delivery.values()) {
      if (d.framesReceived === null && this.members.has(d.nodeId)) d.status = 'no_report'
    }
    this.record.state = this.failed ? 'failed' : this.record.endReason === null ? 'completed' : 'stopped'
    this.record.endReason ??= 'end of media'
    this.record.endedAt = iso(this.deps.now())
    this.members.clear()
    const snap = this.snapshot()
    // Resolve only once the final record is saved (or its save failed), so nobody reads a stale one.
    void this.deps.onChange(snap).finally(() => this.resolveFinished(snap))
  }

  private changed (): void {
    void this.deps.onChange(this.snapshot())
  }
}
