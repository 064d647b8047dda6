import { Compile } from 'typebox/compile'
import type { Static, TSchema } from 'typebox'
import { Command, NodeEvent, NodeState, Reply, Telemetry } from './schemas.js'
import type { NodeChannel } from './topics.js'

/** Largest JSON payload either side accepts; anything bigger is garbage by definition. */
export const MAX_JSON_PAYLOAD = 16 * 1024

export type Parsed<T> = { ok: true, value: T } | { ok: false, error: string }

/** Builds a strict parser: bytes -> JSON -> schema check. Never throws; a bad payload is an error value. */
function parser<S extends TSchema> (schema: S): (payload: Uint8Array | string) => Parsed<Static<S>> {
  const validator = Compile(schema)
  return (payload) => {
    if (payload.length > MAX_JSON_PAYLOAD) return { ok: false, error: `payload too large (${payload.length} bytes)` }
    let json: unknown
    try {
      json = JSON.parse(typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8'))
    } catch {
      return { ok: false, error: 'payload is not JSON' }
    }
    if (validator.Check(json)) return { ok: true, value: json as Static<S> }
    const first = validator.Errors(json)[0]
    const where = first?.instancePath !== undefined && first.instancePath !== '' ? first.instancePath : '/'
    return { ok: false, error: `payload does not match schema at ${where}: ${first?.message ?? 'invalid'}` }
  }
}

export const parseNodeState = parser(NodeState)
export const parseTelemetry = parser(Telemetry)
export const parseReply = parser(Reply)
export const parseNodeEvent = parser(NodeEvent)
export const parseCommand = parser(Command)

/** The parser for what a node publishes on each of its upward channels. */
export const upwardParsers = {
  state: parseNodeState,
  telemetry: parseTelemetry,
  reply: parseReply,
  events: parseNodeEvent
} as const satisfies Partial<Record<NodeChannel, unknown>>
