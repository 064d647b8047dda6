import type { FastifyInstance } from 'fastify'
import type { Broadcast, InterruptPolicy } from '../engine/broadcast.js'
import type { BroadcastRecord } from '../store/schema.js'
import { relayFeed } from './feeds.js'
import { Relay, checkRelayTarget, redactUrl } from './relay.js'
import { startFeedBroadcast } from './start.js'

export interface RelayRequest {
  url: string
  durationMs: number
  origin: BroadcastRecord['origin']
  targets: { zones: string[], nodes: string[] }
  nodeIds?: string[]
  priority: number
  onInterrupt: InterruptPolicy
  maxWaitMs: number
  quietOverride?: { reason: string, at: string }
  volume?: number
  scheduledAt?: number
}

/** A relay as a broadcast: the URL checked, the feed and its relay made, the broadcast started (API or schedule). */
export async function startRelayBroadcast (app: FastifyInstance, r: RelayRequest): Promise<Broadcast> {
  const { config, library, engine, store, log } = app
  await checkRelayTarget(r.url, config.relayAllowHosts.split(',').map(h => h.trim().toLowerCase()).filter(h => h !== ''))
  const feed = relayFeed(config, app.now, r.durationMs)
  const relay = new Relay(feed, { url: r.url, ffmpegPath: library.settings.ffmpegPath, bitrateKbps: config.bitrateKbps, stallMs: config.relayStallMs, retries: config.relayRetries, log, now: app.now })
  const done = relay.done.finally(() => app.sources.delete(done))
  app.sources.add(done)
  try {
    const b = await startFeedBroadcast(engine, store.data, {
      feed, source: { kind: 'relay', url: redactUrl(r.url) }, origin: r.origin, targets: r.targets, nodeIds: r.nodeIds,
      priority: r.priority, onInterrupt: r.onInterrupt, maxWaitMs: r.maxWaitMs, durationMs: r.durationMs,
      quietOverride: r.quietOverride, volume: r.volume, scheduledAt: r.scheduledAt
    })
    log.info({ broadcast: b.id, url: redactUrl(r.url), durationMs: r.durationMs, nodes: b.req.nodeIds.length }, 'relay started')
    return b
  } catch (err) {
    feed.abort('could not start')
    await relay.done
    throw err
  }
}
