import fp from 'fastify-plugin'
import multipart from '@fastify/multipart'
import type { FastifyInstance } from 'fastify'
import { DEFAULT_AUDIO_SETTINGS, resolveFfmpegPath } from '../../audio/index.js'
import { MediaLibrary } from '../media/library.js'
import { Chimes } from '../media/chimes.js'

declare module 'fastify' {
  interface FastifyInstance {
    library: MediaLibrary
    chimes: Chimes
  }
}

/** The media library and the multipart parser, limited to one file of the configured size per request. */
export default fp(async (app: FastifyInstance) => {
  const { config } = app
  const library = new MediaLibrary(config.dataDir, Object.freeze({
    ...DEFAULT_AUDIO_SETTINGS,
    ffmpegPath: await resolveFfmpegPath(config.ffmpegPath),
    maxBytes: config.maxUploadBytes,
    maxDurationS: config.maxDurationS,
    bitrateKbps: config.bitrateKbps,
    loudnessLufs: config.loudnessLufs,
    frameMs: config.frameMs
  }))
  await library.init()
  await app.register(multipart, { limits: { fileSize: config.maxUploadBytes, files: 1, fields: 10, parts: 12 } })
  app.decorate('library', library)
  const chimes = new Chimes(library.settings, {
    ...(config.chimeFile !== undefined ? { announce: config.chimeFile } : {}),
    ...(config.emergencyChimeFile !== undefined ? { emergency: config.emergencyChimeFile } : {})
  })
  app.decorate('chimes', chimes)
  // server.ts warms the chimes once listening; otherwise the first chime request encodes them. A close
  // waits for an encode in progress, so its temp folder is always removed.
  app.addHook('onClose', async () => { await chimes.settled() })
}, { name: 'loa-media', dependencies: ['loa-store'] })
