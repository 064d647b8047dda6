import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { ErrorResponse, IdParams, secured } from './common.js'
import type { BroadcastRecord } from '../store/schema.js'
import { BroadcastView } from './broadcast-view.js'
import { resolveTargets } from '../engine/targets.js'

const tags = ['broadcasts']
const PlayBody = Type.Object({
  mediaId: Type.String({ minLength: 1 }),
  zones: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 500, uniqueItems: true })),
  nodes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 5000, uniqueItems: true })),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, default: 100, description: 'higher is more urgent; 200 and above is the emergency band' })),
  onInterrupt: Type.Optional(Type.Union([Type.Literal('resume'), Type.Literal('restart'), Type.Literal('cancel')], { default: 'resume', description: 'what a node does with this broadcast after a more urgent one cut it' })),
  maxWaitS: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, default: 300, description: 'how long to wait for a node busy with something more urgent before skipping it' }))
}, { additionalProperties: false })

/** "Play now" and the broadcast history with per-node delivery reports. */
const broadcasts: FastifyPluginAsyncTypebox = async app => {
  const { store, engine, library, config } = app
  const find = (id: string): BroadcastRecord => {
    const live = engine.get(id)
    if (live !== undefined) return live.snapshot()
    const stored = store.data.broadcasts.find(b => b.id === id)
    if (stored === undefined) throw apiError('BROADCAST_NOT_FOUND', { id })
    return stored
  }

  app.post('/broadcasts', {
    schema: {
      tags, security: secured, summary: 'Play a media item now to zones and/or nodes', body: PlayBody,
      response: { 201: BroadcastView, 400: ErrorResponse, 404: ErrorResponse }
    }
  }, async (req, reply) => {
    const { mediaId, priority = 100, onInterrupt = 'resume', maxWaitS = 300 } = req.body
    const targets = { zones: req.body.zones ?? [], nodes: req.body.nodes ?? [] }
    const media = store.data.media.find(m => m.id === mediaId)
    if (media === undefined) throw apiError('MEDIA_NOT_FOUND', { id: mediaId })
    const nodeIds = resolveTargets(store.data, targets)
    const { frames, channels } = await library.frames(media, config.frameMs)
    const b = await engine.start({
      origin: { kind: 'api' }, playlist: [mediaId], targets, nodeIds, frames, channels, durationMs: media.durationMs,
      priority, onInterrupt, maxWaitMs: maxWaitS * 1000
    })
    req.log.info({ broadcast: b.id, mediaId, nodes: nodeIds.length }, 'broadcast started')
    return await reply.status(201).send(b.snapshot())
  })

  app.get('/broadcasts', {
    schema: {
      tags, security: secured, summary: 'List broadcasts, newest first',
      querystring: Type.Object({
        state: Type.Optional(Type.String()),
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 })
      }),
      response: { 200: Type.Object({ items: Type.Array(BroadcastView) }) }
    }
  }, async req => {
    const live = new Map(engine.active().map(b => [b.id, b.snapshot()]))
    const all = store.data.broadcasts.map(b => live.get(b.id) ?? b)
    for (const [id, s] of live) if (!all.some(b => b.id === id)) all.push(s)
    const items = all
      .filter(b => req.query.state === undefined || b.state === req.query.state)
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, req.query.limit)
    return { items }
  })

  app.get('/broadcasts/:id', {
    schema: { tags, security: secured, summary: 'A broadcast with its per-node delivery report', params: IdParams, response: { 200: BroadcastView, 404: ErrorResponse } }
  }, async req => find(req.params.id))

  app.post('/broadcasts/:id/stop', {
    schema: { tags, security: secured, summary: 'Stop a broadcast on every node', params: IdParams, response: { 200: BroadcastView, 404: ErrorResponse, 409: ErrorResponse } }
  }, async req => {
    const record = find(req.params.id)
    if (engine.get(record.id) === undefined || record.endedAt !== null) {
      throw apiError('BROADCAST_ENDED', { id: record.id, state: record.state })
    }
    return await engine.stop(record.id, 'stopped by staff') ?? find(record.id)
  })
}

export default broadcasts
