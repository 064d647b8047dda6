import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { AuditEntry } from '../audit/log.js'

const Query = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 40, description: 'YYYY-MM-DD (local to the controller) or an ISO time' })),
  to: Type.Optional(Type.String({ maxLength: 40 })),
  actor: Type.Optional(Type.String({ maxLength: 100, description: 'a username' })),
  action: Type.Optional(Type.String({ maxLength: 60, description: 'exact, or a prefix ending in "." such as "media."' })),
  targetId: Type.Optional(Type.String({ maxLength: 100 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  before: Type.Optional(Type.String({ maxLength: 40, description: 'the `next` cursor of the previous page' }))
}, { additionalProperties: false })

/** The audit trail, newest first, filtered; a user of an area sees the entries about that area only. */
const audit: FastifyPluginAsyncTypebox = async app => {
  app.get('/audit', {
    preHandler: app.requirePermission('audit.read'),
    schema: {
      tags: ['accounts'], summary: 'The audit log: who changed what, when, before and after', querystring: Query,
      response: { 200: Type.Object({ items: Type.Array(AuditEntry), next: Type.Union([Type.String(), Type.Null()]), skipped: Type.Integer() }) }
    }
  }, async req => {
    try {
      return await app.audit.query({ ...req.query, areas: req.scope().auditAreas })
    } catch (err) {
      if (err instanceof RangeError) throw apiError('VALIDATION_FAILED', { detail: err.message })
      throw err
    }
  })
}

export default audit
