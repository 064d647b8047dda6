import { rm } from 'node:fs/promises'
import path from 'node:path'
import Type from 'typebox'
import { newMediaFields } from '../media/approval.js'
import { auditMedia } from './media.js'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { EspeakEngine, TtsError, createTtsEngine, nameFromText, prepareText, type TtsEngine } from '../../audio/tts/index.js'
import { ApiError, apiError } from '../errors.js'
import { VOICE_PATTERN, type Config } from '../config.js'
import type { MediaLibrary } from '../media/library.js'
import { MediaRecord } from '../store/schema.js'
import { ErrorResponse, Name, newId, secured } from './common.js'

const tags = ['media']
/** The upload's response shape (the stored record without its file name), with `tts` filled in. */
const TtsMedia = Type.Omit(MediaRecord, ['file'])
const TtsBody = Type.Object({
  // No length bounds here: empty and oversized text get their own coded errors (prepareText).
  text: Type.String({ description: 'The notice to read out, in Vietnamese; stored NFC-normalised' }),
  voice: Type.Optional(Type.String({ pattern: VOICE_PATTERN, description: 'The engine\'s voice; LOA_TTS_VOICE if absent' })),
  name: Type.Optional(Name)
}, { additionalProperties: false })

export function ttsEngineFromConfig (config: Readonly<Config>): TtsEngine {
  if (config.ttsEngine === 'espeak') return createTtsEngine({ engine: 'espeak', espeakPath: config.espeakPath })
  return createTtsEngine({
    engine: 'http',
    url: config.ttsHttpUrl ?? '',
    key: config.ttsHttpKey,
    timeoutMs: config.ttsHttpTimeoutMs,
    maxBytes: config.maxUploadBytes
  })
}

export interface TextToMediaContext {
  engine: TtsEngine
  library: MediaLibrary
  config: Readonly<Config>
}

/**
 * Text to a media record, not yet stored: validate, synthesise into tmp/, then the upload pipeline (probe,
 * loudness, Opus) through the library's queue. Exported for the emergency button, which also speaks text.
 * Throws ApiError; the synthesised file is always removed, and the encoded one too on failure.
 */
export async function textToMedia (
  ctx: TextToMediaContext, input: { text: string, voice?: string, name?: string }, signal?: AbortSignal
): Promise<MediaRecord> {
  const { engine, library, config } = ctx
  const text = asApi(() => prepareText(input.text, config.ttsMaxChars))
  const voice = input.voice ?? config.ttsVoice ?? 'vi'
  const id = newId('m')
  const tmp = path.join(library.tmpDir, `${id}.tts`)
  try {
    await engine.synthesize(text, voice, tmp, signal).catch(err => { throw toApiError(err) })
    const record = await library.ingestFile(id, tmp, {
      name: input.name?.trim() ?? nameFromText(text),
      filename: `tts-${engine.name}`
    }).catch(err => { throw fromProbe(err, engine) })
    return { ...record, tts: { text, engine: engine.name, voice } }
  } finally {
    await rm(tmp, { force: true })
  }
}

function asApi<T> (f: () => T): T {
  try {
    return f()
  } catch (err) {
    throw toApiError(err)
  }
}

function toApiError (err: unknown): unknown {
  return err instanceof TtsError ? apiError(err.code, { detail: err.message, ...err.details }) : err
}

/** Audio the probe refuses came from the engine, not from the clerk: a 502 with the probe's reason. */
function fromProbe (err: unknown, engine: TtsEngine): unknown {
  if (err instanceof ApiError && (err.code === 'AUDIO_NOT_DECODABLE' || err.code === 'AUDIO_EMPTY')) {
    return apiError('TTS_ENGINE_FAILED', { detail: `the ${engine.name} engine gave no usable audio. ${err.message}` })
  }
  return err
}

/** POST /media/tts: a typed notice becomes a media item, stored like an upload. */
const tts: FastifyPluginAsyncTypebox = async app => {
  const { store, library, config } = app
  const engine = ttsEngineFromConfig(config)
  // Requests still running at shutdown (a slow HTTP service) are cut, so closing never waits on them.
  const closing = new AbortController()
  app.addHook('onClose', async () => { closing.abort() })
  if (engine instanceof EspeakEngine && await engine.locate() === undefined) {
    // Not fatal: everything else works, and each TTS request says what to install (TTS_ENGINE_MISSING).
    app.log.warn({ espeakPath: config.espeakPath }, 'text-to-speech is off: espeak-ng not found; install the Debian package espeak-ng')
  }

  app.post('/media/tts', {
    preHandler: app.requirePermission('media.write'),
    schema: {
      tags, security: secured, body: TtsBody,
      summary: 'Read a text out (text-to-speech) into a media item, normalised and encoded like an upload',
      response: { 201: TtsMedia, 400: ErrorResponse, 413: ErrorResponse, 502: ErrorResponse, 503: ErrorResponse, 504: ErrorResponse }
    }
  }, async (req, reply) => {
    const record: MediaRecord = { ...await textToMedia({ engine, library, config }, req.body, closing.signal), ...newMediaFields(req.principal) }
    try {
      await store.update(db => { db.media.push(record) })
    } catch (err) {
      await library.remove(record)
      throw err
    }
    req.log.info({ mediaId: record.id, durationMs: record.durationMs, engine: engine.name, chars: record.tts?.text.length }, 'text-to-speech media stored')
    await auditMedia(req, 'media.create', null, record)
    return await reply.status(201).send(record)
  })
}

export default tts
