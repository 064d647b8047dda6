import { createReadStream } from 'node:fs'
import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { ErrorResponse, IdParams, newId, secured } from './common.js'
import { TtsInfo, type MediaRecord } from '../store/schema.js'

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
  createdAt: Type.String()
})

/** Media library: upload (probed, loudness-normalised, encoded to Opus), list, fetch, delete. */
const media: FastifyPluginAsyncTypebox = async app => {
  const { store, engine, library } = app
  const find = (id: string): MediaRecord => {
    const m = store.data.media.find(m => m.id === id)
    if (m === undefined) throw apiError('MEDIA_NOT_FOUND', { id })
    return m
  }

  app.get('/media', {
    schema: { tags, security: secured, summary: 'List media', response: { 200: Type.Object({ items: Type.Array(Media) }) } }
  }, async () => ({ items: store.data.media }))

  app.post('/media', {
    schema: {
      tags, security: secured, consumes: ['multipart/form-data'],
      summary: 'Upload an audio file (multipart field "file"); it is checked, normalised to -16 LUFS and encoded to Opus',
      response: { 201: Media, 400: ErrorResponse, 413: ErrorResponse, 415: ErrorResponse }
    }
  }, async (req, reply) => {
    if (!req.isMultipart()) throw apiError('MEDIA_FILE_MISSING')
    const file = await req.file()
    if (file === undefined || file.fieldname !== 'file') throw apiError('MEDIA_FILE_MISSING')
    const record = await library.ingest(newId('m'), file.filename, file.file)
    try {
      await store.update(db => { db.media.push(record) })
    } catch (err) {
      await library.remove(record)
      throw err
    }
    req.log.info({ mediaId: record.id, durationMs: record.durationMs }, 'media stored')
    return await reply.status(201).send(record)
  })

  app.get('/media/:id', {
    schema: { tags, security: secured, summary: 'Get one media item', params: IdParams, response: { 200: Media, 404: ErrorResponse } }
  }, async req => find(req.params.id))

  app.get('/media/:id/audio', {
    schema: { tags, security: secured, summary: 'Download the encoded audio (Ogg Opus)', params: IdParams }
  }, async (req, reply) => {
    const m = find(req.params.id)
    return await reply.type('audio/ogg').header('content-length', m.sizeBytes).send(createReadStream(library.filePath(m)))
  })

  app.delete('/media/:id', {
    schema: { tags, security: secured, summary: 'Delete media (refused while it is playing)', params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse } }
  }, async (req, reply) => {
    const m = find(req.params.id)
    const playing = engine.broadcastUsingMedia(m.id)
    if (playing !== undefined) throw apiError('MEDIA_IN_USE', { id: m.id, session: playing.id })
    const schedule = store.data.schedules.find(s => s.spec.playlist.includes(m.id))
    if (schedule !== undefined) throw apiError('MEDIA_USED_BY_SCHEDULE', { id: m.id, name: schedule.spec.name })
    await store.update(db => { db.media = db.media.filter(x => x.id !== m.id) })
    await library.remove(m)
    return await reply.status(204).send(null)
  })
}

export default media
