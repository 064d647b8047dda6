import { createHash } from 'node:crypto'

/**
 * Failed logins are counted per username (trimmed, NFC, lower-cased) and per client IP in a sliding window:
 * an attempt is refused while the last `limit` failures all fall inside the window, until the oldest of them
 * leaves it. The per-user limit stops guessing one account's password from many addresses; the per-IP limit
 * stops one address from trying a few passwords on every account.
 *
 * No timers: old entries are pruned when failures are recorded, so nothing keeps the process alive and tests
 * drive time through `now`.
 *
 * Memory is bounded by `maxKeys` (users and IPs together), evicting the key whose last failure is oldest. An
 * attacker could evict a locked user name by flooding failures, but each IP only gets `perIp` failures per
 * window, so at the defaults that takes 2,500 addresses.
 */

export interface LoginLimiterOptions {
  /** Failures per user name within the window before it is locked. Default 5. */
  perUser?: number
  /** Failures per client IP within the window before it is locked. Default 20. */
  perIp?: number
  /** Default 15 min. */
  windowMs?: number
  now?: () => number
  /** Keys (user names plus IPs) tracked; past this the stalest is dropped. Default 50,000. */
  maxKeys?: number
}

// Keys are stored as given up to this length; a longer one is hashed, so a flood of huge user names costs
// the same memory as short ones.
const KEY_MAX_LENGTH = 128

function positive (name: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new RangeError(`LoginLimiter: ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`)
  }
  return value
}

function boundedKey (prefix: string, s: string): string {
  return s.length <= KEY_MAX_LENGTH ? prefix + s : prefix + '#' + createHash('sha256').update(s).digest('base64url')
}

function userKey (username: string): string {
  return boundedKey('u:', username.normalize('NFC').trim().toLowerCase())
}

function ipKey (ip: string): string {
  return boundedKey('i:', ip)
}

export class LoginLimiter {
  readonly #perUser: number
  readonly #perIp: number
  readonly #windowMs: number
  readonly #now: () => number
  readonly #maxKeys: number
  // Failure times per key, oldest first, at most `limit` of them (older ones can no longer decide a lock).
  // Map order is the order of each key's latest failure, so the stalest key is always first.
  readonly #failures = new Map<string, number[]>()

  constructor (opts: LoginLimiterOptions = {}) {
    this.#perUser = positive('perUser', opts.perUser ?? 5, true)
    this.#perIp = positive('perIp', opts.perIp ?? 20, true)
    this.#windowMs = positive('windowMs', opts.windowMs ?? 15 * 60_000, false)
    this.#maxKeys = positive('maxKeys', opts.maxKeys ?? 50_000, true)
    this.#now = opts.now ?? Date.now
  }

  /** Before checking a password: null if allowed, else the seconds until the next attempt is allowed (for Retry-After). */
  check (username: string, ip: string): number | null {
    const now = this.#now()
    const waitMs = Math.max(
      this.#waitMs(userKey(username), this.#perUser, now),
      this.#waitMs(ipKey(ip), this.#perIp, now)
    )
    return waitMs > 0 ? Math.max(1, Math.ceil(waitMs / 1000)) : null
  }

  failed (username: string, ip: string): void {
    const now = this.#now()
    this.#prune(now)
    this.#record(userKey(username), this.#perUser, now)
    this.#record(ipKey(ip), this.#perIp, now)
  }

  /** A success clears the user name's failures, not the IP's: one good account must not reset an IP that is guessing others. */
  succeeded (username: string, _ip: string): void {
    this.#failures.delete(userKey(username))
  }

  /** Keys tracked, for tests and metrics. */
  get size (): number {
    return this.#failures.size
  }

  #waitMs (key: string, limit: number, now: number): number {
    const times = this.#failures.get(key)
    if (times === undefined || times.length < limit) return 0
    const decisive = times[times.length - limit]
    return decisive === undefined ? 0 : decisive + this.#windowMs - now
  }

  #record (key: string, limit: number, now: number): void {
    const times = this.#failures.get(key) ?? []
    this.#failures.delete(key) // re-insert at the back: this key is now the freshest
    times.push(now)
    if (times.length > limit) times.splice(0, times.length - limit)
    this.#failures.set(key, times)
    while (this.#failures.size > this.#maxKeys) {
      const stalest = this.#failures.keys().next()
      if (stalest.done === true) break
      this.#failures.delete(stalest.value)
    }
  }

  /** Drops keys whose latest failure has left the window; they are a prefix of the map. */
  #prune (now: number): void {
    for (const [key, times] of this.#failures) {
      const latest = times[times.length - 1]
      if (latest !== undefined && now - latest < this.#windowMs) break
      this.#failures.delete(key)
    }
  }
}
