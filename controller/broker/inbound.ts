import type { FastifyBaseLogger } from 'fastify'
import { allNodesTopic, parseTopic, upwardParsers, type NodeEvent, type NodeState, type Reply, type Telemetry } from '../../protocol/index.js'
import type { BrokerLink } from './link.js'

export interface InboundHandlers {
  state: (nodeId: string, s: NodeState) => void
  telemetry: (nodeId: string, t: Telemetry) => void
  reply: (nodeId: string, r: Reply) => void
  events: (nodeId: string, e: NodeEvent) => void
}

/** At most one warning per node per this many ms: a node spewing garbage must not flood the log. */
const WARN_EVERY_MS = 10_000

/**
 * Subscribes to every node's upward channels and hands each valid message to its handler. Garbage (not JSON,
 * wrong schema, oversized) is logged, counted and dropped; nothing a node publishes can throw past here.
 * The broker's ACL already ensured a node can only publish under its own id, so the id in the topic is trusted.
 */
export async function routeInbound (link: BrokerLink, handlers: InboundHandlers, log: FastifyBaseLogger): Promise<{ dropped: () => number }> {
  let dropped = 0
  const lastWarn = new Map<string, number>()
  const drop = (nodeId: string, channel: string, error: string): void => {
    dropped++
    const now = Date.now()
    if ((lastWarn.get(nodeId) ?? 0) + WARN_EVERY_MS > now) return
    lastWarn.set(nodeId, now)
    log.warn({ nodeId, channel, error, droppedTotal: dropped }, 'mqtt: dropped an invalid message from a node')
  }
  const channels = ['state', 'telemetry', 'reply', 'events'] as const
  for (const channel of channels) {
    await link.subscribe(allNodesTopic(channel), (topic, payload) => {
      const t = parseTopic(topic)
      if (t?.kind !== 'node') return
      const parsed = upwardParsers[channel](payload)
      if (!parsed.ok) { drop(t.nodeId, channel, parsed.error); return }
      // Each parser's value matches its handler; TypeScript cannot correlate the two through the loop.
      ;(handlers[channel] as (nodeId: string, v: unknown) => void)(t.nodeId, parsed.value)
    })
  }
  return { dropped: () => dropped }
}
