import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { formatLocal, nextFireTimes } from '../../schedules/index.js'

const Alert = Type.Object({
  kind: Type.Union([Type.Literal('offline'), Type.Literal('silent')]),
  nodeId: Type.String(),
  name: Type.String(),
  since: Type.Union([Type.String(), Type.Null()]),
  detail: Type.String()
})
const Dashboard = Type.Object({
  nodes: Type.Object({ total: Type.Integer(), online: Type.Integer(), offline: Type.Integer(), playing: Type.Integer() }),
  playing: Type.Array(Type.Object({ id: Type.String(), state: Type.String(), origin: Type.String(), name: Type.String(), nodes: Type.Integer(), zones: Type.Array(Type.String()), startAt: Type.Union([Type.String(), Type.Null()]) })),
  upcoming: Type.Array(Type.Object({ scheduleId: Type.String(), name: Type.String(), at: Type.String(), local: Type.String(), zones: Type.Array(Type.String()) })),
  alerts: Type.Array(Alert),
  offlineAlertMin: Type.Integer()
})

/** A node offline this long is an alert on the dashboard. */
const OFFLINE_ALERT_MIN = 10
/** Broadcasts looked at for speakers that stayed silent when they should have played. */
const SILENT_WINDOW_MS = 24 * 3600_000

/**
 * The dashboard in one call: how many speakers are up, what plays where, what plays next, and what needs
 * someone's attention (a speaker offline for over ten minutes, or one that stayed silent in a broadcast
 * meant for it in the last day). Only the caller's area.
 */
const dashboard: FastifyPluginAsyncTypebox = async app => {
  const startedAt = Date.now()
  app.get('/dashboard', {
    schema: { tags: ['system'], summary: 'Counts, what plays now, the next broadcasts and alerts, for your area', response: { 200: Dashboard } }
  }, async req => {
    const scope = req.scope()
    const { store, presence, engine, history, config } = app
    const now = app.now()
    const nodes = store.data.nodes.filter(n => scope.node(n.id))
    const live = nodes.map(n => ({ n, p: presence.get(n.id) }))
    const zoneName = (id: string): string => store.data.zones.find(z => z.id === id)?.name ?? id
    const mediaName = (id: string): string => store.data.media.find(m => m.id === id)?.name ?? id
    const playing = engine.active().map(b => b.snapshot()).filter(b => b.endedAt === null && scope.targets(b.targets)).map(b => ({
      id: b.id, state: b.state, origin: b.origin.kind, nodes: b.delivery.filter(d => d.status === 'playing').length,
      name: b.source?.kind === 'live' ? 'live' : b.source?.kind === 'relay' ? (b.source.url ?? 'relay') : mediaName(b.mediaId),
      zones: b.targets.zones.map(zoneName), startAt: b.startAt
    }))
    const upcoming = store.data.schedules.filter(s => s.spec.enabled && scope.schedule(s))
      .flatMap(s => nextFireTimes(s.spec, new Date(now), 3).map(at => ({ scheduleId: s.id, name: s.spec.name, at: at.toISOString(), local: formatLocal(at, config.timeZone), zones: s.spec.targets.zones.map(zoneName) })))
      .sort((a, b) => a.at.localeCompare(b.at)).slice(0, 8)
    const alerts: Array<{ kind: 'offline' | 'silent', nodeId: string, name: string, since: string | null, detail: string }> = []
    for (const { n, p } of live) {
      if (p.online) continue
      const since = p.offlineSince ?? (p.lastSeen ?? startedAt)
      if (now - since >= OFFLINE_ALERT_MIN * 60_000) alerts.push({ kind: 'offline', nodeId: n.id, name: n.name, since: new Date(since).toISOString(), detail: `${Math.round((now - since) / 60_000)} min` })
    }
    const silent = new Map<string, { at: string, detail: string }>()
    for (const b of history.recent(200, r => Date.parse(r.createdAt) >= now - SILENT_WINDOW_MS)) {
      for (const d of b.delivery) {
        if (!scope.node(d.nodeId) || !['offline', 'no_report', 'missed', 'refused'].includes(d.status)) continue
        if (!silent.has(d.nodeId)) silent.set(d.nodeId, { at: b.createdAt, detail: d.status })
      }
    }
    for (const [nodeId, s] of silent) {
      const n = nodes.find(x => x.id === nodeId)
      if (n !== undefined && !alerts.some(a => a.nodeId === nodeId)) alerts.push({ kind: 'silent', nodeId, name: n.name, since: s.at, detail: s.detail })
    }
    return {
      nodes: { total: nodes.length, online: live.filter(x => x.p.online).length, offline: live.filter(x => !x.p.online).length, playing: live.filter(x => x.p.online && (x.p.playing !== null || engine.broadcastOfNode(x.n.id) !== undefined)).length },
      playing, upcoming, alerts, offlineAlertMin: OFFLINE_ALERT_MIN
    }
  })
}

export default dashboard
