import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { generateSecret, hashSecret, verifySecret } from '../auth/secrets.js'
import { apiError } from '../errors.js'
import { Sessions, type Session } from '../accounts/sessions.js'
import { LoginGuard } from '../accounts/login-guard.js'
import { can, type Permission } from '../accounts/permissions.js'
import { Scope, type Principal } from '../accounts/scope.js'
import { readCookie, sessionCookie } from '../accounts/cookies.js'
import { AuditLog, type AuditInput } from '../audit/log.js'
import { bootstrapAdmin } from '../accounts/bootstrap.js'
import { actionText } from '../accounts/action-text.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The admin token generated on first start, to be printed once by the entry point; never logged. */
    initialToken: string | undefined
    /** The one-time code that creates the first admin in the panel, to be printed once; undefined once used. */
    setupCode: string | undefined
    sessions: Sessions
    loginGuard: LoginGuard
    audit: AuditLog
    /**
     * The onRequest hook of the API scope. It is registered inside the `/api/v1` plugin, not matched on the raw
     * URL: the router decodes `%61pi` to `api`, so a prefix test on `req.url` could be walked around.
     */
    requireToken: (req: FastifyRequest) => Promise<void>
    /** The same check for requests Fastify does not route (WebSocket upgrades): the principal, or throws. */
    principalOf: (headers: FastifyRequest['headers']) => Principal
    /** A preHandler that lets only roles with this permission through. */
    requirePermission: (permission: Permission) => (req: FastifyRequest) => Promise<void>
  }
  interface FastifyRequest {
    principal: Principal
    session: Session | undefined
    /** What the principal may see, computed from the store as it is now. */
    scope: () => Scope
    /** Records a change in the audit log: who (this request's principal), when, what, before and after. */
    audited: (entry: Omit<AuditInput, 'actor' | 'ip'>) => Promise<void>
  }
  interface FastifyContextConfig {
    /** No authentication: login, first-admin setup. */
    public?: boolean
  }
}

function originHost (origin: string): string | undefined {
  try { return new URL(origin).host } catch { return undefined }
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
const TOKEN_PRINCIPAL: Principal = Object.freeze({ kind: 'token', id: 'api-token', name: 'api-token', role: 'admin', areaId: null })

/**
 * Who is calling, for everything under /api/v1: the integration token (Authorization: Bearer), or a panel
 * session (an HttpOnly, SameSite=Strict cookie). A cookie is sent by the browser on its own, so every
 * state-changing request made with one must also carry the session's CSRF token in `x-csrf-token` and come
 * from this origin. The token acts as an admin of the whole system; users act by role inside their area.
 */
export default fp(async (app: FastifyInstance) => {
  let tokenHash: string
  let initial: string | undefined
  if (app.config.adminToken !== undefined) {
    tokenHash = hashSecret(app.config.adminToken)
  } else if (app.store.data.auth.adminTokenHash !== undefined) {
    tokenHash = app.store.data.auth.adminTokenHash
  } else {
    initial = generateSecret()
    tokenHash = hashSecret(initial)
    await app.store.update(db => { db.auth.adminTokenHash = tokenHash })
  }
  app.decorate('initialToken', initial)
  const audit = await AuditLog.open(app.config.dataDir, { timeZone: app.config.timeZone })
  app.decorate('audit', audit)
  app.decorate('setupCode', await bootstrapAdmin(app.store, app.config, audit, app.log))
  const sessions = new Sessions()
  app.decorate('sessions', sessions)
  app.decorate('loginGuard', new LoginGuard())

  const fromBearer = (header: string): Principal => {
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (m === null || !verifySecret(m[1], tokenHash)) throw apiError('AUTH_INVALID')
    return TOKEN_PRINCIPAL
  }
  const fromSession = (session: Session | undefined): Principal | undefined => {
    if (session === undefined) return undefined
    const user = app.store.data.users.find(u => u.id === session.userId)
    if (user === undefined || user.disabled) { sessions.destroy(session.id); return undefined }
    return { kind: 'user', id: user.id, name: user.username, role: user.role, areaId: user.areaId }
  }
  const principalOf = (headers: FastifyRequest['headers']): Principal => {
    const header = headers.authorization
    if (header !== undefined && header !== '') return fromBearer(header)
    const p = fromSession(sessions.get(readCookie(headers.cookie)))
    if (p === undefined) throw apiError('AUTH_REQUIRED')
    return p
  }
  app.decorate('principalOf', principalOf)

  app.decorateRequest('principal', null as unknown as Principal)
  app.decorateRequest('session', undefined)
  app.decorateRequest('scope', function (this: FastifyRequest) { return new Scope(app.store.data, this.principal) })
  app.decorateRequest('audited', async function (this: FastifyRequest, entry: Omit<AuditInput, 'actor' | 'ip'>) {
    const p = this.principal ?? TOKEN_PRINCIPAL
    await audit.record({ ...entry, actor: { kind: p.kind, id: p.id, name: p.name, role: p.role }, ip: this.ip })
      // The change itself is saved; an audit the disk refuses is shouted in the log rather than undone.
      .catch(err => this.log.error({ err, action: entry.action }, 'audit: could not record a change'))
  })

  app.decorate('requireToken', async (req: FastifyRequest) => {
    if (req.routeOptions.config.public === true) return
    const header = req.headers.authorization
    if (header !== undefined && header !== '') { req.principal = fromBearer(header); return }
    const session = sessions.get(readCookie(req.headers.cookie))
    const p = fromSession(session)
    if (p === undefined || session === undefined) throw apiError('AUTH_REQUIRED')
    if (UNSAFE.has(req.method)) checkCsrf(req, session)
    req.principal = p
    req.session = session
  })

  const checkCsrf = (req: FastifyRequest, session: Session): void => {
    const token = req.headers['x-csrf-token']
    if (!sessions.checkCsrf(session, typeof token === 'string' ? token : undefined)) throw apiError('CSRF_FAILED')
    // Defence in depth: a browser always says where a cross-site request comes from.
    // The host only: behind a TLS proxy the controller sees http while the page's origin says https.
    const origin = req.headers.origin
    if (origin !== undefined && originHost(origin) !== req.headers.host) throw apiError('CSRF_FAILED')
  }

  app.decorate('requirePermission', (permission: Permission) => async (req: FastifyRequest) => {
    if (!can(req.principal.role, permission)) {
      const text = actionText(permission)
      throw apiError('FORBIDDEN', { role: req.principal.role, action: text.en, actionVi: text.vi })
    }
  })

  app.decorate('sessionCookie', (reply: FastifyReply, req: FastifyRequest, value: string | null) => {
    reply.header('set-cookie', sessionCookie(value, req.protocol === 'https' || app.config.cookieSecure))
  })
}, { name: 'loa-auth', dependencies: ['loa-store'] })

declare module 'fastify' {
  interface FastifyInstance {
    /** Sets (or with null clears) the session cookie, Secure on HTTPS or when configured. */
    sessionCookie: (reply: FastifyReply, req: FastifyRequest, value: string | null) => void
  }
}
