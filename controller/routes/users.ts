import { randomUUID } from 'node:crypto'
import Type from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { ErrorResponse, IdParams } from './common.js'
import { hashPassword } from '../accounts/password.js'
import { Role, type UserRecord } from '../store/schema.js'
import { UserView, userView } from './user-view.js'
import { weakPassword } from './auth.js'
import type { Scope } from '../accounts/scope.js'

const tags = ['accounts']
// Null before String in these unions: Fastify's ajv coerces types, and turns null into "" for a String-first union.
const NewUser = Type.Object({
  username: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$' }),
  displayName: Type.String({ minLength: 1, maxLength: 100 }),
  role: Role,
  areaId: Type.Union([Type.Null(), Type.String()], { description: 'the area the user works in; null: the whole system' }),
  password: Type.String({ minLength: 1, maxLength: 1024 })
}, { additionalProperties: false })
const UserPatch = Type.Object({
  displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  role: Type.Optional(Role),
  areaId: Type.Optional(Type.Union([Type.Null(), Type.String()])),
  disabled: Type.Optional(Type.Boolean()),
  password: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 }))
}, { additionalProperties: false })

/**
 * Users, for admins. An admin of an area manages only the users of that area and below, and can give no one
 * a wider area than their own; nobody can disable, demote or delete themselves (a commune would lose its
 * last admin by one click). A disabled user or a new password ends that user's sessions.
 */
const users: FastifyPluginAsyncTypebox = async app => {
  const { store, sessions } = app
  const manage = { preHandler: app.requirePermission('users.manage') }
  const visible = (scope: Scope, u: UserRecord): boolean => scope.all || (u.areaId !== null && scope.area(u.areaId))
  /**
   * An admin of an area does not manage the other admins of that same area (no demoting or resetting a
   * peer to act in their name): only an admin above them, or of the whole system, does.
   */
  const peerAdmin = (scope: Scope, role: string, areaId: string | null): boolean =>
    !scope.all && role === 'admin' && areaId === scope.principal.areaId
  const notPeer = (scope: Scope, role: string, areaId: string | null): void => {
    if (peerAdmin(scope, role, areaId)) throw apiError('FORBIDDEN', { role: 'admin', action: 'manage another administrator of your own area', actionVi: 'quản lý quản trị viên khác cùng địa bàn' })
  }
  const find = (scope: Scope, id: string): UserRecord => {
    const u = store.data.users.find(x => x.id === id)
    if (u === undefined || !visible(scope, u)) throw apiError('USER_NOT_FOUND', { id })
    return u
  }
  const checkArea = (scope: Scope, areaId: string | null): void => {
    if (areaId === null) { if (!scope.all) throw apiError('AREA_NOT_FOUND', { id: 'null' }); return }
    if (!store.data.areas.some(a => a.id === areaId) || !scope.area(areaId)) throw apiError('AREA_NOT_FOUND', { id: areaId })
  }

  app.get('/users', {
    ...manage,
    schema: { tags, summary: 'Users in your area', response: { 200: Type.Object({ items: Type.Array(UserView) }) } }
  }, async req => ({ items: store.data.users.filter(u => visible(req.scope(), u)).map(userView) }))

  app.post('/users', {
    ...manage,
    schema: { tags, summary: 'Create a user', body: NewUser, response: { 201: UserView, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } }
  }, async (req, reply) => {
    const scope = req.scope()
    const username = req.body.username.toLowerCase()
    checkArea(scope, req.body.areaId)
    notPeer(scope, req.body.role, req.body.areaId)
    weakPassword(req.body.password, username)
    if (store.data.users.some(u => u.username === username)) throw apiError('USERNAME_TAKEN', { username })
    const now = new Date().toISOString()
    const user: UserRecord = {
      id: `u-${randomUUID().slice(0, 8)}`, username, displayName: req.body.displayName.trim(), role: req.body.role, areaId: req.body.areaId,
      passwordHash: await hashPassword(req.body.password), disabled: false, createdAt: now, updatedAt: now, lastLoginAt: null
    }
    await store.update(db => {
      if (db.users.some(u => u.username === username)) throw apiError('USERNAME_TAKEN', { username })
      db.users.push(user)
    })
    await req.audited({ action: 'user.create', target: { kind: 'user', id: user.id, name: username }, before: null, after: userView(user), areas: user.areaId === null ? [] : [user.areaId] })
    return await reply.status(201).send(userView(user))
  })

  app.patch('/users/:id', {
    ...manage,
    schema: { tags, summary: 'Change a user: name, role, area, disabled, or a new password', params: IdParams, body: UserPatch, response: { 200: UserView, 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse } }
  }, async req => {
    const scope = req.scope()
    const before = find(scope, req.params.id)
    const b = req.body
    const self = before.id === req.principal.id
    // One's own password changes only with the current one (POST /auth/password): a stolen session is not enough.
    if (self && (b.disabled === true || b.password !== undefined || (b.role !== undefined && b.role !== before.role) || (b.areaId !== undefined && b.areaId !== before.areaId))) throw apiError('USER_SELF')
    if (!self) notPeer(scope, before.role, before.areaId)
    if (b.role !== undefined || b.areaId !== undefined) notPeer(scope, b.role ?? before.role, b.areaId === undefined ? before.areaId : b.areaId)
    if (b.areaId !== undefined) checkArea(scope, b.areaId)
    if (b.password !== undefined) weakPassword(b.password, before.username)
    const hash = b.password === undefined ? undefined : await hashPassword(b.password)
    const after = await store.update(db => {
      const u = db.users.find(x => x.id === before.id)
      if (u === undefined) throw apiError('USER_NOT_FOUND', { id: before.id })
      if (b.displayName !== undefined) u.displayName = b.displayName.trim()
      if (b.role !== undefined) u.role = b.role
      if (b.areaId !== undefined) u.areaId = b.areaId
      if (b.disabled !== undefined) u.disabled = b.disabled
      if (hash !== undefined) u.passwordHash = hash
      u.updatedAt = new Date().toISOString()
      return { ...u }
    })
    // A new password, a lock, or less power: the user's open sessions end now, not at their expiry.
    if (hash !== undefined || after.disabled || after.role !== before.role || after.areaId !== before.areaId) sessions.destroyUser(after.id)
    await req.audited({ action: hash !== undefined ? 'user.update_password' : 'user.update', target: { kind: 'user', id: after.id, name: after.username }, before: userView(before), after: userView(after), areas: [before.areaId, after.areaId].filter((a): a is string => a !== null) })
    return userView(after)
  })

  app.delete('/users/:id', {
    ...manage,
    schema: { tags, summary: 'Delete a user', params: IdParams, response: { 204: Type.Null(), 404: ErrorResponse, 409: ErrorResponse } }
  }, async (req, reply) => {
    const scope = req.scope()
    const user = find(scope, req.params.id)
    if (user.id === req.principal.id) throw apiError('USER_SELF')
    notPeer(scope, user.role, user.areaId)
    await store.update(db => { db.users = db.users.filter(u => u.id !== user.id) })
    sessions.destroyUser(user.id)
    await req.audited({ action: 'user.delete', target: { kind: 'user', id: user.id, name: user.username }, before: userView(user), after: null, areas: user.areaId === null ? [] : [user.areaId] })
    return await reply.status(204).send(null)
  })
}

export default users
