import Type, { type Static } from 'typebox'
import { PROTOCOL_VERSION, SAMPLE_RATE } from './version.js'
import { NODE_ID_PATTERN, SESSION_ID_PATTERN } from './topics.js'

/**
 * One TypeBox schema for every JSON payload of the contract; the TypeScript types are derived from them.
 * Every known field is checked strictly (type, range, pattern). Unknown fields are ignored, in both
 * directions: a later v1 may add optional fields (docs/protocol.md, "Versioning"), and a deployed node or
 * controller must keep working when it meets one. Times are milliseconds since the Unix epoch on the
 * controller's clock.
 */

/** Open objects: unknown fields are allowed and ignored (see above). */
const open = {} as const
const V = Type.Literal(PROTOCOL_VERSION)
const Ms = Type.Integer({ minimum: 0, description: 'milliseconds since the Unix epoch' })
const Count = Type.Integer({ minimum: 0, maximum: 0xffffffff })
export const SessionId = Type.String({ pattern: SESSION_ID_PATTERN })
export const NodeId = Type.String({ pattern: NODE_ID_PATTERN })
const Volume = Type.Integer({ minimum: 0, maximum: 100 })
const CommandId = Type.String({ minLength: 1, maxLength: 64 })
const ShortText = Type.String({ maxLength: 200 })

// ---- node -> controller ------------------------------------------------------------------------------

/** `nodes/{id}/state`, retained. The online message is the node's hello; the last will is the offline one. */
export const NodeState = Type.Object({
  v: V,
  state: Type.Union([Type.Literal('online'), Type.Literal('offline')]),
  protocol: Type.Integer({ minimum: 1, maximum: 255, description: 'highest protocol version the node speaks' }),
  ts: Type.Optional(Ms),
  vendor: Type.Optional(ShortText),
  model: Type.Optional(ShortText),
  firmware: Type.Optional(ShortText)
}, open)
export type NodeState = Static<typeof NodeState>

/** `nodes/{id}/telemetry`, every 10-60 s and after each change of volume or playback. */
export const Telemetry = Type.Object({
  v: V,
  ts: Ms,
  volume: Volume,
  playing: Type.Union([SessionId, Type.Null()]),
  bufferMs: Type.Integer({ minimum: 0, maximum: 600_000 }),
  uptimeS: Type.Integer({ minimum: 0 }),
  rssiDbm: Type.Optional(Type.Integer({ minimum: -150, maximum: 0 })),
  temperatureC: Type.Optional(Type.Number({ minimum: -50, maximum: 150 }))
}, open)
export type Telemetry = Static<typeof Telemetry>

const ErrorBody = Type.Object({ code: Type.String({ maxLength: 64 }), message: ShortText }, open)

/** `nodes/{id}/reply`: exactly one per command, carrying the command's id. */
export const Reply = Type.Object({
  v: V,
  id: CommandId,
  status: Type.Union([Type.Literal('ok'), Type.Literal('error')]),
  ts: Ms,
  error: Type.Optional(ErrorBody),
  data: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
}, open)
export type Reply = Static<typeof Reply>

export const PlaybackStarted = Type.Object({
  v: V,
  ts: Ms,
  type: Type.Literal('playback_started'),
  session: SessionId,
  seq: Count,
  firstSampleAt: Ms
}, open)

export const PlaybackFinished = Type.Object({
  v: V,
  ts: Ms,
  type: Type.Literal('playback_finished'),
  session: SessionId,
  reason: Type.Union([Type.Literal('end'), Type.Literal('stopped'), Type.Literal('timeout')]),
  expected: Count,
  received: Count,
  late: Count,
  missing: Count
}, open)

export const Gap = Type.Object({
  v: V,
  ts: Ms,
  type: Type.Literal('gap'),
  session: SessionId,
  fromSeq: Count,
  toSeq: Count
}, open)

/** `nodes/{id}/events`. */
export const NodeEvent = Type.Union([PlaybackStarted, PlaybackFinished, Gap])
export type NodeEvent = Static<typeof NodeEvent>
export type PlaybackStarted = Static<typeof PlaybackStarted>
export type PlaybackFinished = Static<typeof PlaybackFinished>
export type Gap = Static<typeof Gap>

// ---- controller -> node ------------------------------------------------------------------------------

export const CodecInfo = Type.Object({
  name: Type.Literal('opus'),
  sampleRate: Type.Literal(SAMPLE_RATE),
  channels: Type.Integer({ minimum: 1, maximum: 2 })
}, open)
export type CodecInfo = Static<typeof CodecInfo>

/** Join a session: subscribe to its stream topic and play each frame at its stamped time. */
export const PlayCommand = Type.Object({
  v: V,
  id: CommandId,
  type: Type.Literal('play'),
  session: SessionId,
  topic: Type.String({ maxLength: 200 }),
  codec: CodecInfo,
  startAt: Ms,
  frames: Type.Optional(Type.Integer({ minimum: 1, description: 'frame count, when known in advance' })),
  durationMs: Type.Optional(Type.Integer({ minimum: 0 })),
  priority: Type.Integer({ minimum: 0, maximum: 255 }),
  volume: Type.Optional(Volume)
}, open)

/** Leave a session at once: stop playing, unsubscribe, report. */
export const StopCommand = Type.Object({
  v: V,
  id: CommandId,
  type: Type.Literal('stop'),
  session: SessionId
}, open)

export const VolumeCommand = Type.Object({
  v: V,
  id: CommandId,
  type: Type.Literal('volume'),
  volume: Volume
}, open)

/** Liveness check; the reply's `data.ts` is the node's clock. */
export const PingCommand = Type.Object({
  v: V,
  id: CommandId,
  type: Type.Literal('ping')
}, open)

/** `nodes/{id}/cmd`, QoS 1. */
export const Command = Type.Union([PlayCommand, StopCommand, VolumeCommand, PingCommand])
export type Command = Static<typeof Command>
export type PlayCommand = Static<typeof PlayCommand>
export type StopCommand = Static<typeof StopCommand>
export type VolumeCommand = Static<typeof VolumeCommand>
export type PingCommand = Static<typeof PingCommand>
