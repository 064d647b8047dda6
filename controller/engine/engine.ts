import { randomUUID } from 'node:crypto'
import type { NodeEvent } from '../../protocol/index.js'
import { EMERGENCY_MIN } from '../../schedules/index.js'
import type { BroadcastRecord } from '../store/schema.js'
import { Broadcast, type BroadcastRequest } from './broadcast.js'
import { StreamSession, type StreamDeps } from './stream.js'

export interface EngineDeps extends StreamDeps {
  /** Whether a node is connected now; an offline node is recorded as such and not waited for. */
  isOnline: (nodeId: string) => boolean
  /** Whether it is quiet hours now; a waiting non-emergency without an override does not start then. */
  isQuietNow: () => boolean
  /** Persists a broadcast record; never rejects. */
  onChange: (record: BroadcastRecord) => Promise<void>
}

interface Holder { broadcast: Broadcast, stream: StreamSession, firstFrame: number }
interface WaitEntry { broadcast: Broadcast, position: number, since: number, timer?: NodeJS.Timeout }

/**
 * The broadcast engine: arbitration per node, by priority (higher is more urgent), as PA systems do it.
 * For each node a broadcast wants:
 * - idle: it plays at once (nodes that are free start together: "go partial");
 * - busy with something less urgent: that is pre-empted on this node, and resumes, restarts or is cancelled
 *   there per its own policy once the node is free again;
 * - busy with equal priority: it queues behind, first come first served;
 * - busy with something more urgent: it waits up to its `maxWaitMs`, then is skipped on that node.
 * Nodes freed at the same moment for the same broadcast and position share one stream.
 */
export class Engine {
  private readonly broadcasts = new Map<string, Broadcast>()
  private readonly streams = new Map<string, StreamSession>()
  private readonly owner = new Map<string, Holder>()
  private readonly queues = new Map<string, WaitEntry[]>()
  private readonly freed = new Set<string>()
  private flushing = false
  private closed = false

  constructor (private readonly deps: EngineDeps) {}

  /** Starts a broadcast; resolves once the free nodes were asked to join and pacing has begun. */
  async start (req: BroadcastRequest): Promise<Broadcast> {
    if (this.closed) {
      req.feed?.abort('the controller is shutting down')
      throw new Error('the controller is shutting down')
    }
    const b = new Broadcast(req, this.deps.now, this.deps.onChange)
    this.broadcasts.set(b.id, b)
    void b.finished.then(() => this.broadcasts.delete(b.id))
    b.save()
    const now = this.deps.now()
    const immediate: string[] = []
    for (const nodeId of req.nodeIds) {
      if (!this.deps.isOnline(nodeId)) { b.setStatus(nodeId, 'offline', 'not connected at the start'); continue }
      const holder = this.owner.get(nodeId)
      if (holder === undefined) immediate.push(nodeId)
      else if (req.priority > holder.broadcast.priority) { this.preempt(nodeId, holder); immediate.push(nodeId) }
      else this.wait(nodeId, b, 0, now, req.priority === holder.broadcast.priority ? undefined : req.maxWaitMs)
    }
    req.feed?.onEnd(() => this.feedEnded(b))
    if (immediate.length > 0) await this.startStream(b, immediate, 0)
    // The clock starts once the free nodes have joined (meanwhile the source's audio waits in the feed), and
    // runs whoever listens: nodes busy now join the live audio where it is when they are freed.
    req.feed?.start()
    b.checkDone()
    return b
  }

  get (id: string): Broadcast | undefined {
    return this.broadcasts.get(id)
  }

  active (): Broadcast[] {
    return [...this.broadcasts.values()]
  }

  /** For the broker's ACL: may this node subscribe to this stream? */
  isSessionTarget (streamId: string, nodeId: string): boolean {
    return this.streams.get(streamId)?.hasNode(nodeId) ?? false
  }

  /** The broadcast a node is playing now, if any. */
  broadcastOfNode (nodeId: string): Broadcast | undefined {
    return this.owner.get(nodeId)?.broadcast
  }

  broadcastUsingMedia (mediaId: string): Broadcast | undefined {
    return this.active().find(b => !b.isEnded && b.req.playlist.includes(mediaId))
  }

  nodeEvent (nodeId: string, e: NodeEvent): void {
    this.streams.get(e.session)?.nodeEvent(nodeId, e)
  }

  /** The node is gone (deleted): take it out of what it plays and of every queue. */
  releaseNode (nodeId: string): void {
    const holder = this.owner.get(nodeId)
    if (holder !== undefined) {
      if (holder.stream.release(nodeId, 'stopped') !== null) holder.broadcast.setStatus(nodeId, 'stopped', 'node deleted')
      this.owner.delete(nodeId)
    }
    for (const e of this.queues.get(nodeId) ?? []) {
      clearTimeout(e.timer)
      e.broadcast.setStatus(nodeId, 'stopped', 'node deleted')
      e.broadcast.checkDone()
    }
    this.queues.delete(nodeId)
    holder?.broadcast.checkDone()
  }

  async stop (id: string, reason: string): Promise<BroadcastRecord | undefined> {
    const b = this.broadcasts.get(id)
    if (b === undefined) return undefined
    b.stopReason ??= reason
    for (const [nodeId, entries] of this.queues) {
      const mine = entries.filter(e => e.broadcast === b)
      for (const e of mine) { clearTimeout(e.timer); b.setStatus(nodeId, 'stopped', reason) }
      this.queues.set(nodeId, entries.filter(e => e.broadcast !== b))
    }
    await Promise.all(b.streams().map(async s => await s.stop(reason)))
    b.req.feed?.abort(reason)
    b.checkDone()
    return await b.finished
  }

  async close (): Promise<void> {
    this.closed = true
    await Promise.all(this.active().map(async b => await this.stop(b.id, 'controller shutting down')))
  }

  /** A live source ended: the nodes still waiting for it (queued, or cut and due to resume) never get it. */
  private feedEnded (b: Broadcast): void {
    const feed = b.req.feed
    if (feed === undefined) return
    b.sourceEnded(feed.endReason ?? 'the source ended', feed.failed, feed.stats)
    for (const [nodeId, entries] of this.queues) {
      const mine = entries.filter(e => e.broadcast === b)
      if (mine.length === 0) continue
      for (const e of mine) {
        clearTimeout(e.timer)
        if (b.stopReason !== null) b.setStatus(nodeId, 'stopped', b.stopReason)
        else if (b.wasInterrupted(nodeId)) b.setStatus(nodeId, 'preempted', 'the live audio ended while a more urgent broadcast played')
        else b.setStatus(nodeId, 'skipped', 'the live audio ended before the node was free')
      }
      this.queues.set(nodeId, entries.filter(e => e.broadcast !== b))
    }
    b.checkDone()
  }

  private quietStops (b: Broadcast): boolean {
    return b.priority < EMERGENCY_MIN && b.req.quietOverride === undefined && this.deps.isQuietNow()
  }

  private preempt (nodeId: string, holder: Holder): void {
    const { broadcast: victim, stream, firstFrame } = holder
    const cutAt = stream.release(nodeId, 'preempted')
    this.owner.delete(nodeId)
    if (cutAt === null) return // it had already played its part to the end
    const at = firstFrame + cutAt
    victim.interrupted(nodeId)
    // A broadcast staff stopped never comes back, whatever its policy.
    const policy = victim.stopReason !== null ? 'cancel' : victim.req.onInterrupt
    if (policy === 'cancel') { victim.setStatus(nodeId, victim.stopReason !== null ? 'stopped' : 'preempted', victim.stopReason ?? 'pre-empted by a more urgent broadcast'); return }
    // Resume waits for the node however long the urgent broadcast lasts: that is what "resume" promises.
    this.wait(nodeId, victim, policy === 'resume' ? at : 0, this.deps.now(), undefined)
  }

  private wait (nodeId: string, b: Broadcast, position: number, since: number, maxWaitMs: number | undefined): void {
    const entry: WaitEntry = { broadcast: b, position, since }
    if (maxWaitMs !== undefined) {
      entry.timer = setTimeout(() => {
        const q = this.queues.get(nodeId) ?? []
        if (!q.includes(entry)) return
        this.queues.set(nodeId, q.filter(e => e !== entry))
        b.setStatus(nodeId, 'skipped', `busy with a more urgent broadcast for over ${Math.round(maxWaitMs / 1000)} s`)
        b.checkDone()
      }, maxWaitMs)
    }
    const q = this.queues.get(nodeId) ?? []
    q.push(entry)
    this.queues.set(nodeId, q)
    b.setStatus(nodeId, 'waiting')
  }

  private async startStream (b: Broadcast, nodeIds: string[], position: number): Promise<void> {
    const stream: StreamSession = new StreamSession({
      id: randomUUID(), nodeIds, frames: b.req.frames.slice(position), feed: b.req.feed, channels: b.req.channels, priority: b.priority,
      notBefore: position === 0 ? b.req.scheduledAt : undefined, volume: b.req.volume, leadMs: b.req.leadMs
    }, this.deps, {
      onNodeFree: nodeId => this.nodeFree(nodeId, stream),
      onNodeDone: r => {
        b.nodeDone(stream.id, r)
        // A node that lost a live stream (nothing heard for seconds) goes back to it when it can.
        if (b.req.feed !== undefined && !b.req.feed.isEnded && b.stopReason === null && r.reason === 'timeout') this.wait(r.nodeId, b, 0, this.deps.now(), undefined)
        b.checkDone()
      },
      onStarted: (nodeId, t) => b.nodeStarted(nodeId, t),
      onEnd: s => { this.streams.delete(stream.id); b.streamEnded(stream, s.framesSent); b.checkDone() }
    })
    this.streams.set(stream.id, stream)
    for (const n of nodeIds) this.owner.set(n, { broadcast: b, stream, firstFrame: position })
    b.streamStarted(stream, position, nodeIds)
    await stream.start()
  }

  /** A node left a stream; whoever waits for it gets it, batched so nodes freed together share a stream. */
  private nodeFree (nodeId: string, stream: StreamSession): void {
    if (this.owner.get(nodeId)?.stream === stream) this.owner.delete(nodeId)
    this.freed.add(nodeId)
    if (this.flushing) return
    this.flushing = true
    setImmediate(() => { this.flushing = false; void this.flush() })
  }

  private async flush (): Promise<void> {
    const groups = new Map<string, { b: Broadcast, position: number, nodes: string[] }>()
    for (const nodeId of this.freed) {
      if (this.owner.has(nodeId)) continue
      const q = this.queues.get(nodeId) ?? []
      if (!this.deps.isOnline(nodeId)) {
        // Gone while others waited for it: every waiting broadcast records it offline and may end.
        for (const e of q) { clearTimeout(e.timer); e.broadcast.setStatus(nodeId, 'offline', 'went offline while waiting'); e.broadcast.checkDone() }
        this.queues.delete(nodeId)
        continue
      }
      // Most urgent first; first come, first served among equals.
      q.sort((x, y) => y.broadcast.priority - x.broadcast.priority || x.since - y.since)
      let next: WaitEntry | undefined
      while ((next = q.shift()) !== undefined) {
        clearTimeout(next.timer)
        if (!this.quietStops(next.broadcast)) break
        // It waited (queued, or cut and due to resume) into the commune's night: it does not start now.
        next.broadcast.setStatus(nodeId, 'skipped', 'quiet hours began while it waited')
        next.broadcast.checkDone()
      }
      if (next === undefined) continue
      const key = `${next.broadcast.id}:${next.position}`
      const g = groups.get(key) ?? { b: next.broadcast, position: next.position, nodes: [] }
      g.nodes.push(nodeId)
      groups.set(key, g)
    }
    this.freed.clear()
    await Promise.all([...groups.values()].map(async g => await this.startStream(g.b, g.nodes, g.position)))
  }
}
