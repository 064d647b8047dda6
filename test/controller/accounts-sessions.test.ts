import { describe, expect, it } from 'vitest'
import { Sessions } from '../../controller/accounts/sessions.js'

const HOUR = 3_600_000

function clock (start = 1_800_000_000_000): { now: () => number, advance: (ms: number) => void } {
  let t = start
  return { now: () => t, advance: (ms: number) => { t += ms } }
}

describe('Sessions', () => {
  it('creates sessions with random 32-byte ids and CSRF tokens, and finds them again', () => {
    const c = clock()
    const sessions = new Sessions({ now: c.now })
    const s = sessions.create('user-1')
    expect(s.id).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(s.csrf).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(s.csrf).not.toBe(s.id)
    expect(s).toMatchObject({ userId: 'user-1', createdAt: c.now(), lastSeen: c.now() })
    const other = sessions.create('user-1')
    expect(other.id).not.toBe(s.id)
    expect(other.csrf).not.toBe(s.csrf)
    expect(sessions.size).toBe(2)

    c.advance(1000)
    expect(sessions.get(s.id)).toEqual({ ...s, lastSeen: s.createdAt + 1000 })
    expect(sessions.get(undefined)).toBeUndefined()
    expect(sessions.get('')).toBeUndefined()
    expect(sessions.get('not-a-session')).toBeUndefined()
    expect(sessions.get('x'.repeat(100_000))).toBeUndefined()
  })

  it('expires a session idle for idleMs, and one used often once it reaches absoluteMs', () => {
    const c = clock()
    const sessions = new Sessions({ now: c.now, idleMs: 8 * HOUR, absoluteMs: 24 * HOUR })
    const used = sessions.create('a')
    const untouched = sessions.create('b')

    c.advance(8 * HOUR - 1)
    expect(sessions.get(used.id)).toBeDefined() // touched: the idle clock restarts
    c.advance(8 * HOUR - 1)
    expect(sessions.get(used.id)).toBeDefined()
    expect(sessions.get(untouched.id)).toBeUndefined() // not used for 16 h
    c.advance(8 * HOUR)
    expect(sessions.get(used.id)).toBeUndefined() // exactly idleMs without use
    expect(sessions.size).toBe(0)

    const s = sessions.create('c')
    for (let i = 0; i < 23; i++) {
      c.advance(HOUR)
      expect(sessions.get(s.id), `hour ${i + 1}`).toBeDefined()
    }
    c.advance(HOUR - 1)
    expect(sessions.get(s.id)).toBeDefined()
    c.advance(1)
    expect(sessions.get(s.id)).toBeUndefined()
    expect(sessions.size).toBe(0)
  })

  it('uses 8 h idle and 24 h absolute by default', () => {
    const c = clock()
    const sessions = new Sessions({ now: c.now })
    const s = sessions.create('a')
    c.advance(8 * HOUR - 1)
    expect(sessions.get(s.id)).toBeDefined()
    c.advance(8 * HOUR)
    expect(sessions.get(s.id)).toBeUndefined()
    const t = sessions.create('a')
    for (let i = 0; i < 3; i++) { c.advance(8 * HOUR - 1); expect(sessions.get(t.id)).toBeDefined() }
    c.advance(3)
    expect(sessions.get(t.id)).toBeUndefined()
  })

  it('destroys one session, or every session of a user', () => {
    const sessions = new Sessions()
    const a1 = sessions.create('a')
    const a2 = sessions.create('a')
    const b = sessions.create('b')
    sessions.destroy(a1.id)
    sessions.destroy('unknown')
    expect(sessions.get(a1.id)).toBeUndefined()
    expect(sessions.get(a2.id)).toBeDefined()
    const a3 = sessions.create('a')
    expect(sessions.destroyUser('a')).toBe(2)
    expect(sessions.get(a2.id)).toBeUndefined()
    expect(sessions.get(a3.id)).toBeUndefined()
    expect(sessions.get(b.id)).toBeDefined()
    expect(sessions.destroyUser('a')).toBe(0)
    expect(sessions.size).toBe(1)
  })

  it('checks the CSRF token against the session it belongs to', () => {
    const sessions = new Sessions()
    const s = sessions.create('a')
    const t = sessions.create('a')
    expect(sessions.checkCsrf(s, s.csrf)).toBe(true)
    expect(sessions.checkCsrf(s, t.csrf)).toBe(false)
    expect(sessions.checkCsrf(s, undefined)).toBe(false)
    expect(sessions.checkCsrf(s, '')).toBe(false)
    expect(sessions.checkCsrf(s, s.csrf.slice(0, -1))).toBe(false)
    expect(sessions.checkCsrf(s, s.csrf + 'A')).toBe(false)
    expect(sessions.checkCsrf(s, s.id)).toBe(false)
    expect(sessions.checkCsrf(s, 5 as unknown as string)).toBe(false)
  })

  it('evicts the oldest sessions at max', () => {
    const c = clock()
    const sessions = new Sessions({ now: c.now, max: 3 })
    const made = Array.from({ length: 5 }, (_, i) => { c.advance(1); return sessions.create(`u${i}`) })
    expect(sessions.size).toBe(3)
    expect(made.map(s => sessions.get(s.id)?.userId)).toEqual([undefined, undefined, 'u2', 'u3', 'u4'])
  })

  it('drops sessions past their absolute lifetime when creating new ones, without timers', () => {
    const c = clock()
    const sessions = new Sessions({ now: c.now, absoluteMs: 10 * HOUR, idleMs: HOUR })
    for (let i = 0; i < 100; i++) sessions.create(`u${i}`)
    c.advance(10 * HOUR)
    sessions.create('fresh')
    expect(sessions.size).toBe(1)
  })

  it('refuses nonsensical options', () => {
    expect(() => new Sessions({ idleMs: 0 })).toThrow(RangeError)
    expect(() => new Sessions({ absoluteMs: -1 })).toThrow(RangeError)
    expect(() => new Sessions({ max: 1.5 })).toThrow(RangeError)
    expect(() => new Sessions({ idleMs: Number.NaN })).toThrow(RangeError)
  })
})
