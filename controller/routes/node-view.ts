import Type, { type Static } from 'typebox'
import type { NodeLive } from '../nodes/presence.js'
import type { NodeRecord } from '../store/schema.js'

const NullableString = Type.Union([Type.String(), Type.Null()])

/** A node as the API shows it: the stored record (never its secret) plus what is live right now. */
export const NodeView = Type.Object({
  id: Type.String({ description: 'also the MQTT username and client id' }),
  name: Type.String(),
  zoneId: Type.String(),
  location: Type.Union([Type.Object({ lat: Type.Number(), lon: Type.Number() }), Type.Null()]),
  createdAt: Type.String(),
  online: Type.Boolean(),
  lastSeen: NullableString,
  volume: Type.Integer({ description: 'the volume set by staff' }),
  reportedVolume: Type.Union([Type.Integer(), Type.Null()]),
  playing: Type.Union([Type.String(), Type.Null()], { description: 'id of the broadcast the node plays' }),
  protocol: Type.Union([Type.Integer(), Type.Null()]),
  vendor: NullableString,
  firmware: NullableString
})
export type NodeView = Static<typeof NodeView>

export function nodeView (n: NodeRecord, live: NodeLive, session: string | null): NodeView {
  return {
    id: n.id,
    name: n.name,
    zoneId: n.zoneId,
    location: n.location,
    createdAt: n.createdAt,
    online: live.online,
    lastSeen: live.lastSeen === null ? null : new Date(live.lastSeen).toISOString(),
    volume: n.volume,
    reportedVolume: live.volume,
    playing: session ?? (live.online ? live.playing : null),
    protocol: live.protocol,
    vendor: live.vendor,
    firmware: live.firmware
  }
}
