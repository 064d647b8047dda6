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
    const sessionId = req.session?.id
    const res = reply.raw
    // What this stream may see, worked out again only when the store has changed (not per event).
    let seen: { data: unknown, scope: Scope } | undefined
    const scope = (): Scope => {
      if (seen?.data !== app.store.data) seen = { data: app.store.data, scope: new Scope(app.store.data, principal) }
      return seen.scope
    }
    /** A stream of a session that ended (logout, disabled, deleted, new password) closes. */
    const valid = (): boolean => {
      if (sessionId === undefined) return true
      const s = app.sessions.get(sessionId)
      const u = app.store.data.users.find(x => x.id === principal.id)
      return s !== undefined && u !== undefined && !u.disabled && u.role === principal.role && u.areaId === principal.areaId
    }
    reply.hijack()
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' })
    const send = (event: string, data: unknown): void => {
      if (!valid()) { res.end(); return }
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    }
    const onNode = (id: string, live: NodeLive): void => {
      if (!scope().node(id)) return
      send('node', { id, online: live.online, playing: live.playing, lastSeen: live.lastSeen === null ? null : new Date(live.lastSeen).toISOString() })
    }
    const onBroadcast = (r: BroadcastRecord): void => {
      if (!scope().targets(r.targets)) return
      send('broadcast', { id: r.id, state: r.state, endReason: r.endReason, targets: r.targets, origin: r.origin })
    }
    app.changes.on('node', onNode)
    app.changes.on('broadcast', onBroadcast)
    const beat = setInterval(() => { if (valid()) res.write(': beat\n\n'); else res.end() }, HEARTBEAT_MS)
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
