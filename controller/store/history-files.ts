import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import readline from 'node:readline'
import type { BroadcastRecord } from './schema.js'

/**
 * The layout of the history folder: one JSON Lines file per UTC month, `history/2026-11.jsonl`, one finished
 * broadcast record per line. Plain text that `grep`, `jq` and a spreadsheet import can read, and that only
 * ever grows at its end.
 */

const MONTH_FILE = /^(\d{4}-\d{2})\.jsonl$/

/**
 * The instant reports file a broadcast under: when it was meant to play (a schedule's time), else when it
 * first played, else when it was created. A fire recorded as missed long after its time still counts on the
 * day it was due.
 */
export function reportTime (r: Pick<BroadcastRecord, 'scheduledAt' | 'startAt' | 'createdAt'>): number {
  return Date.parse(r.scheduledAt ?? r.startAt ?? r.createdAt)
}

/** `2026-11` for an instant, in UTC (a month file never depends on the controller's own zone). */
export function monthKey (ms: number): string {
  return new Date(ms).toISOString().slice(0, 7)
}

/** The month keys from `fromMs` to `toMs` inclusive, oldest first. */
export function monthsBetween (fromMs: number, toMs: number): string[] {
  const keys: string[] = []
  const d = new Date(fromMs)
  let y = d.getUTCFullYear()
  let m = d.getUTCMonth()
  const last = monthKey(toMs)
  for (;;) {
    const key = `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}`
    if (key > last) return keys
    keys.push(key)
    if (++m === 12) { m = 0; y++ }
  }
}

export function monthFile (dir: string, key: string): string {
  return path.join(dir, `${key}.jsonl`)
}

/** The month keys that have a file, oldest first. */
export async function listMonths (dir: string): Promise<string[]> {
  const names = await fsp.readdir(dir)
  return names.flatMap(n => MONTH_FILE.exec(n)?.[1] ?? []).sort()
}

/**
 * Whether the file ends in the middle of a line: a crash during an append can leave a torn last line, and
 * the next record must start on a line of its own, or it would be lost with it.
 */
export async function endsTorn (file: string): Promise<boolean> {
  let fh: fsp.FileHandle
  try {
    fh = await fsp.open(file, 'r')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw err
  }
  try {
    const { size } = await fh.stat()
    if (size === 0) return false
    const last = Buffer.alloc(1)
    await fh.read(last, 0, 1, size - 1)
    return last[0] !== 0x0a
  } finally {
    await fh.close()
  }
}

/**
 * The lines of a file, one at a time (readline over a stream), so a year of history is never all in memory.
 * A missing file has no lines. Stopping early (break, return) closes the file.
 */
export async function * readLines (file: string): AsyncGenerator<string> {
  const input = fs.createReadStream(file, { encoding: 'utf8' })
  const opened = new Promise<boolean>((resolve, reject) => {
    input.once('ready', () => resolve(true))
    input.once('error', err => (err as NodeJS.ErrnoException).code === 'ENOENT' ? resolve(false) : reject(err))
  })
  try {
    if (!await opened) return
    const lines = readline.createInterface({ input, crlfDelay: Infinity })
    for await (const line of lines) yield line
  } finally {
    input.destroy()
  }
}
