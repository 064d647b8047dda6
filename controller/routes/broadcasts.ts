import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { ErrorResponse, IdParams, secured } from './common.js'
import type { BroadcastRecord } from '../store/schema.js'
import { BroadcastView } from './broadcast-view.js'
import { RECENT_SIZE } from '../store/history.js'
import { nodeZones, resolveTargets } from '../engine/targets.js'
import { quietOverrideNow } from './quiet-check.js'
import { checkTargetsInScope, playableMedia } from './scope-check.js'
import type { Scope } from '../accounts/scope.js'

const tags = ['broadcasts']
const PlayBody = Type.Object({
  mediaId: Type.String({ minLength: 1 }),
  zones: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 500, uniqueItems: true })),
  nodes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 5000, uniqueItems: true })),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, default: 100, description: 'higher is more urgent; 200 and above is the emergency band' })),
  onInterrupt: Type.Optional(Type.Union([Type.Literal('resume'), Type.Literal('restart'), Type.Literal('cancel')], { default: 'resume', description: 'what a node does with this broadcast after a more urgent one cut it' })),
  maxWaitS: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, default: 300, description: 'how long to wait for a node busy with something more urgent before skipping it' })),
  chime: Type.Optional(Type.Boolean({ default: false, description: 'play the announcement chime first' })),
  quietOverride: Type.Optional(Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false, description: 'play inside quiet hours anyway; the reason is recorded' }))
}, { additionalProperties: false })

/**
 * "Play now" and the broadcast history with per-node delivery reports. A record is looked for where it lives
 * in its life: the engine while on air, the main file until it is moved, then the history (see
 * store/broadcasts.ts).
 */
const broadcasts: FastifyPluginAsyncTypebox = async app => {
  const { store, history, engine, library, config } = app
  /** A broadcast the caller may see: every zone and node it targets is in their area. */
  const visible = (scope: Scope, b: BroadcastRecord): boolean => scope.targets(b.targets)
  const find = async (scope: Scope, id: string): Promise<BroadcastRecord> => {
    const r = await findAny(id)
    if (!visible(scope, r)) throw apiError('BROADCAST_NOT_FOUND', { id })
    return r
  }
  const findAny = async (id: string): Promise<BroadcastRecord> => {
    const live = engine.get(id)
    if (live !== undefined) return live.snapshot()
    const stored = store.data.broadcasts.find(b => b.id === id)
    // A finished copy in the history wins over a stale one left in the main file by an interrupted move.
    if (stored !== undefined && stored.endedAt !== null) return stored
    const old = await history.find(id) ?? stored
    if (old === undefined) throw apiError('BROADCAST_NOT_FOUND', { id })
    return old
  }

  app.post('/broadcasts', {
    preHandler: app.requirePermission('broadcast.start'),
    schema: {
      tags, security: secured, summary: 'Play a media item now to zones and/or nodes', body: PlayBody,
      response: { 201: BroadcastView, 400: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse }
    }
  }, async (req, reply) => {
    const { mediaId, priority = 100, onInterrupt = 'resume', maxWaitS = 300 } = req.body
    const targets = { zones: req.body.zones ?? [], nodes: req.body.nodes ?? [] }
    const scope = req.scope()
    checkTargetsInScope(scope, targets)
    const media = playableMedia(store.data, scope, mediaId)
    const nodeIds = resolveTargets(store.data, targets)
    // The same rule as for schedules: nothing but an emergency wakes the commune, unless someone says why.
    const quietOverride = quietOverrideNow(config, priority, req.body.quietOverride)
    if (quietOverride !== undefined) req.log.warn({ reason: quietOverride.reason }, 'play-now inside quiet hours, overridden')
    const { frames: content, channels } = await library.frames(media, config.frameMs)
    const chime = req.body.chime === true ? await app.chimes.get('announce').catch(() => undefined) : undefined
    const frames = chime === undefined ? content : [...chime.frames, ...content]
    const b = await engine.start({
      origin: { kind: 'api', by: req.principal.name }, playlist: [mediaId], targets, nodeIds, frames, channels, durationMs: media.durationMs + (chime?.durationMs ?? 0),
      priority, onInterrupt, maxWaitMs: maxWaitS * 1000, nodeZones: nodeZones(store.data, nodeIds), quietOverride
    })
    req.log.info({ broadcast: b.id, mediaId, nodes: nodeIds.length }, 'broadcast started')
    await req.audited({ action: 'broadcast.start', target: { kind: 'broadcast', id: b.id, name: media.name }, before: null, after: { mediaId, targets, priority, quietOverride: quietOverride ?? null }, areas: scope.areasOfTargets(targets) })
    return await reply.status(201).send(b.snapshot())
  })

  app.get('/broadcasts', {
    schema: {
      tags, security: secured,
      summary: 'List recent broadcasts, newest first',
      description: `On air, plus the newest finished ones held in memory (the last ${RECENT_SIZE}); older ones are read by id or summed by /reports.`,
      querystring: Type.Object({
        state: Type.Optional(Type.String()),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 })
      }),
      response: { 200: Type.Object({ items: Type.Array(BroadcastView) }) }
    }
  }, async req => {
    const { state, limit } = req.query
    const scope = req.scope()
    const wanted = (b: BroadcastRecord): boolean => (state === undefined || b.state === state) && visible(scope, b)
    // Later sources win: the history's final copy over a stale one in the main file, the engine's over both.
    const all = new Map<string, BroadcastRecord>()
    for (const b of store.data.broadcasts) all.set(b.id, b)
    for (const b of history.recent(limit, wanted)) all.set(b.id, b)
    for (const b of engine.active()) all.set(b.id, b.snapshot())
    const items = [...all.values()]
      .filter(wanted)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, limit)
    return { items }
  })

  app.get('/broadcasts/:id', {
    schema: { tags, security: secured, summary: 'A broadcast with its per-node delivery report', params: IdParams, response: { 200: BroadcastView, 404: ErrorResponse } }
  }, async req => await find(req.scope(), req.params.id))

  app.post('/broadcasts/:id/stop', {
    preHandler: app.requirePermission('broadcast.start'),
    schema: { tags, security: secured, summary: 'Stop a broadcast on every node', params: IdParams, response: { 200: BroadcastView, 404: ErrorResponse, 409: ErrorResponse } }
  }, async req => {
    const scope = req.scope()
    const record = await find(scope, req.params.id)
    if (engine.get(record.id) === undefined || record.endedAt !== null) {
      throw apiError('BROADCAST_ENDED', { id: record.id, state: record.state })
    }
    await req.audited({ action: 'broadcast.stop', target: { kind: 'broadcast', id: record.id, name: record.mediaId }, before: { state: record.state }, after: { state: 'stopped' }, areas: scope.areasOfTargets(record.targets) })
    return await engine.stop(record.id, `stopped by ${req.principal.name}`) ?? await find(scope, record.id)
  })
}

export default broadcasts
