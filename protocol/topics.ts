import { TOPIC_PREFIX } from './version.js'

/**
 * The topic map: the one place where Loa topic names are spelled. Controller and device-sim both build and
 * parse topics through these functions, so the two sides cannot drift apart. See docs/protocol.md.
 */

/** Channels a node publishes on (`up`) or receives on (`down`), below `loa/v1/nodes/{nodeId}/`. */
export const NODE_CHANNELS = {
  state: 'up', // retained; the last will says offline
  telemetry: 'up',
  reply: 'up',
  events: 'up',
  cmd: 'down'
} as const

export type NodeChannel = keyof typeof NODE_CHANNELS

/** Node ids and usernames: lower-case letters, digits and dashes, so they are safe inside a topic level. */
export const NODE_ID_PATTERN = '^[a-z0-9][a-z0-9-]{0,63}$'
const nodeIdRe = new RegExp(NODE_ID_PATTERN)
/** Session ids are UUIDs (the frame header carries their 16 bytes). */
export const SESSION_ID_PATTERN = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
const sessionIdRe = new RegExp(SESSION_ID_PATTERN)

export function isNodeId (s: string): boolean {
  return nodeIdRe.test(s)
}

export function isSessionId (s: string): boolean {
  return sessionIdRe.test(s)
}

export function nodeTopic (nodeId: string, channel: NodeChannel): string {
  if (!isNodeId(nodeId)) throw new TypeError(`invalid node id: ${JSON.stringify(nodeId)}`)
  return `${TOPIC_PREFIX}/nodes/${nodeId}/${channel}`
}

export function streamTopic (sessionId: string): string {
  if (!isSessionId(sessionId)) throw new TypeError(`invalid session id: ${JSON.stringify(sessionId)}`)
  return `${TOPIC_PREFIX}/sessions/${sessionId}/stream`
}

/** Wildcard the controller subscribes to for one channel of every node. */
export function allNodesTopic (channel: NodeChannel): string {
  return `${TOPIC_PREFIX}/nodes/+/${channel}`
}

export type ParsedTopic =
  | { kind: 'node', nodeId: string, channel: NodeChannel }
  | { kind: 'stream', sessionId: string }

/** Parses a Loa topic; returns undefined for anything that is not exactly one of ours. */
export function parseTopic (topic: string): ParsedTopic | undefined {
  const parts = topic.split('/')
  if (parts.length !== 5 || `${parts[0]}/${parts[1]}` !== TOPIC_PREFIX) return undefined
  const [, , kind, id, leaf] = parts as [string, string, string, string, string]
  if (kind === 'nodes' && isNodeId(id) && Object.hasOwn(NODE_CHANNELS, leaf)) {
    return { kind: 'node', nodeId: id, channel: leaf as NodeChannel }
  }
  if (kind === 'sessions' && leaf === 'stream' && isSessionId(id)) return { kind: 'stream', sessionId: id }
  return undefined
}
