import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ErrorResponse, secured } from './common.js'
import { BroadcastView } from './broadcast-view.js'
import { quietOverrideNow } from './quiet-check.js'
import { startRelayBroadcast } from '../sources/relay-broadcast.js'
import { checkTargetsInScope } from './scope-check.js'

export const RELAY_MAX_S = 6 * 3600

const Body = Type.Object({
  url: Type.String({ minLength: 1, maxLength: 2000, description: 'an http:// or https:// stream (Icecast, Shoutcast, a plain MP3/Ogg stream)' }),
  durationS: Type.Integer({ minimum: 1, maximum: RELAY_MAX_S, description: 'how long to relay' }),
  zones: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 500, uniqueItems: true })),
  nodes: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 5000, uniqueItems: true })),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, default: 100 })),
  onInterrupt: Type.Optional(Type.Union([Type.Literal('resume'), Type.Literal('cancel')], { description: 'after a more urgent broadcast: rejoin the relay where it is then (resume, default), or not' })),
  maxWaitS: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600, default: 300 })),
  volume: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  quietOverride: Type.Optional(Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }))
}, { additionalProperties: false })

/** Relay an external stream now, for a duration; schedules relay with `relay` in their spec. */
const relay: FastifyPluginAsyncTypebox = async app => {
  app.post('/relay', {
    preHandler: app.requirePermission('relay.start'),
    schema: {
      tags: ['broadcasts'], security: secured, summary: 'Relay an external radio stream now, for a duration',
      body: Body, response: { 201: BroadcastView, 400: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse }
    }
  }, async (req, reply) => {
    const { priority = 100 } = req.body
    const quietOverride = quietOverrideNow(app.config, priority, req.body.quietOverride)
    const scope = req.scope()
    const targets = { zones: req.body.zones ?? [], nodes: req.body.nodes ?? [] }
    checkTargetsInScope(scope, targets)
    const b = await startRelayBroadcast(app, {
      url: req.body.url, durationMs: req.body.durationS * 1000, priority, origin: { kind: 'api', by: req.principal.name },
      targets, onInterrupt: req.body.onInterrupt ?? 'resume',
      maxWaitMs: (req.body.maxWaitS ?? 300) * 1000, quietOverride, volume: req.body.volume
    })
    await req.audited({ action: 'relay.start', target: { kind: 'broadcast', id: b.id, name: 'relay' }, before: null, after: { url: b.req.source?.url, durationS: req.body.durationS, targets, priority }, areas: scope.areasOfTargets(targets) })
    return await reply.status(201).send(b.snapshot())
  })
}

export default relay
