import { randomUUID } from 'node:crypto'
import type { BroadcastRecord, DeliveryStatus, NodeDelivery } from '../store/schema.js'
import type { LiveFeed, LiveFeedStats } from './live-feed.js'
import type { PacedFrame } from './pacer.js'
import type { NodeResult, StreamSession } from './stream.js'

export type InterruptPolicy = 'resume' | 'restart' | 'cancel'

/** Everything the engine needs to play one broadcast: what, to whom, how urgent, and what to do when cut. */
export interface BroadcastRequest {
  origin: BroadcastRecord['origin']
  playlist: string[]
  frames: readonly PacedFrame[]
  /** Audio arriving over time (live microphone, relay) instead of `frames`; the feed's end ends the broadcast. */
  feed?: LiveFeed
  /** What the audio is, for the record: a file playlist (default), a live voice, or a relayed stream. */
  source?: BroadcastRecord['source']
  channels: number
  /** The length asked for; for live audio, the most it may last (the record then keeps what it lasted). */
  durationMs: number
  priority: number
  targets: { zones: string[], nodes: string[] }
  nodeIds: string[]
  onInterrupt: InterruptPolicy
  /** How long a node busy with something more urgent is waited for before it is skipped. */
  maxWaitMs: number
  /** Set when staff played it inside quiet hours on purpose: who cannot be told yet, but why and when. */
  quietOverride?: { reason: string, at: string }
  /** How far ahead frames are sent; emergencies use a short one so they are heard within a second. */
  leadMs?: number
  /** Volume (0-100) the nodes use for this broadcast only; default their own. */
  volume?: number
  /** The first sample should be heard at this time (ms), e.g. a schedule's; default as soon as possible. */
  scheduledAt?: number
  /** Each node's zone now (see targets.ts nodeZones), kept in its delivery entry for the reports; default null. */
  nodeZones?: Readonly<Record<string, string>>
}

const iso = (ms: number): string => new Date(ms).toISOString()
const FINAL: ReadonlySet<DeliveryStatus> = new Set(['offline', 'completed', 'preempted', 'skipped', 'stopped', 'refused', 'no_report', 'missed'])

/**
 * One broadcast as staff see it: a playlist for a set of nodes. It may be played as several streams (nodes
 * that were busy join later; a pre-empted node resumes in a new stream from where it was cut). This class
 * keeps the per-node record; the engine decides who plays when.
 */
export class Broadcast {
  readonly id: string = randomUUID()
  readonly finished: Promise<BroadcastRecord>
  stopReason: string | null = null
  /** Why the live source ended, when it did by itself; `failed` when it broke rather than finished. */
  private sourceEnd: { reason: string, failed: boolean } | null = null
  private readonly record: BroadcastRecord
  private readonly delivery = new Map<string, NodeDelivery>()
  /** The stream each node is in now, if any. */
  private readonly current = new Map<string, string>()
  private readonly live = new Map<string, StreamSession>()
  private resolveFinished!: (r: BroadcastRecord) => void
  private ended = false

  constructor (readonly req: BroadcastRequest, private readonly now: () => number, private readonly onChange: (r: BroadcastRecord) => Promise<void>) {
    this.finished = new Promise(resolve => { this.resolveFinished = resolve })
    this.record = {
      id: this.id, origin: req.origin, mediaId: req.playlist[0] ?? '', playlist: req.playlist, targets: req.targets,
      priority: req.priority, state: 'waiting', createdAt: iso(now()),
      scheduledAt: req.scheduledAt === undefined ? null : iso(req.scheduledAt), startAt: null, endedAt: null,
      endReason: null, ...(req.source !== undefined ? { source: req.source } : {}), ...(req.quietOverride !== undefined ? { quietOverride: req.quietOverride } : {}), framesTotal: req.frames.length, framesSent: 0, durationMs: req.durationMs, streams: [], delivery: []
    }
    for (const nodeId of req.nodeIds) {
      this.delivery.set(nodeId, {
        nodeId, zoneId: req.nodeZones?.[nodeId] ?? null, status: 'waiting', interruptions: 0, framesExpected: 0, framesReceived: null, framesLate: null,
        framesMissing: null, requestedMs: req.durationMs, deliveredMs: 0, firstSampleAt: null, finishReason: null
      })
    }
  }

  get priority (): number { return this.req.priority }
  get isEnded (): boolean { return this.ended }
  streams (): StreamSession[] { return [...this.live.values()] }

  snapshot (): BroadcastRecord {
    return { ...this.record, streams: this.record.streams.map(s => ({ ...s })), delivery: [...this.delivery.values()].map(d => ({ ...d })) }
  }

  save (): void {
    void this.onChange(this.snapshot())
  }

  status (nodeId: string): DeliveryStatus | undefined {
    return this.delivery.get(nodeId)?.status
  }

  setStatus (nodeId: string, status: DeliveryStatus, reason: string | null = null): void {
    const d = this.delivery.get(nodeId)
    if (d === undefined) return
    d.status = status
    if (reason !== null) d.finishReason = reason
    if (FINAL.has(status)) this.current.delete(nodeId)
  }

  wasInterrupted (nodeId: string): boolean {
    return (this.delivery.get(nodeId)?.interruptions ?? 0) > 0
  }

  interrupted (nodeId: string): void {
    const d = this.delivery.get(nodeId)
    if (d !== undefined) d.interruptions++
    this.current.delete(nodeId)
  }

  streamStarted (stream: StreamSession, firstFrame: number, nodeIds: string[]): void {
    this.live.set(stream.id, stream)
    for (const n of nodeIds) { this.current.set(n, stream.id); this.setStatus(n, 'playing') }
    this.record.streams.push({ id: stream.id, firstFrame, nodes: nodeIds.length, startAt: iso(stream.firstPlayAt), framesSent: 0 })
    if (this.record.startAt === null) {
      this.record.startAt = iso(stream.firstPlayAt)
      this.record.state = 'playing'
      this.save()
    }
  }

  nodeStarted (nodeId: string, firstSampleAt: number): void {
    const d = this.delivery.get(nodeId)
    if (d !== undefined && d.firstSampleAt === null) d.firstSampleAt = iso(firstSampleAt)
  }

  /** A node's figures from one stream. Its status changes only if that stream is the one it is in now. */
  nodeDone (streamId: string, r: NodeResult): void {
    const d = this.delivery.get(r.nodeId)
    if (d === undefined) return
    d.framesExpected += r.framesExpected
    if (r.received !== null) {
      d.framesReceived = (d.framesReceived ?? 0) + r.received
      d.framesLate = (d.framesLate ?? 0) + (r.late ?? 0)
    }
    d.deliveredMs = Math.min(d.requestedMs, d.deliveredMs + r.deliveredMs)
    if (d.framesReceived !== null) d.framesMissing = Math.max(0, d.framesExpected - d.framesReceived)
    if (this.current.get(r.nodeId) !== streamId || r.outcome === 'preempted') return
    this.setStatus(r.nodeId, r.outcome, r.reason)
  }

  streamEnded (stream: StreamSession, framesSent: number): void {
    this.live.delete(stream.id)
    const rec = this.record.streams.find(s => s.id === stream.id)
    if (rec !== undefined) rec.framesSent = framesSent
    this.record.framesSent = this.record.streams.reduce((n, s) => n + s.framesSent, 0)
  }

  /**
   * The live source is over. A live voice asked for as long as it lasted, so that becomes what each node was
   * owed; a relay keeps the length that was asked for, and a failed one shows as played less.
   */
  sourceEnded (reason: string, failed: boolean, feed: LiveFeedStats): void {
    if (this.ended) return
    this.sourceEnd = { reason, failed }
    this.applyFeed(feed)
  }

  private applyFeed (feed: LiveFeedStats): void {
    this.record.framesTotal = feed.frames
    if (this.req.source?.kind !== 'live') return
    this.record.durationMs = Math.round(feed.timelineMs)
    for (const d of this.delivery.values()) {
      d.requestedMs = this.record.durationMs
      d.deliveredMs = Math.min(d.deliveredMs, d.requestedMs)
    }
  }

  /** Ends the broadcast once no stream runs and every node has a final status. */
  checkDone (): void {
    if (this.ended || this.live.size > 0) return
    for (const d of this.delivery.values()) if (!FINAL.has(d.status)) return
    this.ended = true
    const played = [...this.delivery.values()].some(d => d.deliveredMs > 0 || d.status === 'completed')
    // Ended before its source (nobody left to hear it): the record keeps what the source had lasted so far.
    if (this.sourceEnd === null && this.req.feed !== undefined) this.applyFeed(this.req.feed.stats)
    const failed = this.sourceEnd?.failed === true
    this.record.state = this.stopReason !== null ? 'stopped' : played && !failed ? 'completed' : 'failed'
    this.record.endReason = this.stopReason ?? this.sourceEnd?.reason ?? (played ? 'end of media' : 'no target node could play it')
    this.record.endedAt = iso(this.now())
    // Nobody is left to hear a live source (every node cut for good, or offline): it stops too.
    this.req.feed?.abort(this.record.endReason)
    const snap = this.snapshot()
    // Resolve only once the final record is saved (or its save failed), so nobody reads a stale one.
    void this.onChange(snap).finally(() => this.resolveFinished(snap))
  }
}
