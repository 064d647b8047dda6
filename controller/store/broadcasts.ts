import type { FastifyBaseLogger } from 'fastify'
import type { BroadcastRecord } from './schema.js'
import type { Store } from './store.js'

/**
 * Saves a broadcast's record (insert or replace). A failed write is logged, never thrown: a broadcast on air
 * must not stop because the disk is full or read-only.
 */
export async function recordBroadcast (store: Store, record: BroadcastRecord, log: FastifyBaseLogger): Promise<void> {
  try {
    await store.update(db => {
      const i = db.broadcasts.findIndex(b => b.id === record.id)
      if (i === -1) db.broadcasts.push(record)
      else db.broadcasts[i] = record
    })
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
