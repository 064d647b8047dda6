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
