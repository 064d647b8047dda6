import { randomUUID } from 'node:crypto'
import Type, { type Static } from 'typebox'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { apiError } from '../errors.js'
import { ErrorResponse } from './common.js'
import { verifySecret } from '../auth/secrets.js'
import { checkPasswordRules, hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from '../accounts/password.js'
import { normaliseSetupCode } from '../accounts/bootstrap.js'
import { PERMISSIONS, can, type Permission } from '../accounts/permissions.js'
import { UserView, userView } from './user-view.js'
import type { UserRecord } from '../store/schema.js'

const tags = ['accounts']
const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$' })
const Password = Type.String({ minLength: 1, maxLength: 1024 })
const Me = Type.Object({
  user: UserView,
  /** What the panel needs to know of the controller's settings. */
  settings: Type.Optional(Type.Object({ mapTilesUrl: Type.String(), timeZone: Type.String(), quietStart: Type.String(), quietEnd: Type.String() })),
  /** Send it back as `x-csrf-token` on every POST, PUT, PATCH and DELETE made with the session cookie. */
  csrf: Type.String(),
  permissions: Type.Array(Type.String())
})

export function weakPassword (password: string, username: string): void {
  const weak = checkPasswordRules(password, username)
  if (weak !== null) throw apiError('PASSWORD_WEAK', { detail: weak.en, detailVi: weak.vi })
}

/**
 * Signing in and out of the panel, the one-time setup of the first admin, and one's own password. Login is
 * rate-limited per username and per address; an unknown username costs the same time as a wrong password.
 */
const auth: FastifyPluginAsyncTypebox = async app => {
  const { store, sessions, loginGuard } = app
  const permissionsOf = (user: UserRecord): string[] => (Object.keys(PERMISSIONS) as Permission[]).filter(p => can(user.role, p))
  const settings = { mapTilesUrl: app.config.mapTilesUrl, timeZone: app.config.timeZone, quietStart: app.config.quietStart, quietEnd: app.config.quietEnd }
  const signIn = async (user: UserRecord, req: Parameters<typeof app.sessionCookie>[1], reply: Parameters<typeof app.sessionCookie>[0]): Promise<Static<typeof Me>> => {
    const session = sessions.create(user.id)
    app.sessionCookie(reply, req, session.id)
    return { user: userView(user), csrf: session.csrf, permissions: permissionsOf(user), settings }
  }

  app.get('/auth/status', {
    config: { public: true },
    schema: { tags, summary: 'Whether the first admin still has to be set up', response: { 200: Type.Object({ setupNeeded: Type.Boolean() }) } }
  }, async () => ({ setupNeeded: store.data.users.length === 0 }))

  app.post('/auth/setup', {
    config: { public: true },
    schema: {
      tags, summary: 'Create the first administrator with the one-time setup code from the log',
      body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 64 }), username: Username, displayName: Type.String({ minLength: 1, maxLength: 100 }), password: Password }, { additionalProperties: false }),
      response: { 201: Me, 401: ErrorResponse, 409: ErrorResponse, 429: ErrorResponse }
    }
  }, async (req, reply) => {
    if (store.data.users.length > 0) throw apiError('SETUP_DONE')
    const tries = loginGuard.other('setup', req.ip)
    if (tries.wait !== null) { reply.header('retry-after', String(tries.wait)); throw apiError('LOGIN_RATE_LIMITED', { seconds: tries.wait }) }
    if (!verifySecret(normaliseSetupCode(req.body.code), store.data.auth.setupCodeHash)) {
      tries.failed()
      throw apiError('SETUP_CODE_INVALID')
    }
    const username = req.body.username.toLowerCase()
    weakPassword(req.body.password, username)
    const now = new Date().toISOString()
    const user: UserRecord = {
      id: `u-${randomUUID().slice(0, 8)}`, username, displayName: req.body.displayName.trim(), role: 'admin', areaId: null,
      passwordHash: await hashPassword(req.body.password), disabled: false, createdAt: now, updatedAt: now, lastLoginAt: now
    }
    await store.update(db => {
      if (db.users.length > 0) throw apiError('SETUP_DONE')
      db.users.push(user)
      delete db.auth.setupCodeHash
    })
    app.setupCode = undefined
    req.principal = { kind: 'user', id: user.id, name: user.username, role: user.role, areaId: null }
    await req.audited({ action: 'user.setup', target: { kind: 'user', id: user.id, name: username }, before: null, after: userView(user) })
    return await reply.status(201).send(await signIn(user, req, reply))
  })

  app.post('/auth/login', {
    config: { public: true },
    schema: {
      tags, summary: 'Sign in to the panel: sets the session cookie and returns the CSRF token',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false }),
      response: { 200: Me, 401: ErrorResponse, 429: ErrorResponse }
    }
  }, async (req, reply) => {
    const username = req.body.username.trim().toLowerCase()
    const retry = loginGuard.begin(username, req.ip)
    if (retry !== null) {
      reply.header('retry-after', String(retry))
      throw apiError('LOGIN_RATE_LIMITED', { seconds: retry })
    }
    const user = store.data.users.find(u => u.username === username)
    let ok = false
    try {
      ok = user === undefined || user.disabled ? await verifyAgainstDummy(req.body.password) : await verifyPassword(req.body.password, user.passwordHash)
    } finally {
      loginGuard.end(username, req.ip, ok && user !== undefined)
    }
    if (!ok || user === undefined) {
      req.principal = { kind: 'user', id: user?.id ?? '-', name: username.slice(0, 64), role: user?.role ?? 'viewer', areaId: user?.areaId ?? null }
      await req.audited({ action: 'user.login_failed', target: user === undefined ? null : { kind: 'user', id: user.id, name: user.username }, before: null, after: null })
      throw apiError('LOGIN_FAILED')
    }
    const rehash = needsRehash(user.passwordHash) ? await hashPassword(req.body.password) : undefined
    const at = new Date().toISOString()
    await store.update(db => {
      const u = db.users.find(x => x.id === user.id)
      if (u === undefined) return
      u.lastLoginAt = at
      if (rehash !== undefined) u.passwordHash = rehash
    }).catch(err => req.log.warn({ err }, 'could not record the login time'))
    req.principal = { kind: 'user', id: user.id, name: user.username, role: user.role, areaId: user.areaId }
    await req.audited({ action: 'user.login', target: { kind: 'user', id: user.id, name: user.username }, before: null, after: null })
    return await signIn(user, req, reply)
  })

  app.post('/auth/logout', {
    schema: { tags, summary: 'Sign out: ends the session', response: { 204: Type.Null() } }
  }, async (req, reply) => {
    if (req.session !== undefined) sessions.destroy(req.session.id)
    app.sessionCookie(reply, req, null)
    await req.audited({ action: 'user.logout', target: null, before: null, after: null })
    return await reply.status(204).send(null)
  })

  app.get('/auth/me', {
    schema: { tags, summary: 'The signed-in user, their permissions and the session\'s CSRF token', response: { 200: Me } }
  }, async req => {
    const user = store.data.users.find(u => u.id === req.principal.id)
    if (user === undefined || req.session === undefined) {
      // The integration token has no user record: describe it as the admin it acts as.
      const now = new Date(0).toISOString()
      const token: UserRecord = { id: 'api-token', username: 'api-token', displayName: 'API token', role: 'admin', areaId: null, passwordHash: '', disabled: false, createdAt: now, updatedAt: now, lastLoginAt: null }
      return { user: userView(token), csrf: '', permissions: permissionsOf(token), settings }
    }
    return { user: userView(user), csrf: req.session.csrf, permissions: permissionsOf(user), settings }
  })

  app.post('/auth/password', {
    schema: {
      tags, summary: 'Change one\'s own password; every other session of the user ends',
      body: Type.Object({ current: Password, password: Password }, { additionalProperties: false }),
      response: { 204: Type.Null(), 400: ErrorResponse }
    }
  }, async (req, reply) => {
    const user = store.data.users.find(u => u.id === req.principal.id)
    if (user === undefined) throw apiError('USER_NOT_FOUND', { id: req.principal.id })
    const tries = loginGuard.other('password', user.id)
    if (tries.wait !== null) { reply.header('retry-after', String(tries.wait)); throw apiError('LOGIN_RATE_LIMITED', { seconds: tries.wait }) }
    tries.failed()
    if (!await verifyPassword(req.body.current, user.passwordHash)) throw apiError('PASSWORD_WRONG')
    tries.succeeded()
    weakPassword(req.body.password, user.username)
    const hash = await hashPassword(req.body.password)
    await store.update(db => {
      const u = db.users.find(x => x.id === user.id)
      if (u !== undefined) { u.passwordHash = hash; u.updatedAt = new Date().toISOString() }
    })
    sessions.destroyUser(user.id)
    // This browser stays signed in, with a new session (the old id may be what leaked).
    if (req.session !== undefined) app.sessionCookie(reply, req, sessions.create(user.id).id)
    await req.audited({ action: 'user.password', target: { kind: 'user', id: user.id, name: user.username }, before: null, after: null })
    return await reply.status(204).send(null)
  })
}

export default auth
