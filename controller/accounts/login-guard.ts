import { LoginLimiter } from './login-limiter.js'

/** Concurrent password hashes (scrypt, 87 ms each) the controller does for logins; beyond this, "try again". */
const MAX_HASHING = 4
const UNLIMITED = 1_000_000

/**
 * How password guesses are limited, and why this way:
 * - 5 failures per username *from one address* in 15 minutes, and 20 per address: someone guessing from
 *   one machine is stopped; someone else cannot lock a clerk out (the clerk's own address is not locked).
 * - 50 failures per username from all addresses together: guessing spread over many machines is slowed.
 * - An attempt counts before its hash is checked, so a burst of parallel requests cannot all slip through,
 *   and at most 4 hashes run at once, so a flood cannot fill the thread pool the store and audio use.
 * - The setup code and "change my password" have their own counters (per address, per user).
 */
export class LoginGuard {
  private readonly pair = new LoginLimiter({ perUser: 5, perIp: 20 })
  private readonly account = new LoginLimiter({ perUser: 50, perIp: UNLIMITED })
  private readonly secrets = new LoginLimiter({ perUser: 5, perIp: UNLIMITED })
  private hashing = 0

  /** Before checking a password: null to go on (the attempt is counted now), or the seconds to wait. */
  begin (username: string, ip: string): number | null {
    const key = `${username}\n${ip}`
    const wait = this.pair.check(key, ip) ?? this.account.check(username, '-')
    if (wait !== null) return wait
    if (this.hashing >= MAX_HASHING) return 1
    this.pair.failed(key, ip)
    this.account.failed(username, '-')
    this.hashing++
    return null
  }

  /** After the check: a success takes back the count of this username's failures. */
  end (username: string, ip: string, ok: boolean): void {
    this.hashing = Math.max(0, this.hashing - 1)
    if (!ok) return
    this.pair.succeeded(`${username}\n${ip}`, ip)
    this.account.succeeded(username, '-')
  }

  /** Other secrets people type (the setup code per address, the current password per user): 5 per 15 min. */
  other (purpose: string, key: string): { wait: number | null, failed: () => void, succeeded: () => void } {
    const k = `${purpose}\n${key}`
    return { wait: this.secrets.check(k, '-'), failed: () => this.secrets.failed(k, '-'), succeeded: () => this.secrets.succeeded(k, '-') }
  }
}
