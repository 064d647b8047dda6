import { randomUUID } from 'node:crypto'
import type { NodeEvent } from '../../protocol/index.js'
import type { BroadcastRecord } from '../store/schema.js'
import { BroadcastSession, type SessionDeps, type SessionSpec } from './session.js'

export type EngineDeps = SessionDeps

/**
 * The broadcast engine: the registry of running sessions and of which node belongs to which session.
 * A node plays one session at a time. For now a newer session takes a busy node (the older one records it as
 * pre-empted); priorities and queueing (issue #3) replace this rule in `claim()` without touching sessions.
 */
export class Engine {
  private readonly sessions = new Map<string, BroadcastSession>()
  private readonly owner = new Map<string, BroadcastSession>()

  constructor (private readonly deps: EngineDeps) {}

  /** Starts a session; resolves once the nodes were asked to join and pacing has begun. */
  async start (spec: Omit<SessionSpec, 'id'>): Promise<BroadcastSession> {
    const session = new BroadcastSession({ ...spec, id: randomUUID() }, this.deps)
    this.sessions.set(session.id, session)
    for (const nodeId of spec.nodeIds) this.claim(nodeId, session)
    void session.finished.then(() => this.forget(session))
    await session.start()
    return session
  }

  get (id: string): BroadcastSession | undefined {
    return this.sessions.get(id)
  }

  active (): BroadcastSession[] {
    return [...this.sessions.values()]
  }

  /** For the broker's ACL: may this node subscribe to this session's stream? */
  isSessionTarget (sessionId: string, nodeId: string): boolean {
    return this.sessions.get(sessionId)?.hasNode(nodeId) ?? false
  }

  sessionOfNode (nodeId: string): BroadcastSession | undefined {
    const s = this.owner.get(nodeId)
    return s?.hasNode(nodeId) === true ? s : undefined
  }

  sessionUsingMedia (mediaId: string): BroadcastSession | undefined {
    return this.active().find(s => s.mediaId === mediaId && !s.ended)
  }

  nodeEvent (nodeId: string, e: NodeEvent): void {
    this.sessions.get(e.session)?.nodeEvent(nodeId, e)
  }

  /** The node is gone (deleted): take it out of whatever it plays. */
  releaseNode (nodeId: string): void {
    this.owner.get(nodeId)?.release(nodeId, 'stopped')
    this.owner.delete(nodeId)
  }

  async stop (sessionId: string, reason: string): Promise<BroadcastRecord | undefined> {
    const s = this.sessions.get(sessionId)
    if (s === undefined) return undefined
    await s.stop(reason)
    return await s.finished
  }

  async close (): Promise<void> {
    await Promise.all(this.active().map(async s => await this.stop(s.id, 'controller shutting down')))
  }

  private claim (nodeId: string, session: BroadcastSession): void {
    const previous = this.owner.get(nodeId)
    if (previous !== undefined && previous !== session) previous.release(nodeId, 'preempted')
    this.owner.set(nodeId, session)
  }

  private forget (session: BroadcastSession): void {
    this.sessions.delete(session.id)
    for (const [nodeId, s] of this.owner) if (s === session) this.owner.delete(nodeId)
  }
}
