import { randomUUID } from 'node:crypto'
import { PROTOCOL_VERSION, nodeTopic, type Command, type Reply } from '../../protocol/index.js'
import type { BrokerLink } from '../broker/link.js'

/** A command without the envelope fields this bus fills in. */
export type CommandBody = Command extends infer C ? C extends Command ? Omit<C, 'v' | 'id'> : never : never

/**
 * Sends commands to nodes (QoS 1, so the broker retries over a flaky link) and matches each reply by the
 * command's id. A reply that never comes resolves to undefined after the timeout; callers decide what a
 * silent node means for them.
 */
export class CommandBus {
  private pending = new Map<string, { nodeId: string, resolve: (r: Reply | undefined) => void, timer: NodeJS.Timeout }>()

  constructor (private readonly link: BrokerLink) {}

  async send (nodeId: string, body: CommandBody, timeoutMs: number): Promise<Reply | undefined> {
    const id = randomUUID()
    const command = { v: PROTOCOL_VERSION, id, ...body } as Command
    const reply = new Promise<Reply | undefined>(resolve => {
      const timer = setTimeout(() => { this.pending.delete(id); resolve(undefined) }, timeoutMs)
      this.pending.set(id, { nodeId, resolve, timer })
    })
    try {
      await this.link.publish(nodeTopic(nodeId, 'cmd'), JSON.stringify(command), { qos: 1 })
    } catch {
      this.settle(id, undefined)
    }
    return await reply
  }

  /** Routes a node's reply; a reply from a node other than the one asked is ignored. */
  reply (nodeId: string, r: Reply): void {
    const p = this.pending.get(r.id)
    if (p?.nodeId === nodeId) this.settle(r.id, r)
  }

  close (): void {
    for (const id of [...this.pending.keys()]) this.settle(id, undefined)
  }

  private settle (id: string, r: Reply | undefined): void {
    const p = this.pending.get(id)
    if (p === undefined) return
    clearTimeout(p.timer)
    this.pending.delete(id)
    p.resolve(r)
  }
}
