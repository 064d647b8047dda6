import { NODE_CHANNELS, parseTopic } from '../../protocol/index.js'

/**
 * Least privilege for speaker nodes. A node may publish only on its own upward channels, and subscribe only
 * to its own command topic and to the stream of a session it was told to join. Nothing else: no wildcards,
 * no other node's topics, no `$SYS`. The same rules are written as a Mosquitto ACL in docs/protocol.md.
 */
export function nodeMayPublish (nodeId: string, topic: string): boolean {
  const t = parseTopic(topic)
  return t?.kind === 'node' && t.nodeId === nodeId && NODE_CHANNELS[t.channel] === 'up'
}

export function nodeMaySubscribe (
  nodeId: string,
  topic: string,
  isSessionTarget: (sessionId: string, nodeId: string) => boolean
): boolean {
  const t = parseTopic(topic)
  if (t === undefined) return false
  if (t.kind === 'node') return t.nodeId === nodeId && t.channel === 'cmd'
  return isSessionTarget(t.sessionId, nodeId)
}
