import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { MediaFrame } from '../../audio/index.js'
import { LEVEL_PRIORITY } from '../../schedules/index.js'
import { apiError } from '../errors.js'
import { ErrorResponse, secured } from './common.js'
import { BroadcastView } from './broadcast-view.js'
import { nodeZones, resolveTargets } from '../engine/targets.js'
import { textToMedia, ttsEngineFromConfig } from './tts.js'
import type { MediaRecord } from '../store/schema.js'
import { checkTargetsInScope } from './scope-check.js'
import { isApproved, newMediaFields } from '../media/approval.js'

const Body = Type.Object({
  mediaId: Type.Optional(Type.String({ minLength: 1, description: 'a recorded warning' })),
  text: Type.Optional(Type.String({ description: 'or a text to read out (text-to-speech)' })),
  voice: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  zones: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 500, uniqueItems: true, description: 'default: every zone' })),
  repeat: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, description: 'default LOA_EMERGENCY_REPEAT' })),
  chime: Type.Optional(Type.Boolean({ default: true, description: 'the emergency chime first' }))
}, { additionalProperties: false })

/** Longest an emergency waits for its chime (only when the chimes were not warmed at start). */
const CHIME_WAIT_MS = 200

const Answer = Type.Object({
  broadcast: BroadcastView,
  recorded: Type.Boolean({ description: 'false when the data file could not be written: the warning plays anyway' }),
  warnings: Type.Array(Type.String())
})

/**
 * The emergency button: one call plays a warning to every chosen zone (default all) at emergency priority,
 * pre-empting whatever plays (which resumes afterwards, per its own policy), after the emergency chime, at the
 * emergency volume, repeated. A second emergency queues behind the first instead of cutting it.
 * It does not depend on the disk: the chime is in memory, media frames are read (not written), and a data
 * file that cannot be written is reported in the answer while the warning plays.
 */
const emergency: FastifyPluginAsyncTypebox = async app => {
  const { store, engine, library, chimes, config } = app
  const ttsEngine = ttsEngineFromConfig(config)

  app.post('/emergency', {
    preHandler: app.requirePermission('emergency.start'),
    schema: {
      tags: ['emergency'], security: secured, summary: 'Play an emergency warning now, everywhere or to chosen zones',
      body: Body, response: { 201: Answer, 400: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse }
    }
  }, async (req, reply) => {
    const { mediaId, text, chime = true } = req.body
    if ((mediaId === undefined) === (text === undefined)) throw apiError('EMERGENCY_CONTENT', {})
    const scope = req.scope()
    // Everywhere means every zone of the caller's area; a zone outside it is not found.
    const zones = req.body.zones ?? scope.zoneIds()
    checkTargetsInScope(scope, { zones, nodes: [] })
    const nodeIds = resolveTargets(store.data, { zones, nodes: [] })
    const warnings: string[] = []
    let media: MediaRecord | undefined
    if (mediaId !== undefined) {
      // Exempt from approval: a warning cannot wait for a leader to click (the audit records it).
      media = store.data.media.find(m => m.id === mediaId)
      if (media === undefined || !scope.media(media)) throw apiError('MEDIA_NOT_FOUND', { id: mediaId })
    } else {
      media = { ...await textToMedia({ engine: ttsEngine, library, config }, { text: text ?? '', voice: req.body.voice, name: 'Cảnh báo khẩn cấp' }), ...newMediaFields(req.principal) }
    }
    const { frames, channels } = await library.frames(media, config.frameMs)
    const repeat = req.body.repeat ?? config.emergencyRepeat
    const programme: MediaFrame[] = []
    let durationMs = media.durationMs * repeat
    if (chime) {
      // The chime is in memory once warmed; it never holds the warning back for more than a moment.
      const c = await Promise.race([
        chimes.get('emergency').catch(() => undefined),
        new Promise<undefined>(resolve => setTimeout(() => resolve(undefined), CHIME_WAIT_MS).unref())
      ])
      if (c === undefined) warnings.push('the emergency chime is not available; the warning plays without it')
      else { programme.push(...c.frames); durationMs += c.durationMs }
    }
    for (let i = 0; i < repeat; i++) programme.push(...frames)
    const b = await engine.start({
      origin: { kind: 'emergency', by: req.principal.name }, playlist: [media.id], targets: { zones, nodes: [] }, nodeIds,
      nodeZones: nodeZones(store.data, nodeIds), frames: programme, channels, durationMs,
      priority: LEVEL_PRIORITY.emergency, onInterrupt: 'resume', maxWaitMs: 3600_000,
      leadMs: config.emergencyLeadMs, volume: config.emergencyVolume
    })
    // The audit trail: who, when, what, where, in the log even if the data file is broken.
    req.log.warn({ broadcast: b.id, by: req.principal.name, ip: req.ip, userAgent: req.headers['user-agent'], media: media.id, zones, nodes: nodeIds.length }, 'EMERGENCY broadcast started')
    if (text !== undefined) {
      // Saved to the library after it is on air: a slow disk must not delay the warning.
      const spoken = media
      await store.update(db => { db.media.push(spoken) }).catch(() => warnings.push('the spoken warning could not be saved to the media library'))
    }
    const recorded = await store.update(() => undefined).then(() => true, () => false)
    await req.audited({
      action: 'emergency.start', target: { kind: 'broadcast', id: b.id, name: media.name },
      before: null, after: { mediaId: media.id, text: text ?? null, zones, nodes: nodeIds.length, approved: isApproved(media), recorded },
      areas: scope.areasOfZones(zones)
    })
    if (!recorded) {
      warnings.push('the data file could not be written: this emergency is not recorded there (it is in the log)')
      req.log.error({ broadcast: b.id }, 'emergency broadcast could not be recorded in the data file')
    }
    return await reply.status(201).send({ broadcast: b.snapshot(), recorded, warnings })
  })
}

export default emergency
