import { describe, expect, it } from 'vitest'
import { LoginLimiter } from '../../controller/accounts/login-limiter.js'

const MIN = 60_000

function clock (start = 1_800_000_000_000): { now: () => number, advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms: number) => { t += ms } }
}

function fail (limiter: LoginLimiter, username: string, ip: string, times: number): void {
  for (let i = 0; i < times; i++) {
    expect(limiter.check(username, ip), `attempt ${i + 1}`).toBeNull()
    limiter.failed(username, ip)
  }
}

describe('LoginLimiter', () => {
  it('locks a user name after 5 failures until the first of them leaves the 15 min window', () => {
    const c = clock()
    const limiter = new LoginLimiter({ now: c.now })
    const first = c.now()
    for (let i = 0; i < 5; i++) {
      expect(limiter.check('canbo', '10.0.0.1')).toBeNull()
      limiter.failed('canbo', '10.0.0.1')
      c.advance(MIN)
    }
    // Five failures at minutes 0..4; now minute 5, so the lock lasts until minute 15.
    expect(limiter.check('canbo', '10.0.0.1')).toBe(10 * 60)
    // From another address too, and however the name is spelled.
    expect(limiter.check('CanBo', '10.0.0.9')).toBe(10 * 60)
    expect(limiter.check(' canbo ', '10.0.0.9')).toBe(10 * 60)
    c.advance(10 * MIN - 1500)
    expect(limiter.check('canbo', '10.0.0.1')).toBe(2) // 1.5 s rounds up
    c.advance(1000)
    expect(limiter.check('canbo', '10.0.0.1')).toBe(1)
    c.advance(500)
    expect(limiter.check('canbo', '10.0.0.1')).toBeNull()
  })

  it('treats NFC and NFD spellings of a Vietnamese user name as one', () => {
    const limiter = new LoginLimiter({ now: clock().now })
    fail(limiter, 'Trần Thị Bích'.normalize('NFD'), '10.0.0.1', 5)
    expect(limiter.check('trần thị bích'.normalize('NFC'), '10.0.0.2')).toBe(15 * 60)
  })

  it('leaves another user name from another address alone', () => {
    const limiter = new LoginLimiter({ now: clock().now })
    fail(limiter, 'canbo', '10.0.0.1', 5)
    expect(limiter.check('canbo', '10.0.0.1')).not.toBeNull()
    expect(limiter.check('chutich', '10.0.0.2')).toBeNull()
    // The same address may still try another name: 5 failures are well under the IP limit.
    expect(limiter.check('chutich', '10.0.0.1')).toBeNull()
  })

  it('locks an address that tries a few passwords on many user names', () => {
    const c = clock()
    const limiter = new LoginLimiter({ now: c.now })
    for (let i = 0; i < 20; i++) {
      fail(limiter, `user${i}`, '203.0.113.7', 1)
      c.advance(1000)
    }
    expect(limiter.check('someone-else', '203.0.113.7')).toBe(15 * 60 - 20)
    expect(limiter.check('someone-else', '203.0.113.8')).toBeNull()
    // The lock is the larger of the two when both apply.
    fail(limiter, 'victim', '198.51.100.1', 5)
    expect(limiter.check('victim', '203.0.113.7')).toBe(15 * 60)
  })

  it('clears a user name after a success, but not the address', () => {
    const limiter = new LoginLimiter({ now: clock().now, perIp: 6 })
    fail(limiter, 'canbo', '10.0.0.1', 4)
    limiter.succeeded('CANBO', '10.0.0.1')
    fail(limiter, 'canbo', '10.0.0.1', 2)
    // The address has 6 failures: locked whatever name it tries, even the one that just succeeded.
    expect(limiter.check('canbo', '10.0.0.1')).not.toBeNull()
    expect(limiter.check('canbo', '10.0.0.2')).toBeNull()
    fail(limiter, 'canbo', '10.0.0.2', 3)
    expect(limiter.check('canbo', '10.0.0.3')).toBe(15 * 60) // 2 + 3 since the success
  })

  it('slides: failures spread over more than the window never lock', () => {
    const c = clock()
    const limiter = new LoginLimiter({ now: c.now })
    for (let i = 0; i < 50; i++) {
      expect(limiter.check('canbo', '10.0.0.1'), `failure ${i}`).toBeNull()
      limiter.failed('canbo', '10.0.0.1')
      c.advance(4 * MIN) // 4 in any 15 min
    }
  })

  it('slides: after a lock ends one more attempt is allowed, and failing it locks until the next one ages out', () => {
    const c = clock()
    const limiter = new LoginLimiter({ now: c.now })
    for (let i = 0; i < 5; i++) { fail(limiter, 'canbo', '10.0.0.1', 1); c.advance(2 * MIN) }
    // Failures at 0, 2, 4, 6, 8 min; now 10 min.
    expect(limiter.check('canbo', '10.0.0.1')).toBe(5 * 60)
    c.advance(5 * MIN)
    fail(limiter, 'canbo', '10.0.0.1', 1) // at 15 min; window holds 2, 4, 6, 8, 15
    expect(limiter.check('canbo', '10.0.0.1')).toBe(2 * 60)
    c.advance(2 * MIN)
    expect(limiter.check('canbo', '10.0.0.1')).toBeNull()
  })

  it('keeps at most maxKeys keys, forgetting the stalest first', () => {
    const c = clock()
    const limiter = new LoginLimiter({ now: c.now, maxKeys: 100, perIp: 1_000_000 })
    fail(limiter, 'target', '10.0.0.1', 5)
    expect(limiter.check('target', '10.0.0.1')).not.toBeNull()
    for (let i = 0; i < 10_000; i++) {
      c.advance(1)
      limiter.failed(`flood-${i}-${'x'.repeat(i % 500)}`, '10.0.0.2')
    }
    expect(limiter.size).toBeLessThanOrEqual(100)
    expect(limiter.check('target', '10.0.0.1')).toBeNull()
    // The flooding address is the freshest key, so it is still tracked.
    expect(limiter.check('anyone', '10.0.0.2')).toBeNull()
  })

  it('evicts by latest failure, so a name that keeps failing outlives older ones', () => {
    const limiter = new LoginLimiter({ now: clock().now, maxKeys: 3, perUser: 1, perIp: 1000 })
    limiter.failed('a', 'x')
    limiter.failed('b', 'x')
    limiter.failed('a', 'x') // a is now fresher than b
    limiter.failed('c', 'x') // one key too many: b goes
    expect(limiter.size).toBe(3)
    expect(limiter.check('a', 'y')).not.toBeNull()
    expect(limiter.check('b', 'y')).toBeNull()
    expect(limiter.check('c', 'y')).not.toBeNull()
  })

  it('forgets keys whose failures have left the window, without timers', () => {
    const c = clock()
    const limiter = new LoginLimiter({ now: c.now })
    for (let i = 0; i < 50; i++) limiter.failed(`u${i}`, `10.0.1.${i}`)
    expect(limiter.size).toBe(100)
    c.advance(15 * MIN)
    limiter.failed('late', '10.0.0.1')
    expect(limiter.size).toBe(2)
  })

  it('bounds the memory of huge user names', () => {
    const limiter = new LoginLimiter({ now: clock().now })
    const huge = 'a'.repeat(100_000)
    fail(limiter, huge, '10.0.0.1', 5)
    expect(limiter.check(huge, '10.0.0.2')).toBe(15 * 60)
    expect(limiter.check(huge + 'b', '10.0.0.2')).toBeNull()
  })

  it('refuses nonsensical options', () => {
    expect(() => new LoginLimiter({ perUser: 0 })).toThrow(RangeError)
    expect(() => new LoginLimiter({ perIp: 2.5 })).toThrow(RangeError)
    expect(() => new LoginLimiter({ windowMs: -1 })).toThrow(RangeError)
    expect(() => new LoginLimiter({ maxKeys: Number.POSITIVE_INFINITY })).toThrow(RangeError)
  })
})
