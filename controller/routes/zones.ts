import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { ErrorResponse, IdParams, Name, newId, secured } from './common.js'
import type { ZoneRecord } from '../store/schema.js'

const Zone = Type.Object({ id: Type.String(), name: Type.String(), createdAt: Type.String() })
const ZoneBody = Type.Object({ name: Name }, { additionalProperties: false })
const tags = ['zones']

const sameName = (a: string, b: string): boolean => a.trim().toLocaleLowerCase('vi') === b.trim().toLocaleLowerCase('vi')

/** Zones ("thôn", "xóm"): the groups of speakers a broadcast targets. */
const zones: FastifyPluginAsyncTypebox = async app => {
  const { store } = app
  const find = (id: string): ZoneRecord => {
    const z = store.data.zones.find(z => z.id === id)
    if (z === undefined) throw apiError('ZONE_NOT_FOUND', { id })
    return z
  }
  const checkFree = (name: string, except?: string): void => {
    if (store.data.zones.some(z => z.id !== except && sameName(z.name, name))) throw apiError('ZONE_NAME_TAKEN', { name })
  }

  app.get('/zones', {
    schema: { tags, security: secured, summary: 'List zones', response: { 200: Type.Object({ items: Type.Array(Zone) }) } }
  }, async () => ({ items: store.data.zones }))

  app.post('/zones', {
    schema: { tags, security: secured, summary: 'Create a zone', body: ZoneBody, response: { 201: Zone, 409: ErrorResponse } }
  }, async (req, reply) => {
    const name = req.body.name.trim()
    checkFree(name)
    const zone = { id: newId('z'), name, createdAt: new Date().toISOString() }
    await store.update(db => { checkFree(name); db.zones.push(zone) })
    return await reply.status(201).send(zone)
  })

  app.get('/zones/:id', {
    schema: { tags, security: secured, summary: 'Get a zone', params: IdParams, response: { 200: Zone, 404: ErrorResponse } }
  }, async req => find(req.params.id))

  app.patch('/zones/:id', {
    schema: { tags, security: secured, summary: 'Rename a zone', params: IdParams, body: ZoneBody, response: { 200: Zone, 404: ErrorResponse, 409: ErrorResponse } }
  }, async req => {
    find(req.params.id)
    const name = req.body.name.trim()
    checkFree(name, req.params.id)
    return await store.update(db => {
      if (db.zones.some(z => z.id !== req.params.id && sameName(z.name, name))) throw apiError('ZONE_NAME_TAKEN', { name })
      const z = db.zones.find(z => z.id === req.params.id)
      if (z === undefined) throw apiError('ZONE_NOT_FOUND', { id: req.params.id })
      z.name = name
      return z
    })
  })

  app.delete('/zones/:id', {
    schema: { tags, security: secured, summary: 'Delete an empty zone', params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse } }
  }, async (req, reply) => {
    const z = find(req.params.id)
    const count = store.data.nodes.filter(n => n.zoneId === z.id).length
    if (count > 0) throw apiError('ZONE_NOT_EMPTY', { name: z.name, count })
    await store.update(db => {
      // Checked again inside the update: a node may have been added to the zone meanwhile.
      const left = db.nodes.filter(n => n.zoneId === z.id).length
      if (left > 0) throw apiError('ZONE_NOT_EMPTY', { name: z.name, count: left })
      db.zones = db.zones.filter(x => x.id !== z.id)
    })
    return await reply.status(204).send(null)
  })
}

export default zones
