import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ScheduleSpec, withDefaults, type ScheduleSpecInput } from '../../schedules/index.js'
import { apiError } from '../errors.js'
import { ErrorResponse, IdParams, newId, secured } from './common.js'
import { ScheduleRecord, type ScheduleRecord as Stored } from '../store/schema.js'
import { checkReferences, review } from '../scheduler/checks.js'
import type { FastifyRequest } from 'fastify'
import type { Scope } from '../accounts/scope.js'
import { checkTargetsInScope, playableMedia } from './scope-check.js'
import { can } from '../accounts/permissions.js'
import { actionText } from '../accounts/action-text.js'
import { redactUrl } from '../sources/relay.js'

const tags = ['schedules']
const Fire = Type.Object({ at: Type.String(), local: Type.String() })
const Conflict = Type.Object({
  scheduleId: Type.String(), scheduleName: Type.String(), at: Type.String(), candidateAt: Type.String(), otherAt: Type.String(),
  sharedZones: Type.Array(Type.String()), sharedNodes: Type.Array(Type.String()),
  winner: Type.Union([Type.Literal('candidate'), Type.Literal('other'), Type.Literal('queued')])
})
const ReviewView = {
  nextFireTimes: Type.Array(Fire),
  quiet: Type.Union([Type.Object({ at: Type.String(), local: Type.String(), message: Type.String() }), Type.Null()]),
  conflicts: Type.Array(Conflict, { description: 'overlaps with other schedules on a common zone or node, and who wins' }),
  priority: Type.Integer()
}
const Saved = Type.Object({ schedule: ScheduleRecord, ...ReviewView })
const Count = Type.Object({ count: Type.Integer({ minimum: 1, maximum: 100, default: 10 }) })
const errors = { 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 422: ErrorResponse }

/**
 * Schedules: create, list, get, replace, enable/disable, delete, and preview a draft. Every save is checked
 * (recurrence, zone, window, references), refused inside quiet hours unless overridden with a reason, and
 * answered with the next fire times and the conflicts with other schedules.
 */
const schedules: FastifyPluginAsyncTypebox = async app => {
  const { store, scheduler, config } = app
  const quiet = { start: config.quietStart, end: config.quietEnd }
  const now = (): Date => new Date()
  const write = { preHandler: app.requirePermission('schedule.write') }
  const find = (scope: Scope, id: string): Stored => {
    const s = store.data.schedules.find(x => x.id === id)
    if (s === undefined || !scope.schedule(s)) throw apiError('SCHEDULE_NOT_FOUND', { id })
    return s
  }
  const audit = async (req: FastifyRequest, action: string, before: Stored | null, after: Stored | null): Promise<void> => {
    const x = (after ?? before) as Stored
    const scope = req.scope()
    const areas = [...new Set([before, after].flatMap(r => r === null ? [] : scope.areasOfTargets(r.spec.targets)))]
    // The audit keeps a relay's address without its password or listener key.
    const safe = (r: Stored | null): Stored | null => r === null || r.spec.relay === undefined ? r : { ...r, spec: { ...r.spec, relay: { ...r.spec.relay, url: redactUrl(r.spec.relay.url) } } }
    await req.audited({ action, target: { kind: 'schedule', id: x.id, name: x.spec.name }, before: safe(before), after: safe(after), areas })
  }

  /** A clash with another area's schedule is still shown (it decides who plays), but not whose it is. */
  const visibleReview = (scope: Scope, r: ReturnType<typeof review>): ReturnType<typeof review> => ({
    ...r,
    conflicts: r.conflicts.map(c => {
      const other = store.data.schedules.find(x => x.id === c.scheduleId)
      return other !== undefined && scope.schedule(other) ? c : { ...c, scheduleId: '', scheduleName: '…' }
    })
  })

  /** Validates a body for saving; returns the full spec, its review, and the override to record. */
  function prepare (scope: Scope, body: ScheduleSpecInput, self?: string): { spec: ReturnType<typeof withDefaults>, r: ReturnType<typeof review>, override: Stored['quietOverride'] } {
    const spec = withDefaults(body)
    checkTargetsInScope(scope, spec.targets)
    // A relayed stream is content nobody approved: only those who approve content may put one on the programme.
    if (spec.relay !== undefined && !can(scope.principal.role, 'relay.start')) {
      const text = actionText('relay.start')
      throw apiError('FORBIDDEN', { role: scope.principal.role, action: text.en, actionVi: text.vi })
    }
    checkReferences(store.data, spec, now())
    // Only approved content of the caller's area is put on the programme.
    for (const id of spec.playlist) playableMedia(store.data, scope, id)
    const r = visibleReview(scope, review(store.data, spec, self, quiet, now(), 10, config.timeZone))
    if (r.quiet !== null && spec.quietOverride === undefined) {
      throw apiError('QUIET_HOURS', { detail: r.quiet.message, quiet: `${quiet.start}-${quiet.end}`, local: r.quiet.local })
    }
    const override = r.quiet !== null && spec.quietOverride !== undefined
      ? { reason: spec.quietOverride.reason, at: now().toISOString(), firstQuietFire: r.quiet.at }
      : null
    return { spec, r, override }
  }

  app.get('/schedules', {
    schema: { tags, security: secured, summary: 'List the schedules of your area', response: { 200: Type.Object({ items: Type.Array(ScheduleRecord) }) } }
  }, async req => {
    const scope = req.scope()
    return { items: store.data.schedules.filter(s => scope.schedule(s)) }
  })

  app.post('/schedules', {
    ...write,
    schema: { tags, security: secured, summary: 'Create a schedule', body: ScheduleSpec, response: { 201: Saved, ...errors } }
  }, async (req, reply) => {
    const { spec, r, override } = prepare(req.scope(), req.body)
    const t = now().toISOString()
    const record: Stored = { id: newId('s'), spec, createdAt: t, updatedAt: t, lastFiredAt: null, quietOverride: override }
    await store.update(db => { db.schedules.push(record) })
    if (override !== null) req.log.warn({ schedule: record.id, reason: override.reason }, 'schedule saved with a quiet-hours override')
    scheduler.wake()
    await audit(req, 'schedule.create', null, record)
    return await reply.status(201).send({ schedule: record, ...r })
  })

  app.post('/schedules/preview', {
    schema: {
      tags, security: secured, summary: 'Next fire times, quiet-hour violations and conflicts of a draft, without saving',
      body: ScheduleSpec, querystring: Type.Object({ ...Count.properties, id: Type.Optional(Type.String({ description: 'the schedule being edited, left out of the conflicts' })) }),
      response: { 200: Type.Object(ReviewView), 400: ErrorResponse, 404: ErrorResponse }
    }
  }, async req => {
    const spec = withDefaults(req.body)
    const scope = req.scope()
    checkTargetsInScope(scope, spec.targets)
    checkReferences(store.data, spec)
    for (const id of spec.playlist) if (!scope.media(store.data.media.find(m => m.id === id) ?? { areaId: '-' })) throw apiError('MEDIA_NOT_FOUND', { id })
    return visibleReview(scope, review(store.data, spec, req.query.id, quiet, now(), req.query.count, config.timeZone))
  })

  app.get('/schedules/:id', {
    schema: { tags, security: secured, summary: 'A schedule with its next fire times', params: IdParams, querystring: Count, response: { 200: Saved, 404: ErrorResponse } }
  }, async req => {
    const scope = req.scope()
    const s = find(scope, req.params.id)
    return { schedule: s, ...visibleReview(scope, review(store.data, s.spec, s.id, quiet, now(), req.query.count, config.timeZone)) }
  })

  app.put('/schedules/:id', {
    ...write,
    schema: { tags, security: secured, summary: 'Replace a schedule', params: IdParams, body: ScheduleSpec, response: { 200: Saved, ...errors } }
  }, async req => {
    const before = find(req.scope(), req.params.id)
    const { spec, r, override } = prepare(req.scope(), req.body, req.params.id)
    const t = now().toISOString()
    const saved = await store.update(db => {
      const s = db.schedules.find(x => x.id === req.params.id)
      if (s === undefined) throw apiError('SCHEDULE_NOT_FOUND', { id: req.params.id })
      s.spec = spec
      s.updatedAt = t
      s.quietOverride = override
      // An edit never makes earlier occurrences due: they belong to the old version of the schedule.
      if (s.lastFiredAt === null || s.lastFiredAt < t) s.lastFiredAt = t
      return structuredClone(s)
    })
    scheduler.wake()
    await audit(req, 'schedule.update', before, saved)
    return { schedule: saved, ...r }
  })

  for (const [action, enabled] of [['enable', true], ['disable', false]] as const) {
    app.post(`/schedules/:id/${action}`, {
      ...write,
      schema: { tags, security: secured, summary: `${enabled ? 'Enable' : 'Disable'} a schedule (enabling shows its conflicts again)`, params: IdParams, response: { 200: Saved, 404: ErrorResponse } }
    }, async req => {
      const before = find(req.scope(), req.params.id)
      const t = now().toISOString()
      const saved = await store.update(db => {
        const s = db.schedules.find(x => x.id === req.params.id)
        if (s === undefined) throw apiError('SCHEDULE_NOT_FOUND', { id: req.params.id })
        // Fires that fell while it was disabled are not played late when it is enabled again.
        if (enabled && !s.spec.enabled && (s.lastFiredAt === null || s.lastFiredAt < t)) s.lastFiredAt = t
        s.spec = { ...s.spec, enabled }
        s.updatedAt = t
        return structuredClone(s)
      })
      scheduler.wake()
      await audit(req, `schedule.${action}`, before, saved)
      return { schedule: saved, ...visibleReview(req.scope(), review(store.data, saved.spec, saved.id, quiet, now(), 10, config.timeZone)) }
    })
  }

  app.delete('/schedules/:id', {
    ...write,
    schema: { tags, security: secured, summary: 'Delete a schedule (broadcasts it started play on)', params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse } }
  }, async (req, reply) => {
    const before = find(req.scope(), req.params.id)
    await store.update(db => { db.schedules = db.schedules.filter(s => s.id !== req.params.id) })
    scheduler.wake()
    await audit(req, 'schedule.delete', before, null)
    return await reply.status(204).send(null)
  })
}

export default schedules
