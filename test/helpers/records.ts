import { randomUUID } from 'node:crypto'
import type { BroadcastRecord, DeliveryStatus } from '../../controller/store/schema.js'

export interface RecordSpec {
  /** When it was due / started (ISO); also createdAt. */
  at: string
  nodes: Array<{ nodeId: string, zoneId?: string | null, status?: DeliveryStatus, deliveredMs?: number }>
  durationMs?: number
  origin?: BroadcastRecord['origin']
  state?: BroadcastRecord['state']
  endReason?: string
  targets?: BroadcastRecord['targets']
  /** Leave the broadcast on air (endedAt null). */
  open?: boolean
  scheduled?: boolean
}

const frames = (ms: number): number => Math.round(ms / 200)

/** A finished broadcast record as the engine writes one, with per-node figures chosen by the test. */
export function makeRecord (spec: RecordSpec): BroadcastRecord {
  const durationMs = spec.durationMs ?? 60_000
  const t = Date.parse(spec.at)
  const zones = [...new Set(spec.nodes.flatMap(n => typeof n.zoneId === 'string' ? [n.zoneId] : []))]
  return {
    id: randomUUID(),
    origin: spec.origin ?? { kind: 'api' },
    mediaId: 'm-test',
    playlist: ['m-test'],
    targets: spec.targets ?? { zones, nodes: [] },
    priority: 100,
    state: spec.open === true ? 'playing' : spec.state ?? 'completed',
    createdAt: new Date(t - 2000).toISOString(),
    scheduledAt: spec.scheduled === true ? spec.at : null,
    startAt: spec.at,
    endedAt: spec.open === true ? null : new Date(t + durationMs).toISOString(),
    endReason: spec.open === true ? null : spec.endReason ?? 'end of media',
    framesTotal: frames(durationMs),
    framesSent: frames(durationMs),
    durationMs,
    streams: [],
    delivery: spec.nodes.map(n => {
      const deliveredMs = n.deliveredMs ?? (n.status === undefined || n.status === 'completed' ? durationMs : 0)
      return {
        nodeId: n.nodeId,
        zoneId: n.zoneId ?? null,
        status: n.status ?? 'completed',
        interruptions: 0,
        framesExpected: frames(durationMs),
        framesReceived: frames(deliveredMs),
        framesLate: 0,
        framesMissing: frames(durationMs - deliveredMs),
        requestedMs: durationMs,
        deliveredMs,
        firstSampleAt: spec.at,
        finishReason: null
      }
    })
  }
}
