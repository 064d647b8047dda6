import fp from 'fastify-plugin'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { generateSecret, hashSecret, verifySecret } from '../auth/secrets.js'
import { apiError } from '../errors.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** The admin token generated on first start, to be printed once by the entry point; never logged. */
    initialToken: string | undefined
    /**
     * The onRequest hook of the API scope. It is registered inside the `/api/v1` plugin, not matched on the raw
     * URL: the router decodes `%61pi` to `api`, so a prefix test on `req.url` could be walked around.
     */
    requireToken: (req: FastifyRequest) => Promise<void>
    /** The same check for requests Fastify does not route (WebSocket upgrades): throws AUTH_REQUIRED/INVALID. */
    checkBearer: (authorization: string | undefined) => void
  }
}

/**
 * Bearer-token authentication for everything under /api/v1. The token is LOA_ADMIN_TOKEN when set; otherwise
 * one is generated on first start and only its hash is stored. Accounts and roles come with the panel.
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

  const checkBearer = (header: string | undefined): void => {
    if (header === undefined || header === '') throw apiError('AUTH_REQUIRED')
    const m = /^Bearer\s+(\S+)$/i.exec(header)
    if (m === null || !verifySecret(m[1], tokenHash)) throw apiError('AUTH_INVALID')
  }
  app.decorate('checkBearer', checkBearer)
  app.decorate('requireToken', async (req: FastifyRequest) => { checkBearer(req.headers.authorization) })
}, { name: 'loa-auth', dependencies: ['loa-store'] })
