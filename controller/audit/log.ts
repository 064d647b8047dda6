import { randomInt } from 'node:crypto'
import fsp from 'node:fs/promises'
import path from 'node:path'
import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { fromWallClock, isValidTimeZone, parseDate } from '../../schedules/index.js'
import { dayNumber, fromDayNumber } from '../../schedules/calendar.js'
import { endsTorn, listMonths, monthFile, monthKey, readLines } from '../store/history-files.js'

/**
 * The audit trail: who changed what, when, with the record before and after. One JSON Lines file per UTC
 * month, `audit/2026-11.jsonl`, like the broadcast history: the file of an entry depends only on its instant,
 * never on the configured zone (a zone change would otherwise move old entries). Days in a query are read in
 * the controller's zone (the `timeZone` option), as reports do.
 *
 * Append-only: this module opens files with flag 'a' and has no way to change or remove an entry.
 */

export const AuditActor = Type.Object({
  kind: Type.Union([Type.Literal('user'), Type.Literal('token'), Type.Literal('system')]),
  id: Type.String(),
  name: Type.String(),
  role: Type.Optional(Type.String())
})
export type AuditActor = Static<typeof AuditActor>

/** `lytx2bk0` time (ms, base 36, 9 digits) + `0001` counter + `k3zq` random: sorts by time as a string. */
const ID = /^[0-9a-z]{17}$/

export const AuditEntry = Type.Object({
  id: Type.String({ pattern: ID.source }),
  at: Type.String({ format: 'date-time' }),
  actor: AuditActor,
  /** A dotted verb: `zone.create`, `media.approve`, `user.login_failed`. */
  action: Type.String({ pattern: '^[\\w-]+(\\.[\\w-]+)+$' }),
  target: Type.Union([Type.Object({ kind: Type.String(), id: Type.String(), name: Type.Optional(Type.String()) }), Type.Null()]),
  /** The record before the change (null on create), after redact(). */
  before: Type.Unknown(),
  /** The record after the change (null on delete), after redact(). */
  after: Type.Unknown(),
  ip: Type.Optional(Type.String()),
  /** The areas (commune, district, province) the target belongs to, so a scoped user sees only their entries. */
  areas: Type.Optional(Type.Array(Type.String())),
  note: Type.Optional(Type.String())
})
export type AuditEntry = Static<typeof AuditEntry>

export type AuditInput = Omit<AuditEntry, 'id' | 'at'> & { at?: string }

export interface AuditQuery {
  /** An instant with its offset (`2026-11-28T05:00:00Z`), or a day `2026-11-28` in the log's time zone. Inclusive. */
  from?: string
  /** As `from`; a day includes all of it. */
  to?: string
  /** Actor id or name, exact. */
  actor?: string
  /** Exact, or a prefix ending in '.': `media.` matches `media.approve`. */
  action?: string
  targetId?: string
  /** An entry shows if it has any of these areas (an entry without areas never does); undefined: no filter. */
  areas?: string[]
  /** Default 100, at most 1000. */
  limit?: number
  /** An entry id (a page's `next`): only entries older than it. */
  before?: string
}

export interface AuditPage {
  /** Newest first. */
  items: AuditEntry[]
  /** The `before` for the following page; null on the last page. */
  next: string | null
  /** Lines of the files read that were not an entry (a torn last line after a crash, a hand edit). */
  skipped: number
}

export interface AuditOptions {
  now?: () => number
  /** The zone of the days in a query (the controller's `timeZone`); default UTC. */
  timeZone?: string
}

const check = Compile(AuditEntry)
const DAY = /^\d{4}-\d{2}-\d{2}$/
const INSTANT = /^\d{4}-\d{2}-\d{2}T[\d:.]+(Z|[+-]\d{2}:\d{2})$/i

export class AuditLog {
  private queue: Promise<unknown> = Promise.resolve()
  /** Month files known to end with '\n': checked once for a torn last line, or appended to whole since. */
  private readonly whole = new Set<string>()
  private seq = 0

  private constructor (readonly dir: string, private readonly now: () => number, private readonly timeZone: string) {}

  static async open (dataDir: string, opts: AuditOptions = {}): Promise<AuditLog> {
    const timeZone = opts.timeZone ?? 'UTC'
    if (!isValidTimeZone(timeZone)) throw new RangeError(`audit: unknown time zone ${timeZone}`)
    const dir = path.join(dataDir, 'audit')
    await fsp.mkdir(dir, { recursive: true })
    return new AuditLog(dir, opts.now ?? Date.now, timeZone)
  }

  /**
   * Appends one entry as one line; resolves with it once written. Appends run one at a time in call order.
   * Rejects on an invalid entry or a failed write: the caller decides what an unrecorded change means.
   */
  async record (input: AuditInput): Promise<AuditEntry> {
    // Time and id are taken at the call, so entries sort in the order the changes were made.
    const ms = input.at === undefined ? this.now() : Date.parse(input.at)
    if (!Number.isFinite(ms)) throw new RangeError(`audit: not a time: ${String(input.at)}`)
    const { kind, id, name, role } = input.actor
    const t = input.target
    // Only the known fields are copied: a whole user record passed as the actor must not leak its hash.
    const entry: AuditEntry = {
      id: this.nextId(ms),
      at: new Date(ms).toISOString(),
      actor: role === undefined ? { kind, id, name } : { kind, id, name, role },
      action: input.action,
      target: t === null ? null : t.name === undefined ? { kind: t.kind, id: t.id } : { kind: t.kind, id: t.id, name: t.name },
      before: redact(input.before),
      after: redact(input.after),
      ...(input.ip === undefined ? {} : { ip: input.ip }),
      ...(input.areas === undefined ? {} : { areas: [...input.areas] }),
      ...(input.note === undefined ? {} : { note: capString(input.note) })
    }
    if (!check.Check(entry)) {
      const e = check.Errors(entry)[0]
      throw new TypeError(`audit: not a valid entry: ${e?.instancePath ?? ''} ${e?.message ?? ''}`)
    }
    const file = monthFile(this.dir, monthKey(ms))
    const run = async (): Promise<AuditEntry> => {
      // After a crash the last line may be torn; start on a fresh line so this entry is not glued to it.
      const torn = !this.whole.has(file) && await endsTorn(file)
      this.whole.delete(file)
      await fsp.appendFile(file, (torn ? '\n' : '') + JSON.stringify(entry) + '\n', { encoding: 'utf8', flag: 'a' })
      this.whole.add(file)
      return entry
    }
    const p = this.queue.then(run, run)
    this.queue = p.catch(() => undefined)
    return await p
  }

  /** Newest first, filtered, one page; reads only the month files between `from` and `to` (or the cursor). */
  async query (q: AuditQuery): Promise<AuditPage> {
    const fromMs = q.from === undefined ? -Infinity : this.bound(q.from, false)
    const toMs = q.to === undefined ? Infinity : this.bound(q.to, true)
    if (q.before !== undefined && !ID.test(q.before)) throw new RangeError(`audit: not an entry id: ${q.before}`)
    const limit = Math.min(1000, Math.max(1, Math.floor(Number.isFinite(q.limit) ? q.limit as number : 100)))
    const lastMs = Math.min(toMs, q.before === undefined ? Infinity : parseInt(q.before.slice(0, 9), 36))
    const first = Number.isFinite(fromMs) ? monthKey(fromMs) : ''
    const last = Number.isFinite(lastMs) ? monthKey(lastMs) : '~'
    const months = (await listMonths(this.dir)).filter(k => k >= first && k <= last).reverse()
    const areas = q.areas === undefined ? undefined : new Set(q.areas)
    const wanted = (e: AuditEntry): boolean => {
      const t = Date.parse(e.at)
      return t >= fromMs && t <= toMs &&
        (q.before === undefined || e.id < q.before) &&
        (q.actor === undefined || e.actor.id === q.actor || e.actor.name === q.actor) &&
        (q.action === undefined || e.action === q.action || (q.action.endsWith('.') && e.action.startsWith(q.action))) &&
        (q.targetId === undefined || e.target?.id === q.targetId) &&
        (areas === undefined || (e.areas ?? []).some(a => areas.has(a)))
    }
    const items: AuditEntry[] = []
    let skipped = 0
    // Months hold disjoint time spans, so a page is complete once the newer months give one entry more than it.
    for (const key of months) {
      const found: AuditEntry[] = []
      for await (const line of readLines(monthFile(this.dir, key))) {
        if (line.trim() === '') continue
        const e = parse(line)
        if (e === undefined) skipped++
        else if (wanted(e)) found.push(e)
      }
      found.sort((a, b) => a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
      items.push(...found.slice(0, limit + 1 - items.length))
      if (items.length > limit) break
    }
    const page = items.slice(0, limit)
    return { items: page, next: items.length > limit ? page[page.length - 1]?.id ?? null : null, skipped }
  }

  private nextId (ms: number): string {
    this.seq = (this.seq + 1) % 36 ** 4
    // The random part keeps ids unique across a restart within the same millisecond.
    return ms.toString(36).padStart(9, '0') + this.seq.toString(36).padStart(4, '0') + randomInt(36 ** 4).toString(36).padStart(4, '0')
  }

  /** An instant from a query bound; a day runs from its local midnight to the next, inclusive of its last ms. */
  private bound (s: string, end: boolean): number {
    if (DAY.test(s)) {
      const d = parseDate(s)
      if (d === null) throw new RangeError(`audit: not a date: ${s}`)
      const day = end ? fromDayNumber(dayNumber(d) + 1) : d
      return fromWallClock({ ...day, hour: 0, minute: 0 }, this.timeZone).getTime() - (end ? 1 : 0)
    }
    // An instant without an offset would be read in the process's zone; refuse it rather than guess.
    const ms = INSTANT.test(s) ? Date.parse(s) : NaN
    if (!Number.isFinite(ms)) throw new RangeError(`audit: not an ISO instant with offset or a YYYY-MM-DD day: ${s}`)
    return ms
  }
}

function parse (line: string): AuditEntry | undefined {
  try {
    const value: unknown = JSON.parse(line)
    return check.Check(value) ? value : undefined
  } catch {
    return undefined
  }
}

const SECRET_KEYS = new Set(['password', 'passwordHash', 'secretHash', 'secret', 'token', 'tokenHash', 'adminTokenHash', 'key',
  'apiKey', 'ttsHttpKey', 'credentials', 'csrf', 'cookie', 'authorization'].map(k => k.toLowerCase()))
export const MAX_STRING = 2000
export const MAX_DEPTH = 8

function capString (s: string): string {
  return s.length > MAX_STRING ? s.slice(0, MAX_STRING - 1) + '…' : s
}

/**
 * A JSON-safe deep copy with every secret-named key (any case, at any depth) replaced by '[redacted]',
 * strings cut to MAX_STRING characters (the last one '…') and objects nested deeper than MAX_DEPTH replaced by
 * '[too deep]' (which also ends a cycle). undefined becomes null, as a missing before/after is.
 */
export function redact (value: unknown): unknown {
  return copy(value, 0)
}

function copy (v: unknown, depth: number): unknown {
  if (typeof v === 'string') return capString(v)
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'boolean' || v === null) return v
  if (typeof v === 'bigint') return v.toString()
  if (typeof v !== 'object') return null
  if (depth >= MAX_DEPTH) return '[too deep]'
  const toJSON = (v as { toJSON?: unknown }).toJSON
  if (typeof toJSON === 'function') return copy(toJSON.call(v), depth + 1)
  if (Array.isArray(v)) return v.map(x => copy(x, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [k, x] of Object.entries(v)) {
    if (x === undefined || typeof x === 'function' || typeof x === 'symbol') continue
    // defineProperty, so a key named __proto__ (from JSON.parse) stays a plain key.
    Object.defineProperty(out, k, { value: SECRET_KEYS.has(k.toLowerCase()) ? '[redacted]' : copy(x, depth + 1), enumerable: true, writable: true, configurable: true })
  }
  return out
}
