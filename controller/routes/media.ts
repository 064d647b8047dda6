import { createReadStream } from 'node:fs'
import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { ErrorResponse, IdParams, newId, secured } from './common.js'
import { MediaRecord as MediaSchema, TtsInfo, type MediaRecord } from '../store/schema.js'
import type { FastifyRequest } from 'fastify'
import type { Scope } from '../accounts/scope.js'
import { newMediaFields } from '../media/approval.js'
import { byteRange } from './byte-range.js'

const tags = ['media']
const Media = Type.Object({
  id: Type.String(),
  name: Type.String(),
  durationMs: Type.Integer(),
  sizeBytes: Type.Integer(),
  codec: Type.String(),
  bitrateKbps: Type.Integer(),
  loudnessLufs: Type.Number(),
  source: Type.Object({
    filename: Type.String(), sizeBytes: Type.Integer(), codec: Type.String(), sampleRate: Type.Integer(),
    channels: Type.Integer(), durationMs: Type.Integer()
  }),
  tts: Type.Optional(TtsInfo),
  approval: MediaSchema.properties.approval,
  createdBy: Type.Optional(Type.String()),
  areaId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  createdAt: Type.String()
})
const Decision = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false })

/** An audit entry about a media item, filed under its area. */
export async function auditMedia (req: FastifyRequest, action: string, before: MediaRecord | null, after: MediaRecord | null): Promise<void> {
  const m = (after ?? before) as MediaRecord
  await req.audited({ action, target: { kind: 'media', id: m.id, name: m.name }, before, after, areas: m.areaId === null || m.areaId === undefined ? [] : [m.areaId] })
}

/**
 * Media library: upload (probed, loudness-normalised, encoded to Opus), list, fetch, approve, delete. What an
 * operator uploads waits for an approver (see media/approval.ts); an item is seen in its area, below it and
 * above it.
 */
const media: FastifyPluginAsyncTypebox = async app => {
  const { store, engine, library } = app
  const write = { preHandler: app.requirePermission('media.write') }
  const approve = { preHandler: app.requirePermission('media.approve') }
  const find = (scope: Scope, id: string): MediaRecord => {
    const m = store.data.media.find(m => m.id === id)
    if (m === undefined || !scope.media(m)) throw apiError('MEDIA_NOT_FOUND', { id })
    return m
  }
  /** A province's bulletin is seen by every commune, but only the province decides on it or deletes it. */
  const owned = (scope: Scope, id: string): MediaRecord => {
    const m = find(scope, id)
    if (!scope.ownsMedia(m)) throw apiError('MEDIA_NOT_FOUND', { id })
    return m
  }

  app.get('/media', {
    schema: {
      tags, security: secured, summary: 'List the media of your area',
      querystring: Type.Object({ approval: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('approved'), Type.Literal('rejected')])) }),
      response: { 200: Type.Object({ items: Type.Array(Media) }) }
    }
  }, async req => {
    const scope = req.scope()
    const wanted = req.query.approval
    return { items: store.data.media.filter(m => scope.media(m) && (wanted === undefined || (m.approval?.state ?? 'approved') === wanted)) }
  })

  app.post('/media', {
    ...write,
    schema: {
      tags, security: secured, consumes: ['multipart/form-data'],
      summary: 'Upload an audio file (multipart field "file"); it is checked, normalised to -16 LUFS and encoded to Opus',
      response: { 201: Media, 400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse }
    }
  }, async (req, reply) => {
    if (!req.isMultipart()) throw apiError('MEDIA_FILE_MISSING')
    const file = await req.file()
    if (file === undefined || file.fieldname !== 'file') throw apiError('MEDIA_FILE_MISSING')
    const record: MediaRecord = { ...await library.ingest(newId('m'), file.filename, file.file), ...newMediaFields(req.principal) }
    try {
      await store.update(db => { db.media.push(record) })
    } catch (err) {
      await library.remove(record)
      throw err
    }
    req.log.info({ mediaId: record.id, durationMs: record.durationMs }, 'media stored')
    await auditMedia(req, 'media.create', null, record)
    return await reply.status(201).send(record)
  })

  app.get('/media/:id', {
    schema: { tags, security: secured, summary: 'Get one media item', params: IdParams, response: { 200: Media, 404: ErrorResponse } }
  }, async req => find(req.scope(), req.params.id))

  app.get('/media/:id/audio', {
    schema: { tags, security: secured, summary: 'Download the encoded audio (Ogg Opus)', params: IdParams }
  }, async (req, reply) => {
    const m = find(req.scope(), req.params.id)
    // Ranges let the panel's preview player show the length and seek.
    reply.type('audio/ogg').header('accept-ranges', 'bytes')
    const range = byteRange(req.headers.range, m.sizeBytes)
    if (range === 'unsatisfiable') return await reply.status(416).header('content-range', `bytes */${m.sizeBytes}`).send()
    if (range === null) return await reply.header('content-length', m.sizeBytes).send(createReadStream(library.filePath(m)))
    return await reply.status(206)
      .header('content-range', `bytes ${range.start}-${range.end}/${m.sizeBytes}`)
      .header('content-length', range.end - range.start + 1)
      .send(createReadStream(library.filePath(m), { start: range.start, end: range.end }))
  })

  for (const [verb, state] of [['approve', 'approved'], ['reject', 'rejected']] as const) {
    app.post(`/media/:id/${verb}`, {
      ...approve,
      schema: { tags, security: secured, summary: verb === 'approve' ? 'Approve an item so it may be played and scheduled' : 'Reject an item (with a note saying why)', params: IdParams, body: Decision, response: { 200: Media, 404: ErrorResponse } }
    }, async req => {
      const before = owned(req.scope(), req.params.id)
      const after = await store.update(db => {
        const m = db.media.find(x => x.id === before.id)
        if (m === undefined) throw apiError('MEDIA_NOT_FOUND', { id: before.id })
        m.approval = { state, by: req.principal.name, at: new Date().toISOString(), ...(req.body.note !== undefined ? { note: req.body.note } : {}) }
        return { ...m }
      })
      await auditMedia(req, `media.${verb}`, before, after)
      return after
    })
  }

  app.delete('/media/:id', {
    ...write,
    schema: { tags, security: secured, summary: 'Delete media (refused while it is playing)', params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse } }
  }, async (req, reply) => {
    const scope = req.scope()
    const m = owned(scope, req.params.id)
    const playing = engine.broadcastUsingMedia(m.id)
    if (playing !== undefined) throw apiError('MEDIA_IN_USE', { id: m.id, session: playing.id })
    const schedule = store.data.schedules.find(s => s.spec.playlist.includes(m.id))
    // Another area's schedule is not named to this user.
    if (schedule !== undefined) throw apiError('MEDIA_USED_BY_SCHEDULE', { id: m.id, name: scope.schedule(schedule) ? schedule.spec.name : '…' })
    await store.update(db => { db.media = db.media.filter(x => x.id !== m.id) })
    await library.remove(m)
    await auditMedia(req, 'media.delete', m, null)
    return await reply.status(204).send(null)
  })
}

export default media
