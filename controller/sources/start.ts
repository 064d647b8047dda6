import type { Db, BroadcastRecord } from '../store/schema.js'
import type { Broadcast, InterruptPolicy } from '../engine/broadcast.js'
import type { Engine } from '../engine/engine.js'
import type { LiveFeed } from '../engine/live-feed.js'
import { nodeZones, resolveTargets } from '../engine/targets.js'

export interface FeedBroadcast {
  feed: LiveFeed
  source: NonNullable<BroadcastRecord['source']>
  origin: BroadcastRecord['origin']
  targets: { zones: string[], nodes: string[] }
  /** Node ids, when the caller resolved them already (a schedule, leniently); else from `targets`, strictly. */
  nodeIds?: string[]
  priority: number
  onInterrupt: InterruptPolicy
  maxWaitMs: number
  /** What each node is owed: a relay's planned length; for a live voice, its cap (the record keeps what it lasted). */
  durationMs: number
  quietOverride?: { reason: string, at: string }
  volume?: number
  scheduledAt?: number
}

/** Starts a broadcast whose audio is a live feed (a voice or a relay) through the same engine as files. */
export async function startFeedBroadcast (engine: Engine, db: Readonly<Db>, spec: FeedBroadcast): Promise<Broadcast> {
  const nodeIds = spec.nodeIds ?? resolveTargets(db, spec.targets)
  return await engine.start({
    origin: spec.origin, playlist: [], targets: spec.targets, nodeIds, nodeZones: nodeZones(db, nodeIds),
    frames: [], feed: spec.feed, source: spec.source, channels: spec.feed.channels, durationMs: spec.durationMs,
    priority: spec.priority, onInterrupt: spec.onInterrupt, maxWaitMs: spec.maxWaitMs,
    ...(spec.quietOverride !== undefined ? { quietOverride: spec.quietOverride } : {}),
    ...(spec.volume !== undefined ? { volume: spec.volume } : {}),
    ...(spec.scheduledAt !== undefined ? { scheduledAt: spec.scheduledAt } : {})
  })
}
