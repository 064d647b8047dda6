import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { apiError } from '../errors.js'
import { ErrorResponse, IdParams, Name, newId, secured } from './common.js'
import type { ZoneRecord } from '../store/schema.js'
import { ancestors, type Scope } from '../accounts/scope.js'

const Zone = Type.Object({ id: Type.String(), name: Type.String(), areaId: Type.Optional(Type.String()), createdAt: Type.String() })
const ZoneBody = Type.Object({
  name: Name,
  areaId: Type.Optional(Type.String({ minLength: 1, description: 'the commune the zone belongs to; default: your own area' }))
}, { additionalProperties: false })
const tags = ['zones']

const sameName = (a: string, b: string): boolean => a.trim().toLocaleLowerCase('vi') === b.trim().toLocaleLowerCase('vi')

/**
 * Zones ("thôn", "xóm"): the groups of speakers a broadcast targets. Each belongs to an area (a commune);
 * names are unique within it ("Thôn 1" exists in many communes). A user sees the zones of their area only.
 */
const zones: FastifyPluginAsyncTypebox = async app => {
  const { store } = app
  const manage = { preHandler: app.requirePermission('fleet.manage') }
  const find = (scope: Scope, id: string): ZoneRecord => {
    const z = store.data.zones.find(z => z.id === id)
    if (z === undefined || !scope.zone(z.id)) throw apiError('ZONE_NOT_FOUND', { id })
    return z
  }
  const taken = (zones: readonly ZoneRecord[], name: string, areaId: string | undefined, except?: string): boolean =>
    zones.some(z => z.id !== except && z.areaId === areaId && sameName(z.name, name))
  const areaFor = (scope: Scope, areaId: string | undefined): string | undefined => {
    const chosen = areaId ?? scope.homeArea ?? undefined
    if (chosen !== undefined && (!store.data.areas.some(a => a.id === chosen) || !scope.area(chosen))) throw apiError('AREA_NOT_FOUND', { id: chosen })
    return chosen
  }
  const audit = async (req: FastifyRequest, action: string, before: ZoneRecord | null, after: ZoneRecord | null): Promise<void> => {
    const z = (after ?? before) as ZoneRecord
    // Filed under the area it left as well as the one it is in.
    const areas = new Set(req.scope().areasOfZones([z.id]))
    for (const a of [before?.areaId, after?.areaId]) if (a !== undefined) for (const x of ancestors(app.store.data.areas, a)) areas.add(x)
    await req.audited({ action, target: { kind: 'zone', id: z.id, name: z.name }, before, after, areas: [...areas] })
  }

  app.get('/zones', {
    schema: { tags, security: secured, summary: 'List the zones of your area', response: { 200: Type.Object({ items: Type.Array(Zone) }) } }
  }, async req => {
    const scope = req.scope()
    return { items: store.data.zones.filter(z => scope.zone(z.id)) }
  })

  app.post('/zones', {
    ...manage,
    schema: { tags, security: secured, summary: 'Create a zone', body: ZoneBody, response: { 201: Zone, 404: ErrorResponse, 409: ErrorResponse } }
  }, async (req, reply) => {
    const name = req.body.name.trim()
    const areaId = areaFor(req.scope(), req.body.areaId)
    if (taken(store.data.zones, name, areaId)) throw apiError('ZONE_NAME_TAKEN', { name })
    const zone: ZoneRecord = { id: newId('z'), name, ...(areaId !== undefined ? { areaId } : {}), createdAt: new Date().toISOString() }
    await store.update(db => {
      if (taken(db.zones, name, areaId)) throw apiError('ZONE_NAME_TAKEN', { name })
      db.zones.push(zone)
    })
    await audit(req, 'zone.create', null, zone)
    return await reply.status(201).send(zone)
  })

  app.get('/zones/:id', {
    schema: { tags, security: secured, summary: 'Get a zone', params: IdParams, response: { 200: Zone, 404: ErrorResponse } }
  }, async req => find(req.scope(), req.params.id))

  app.patch('/zones/:id', {
    ...manage,
    schema: { tags, security: secured, summary: 'Rename a zone or move it to another area', params: IdParams, body: ZoneBody, response: { 200: Zone, 404: ErrorResponse, 409: ErrorResponse } }
  }, async req => {
    const scope = req.scope()
    const before = find(scope, req.params.id)
    const name = req.body.name.trim()
    const areaId = req.body.areaId === undefined ? before.areaId : areaFor(scope, req.body.areaId)
    if (taken(store.data.zones, name, areaId, before.id)) throw apiError('ZONE_NAME_TAKEN', { name })
    const after = await store.update(db => {
      if (taken(db.zones, name, areaId, before.id)) throw apiError('ZONE_NAME_TAKEN', { name })
      const z = db.zones.find(z => z.id === before.id)
      if (z === undefined) throw apiError('ZONE_NOT_FOUND', { id: before.id })
      z.name = name
      if (areaId !== undefined) z.areaId = areaId
      return { ...z }
    })
    await audit(req, 'zone.update', before, after)
    return after
  })

  app.delete('/zones/:id', {
    ...manage,
    schema: { tags, security: secured, summary: 'Delete an empty zone', params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse } }
  }, async (req, reply) => {
    const z = find(req.scope(), req.params.id)
    const count = store.data.nodes.filter(n => n.zoneId === z.id).length
    if (count > 0) throw apiError('ZONE_NOT_EMPTY', { name: z.name, count })
    const areas = req.scope().areasOfZones([z.id])
    await store.update(db => {
      // Checked again inside the update: a node may have been added to the zone meanwhile.
      const left = db.nodes.filter(n => n.zoneId === z.id).length
      if (left > 0) throw apiError('ZONE_NOT_EMPTY', { name: z.name, count: left })
      db.zones = db.zones.filter(x => x.id !== z.id)
    })
    await req.audited({ action: 'zone.delete', target: { kind: 'zone', id: z.id, name: z.name }, before: z, after: null, areas })
    return await reply.status(204).send(null)
  })
}

export default zones
