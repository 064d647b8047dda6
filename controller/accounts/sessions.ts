import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'

/**
 * Web-panel login sessions, held in memory only.
 *
 * Why memory: nothing secret touches the disk, and the panel is an office tool, so a controller restart
 * logging the clerk out is an acceptable cost. Scheduled broadcasts do not depend on a session.
 *
 * The map is keyed by SHA-256 of the session id, and the id itself is not kept: a heap dump or a debugger
 * shows hashes, not cookies someone could replay. The id is 32 random bytes, so a plain hash is enough (see
 * controller/auth/secrets.ts). Looking the hash up in a Map is not constant-time, but timing can then only
 * reveal something about a hash, which does not help guess an id.
 */

export interface Session { id: string, userId: string, csrf: string, createdAt: number, lastSeen: number }

export interface SessionsOptions {
  /** A session unused this long is gone. Default 8 h: one working day. */
  idleMs?: number
  /** A session older than this is gone however busy. Default 24 h. */
  absoluteMs?: number
  now?: () => number
  /** Sessions kept in memory; past this the oldest is dropped. Default 10,000. */
  max?: number
}

interface Stored { userId: string, csrf: string, createdAt: number, lastSeen: number }

const HOUR = 3_600_000
// Far longer than any real cookie (43 characters); refuse before hashing whatever a client sends.
const ID_MAX_LENGTH = 256

function keyOf (id: string): string {
  return createHash('sha256').update(id).digest('base64url')
}

function positive (name: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`Sessions: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`)
  }
  return value
}

/** Sessions one user may have at once (phones, office PCs); the oldest goes first. */
const PER_USER_MAX = 20

export class Sessions {
  readonly #idleMs: number
  readonly #absoluteMs: number
  readonly #now: () => number
  readonly #max: number
  // Insertion order is creation order, so the first entry is the oldest: eviction and pruning read the front.
  readonly #byKey = new Map<string, Stored>()

  constructor (opts: SessionsOptions = {}) {
    this.#idleMs = positive('idleMs', opts.idleMs ?? 8 * HOUR, false)
    this.#absoluteMs = positive('absoluteMs', opts.absoluteMs ?? 24 * HOUR, false)
    this.#max = positive('max', opts.max ?? 10_000, true)
    this.#now = opts.now ?? Date.now
  }

  create (userId: string): Session {
    const now = this.#now()
    this.#pruneOld(now)
    // One user signing in again and again drops their own oldest sessions, never everyone else's.
    const own = [...this.#byKey].filter(([, s]) => s.userId === userId)
    for (const [key] of own.slice(0, Math.max(0, own.length - PER_USER_MAX + 1))) this.#byKey.delete(key)
    while (this.#byKey.size >= this.#max) {
      const oldest = this.#byKey.keys().next()
      if (oldest.done === true) break
      this.#byKey.delete(oldest.value)
    }
    const id = randomBytes(32).toString('base64url')
    const stored: Stored = { userId, csrf: randomBytes(32).toString('base64url'), createdAt: now, lastSeen: now }
    this.#byKey.set(keyOf(id), stored)
    return { id, ...stored }
  }

  /** The live session for this id, touching lastSeen; undefined if unknown, idle too long, or too old (then removed). */
  get (id: string | undefined): Session | undefined {
    if (typeof id !== 'string' || id.length === 0 || id.length > ID_MAX_LENGTH) return undefined
    const key = keyOf(id)
    const stored = this.#byKey.get(key)
    if (stored === undefined) return undefined
    const now = this.#now()
    if (this.#expired(stored, now)) {
      this.#byKey.delete(key)
      return undefined
    }
    stored.lastSeen = now
    return { id, ...stored }
  }

  destroy (id: string): void {
    if (typeof id !== 'string' || id.length === 0 || id.length > ID_MAX_LENGTH) return
    this.#byKey.delete(keyOf(id))
  }

  /** Ends every session of one user, e.g. after a password change or when the account is disabled. */
  destroyUser (userId: string): number {
    // A scan: at most `max` entries, and this runs on an admin action, not per request.
    let count = 0
    for (const [key, stored] of this.#byKey) {
      if (stored.userId === userId) {
        this.#byKey.delete(key)
        count++
      }
    }
    return count
  }

  /** Constant-time check of a CSRF token against the session's. */
  checkCsrf (session: Session, token: string | undefined): boolean {
    if (typeof token !== 'string') return false
    const a = Buffer.from(session.csrf)
    const b = Buffer.from(token)
    // The length of a token is public (always 43 characters), so leaving early on a mismatch leaks nothing.
    return a.length === b.length && timingSafeEqual(a, b)
  }

  /** Sessions held, including expired ones not yet pruned. */
  get size (): number {
    return this.#byKey.size
  }

  #expired (stored: Stored, now: number): boolean {
    return now - stored.lastSeen >= this.#idleMs || now - stored.createdAt >= this.#absoluteMs
  }

  /** Drops sessions past their absolute lifetime from the front; creation order makes these a prefix. No timers. */
  #pruneOld (now: number): void {
    for (const [key, stored] of this.#byKey) {
      if (now - stored.createdAt < this.#absoluteMs) break
      this.#byKey.delete(key)
    }
  }
}
