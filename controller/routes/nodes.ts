import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { generateSecret, hashSecret } from '../auth/secrets.js'
import { ErrorResponse, IdParams, Name, newId, secured } from './common.js'
import { LocationSchema, type Db, type NodeRecord } from '../store/schema.js'
import { nodeView, NodeView } from './node-view.js'
import type { Scope } from '../accounts/scope.js'
import type { FastifyRequest } from 'fastify'

const tags = ['nodes']
const Credentials = Type.Object({
  username: Type.String(),
  password: Type.String({ description: 'shown once; store it in the node' }),
  mqttPort: Type.Integer(),
  wsPath: Type.String()
})
const WithCredentials = Type.Object({ node: NodeView, credentials: Credentials })
const CreateBody = Type.Object({
  name: Name,
  zoneId: Type.String({ minLength: 1 }),
  location: Type.Optional(LocationSchema)
}, { additionalProperties: false })
const PatchBody = Type.Object({
  name: Type.Optional(Name),
  zoneId: Type.Optional(Type.String({ minLength: 1 })),
  location: Type.Optional(Type.Union([LocationSchema, Type.Null()]))
}, { additionalProperties: false })
const VolumeBody = Type.Object({ volume: Type.Integer({ minimum: 0, maximum: 100 }) }, { additionalProperties: false })

/**
 * Speaker nodes: provisioning (with MQTT credentials shown once), live status, volume, removal. A user sees
 * and acts on the nodes of their area's zones only; any other node is "not found", so its existence is not
 * told either. Every change goes to the audit log (the node's secret never does).
 */
const nodes: FastifyPluginAsyncTypebox = async app => {
  const { store, presence, engine, commands, mqtt } = app
  const manage = { preHandler: app.requirePermission('fleet.manage') }
  const find = (scope: Scope, id: string): NodeRecord => {
    const n = store.data.nodes.find(n => n.id === id)
    if (n === undefined || !scope.node(n.id)) throw apiError('NODE_NOT_FOUND', { id })
    return n
  }
  const zoneMustExist = (scope: Scope, zoneId: string): void => {
    if (!store.data.zones.some(z => z.id === zoneId) || !scope.zone(zoneId)) throw apiError('ZONE_NOT_FOUND', { id: zoneId })
  }
  const audit = async (req: FastifyRequest, action: string, before: NodeRecord | null, after: NodeRecord | null): Promise<void> => {
    const n = (after ?? before) as NodeRecord
    const { secretHash: _b, ...b } = before ?? { secretHash: '' }
    const { secretHash: _a, ...a } = after ?? { secretHash: '' }
    await req.audited({ action, target: { kind: 'node', id: n.id, name: n.name }, before: before === null ? null : b, after: after === null ? null : a, areas: req.scope().areasOfZones([before?.zoneId, after?.zoneId].filter((z): z is string => z !== undefined)) })
  }
  /** Names are unique within an area (commune), like zone names: "Loa chợ" exists in many communes. */
  const clash = (db: Readonly<Db>, name: string, zoneId: string, except?: string): boolean => {
    const area = (z: string): string | undefined => db.zones.find(x => x.id === z)?.areaId
    return db.nodes.some(n => n.id !== except && n.name === name && area(n.zoneId) === area(zoneId))
  }
  const nameMustBeFree = (name: string, zoneId: string, except?: string): void => {
    if (clash(store.data, name, zoneId, except)) throw apiError('NODE_NAME_TAKEN', { name })
  }
  const view = (n: NodeRecord): NodeView => nodeView(n, presence.get(n.id), engine.broadcastOfNode(n.id)?.id ?? null)
  const credentials = (username: string, password: string): Type.Static<typeof Credentials> =>
    ({ username, password, mqttPort: mqtt.port, wsPath: mqtt.wsPath })

  app.get('/nodes', {
    schema: {
      tags, security: secured, summary: 'List speaker nodes with live status',
      querystring: Type.Object({ zoneId: Type.Optional(Type.String()) }),
      response: { 200: Type.Object({ items: Type.Array(NodeView) }) }
    }
  }, async req => {
    const { zoneId } = req.query
    const scope = req.scope()
    return { items: store.data.nodes.filter(n => scope.node(n.id) && (zoneId === undefined || n.zoneId === zoneId)).map(view) }
  })

  app.post('/nodes', {
    ...manage,
    schema: { tags, security: secured, summary: 'Provision a node; returns its MQTT credentials once', body: CreateBody, response: { 201: WithCredentials, 404: ErrorResponse, 409: ErrorResponse } }
  }, async (req, reply) => {
    const name = req.body.name.trim()
    zoneMustExist(req.scope(), req.body.zoneId)
    nameMustBeFree(name, req.body.zoneId)
    const password = generateSecret()
    const node: NodeRecord = {
      id: newId('n'), name, zoneId: req.body.zoneId, location: req.body.location ?? null,
      secretHash: hashSecret(password), volume: 80, createdAt: new Date().toISOString()
    }
    await store.update(db => {
      if (!db.zones.some(z => z.id === node.zoneId)) throw apiError('ZONE_NOT_FOUND', { id: node.zoneId })
      if (clash(db, name, node.zoneId)) throw apiError('NODE_NAME_TAKEN', { name })
      db.nodes.push(node)
    })
    req.log.info({ nodeId: node.id, zoneId: node.zoneId }, 'node provisioned')
    await audit(req, 'node.create', null, node)
    return await reply.status(201).send({ node: view(node), credentials: credentials(node.id, password) })
  })

  app.get('/nodes/:id', {
    schema: { tags, security: secured, summary: 'Get a node with live status', params: IdParams, response: { 200: NodeView, 404: ErrorResponse } }
  }, async req => view(find(req.scope(), req.params.id)))

  app.patch('/nodes/:id', {
    ...manage,
    schema: { tags, security: secured, summary: 'Rename, move or relocate a node', params: IdParams, body: PatchBody, response: { 200: NodeView, 404: ErrorResponse, 409: ErrorResponse } }
  }, async req => {
    const before = find(req.scope(), req.params.id)
    const { name, zoneId, location } = req.body
    if (zoneId !== undefined) zoneMustExist(req.scope(), zoneId)
    if (name !== undefined || zoneId !== undefined) nameMustBeFree((name ?? before.name).trim(), zoneId ?? before.zoneId, req.params.id)
    const node = await store.update(db => {
      const n = db.nodes.find(n => n.id === req.params.id)
      if (n === undefined) throw apiError('NODE_NOT_FOUND', { id: req.params.id })
      // Checked again inside the update, against concurrent requests.
      if (zoneId !== undefined && !db.zones.some(z => z.id === zoneId)) throw apiError('ZONE_NOT_FOUND', { id: zoneId })
      if ((name !== undefined || zoneId !== undefined) && clash(db, (name ?? n.name).trim(), zoneId ?? n.zoneId, n.id)) throw apiError('NODE_NAME_TAKEN', { name: name ?? n.name })
      if (name !== undefined) n.name = name.trim()
      if (zoneId !== undefined) n.zoneId = zoneId
      if (location !== undefined) n.location = location
      return { ...n }
    })
    await audit(req, 'node.update', before, node)
    return view(node)
  })

  app.put('/nodes/:id/volume', {
    preHandler: app.requirePermission('node.volume'),
    schema: {
      tags, security: secured, summary: 'Set a node\'s volume (kept and re-sent whenever the node reconnects)',
      params: IdParams, body: VolumeBody,
      response: { 200: Type.Object({ node: NodeView, applied: Type.Boolean({ description: 'the node confirmed it' }) }), 404: ErrorResponse }
    }
  }, async req => {
    const before = find(req.scope(), req.params.id)
    const node = await store.update(db => {
      const n = db.nodes.find(n => n.id === req.params.id)
      if (n === undefined) throw apiError('NODE_NOT_FOUND', { id: req.params.id })
      n.volume = req.body.volume
      return { ...n }
    })
    await audit(req, 'node.volume', before, node)
    let applied = false
    if (presence.get(node.id).online) {
      const r = await commands.send(node.id, { type: 'volume', volume: node.volume }, 3000)
      applied = r?.status === 'ok'
    }
    return { node: view(node), applied }
  })

  app.post('/nodes/:id/credentials', {
    ...manage,
    schema: { tags, security: secured, summary: 'Issue new MQTT credentials (the old password stops working)', params: IdParams, response: { 200: WithCredentials, 404: ErrorResponse } }
  }, async req => {
    const before = find(req.scope(), req.params.id)
    const password = generateSecret()
    const node = await store.update(db => {
      const n = db.nodes.find(n => n.id === req.params.id)
      if (n === undefined) throw apiError('NODE_NOT_FOUND', { id: req.params.id })
      n.secretHash = hashSecret(password)
      return { ...n }
    })
    mqtt.link.disconnect(node.id)
    await audit(req, 'node.credentials', before, node)
    return { node: view(node), credentials: credentials(node.id, password) }
  })

  app.delete('/nodes/:id', {
    ...manage,
    schema: { tags, security: secured, summary: 'Delete a node; it is disconnected at once', params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse } }
  }, async (req, reply) => {
    const n = find(req.scope(), req.params.id)
    await store.update(db => { db.nodes = db.nodes.filter(x => x.id !== n.id) })
    await audit(req, 'node.delete', n, null)
    engine.releaseNode(n.id)
    mqtt.link.disconnect(n.id)
    presence.forget(n.id)
    return await reply.status(204).send(null)
  })
}

export default nodes
