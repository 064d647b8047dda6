import Type, { type Static } from 'typebox'
import { ScheduleSpec, type ScheduleSpec as FullSpec } from '../../schedules/index.js'

/**
 * The lowdb file's layout. Each version adds a migration step in migrations.ts.
 * 1: zones, nodes, media, broadcasts. 2: + schedules. 3: + areas and users; zones and media in an area; approval.
 */
export const SCHEMA_VERSION = 3 as const

const Location = Type.Object({ lat: Type.Number({ minimum: -90, maximum: 90 }), lon: Type.Number({ minimum: -180, maximum: 180 }) }, { additionalProperties: false })
export type Location = Static<typeof Location>
export { Location as LocationSchema }

/** The administrative tree: a province holds districts, a district holds communes. */
export const AreaKind = Type.Union([Type.Literal('province'), Type.Literal('district'), Type.Literal('commune')])
export type AreaKind = Static<typeof AreaKind>
export const AreaRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: AreaKind,
  /** null only for a province. */
  parentId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String()
})
export type AreaRecord = Static<typeof AreaRecord>

export const Role = Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('approver'), Type.Literal('viewer')])
export type Role = Static<typeof Role>

export const UserRecord = Type.Object({
  id: Type.String(),
  /** Lower case, what people type to log in. */
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  /** The area the user sees and acts in (and everything below it); null: the whole system. */
  areaId: Type.Union([Type.String(), Type.Null()]),
  /** scrypt (controller/accounts/password.ts); never the password itself. */
  passwordHash: Type.String(),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()])
})
export type UserRecord = Static<typeof UserRecord>

export const ZoneRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** The commune (or other area) the zone belongs to; absent: only users without an area see it. */
  areaId: Type.Optional(Type.String()),
  createdAt: Type.String()
})
export type ZoneRecord = Static<typeof ZoneRecord>

export const NodeRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  zoneId: Type.String(),
  location: Type.Union([Location, Type.Null()]),
  /** SHA-256 of the node's MQTT password (a 32-byte random secret, so a slow hash adds nothing). */
  secretHash: Type.String(),
  volume: Type.Integer({ minimum: 0, maximum: 100 }),
  createdAt: Type.String()
})
export type NodeRecord = Static<typeof NodeRecord>

export const TtsInfo = Type.Object({ text: Type.String(), engine: Type.String(), voice: Type.String() })
export type TtsInfo = Static<typeof TtsInfo>

export const MediaRecord = Type.Object({
  id: Type.String(),
  name: Type.String(),
  file: Type.String(),
  durationMs: Type.Integer(),
  sizeBytes: Type.Integer(),
  codec: Type.Literal('opus'),
  bitrateKbps: Type.Integer(),
  loudnessLufs: Type.Number(),
  source: Type.Object({
    filename: Type.String(),
    sizeBytes: Type.Integer(),
    codec: Type.String(),
    sampleRate: Type.Integer(),
    channels: Type.Integer(),
    durationMs: Type.Integer()
  }),
  /**
   * Set when the item was made by text-to-speech: the text as read (NFC), the engine and the voice, so staff
   * can see what a bulletin says without playing it. Optional, so records made before it stay valid.
   */
  tts: Type.Optional(TtsInfo),
  /**
   * Content an operator makes waits for an approver before anything plays it (the emergency button excepted).
   * Absent on items from before approvals existed: those count as approved.
   */
  approval: Type.Optional(Type.Object({
    state: Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')]),
    by: Type.Union([Type.String(), Type.Null()]),
    at: Type.Union([Type.String(), Type.Null()]),
    note: Type.Optional(Type.String())
  })),
  /** Who made it and for which area: an item is seen in its area and below (a province bulletin reaches every commune). */
  createdBy: Type.Optional(Type.String()),
  areaId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  createdAt: Type.String()
})
export type MediaRecord = Static<typeof MediaRecord>

export const DeliveryStatus = Type.Union([
  Type.Literal('offline'), Type.Literal('waiting'), Type.Literal('playing'), Type.Literal('completed'),
  Type.Literal('preempted'), Type.Literal('skipped'), Type.Literal('stopped'), Type.Literal('refused'),
  Type.Literal('no_report'), Type.Literal('missed')
])
export type DeliveryStatus = Static<typeof DeliveryStatus>

/**
 * One node's part in a broadcast. offline: not connected at the start; waiting: busy with a broadcast of
 * equal or higher priority; playing; completed: played to the end; preempted: cut by a more urgent broadcast
 * and not resumed (policy cancel); skipped: waited longer than allowed; stopped: staff stopped it; refused:
 * the node said no; no_report: played, but never sent its figures; missed: a scheduled fire that never
 * played (the controller was down past the grace, or its media was gone). Requested versus delivered time is what
 * the reports sum.
 */
export const NodeDelivery = Type.Object({
  nodeId: Type.String(),
  /**
   * The node's zone when the broadcast was created, so reports sum per zone as it was then, not as it is
   * after a node moved. Optional: records written before it existed lack it (reports then use today's zone).
   */
  zoneId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  status: DeliveryStatus,
  interruptions: Type.Integer({ minimum: 0 }),
  framesExpected: Type.Integer(),
  framesReceived: Type.Union([Type.Integer(), Type.Null()]),
  framesLate: Type.Union([Type.Integer(), Type.Null()]),
  framesMissing: Type.Union([Type.Integer(), Type.Null()]),
  requestedMs: Type.Integer(),
  deliveredMs: Type.Integer(),
  firstSampleAt: Type.Union([Type.String(), Type.Null()]),
  finishReason: Type.Union([Type.String(), Type.Null()])
})
export type NodeDelivery = Static<typeof NodeDelivery>

export const BroadcastState = Type.Union([
  Type.Literal('waiting'), Type.Literal('starting'), Type.Literal('playing'), Type.Literal('completed'), Type.Literal('stopped'),
  Type.Literal('failed')
])
export type BroadcastState = Static<typeof BroadcastState>

/** A stream of the broadcast: the nodes that heard the same frames, from `firstFrame` on. */
export const StreamRecord = Type.Object({
  id: Type.String(),
  firstFrame: Type.Integer(),
  nodes: Type.Integer(),
  startAt: Type.String(),
  framesSent: Type.Integer()
})

export const BroadcastRecord = Type.Object({
  id: Type.String(),
  origin: Type.Object({
    kind: Type.Union([Type.Literal('api'), Type.Literal('schedule'), Type.Literal('emergency')]),
    scheduleId: Type.Optional(Type.String()),
    /** Who started it (the audit's "who"): the API token for now; user accounts come with the panel. */
    by: Type.Optional(Type.String())
  }),
  mediaId: Type.String({ description: 'the first item of the playlist' }),
  playlist: Type.Array(Type.String()),
  targets: Type.Object({ zones: Type.Array(Type.String()), nodes: Type.Array(Type.String()) }),
  priority: Type.Integer({ minimum: 0, maximum: 255 }),
  state: BroadcastState,
  createdAt: Type.String(),
  scheduledAt: Type.Union([Type.String(), Type.Null()]),
  startAt: Type.Union([Type.String(), Type.Null()]),
  endedAt: Type.Union([Type.String(), Type.Null()]),
  endReason: Type.Union([Type.String(), Type.Null()]),
  quietOverride: Type.Optional(Type.Object({ reason: Type.String(), at: Type.String() })),
  /** Absent for files; a live voice or a relayed stream (its URL without any password). */
  source: Type.Optional(Type.Object({
    kind: Type.Union([Type.Literal('live'), Type.Literal('relay')]),
    url: Type.Optional(Type.String()),
    format: Type.Optional(Type.String())
  })),
  framesTotal: Type.Integer(),
  framesSent: Type.Integer({ description: 'frames published, all streams together' }),
  durationMs: Type.Integer(),
  streams: Type.Array(StreamRecord),
  delivery: Type.Array(NodeDelivery)
})
export type BroadcastRecord = Static<typeof BroadcastRecord>

/** A stored schedule: the clerk's spec (defaults filled in) and what the runner needs to never fire twice. */
export const ScheduleRecord = Type.Object({
  id: Type.String(),
  spec: ScheduleSpec,
  createdAt: Type.String(),
  updatedAt: Type.String(),
  /** The last occurrence handled (fired, or recorded as missed); written before the fire, so none repeats. */
  lastFiredAt: Type.Union([Type.String(), Type.Null()]),
  /** A quiet-hours override, with its reason, kept for the audit of who woke the commune and why. */
  quietOverride: Type.Union([Type.Object({ reason: Type.String(), at: Type.String(), firstQuietFire: Type.String() }), Type.Null()])
})
/** Stored specs always have their defaults filled in (withDefaults), so the type says so. */
export type ScheduleRecord = Omit<Static<typeof ScheduleRecord>, 'spec'> & { spec: FullSpec }

export const DbSchema = Type.Object({
  schemaVersion: Type.Literal(SCHEMA_VERSION),
  auth: Type.Object({
    adminTokenHash: Type.Optional(Type.String()),
    /** The one-time code that creates the first admin in the panel; removed once used. */
    setupCodeHash: Type.Optional(Type.String())
  }),
  areas: Type.Array(AreaRecord),
  users: Type.Array(UserRecord),
  zones: Type.Array(ZoneRecord),
  nodes: Type.Array(NodeRecord),
  media: Type.Array(MediaRecord),
  schedules: Type.Array(ScheduleRecord),
  broadcasts: Type.Array(BroadcastRecord)
})
export type Db = Omit<Static<typeof DbSchema>, 'schedules'> & { schedules: ScheduleRecord[] }

export function emptyDb (): Db {
  return { schemaVersion: SCHEMA_VERSION, auth: {}, areas: [], users: [], zones: [], nodes: [], media: [], schedules: [], broadcasts: [] }
}
