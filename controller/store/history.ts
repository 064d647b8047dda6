import fsp from 'node:fs/promises'
import path from 'node:path'
import type { FastifyBaseLogger } from 'fastify'
import { Compile } from 'typebox/compile'
import { BroadcastRecord } from './schema.js'
import { endsTorn, listMonths, monthFile, monthKey, monthsBetween, readLines, reportTime } from './history-files.js'

export { reportTime }

/** How many of the newest records stay in memory for GET /broadcasts. */
export const RECENT_SIZE = 500

export interface HistoryOptions {
  recentSize?: number
  log?: Pick<FastifyBaseLogger, 'warn'>
}

export interface ScanResult {
  /** Records in the range, handed to the callback. */
  records: number
  /** Lines skipped because they were not a valid record (a torn write after a crash, a hand edit). */
  malformed: number
}

const check = Compile(BroadcastRecord)

function parse (line: string): BroadcastRecord | undefined {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return undefined
  }
  return check.Check(value) ? value : undefined
}

/**
 * Finished broadcasts, outside the lowdb file: the main file is cloned and rewritten on every change, so a
 * year of history in it (110,000 node records for one commune, issue #3) would slow every schedule edit.
 * Here a finished record costs one append of one line, and nothing rewrites it afterwards.
 *
 * Appends run one at a time. A reader that meets a line it cannot parse skips it, counts it and logs it; the
 * usual cause is a torn last line after a crash (or an append still being written while a report reads).
 */
export class HistoryStore {
  /** The newest records (by createdAt, newest first): GET /broadcasts lists these without reading a file. */
  private recentList: BroadcastRecord[] = []
  private queue: Promise<unknown> = Promise.resolve()
  /** Month files this process has checked for a torn last line, or appended whole lines to since. */
  private readonly whole = new Set<string>()

  private constructor (readonly dir: string, private readonly recentSize: number, private readonly log?: HistoryOptions['log']) {}

  static async open (dataDir: string, opts: HistoryOptions = {}): Promise<HistoryStore> {
    const dir = path.join(dataDir, 'history')
    await fsp.mkdir(dir, { recursive: true })
    const history = new HistoryStore(dir, opts.recentSize ?? RECENT_SIZE, opts.log)
    for (const key of (await listMonths(dir)).reverse()) {
      await history.visit([key], r => { history.remember(r); return false })
      if (history.recentList.length >= history.recentSize) break
    }
    return history
  }

  /** Appends one finished record as one line. Rejects if the line could not be written. */
  async append (record: BroadcastRecord): Promise<void> {
    const run = async (): Promise<void> => {
      // An unparsable date (hand-made records) still files somewhere, so find() can reach it.
      const t = reportTime(record)
      const file = monthFile(this.dir, monthKey(Number.isFinite(t) ? t : Date.now()))
      // After a crash the last line may be torn; start on a fresh line so this record is not glued to it.
      const torn = !this.whole.has(file) && await endsTorn(file)
      this.whole.delete(file)
      await fsp.appendFile(file, (torn ? '\n' : '') + JSON.stringify(record) + '\n', 'utf8')
      this.whole.add(file)
      this.remember(record)
    }
    const p = this.queue.then(run, run)
    this.queue = p.catch(() => undefined)
    await p
  }

  /**
   * Appends the records whose id is not in the history yet, and says how many that was. For records a
   * failed or interrupted move left in the main file: a crash between the append and the removal from the
   * main file must not count a broadcast twice.
   */
  async appendMissing (records: readonly BroadcastRecord[]): Promise<number> {
    const missing = new Map(records.map(r => [r.id, r]))
    if (missing.size === 0) return 0
    const months = (await listMonths(this.dir)).reverse()
    // A substring test per wanted id spares parsing lines that name none of them; with many ids (a migration
    // run again) parsing every line once is cheaper than testing each line for each id.
    const prefilter = missing.size <= 16 ? (line: string) => [...missing.keys()].some(id => line.includes(id)) : undefined
    await this.visit(months, r => { missing.delete(r.id); return missing.size === 0 }, prefilter)
    for (const r of missing.values()) await this.append(r)
    return missing.size
  }

  /** Up to `limit` of the newest records that pass `filter`, newest first; reads no file. */
  recent (limit: number, filter: (r: BroadcastRecord) => boolean = () => true): BroadcastRecord[] {
    const out: BroadcastRecord[] = []
    for (const r of this.recentList) {
      if (out.length >= limit) break
      if (filter(r)) out.push(r)
    }
    return out
  }

  /** A record by id: from memory if recent, else by reading the month files, newest first. */
  async find (id: string): Promise<BroadcastRecord | undefined> {
    const hit = this.recentList.find(r => r.id === id)
    if (hit !== undefined) return hit
    let found: BroadcastRecord | undefined
    const months = (await listMonths(this.dir)).reverse()
    // Cheap substring test first: only a line that mentions the id is parsed.
    await this.visit(months, r => { if (r.id === id) found = r; return found !== undefined }, line => line.includes(id))
    return found
  }

  /**
   * Calls `fn` for each record whose report time (scheduledAt ?? startAt ?? createdAt) is in
   * [fromMs, toMs), reading only the month files of that range, one line at a time.
   */
  async scan (fromMs: number, toMs: number, fn: (r: BroadcastRecord) => void): Promise<ScanResult> {
    const have = new Set(await listMonths(this.dir))
    const months = monthsBetween(fromMs, toMs - 1).filter(k => have.has(k))
    let records = 0
    const malformed = await this.visit(months, r => {
      const t = reportTime(r)
      if (t >= fromMs && t < toMs) { records++; fn(r) }
      return false
    })
    return { records, malformed }
  }

  /** Reads the given months in order; `onRecord` returns true to stop. Resolves with the malformed lines seen. */
  private async visit (months: string[], onRecord: (r: BroadcastRecord) => boolean, prefilter?: (line: string) => boolean): Promise<number> {
    let malformed = 0
    for (const key of months) {
      const file = monthFile(this.dir, key)
      let lineNo = 0
      for await (const line of readLines(file)) {
        lineNo++
        if (line.trim() === '' || (prefilter !== undefined && !prefilter(line))) continue
        const r = parse(line)
        if (r === undefined) {
          malformed++
          this.log?.warn({ file, line: lineNo }, 'history: skipped a line that is not a broadcast record (torn by a crash?)')
          continue
        }
        if (onRecord(r)) return malformed
      }
    }
    return malformed
  }

  /** Keeps `r` in the recent list if it is among the newest, replacing an older copy with the same id. */
  private remember (r: BroadcastRecord): void {
    const list = this.recentList.filter(x => x.id !== r.id)
    const at = list.findIndex(x => x.createdAt < r.createdAt)
    if (at === -1) list.push(r)
    else list.splice(at, 0, r)
    this.recentList = list.length > this.recentSize ? list.slice(0, this.recentSize) : list
  }
}
