import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { ServerResponse } from 'node:http'
import type { NodeLive } from '../nodes/presence.js'
import type { BroadcastRecord } from '../store/schema.js'
import { Scope } from '../accounts/scope.js'

const HEARTBEAT_MS = 25_000

/**
 * Live status for the panel as Server-Sent Events (GET /api/v1/events): `node` when a speaker goes online or
 * offline or starts or stops playing, `broadcast` when a broadcast changes state. Each stream sees only its
 * user's area. A comment every 25 s keeps proxies from closing an idle stream; the browser's EventSource
 * reconnects by itself after a drop.
 */
const events: FastifyPluginAsyncTypebox = async app => {
  const open = new Set<ServerResponse>()
  // Before the server closes (it waits for open requests): end every stream.
  app.addHook('preClose', async () => { for (const res of open) res.end() })

  app.get('/events', {
    schema: { tags: ['system'], summary: 'Live status as Server-Sent Events (node, broadcast)', hide: false }
  }, async (req, reply) => {
    const principal = req.principal
    const res = reply.raw
    reply.hijack()
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    const send = (event: string, data: unknown): void => { res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`) }
    const onNode = (id: string, live: NodeLive): void => {
      if (!new Scope(app.store.data, principal).node(id)) return
      send('node', { id, online: live.online, playing: live.playing, lastSeen: live.lastSeen === null ? null : new Date(live.lastSeen).toISOString() })
    }
    const onBroadcast = (r: BroadcastRecord): void => {
      if (!new Scope(app.store.data, principal).targets(r.targets)) return
      send('broadcast', { id: r.id, state: r.state, endReason: r.endReason, targets: r.targets, origin: r.origin })
    }
    app.changes.on('node', onNode)
    app.changes.on('broadcast', onBroadcast)
    const beat = setInterval(() => res.write(': beat\n\n'), HEARTBEAT_MS)
    open.add(res)
    const close = (): void => {
      clearInterval(beat)
      app.changes.off('node', onNode)
      app.changes.off('broadcast', onBroadcast)
      open.delete(res)
    }
    res.on('close', close)
    send('hello', { at: new Date().toISOString() })
  })
}

export default events
