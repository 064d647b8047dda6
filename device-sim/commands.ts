import type { Command, PlayCommand, Reply } from '../protocol/index.js'
import { MAX_JSON_PAYLOAD, PROTOCOL_VERSION } from '../protocol/index.js'

/** Error codes a simulated node puts in `reply.error.code`. */
export type CommandErrorCode =
  | 'BAD_COMMAND' | 'BAD_TOPIC' | 'BUSY' | 'SESSION_FINISHED' | 'UNKNOWN_SESSION' | 'INTERNAL'

export type Outcome =
  | { ok: true, data?: Record<string, unknown> }
  | { ok: false, code: CommandErrorCode, message: string }

/** What a command acts on; the node implements it, tests may fake it. */
export interface CommandTarget {
  now (): number
  play (cmd: PlayCommand): Outcome
  stop (session: string): Outcome
  setVolume (volume: number): void
}

export function runCommand (target: CommandTarget, cmd: Command): Outcome {
  switch (cmd.type) {
    case 'play': return target.play(cmd)
    case 'stop': return target.stop(cmd.session)
    case 'volume':
      target.setVolume(cmd.volume)
      return { ok: true, data: { volume: cmd.volume } }
    case 'ping': return { ok: true, data: { ts: Math.round(target.now()) } }
  }
}

const MAX_MESSAGE = 200

export function replyFor (id: string, outcome: Outcome, now: number): Reply {
  const base = { v: PROTOCOL_VERSION, id, ts: Math.max(0, Math.round(now)) }
  if (outcome.ok) return outcome.data === undefined ? { ...base, status: 'ok' } : { ...base, status: 'ok', data: outcome.data }
  // The schema caps messages at 200 characters; a long validation message must not make the reply invalid.
  return { ...base, status: 'error', error: { code: outcome.code, message: outcome.message.slice(0, MAX_MESSAGE) } }
}

/**
 * The id of a command that failed validation, if one can be read, so the controller gets an error reply
 * instead of waiting for a timeout. Same bounds as the schema's command id.
 */
export function salvageCommandId (payload: Uint8Array): string | undefined {
  if (payload.length > MAX_JSON_PAYLOAD) return undefined
  let json: unknown
  try {
    json = JSON.parse(Buffer.from(payload).toString('utf8'))
  } catch {
    return undefined
  }
  if (typeof json !== 'object' || json === null || !('id' in json)) return undefined
  const id = json.id
  return typeof id === 'string' && id.length >= 1 && id.length <= 64 ? id : undefined
}
