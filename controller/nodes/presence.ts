import type { NodeState, Telemetry } from '../../protocol/index.js'

/** What the controller knows of a node right now, from its connection and its messages. Never persisted. */
export interface NodeLive {
  connected: boolean
  online: boolean
  lastSeen: number | null
  /** When it went offline (ms), for the dashboard's alerts; null while online or never seen. */
  offlineSince: number | null
  volume: number | null
  playing: string | null
  bufferMs: number | null
  protocol: number | null
  vendor: string | null
  model: string | null
  firmware: string | null
}

const unknown = (): NodeLive => ({
  connected: false, online: false, lastSeen: null, offlineSince: null, volume: null, playing: null, bufferMs: null,
  protocol: null, vendor: null, model: null, firmware: null
})

/**
 * Node availability: online while the node's MQTT connection is up and its retained state does not say
 * offline (the last will, or a graceful goodbye). Keyed by node id; the clock is injected for tests.
 */
export class Presence {
  private nodes = new Map<string, NodeLive>()
  private readonly listeners = new Set<(nodeId: string, live: NodeLive) => void>()

  constructor (private readonly now: () => number = Date.now) {}

  get (nodeId: string): NodeLive {
    return this.nodes.get(nodeId) ?? unknown()
  }

  connected (nodeId: string): void {
    this.patch(nodeId, { connected: true, online: true, lastSeen: this.now() })
  }

  disconnected (nodeId: string): void {
    this.patch(nodeId, { connected: false, online: false, playing: null })
  }

  state (nodeId: string, s: NodeState): void {
    const cur = this.get(nodeId)
    this.patch(nodeId, {
      online: cur.connected && s.state === 'online',
      lastSeen: this.now(),
      protocol: s.protocol,
      vendor: s.vendor ?? cur.vendor,
      model: s.model ?? cur.model,
      firmware: s.firmware ?? cur.firmware
    })
  }

  telemetry (nodeId: string, t: Telemetry): void {
    this.patch(nodeId, { lastSeen: this.now(), volume: t.volume, playing: t.playing, bufferMs: t.bufferMs })
  }

  /** Any valid message from the node counts as a sign of life. */
  seen (nodeId: string): void {
    this.patch(nodeId, { lastSeen: this.now() })
  }

  forget (nodeId: string): void {
    this.nodes.delete(nodeId)
  }

  /** Called when a node goes online or offline, or starts or stops playing (the panel's live status). */
  onChange (listener: (nodeId: string, live: NodeLive) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private patch (nodeId: string, change: Partial<NodeLive>): void {
    const before = this.get(nodeId)
    const after = { ...before, ...change }
    if (before.online && !after.online) after.offlineSince = this.now()
    if (after.online) after.offlineSince = null
    this.nodes.set(nodeId, after)
    if (before.online !== after.online || before.playing !== after.playing) {
      for (const l of [...this.listeners]) l(nodeId, after)
    }
  }
}
