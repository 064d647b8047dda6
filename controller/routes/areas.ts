import { randomUUID } from 'node:crypto'
import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { ErrorResponse, IdParams, Name } from './common.js'
import { AreaKind, AreaRecord, type AreaKind as Kind } from '../store/schema.js'
import { ancestors, type Scope } from '../accounts/scope.js'

const tags = ['accounts']
const PARENT: Record<Kind, Kind | null> = { province: null, district: 'province', commune: 'district' }
const KIND_VI: Record<Kind, string> = { province: 'tỉnh', district: 'huyện', commune: 'xã' }

/**
 * The administrative tree (province > district > commune) that users and zones belong to. Everyone sees the
 * areas of their own subtree and the areas above it (to name where they are); admins change their subtree.
 */
const areas: FastifyPluginAsyncTypebox = async app => {
  const { store } = app
  const manage = { preHandler: app.requirePermission('areas.manage') }
  const find = (id: string, scope: Scope): AreaRecord => {
    const a = store.data.areas.find(x => x.id === id)
    if (a === undefined || !scope.area(a.id)) throw apiError('AREA_NOT_FOUND', { id })
    return a
  }
  const check = (scope: Scope, kind: Kind, parentId: string | null): void => {
    const parentKind = PARENT[kind]
    const parent = parentId === null ? undefined : store.data.areas.find(a => a.id === parentId)
    if (parentId !== null && (parent === undefined || !scope.area(parentId))) throw apiError('AREA_NOT_FOUND', { id: parentId })
    if ((parent?.kind ?? null) !== parentKind) {
      throw apiError('AREA_PARENT_INVALID', { kind, parentKind: parentKind ?? 'nothing', kindVi: KIND_VI[kind], parentKindVi: parentKind === null ? 'không có cấp trên' : KIND_VI[parentKind] })
    }
    if (parentId === null && !scope.all) throw apiError('AREA_NOT_FOUND', { id: 'null' })
  }

  app.get('/areas', {
    schema: { tags, summary: 'Areas you work in, with those above them', response: { 200: Type.Object({ items: Type.Array(AreaRecord) }) } }
  }, async req => {
    const scope = req.scope()
    const home = req.principal.areaId
    const above = new Set(home === null ? [] : ancestors(store.data.areas, home))
    return { items: store.data.areas.filter(a => scope.area(a.id) || above.has(a.id)) }
  })

  app.post('/areas', {
    ...manage,
    schema: {
      tags, summary: 'Create a province, district or commune',
      body: Type.Object({ name: Name, kind: AreaKind, parentId: Type.Union([Type.Null(), Type.String()]) }, { additionalProperties: false }),
      response: { 201: AreaRecord, 400: ErrorResponse, 404: ErrorResponse }
    }
  }, async (req, reply) => {
    check(req.scope(), req.body.kind, req.body.parentId)
    const area: AreaRecord = { id: `a-${randomUUID().slice(0, 8)}`, name: req.body.name.trim(), kind: req.body.kind, parentId: req.body.parentId, createdAt: new Date().toISOString() }
    await store.update(db => { db.areas.push(area) })
    await req.audited({ action: 'area.create', target: { kind: 'area', id: area.id, name: area.name }, before: null, after: area, areas: ancestors(store.data.areas, area.id) })
    return await reply.status(201).send(area)
  })

  app.patch('/areas/:id', {
    ...manage,
    schema: { tags, summary: 'Rename an area', params: IdParams, body: Type.Object({ name: Name }, { additionalProperties: false }), response: { 200: AreaRecord, 404: ErrorResponse } }
  }, async req => {
    const before = find(req.params.id, req.scope())
    const after = await store.update(db => {
      const a = db.areas.find(x => x.id === before.id)
      if (a === undefined) throw apiError('AREA_NOT_FOUND', { id: before.id })
      a.name = req.body.name.trim()
      return { ...a }
    })
    await req.audited({ action: 'area.update', target: { kind: 'area', id: after.id, name: after.name }, before, after, areas: ancestors(store.data.areas, after.id) })
    return after
  })

  app.delete('/areas/:id', {
    ...manage,
    schema: { tags, summary: 'Delete an empty area', params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse } }
  }, async (req, reply) => {
    const a = find(req.params.id, req.scope())
    const db = store.data
    const held = [
      [db.areas.filter(x => x.parentId === a.id).length, 'areas', 'địa bàn cấp dưới'],
      [db.zones.filter(z => z.areaId === a.id).length, 'zones', 'khu vực'],
      [db.users.filter(u => u.areaId === a.id).length, 'users', 'người dùng'],
      [db.media.filter(m => m.areaId === a.id).length, 'media items', 'tệp âm thanh']
    ] as const
    const full = held.find(([n]) => n > 0)
    if (full !== undefined) throw apiError('AREA_NOT_EMPTY', { name: a.name, what: `${full[0]} ${full[1]}`, whatVi: `${full[0]} ${full[2]}` })
    const areasAbove = ancestors(db.areas, a.id)
    await store.update(d => { d.areas = d.areas.filter(x => x.id !== a.id) })
    await req.audited({ action: 'area.delete', target: { kind: 'area', id: a.id, name: a.name }, before: a, after: null, areas: areasAbove })
    return await reply.status(204).send(null)
  })
}

export default areas
