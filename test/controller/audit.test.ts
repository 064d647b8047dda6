import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AuditLog, MAX_STRING, redact, type AuditEntry, type AuditInput } from '../../controller/audit/log.js'

const admin = { kind: 'user', id: 'u-1', name: 'Nguyễn Văn An', role: 'admin' } as const
const clerk = { kind: 'user', id: 'u-2', name: 'Trần Thị Bình', role: 'operator' } as const

/** A zone.update by the admin unless told otherwise. */
const input = (over: Partial<AuditInput> = {}): AuditInput => ({
  actor: admin,
  action: 'zone.update',
  target: { kind: 'zone', id: 'z-1', name: 'Thôn 1' },
  before: { name: 'Thon 1' },
  after: { name: 'Thôn 1' },
  ...over
})

describe('audit log', () => {
  let dir: string
  let clock: number
  const now = (): number => clock
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-audit-'))
    clock = Date.parse('2026-11-28T05:00:00.000Z')
  })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  const file = (month: string): string => join(dir, 'audit', `${month}.jsonl`)
  const lines = async (month: string): Promise<string[]> => (await readFile(file(month), 'utf8')).split('\n').filter(l => l !== '')
  /** Every matching entry, following `next` page by page. */
  const all = async (log: AuditLog, q: Parameters<AuditLog['query']>[0]): Promise<AuditEntry[]> => {
    const out: AuditEntry[] = []
    let before: string | undefined
    for (;;) {
      const page = await log.query({ ...q, ...(before === undefined ? {} : { before }) })
      out.push(...page.items)
      if (page.next === null) return out
      before = page.next
    }
  }

  it('round-trips an entry through its UTC month file, and reads it back after a reopen', async () => {
    const log = await AuditLog.open(dir, { now })
    const e = await log.record(input({ ip: '10.0.0.7', areas: ['c-1', 'd-1', 'p-1'], note: 'đổi tên' }))
    expect(e).toMatchObject({ at: '2026-11-28T05:00:00.000Z', actor: admin, action: 'zone.update', before: { name: 'Thon 1' }, ip: '10.0.0.7' })
    expect(e.id).toMatch(/^[0-9a-z]{17}$/)
    const created = await log.record(input({ action: 'zone.create', before: null, at: '2026-10-31T23:59:59.000+07:00' }))
    expect(created.at).toBe('2026-10-31T16:59:59.000Z')
    expect(await readdir(join(dir, 'audit'))).toEqual(['2026-10.jsonl', '2026-11.jsonl'])
    expect((await lines('2026-11')).map(l => JSON.parse(l) as unknown)).toEqual([e])

    const again = await AuditLog.open(dir)
    expect(await again.query({})).toEqual({ items: [e, created], next: null, skipped: 0 })
  })

  it('lists newest first, entries of the same millisecond in the order they were recorded', async () => {
    const log = await AuditLog.open(dir, { now })
    const a = await log.record(input())
    clock += 1000
    const b = await log.record(input())
    const c = await log.record(input())
    expect((await log.query({})).items.map(x => x.id)).toEqual([c.id, b.id, a.id])
  })

  it('filters by days across a month boundary, by instants, actor, action, target and areas', async () => {
    const log = await AuditLog.open(dir, { now })
    const at = (iso: string, over: Partial<AuditInput> = {}): Promise<AuditEntry> => log.record(input({ ...over, at: iso }))
    const nov29 = await at('2026-11-29T10:00:00.000Z', { action: 'media.approve', target: { kind: 'media', id: 'm-1' }, areas: ['c-1'] })
    const nov30 = await at('2026-11-30T23:59:59.999Z', { actor: clerk, action: 'media.upload', target: { kind: 'media', id: 'm-1' }, areas: ['c-2'] })
    const dec1 = await at('2026-12-01T00:00:00.000Z', { actor: clerk, areas: ['c-1', 'c-2'] })
    const dec2 = await at('2026-12-02T00:00:00.000Z', { action: 'user.login_failed', target: null })
    const ids = async (q: Parameters<AuditLog['query']>[0]): Promise<string[]> => (await log.query(q)).items.map(e => e.id)

    expect(await ids({ from: '2026-11-30', to: '2026-12-01' })).toEqual([dec1.id, nov30.id])
    expect(await ids({ from: '2026-11-30T23:59:59.999Z', to: '2026-12-01T00:00:00Z' })).toEqual([dec1.id, nov30.id])
    expect(await ids({ to: '2026-11-30' })).toEqual([nov30.id, nov29.id])
    expect(await ids({ from: '2026-12-01T07:00:00+07:00' })).toEqual([dec2.id, dec1.id])
    expect(await ids({ actor: 'u-2' })).toEqual([dec1.id, nov30.id])
    expect(await ids({ actor: 'Trần Thị Bình' })).toEqual([dec1.id, nov30.id])
    expect(await ids({ action: 'media.approve' })).toEqual([nov29.id])
    expect(await ids({ action: 'media.' })).toEqual([nov30.id, nov29.id])
    expect(await ids({ action: 'media' })).toEqual([])
    expect(await ids({ targetId: 'm-1', actor: 'u-2' })).toEqual([nov30.id])
    expect(await ids({ areas: ['c-1'] })).toEqual([dec1.id, nov29.id])
    expect(await ids({ areas: ['c-2', 'c-9'] })).toEqual([dec1.id, nov30.id])
    expect(await ids({ areas: [] })).toEqual([])

    // Only the months of the range are read: a broken line in October is never seen.
    await appendFile(file('2026-10'), 'garbage\n')
    expect((await log.query({ from: '2026-11-01' })).skipped).toBe(0)
    expect((await log.query({})).skipped).toBe(1)
  })

  it('reads days in the configured time zone', async () => {
    const log = await AuditLog.open(dir, { now, timeZone: 'Asia/Ho_Chi_Minh' })
    const late = await log.record(input({ at: '2026-11-30T17:30:00.000Z' })) // 00:30 on 1 December in Hà Nội
    const early = await log.record(input({ at: '2026-11-30T16:30:00.000Z' })) // 23:30 on 30 November
    expect((await log.query({ from: '2026-12-01', to: '2026-12-01' })).items).toEqual([late])
    expect((await log.query({ to: '2026-11-30' })).items).toEqual([early])
  })

  it('pages with the before cursor: every entry exactly once, in order, across months', async () => {
    const log = await AuditLog.open(dir, { now })
    const made: AuditEntry[] = []
    clock = Date.parse('2026-11-30T23:59:50.000Z')
    for (let i = 0; i < 25; i++) {
      made.push(await log.record(input({ target: { kind: 'zone', id: `z-${i % 3}` } })))
      if (i % 2 === 0) clock += 1000 // pairs share a millisecond
    }
    const newestFirst = made.map(e => e.id).reverse()
    expect((await all(log, { limit: 7 })).map(e => e.id)).toEqual(newestFirst)
    expect((await all(log, { limit: 1 })).map(e => e.id)).toEqual(newestFirst)
    expect((await all(log, { limit: 4, targetId: 'z-1' })).map(e => e.id)).toEqual(made.filter(e => e.target?.id === 'z-1').map(e => e.id).reverse())
    expect((await log.query({ limit: 25 })).next).toBeNull()
    expect((await log.query({ limit: 24 })).next).toBe(newestFirst[23])
    await expect(log.query({ before: 'not-an-id' })).rejects.toThrow(RangeError)
  })

  it('200 concurrent records give 200 intact lines in call order', async () => {
    const log = await AuditLog.open(dir, { now })
    const big = 'x'.repeat(1500)
    const made = await Promise.all(Array.from({ length: 200 }, (_, i) => log.record(input({ note: `${i}`, after: { big, i } }))))
    const written = (await lines('2026-11')).map(l => JSON.parse(l) as AuditEntry)
    expect(written).toEqual(made)
    expect(written.map(e => e.note)).toEqual(made.map((_, i) => `${i}`))
    expect(new Set(made.map(e => e.id)).size).toBe(200)
    expect((await log.query({ limit: 1000 })).items.map(e => e.id)).toEqual(made.map(e => e.id).reverse())
  })

  it('redact removes secrets at any depth and in any case, keeps the rest, caps strings and depth', () => {
    const value = {
      user: { id: 'u-1', username: 'an', passwordHash: 'scrypt$x', sessions: [{ Token: 't', ip: '10.0.0.1' }] },
      credentials: { user: 'a', pass: 'b' },
      config: { ttsHttpKey: 'k', ttsHttpUrl: 'http://tts', KEY: 1, zoneKey: 'kept' },
      headers: { Authorization: 'Bearer abc', cookie: 'sid=1', 'content-type': 'json' },
      long: 'ă'.repeat(5000),
      when: new Date('2026-11-28T05:00:00.000Z'),
      skip: undefined
    }
    const copy = JSON.parse(JSON.stringify(value)) as unknown
    expect(redact(value)).toEqual({
      user: { id: 'u-1', username: 'an', passwordHash: '[redacted]', sessions: [{ Token: '[redacted]', ip: '10.0.0.1' }] },
      credentials: '[redacted]',
      config: { ttsHttpKey: '[redacted]', ttsHttpUrl: 'http://tts', KEY: '[redacted]', zoneKey: 'kept' },
      headers: { Authorization: '[redacted]', cookie: '[redacted]', 'content-type': 'json' },
      long: 'ă'.repeat(MAX_STRING - 1) + '…',
      when: '2026-11-28T05:00:00.000Z'
    })
    expect(JSON.parse(JSON.stringify(value))).toEqual(copy) // the input is not changed

    const deep: Record<string, unknown> = { level: 0 }
    let at = deep
    for (let i = 1; i < 12; i++) { const next = { level: i }; at.child = next; at = next }
    at.child = deep // a cycle ends at the depth cap too
    let out = redact(deep) as Record<string, unknown>
    for (let i = 0; i < 7; i++) out = out.child as Record<string, unknown>
    expect(out).toEqual({ level: 7, child: '[too deep]' })
    expect(redact(undefined)).toBeNull()
    expect(redact(JSON.parse('{"__proto__":{"secret":"s"}}'))).toEqual(JSON.parse('{"__proto__":{"secret":"[redacted]"}}'))
  })

  it('writes only redacted before/after and only the known actor fields', async () => {
    const log = await AuditLog.open(dir, { now })
    const user = { id: 'u-3', username: 'cuong', passwordHash: 'scrypt$secret-hash', role: 'viewer' }
    const actor = { kind: 'user' as const, id: 'u-1', name: 'An', passwordHash: 'scrypt$actor-hash' }
    const e = await log.record(input({ actor, action: 'user.update', before: { user }, after: { user, credentials: { k: 'v' } } }))
    expect(e.actor).toEqual({ kind: 'user', id: 'u-1', name: 'An' })
    const text = await readFile(file('2026-11'), 'utf8')
    expect(text).not.toContain('secret-hash')
    expect(text).not.toContain('actor-hash')
    expect(e.after).toEqual({ user: { ...user, passwordHash: '[redacted]' }, credentials: '[redacted]' })
  })

  it('skips a torn last line, and the next record starts on a fresh line', async () => {
    const log = await AuditLog.open(dir, { now })
    const first = await log.record(input())
    const torn = JSON.stringify({ ...first, id: 'torntorntorntornx' })
    await appendFile(file('2026-11'), torn.slice(0, torn.length / 2))

    const after = await AuditLog.open(dir, { now })
    expect(await after.query({})).toEqual({ items: [first], next: null, skipped: 1 })
    clock += 1000
    const next = await after.record(input())
    const text = await readFile(file('2026-11'), 'utf8')
    expect(text.endsWith(JSON.stringify(next) + '\n')).toBe(true)
    expect(text.split('\n')).toHaveLength(4) // first, torn, next, and the empty string after the last '\n'
    expect(await after.query({})).toEqual({ items: [next, first], next: null, skipped: 1 })
  })

  it('yields the good entries around garbage lines in the middle of a file', async () => {
    const log = await AuditLog.open(dir, { now })
    const a = await log.record(input())
    await appendFile(file('2026-11'), 'garbage\n{"id":"x"}\n\n[1,2]\n')
    const b = await log.record(input())
    expect(await log.query({})).toEqual({ items: [b, a], next: null, skipped: 3 })
  })

  it('never rewrites bytes already written', async () => {
    const log = await AuditLog.open(dir, { now })
    for (let i = 0; i < 5; i++) await log.record(input({ note: `${i}` }))
    await appendFile(file('2026-11'), '{"torn') // a crash mid-append
    const prefix = await readFile(file('2026-11'))
    const reopened = await AuditLog.open(dir, { now })
    for (let i = 0; i < 5; i++) await reopened.record(input({ note: `more ${i}` }))
    await reopened.query({})
    const now2 = await readFile(file('2026-11'))
    expect(now2.length).toBeGreaterThan(prefix.length)
    expect(now2.subarray(0, prefix.length).equals(prefix)).toBe(true)
  })

  it('rejects when the write fails, and later records still go through', async () => {
    const log = await AuditLog.open(dir, { now })
    // Injected fault: the month file's place is taken by a folder (works as root too).
    await mkdir(join(file('2026-11'), 'blocker'), { recursive: true })
    const failing = log.record(input())
    const other = log.record(input({ at: '2026-12-01T00:00:00.000Z' }))
    await expect(failing).rejects.toMatchObject({ code: 'EISDIR' })
    await expect(other).resolves.toMatchObject({ at: '2026-12-01T00:00:00.000Z' })
    await rm(file('2026-11'), { recursive: true })
    await writeFile(file('2026-11'), '')
    const ok = await log.record(input())
    expect((await log.query({})).items.map(e => e.id)).toEqual([(await other).id, ok.id])
  })

  it('rejects an invalid entry or query instead of writing or guessing', async () => {
    const log = await AuditLog.open(dir, { now })
    await expect(log.record(input({ action: 'login' }))).rejects.toThrow(TypeError)
    await expect(log.record(input({ at: 'yesterday' }))).rejects.toThrow(RangeError)
    await expect(log.query({ from: '2026-11-28T05:00:00' })).rejects.toThrow(RangeError)
    await expect(log.query({ to: '2026-02-30' })).rejects.toThrow(RangeError)
    expect(await readdir(join(dir, 'audit'))).toEqual([])
  })
})
