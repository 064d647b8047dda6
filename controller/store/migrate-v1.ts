import type { BroadcastRecord, DeliveryStatus, NodeDelivery } from './schema.js'

type Loose = Record<string, unknown>
const num = (v: unknown, d = 0): number => typeof v === 'number' && Number.isFinite(v) ? v : d
const str = (v: unknown): string | null => typeof v === 'string' ? v : null
const KEPT: ReadonlySet<string> = new Set(['offline', 'refused', 'completed', 'stopped', 'preempted', 'no_report'])

/**
 * A schema-1 broadcast record in the schema-2 shape. Version 1 had one stream per broadcast (its session id
 * was the broadcast id), no origin (every broadcast was a play-now), and no delivered time: that is worked out
 * from the frames each node reported, which is what the reports sum.
 */
export function broadcastFromV1 (b: Loose): BroadcastRecord {
  const framesTotal = num(b.framesTotal)
  const durationMs = num(b.durationMs)
  const endedAt = str(b.endedAt)
  const delivery = (Array.isArray(b.delivery) ? b.delivery as Loose[] : []).map((d): NodeDelivery => {
    const received = typeof d.framesReceived === 'number' ? d.framesReceived : null
    const late = typeof d.framesLate === 'number' ? d.framesLate : null
    const played = received === null ? 0 : Math.max(0, received - (late ?? 0))
    const status = String(d.status)
    // pending, joined, no_reply and playing meant "not final yet"; in an ended record they never reported.
    const mapped: DeliveryStatus = KEPT.has(status) ? status as DeliveryStatus : endedAt === null ? 'playing' : 'no_report'
    // Fields a record already has (written by a build between the two schemas) are kept as they are.
    return {
      nodeId: String(d.nodeId), ...(typeof d.zoneId === 'string' ? { zoneId: d.zoneId } : {}), status: mapped,
      interruptions: num(d.interruptions), framesExpected: num(d.framesExpected),
      framesReceived: received, framesLate: late, framesMissing: typeof d.framesMissing === 'number' ? d.framesMissing : null,
      requestedMs: num(d.requestedMs, durationMs),
      deliveredMs: num(d.deliveredMs, framesTotal > 0 ? Math.round(Math.min(played, framesTotal) / framesTotal * durationMs) : 0),
      firstSampleAt: str(d.firstSampleAt), finishReason: str(d.finishReason)
    }
  })
  const startAt = str(b.startAt)
  const mediaId = String(b.mediaId ?? '')
  return {
    id: String(b.id), origin: (b.origin as BroadcastRecord['origin'] | undefined) ?? { kind: 'api' }, mediaId,
    playlist: Array.isArray(b.playlist) ? b.playlist as string[] : [mediaId],
    targets: (b.targets as BroadcastRecord['targets'] | undefined) ?? { zones: [], nodes: [] },
    priority: num(b.priority, 100), state: (str(b.state) ?? 'failed') as BroadcastRecord['state'],
    createdAt: String(b.createdAt), scheduledAt: str(b.scheduledAt), startAt, endedAt, endReason: str(b.endReason),
    framesTotal, framesSent: num(b.framesSent), durationMs,
    streams: Array.isArray(b.streams) ? b.streams as BroadcastRecord['streams']
      : startAt === null ? [] : [{ id: String(b.id), firstFrame: 0, nodes: delivery.length, startAt, framesSent: num(b.framesSent) }],
    delivery
  }
}
