import { randomBytes, randomUUID } from 'node:crypto'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.js'
import type { Store } from '../store/store.js'
import type { AuditLog } from '../audit/log.js'
import { hashSecret } from '../auth/secrets.js'
import { checkPasswordRules, hashPassword } from './password.js'

/** A code a person can type from a log line: 4 groups of 4 from an alphabet without look-alikes. */
export function setupCode (): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789'
  const bytes = randomBytes(16)
  const chars = Array.from(bytes, b => alphabet[b % alphabet.length])
  return [0, 4, 8, 12].map(i => chars.slice(i, i + 4).join('')).join('-')
}

/** Setup codes are compared without case or dashes, as people type them. */
export function normaliseSetupCode (code: string): string {
  return code.toUpperCase().replace(/[^A-Z0-9]/g, '')
}

/**
 * The first administrator. There is no default password: either the configuration names one
 * (LOA_ADMIN_USER and LOA_ADMIN_PASSWORD, checked by the same rules as any password), or a one-time setup
 * code is made and returned, to be printed once; whoever has it creates the admin in the panel. Only its
 * hash is stored. Returns the new code, or undefined when no setup is pending or one is pending already.
 */
export async function bootstrapAdmin (store: Store, config: Readonly<Config>, audit: AuditLog, log: FastifyBaseLogger): Promise<string | undefined> {
  if (store.data.users.length > 0) {
    if (store.data.auth.setupCodeHash !== undefined) await store.update(db => { delete db.auth.setupCodeHash })
    return undefined
  }
  if (config.adminUser !== undefined && config.adminPassword !== undefined) {
    const username = config.adminUser.trim().toLowerCase()
    const weak = checkPasswordRules(config.adminPassword, username)
    if (weak !== null) throw new Error(`LOA_ADMIN_PASSWORD is not acceptable: ${weak.en}`)
    const now = new Date().toISOString()
    const user = {
      id: `u-${randomUUID().slice(0, 8)}`, username, displayName: username, role: 'admin' as const, areaId: null,
      passwordHash: await hashPassword(config.adminPassword), disabled: false, createdAt: now, updatedAt: now, lastLoginAt: null
    }
    await store.update(db => { db.users.push(user); delete db.auth.setupCodeHash })
    await audit.record({ actor: { kind: 'system', id: 'config', name: 'LOA_ADMIN_USER' }, action: 'user.create', target: { kind: 'user', id: user.id, name: username }, before: null, after: user })
    log.info({ username }, 'first administrator created from the configuration')
    return undefined
  }
  const code = setupCode()
  await store.update(db => { db.auth.setupCodeHash = hashSecret(normaliseSetupCode(code)) })
  return code
}
