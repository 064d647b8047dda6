import { opusSilencePacket } from '../../audio/index.js'
import type { Config } from '../config.js'
import { LiveFeed } from '../engine/live-feed.js'

/**
 * The two kinds of live feed and why they differ. A live voice wants the shortest delay a stable stream
 * allows: short frames (100 ms, the small end of DESIGN.md's range), a short lead, a small jitter buffer, and
 * a backlog past two seconds dropped. A relay wants no dead air: the normal frames and lead, seconds of
 * buffer to ride out a slow server, and room for the burst an Icecast server sends on connect.
 */
export function liveVoiceFeed (config: Readonly<Config>, now: () => number, channels: 1 | 2): LiveFeed {
  return new LiveFeed({
    channels,
    frameMs: config.liveFrameMs,
    sendAheadMs: config.liveSendAheadMs,
    prebufferMs: config.livePrebufferMs,
    maxBufferMs: Math.max(2000, config.livePrebufferMs + 2 * config.liveFrameMs),
    silence: opusSilencePacket(channels),
    now,
    limit: { ms: config.liveMaxS * 1000, reason: `the live broadcast reached its limit of ${Math.round(config.liveMaxS / 60)} min` }
  })
}

export function relayFeed (config: Readonly<Config>, now: () => number, durationMs: number): LiveFeed {
  const frameMs = Math.max(20, Math.round(config.frameMs / 20) * 20)
  return new LiveFeed({
    channels: 1,
    frameMs,
    sendAheadMs: config.leadMs,
    prebufferMs: config.relayPrebufferMs,
    maxBufferMs: config.relayPrebufferMs + 5000,
    silence: opusSilencePacket(1),
    now,
    limit: { ms: durationMs, reason: 'the relay played for its planned length' }
  })
}
