import type { FastifyBaseLogger } from 'fastify'
import type { BroadcastRecord } from './schema.js'
import type { Store } from './store.js'
import type { HistoryStore } from './history.js'

/** Where broadcast records go: the main file while on air, the history files once finished. */
export interface RecordDeps {
  store: Store
  history: HistoryStore
  log: FastifyBaseLogger
}

async function upsert (store: Store, record: BroadcastRecord): Promise<void> {
  await store.update(db => {
    const i = db.broadcasts.findIndex(b => b.id === record.id)
    if (i === -1) db.broadcasts.push(record)
    else db.broadcasts[i] = record
  })
}

/**
 * Saves a broadcast's record. While it is on air it lives in the main file (a crash must find it there, see
 * closeInterrupted). Once it has ended it is appended to the history and leaves the main file, so the main
 * file, and so every write of it, stays the size of what is on air now.
 *
 * A finished record is never lost: if the append fails it stays in the main file and moveFinished() retries
 * at the next start. Failures are logged, never thrown: a broadcast on air must not stop because the disk is
 * full or read-only.
 */
export async function recordBroadcast (deps: RecordDeps, record: BroadcastRecord): Promise<void> {
  const { store, history, log } = deps
  try {
    if (record.endedAt === null) {
      await upsert(store, record)
      return
    }
    try {
      await history.append(record)
    } catch (err) {
      log.error({ err, broadcast: record.id }, 'history: could not append the finished broadcast; it stays in the data file until the next start')
      await upsert(store, record)
      return
    }
    // Always queued, never skipped on a look at store.data: an earlier save of this broadcast may still be
    // waiting in the update queue, and this removal must run after it. A crash (or a failed write) here
    // leaves a stale copy in the main file; moveFinished() drops it at the next start, because
    // appendMissing() finds the id already in the history.
    await store.update(db => { db.broadcasts = db.broadcasts.filter(b => b.id !== record.id) })
  } catch (err) {
    log.error({ err, broadcast: record.id }, 'store: could not record the broadcast; it plays on')
  }
}

/**
 * At start-up no session is running, so a record still 'starting' or 'playing' was cut off by a crash or a
 * power cut: it is closed as failed, with the reason, instead of showing as on air for ever.
 */
export async function closeInterrupted (store: Store, now: Date): Promise<number> {
  const open = store.data.broadcasts.filter(b => b.state === 'waiting' || b.state === 'starting' || b.state === 'playing').length
  if (open === 0) return 0
  await store.update(db => {
    for (const b of db.broadcasts) {
      if (b.state !== 'waiting' && b.state !== 'starting' && b.state !== 'playing') continue
      b.state = 'failed'
      b.endReason = 'the controller stopped during the broadcast'
      b.endedAt = now.toISOString()
    }
  })
  return open
}

/**
 * At start-up (after closeInterrupted): moves every ended record still in the main file to the history.
 * They are there because an append failed, or the controller stopped between append and removal, or
 * closeInterrupted just closed them. Resolves with how many left the main file; if the history cannot be
 * written they stay, and the next start tries again.
 */
export async function moveFinished (deps: RecordDeps): Promise<number> {
  const { store, history, log } = deps
  const ended = store.data.broadcasts.filter(b => b.endedAt !== null)
  if (ended.length === 0) return 0
  try {
    await history.appendMissing(ended)
  } catch (err) {
    log.error({ err, count: ended.length }, 'history: could not move finished broadcasts out of the data file; will retry at the next start')
    return 0
  }
  const ids = new Set(ended.map(b => b.id))
  await store.update(db => { db.broadcasts = db.broadcasts.filter(b => !ids.has(b.id)) })
  return ended.length
}
