import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Store } from '../../controller/store/store.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { startController } from '../helpers/controller.js'

describe('controller restart', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'loa-restart-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('closes broadcasts that a crash left on air, and keeps the finished ones as they were', async () => {
    const store = await Store.open(dir)
    const base: BroadcastRecord = {
      id: '0f8fad5b-d9cb-469f-a165-70867728950e', origin: { kind: 'api' }, mediaId: 'm-1', playlist: ['m-1'], scheduledAt: null, streams: [], targets: { zones: ['z-1'], nodes: [] }, priority: 100,
      state: 'playing', createdAt: '2026-11-28T05:00:00.000Z', startAt: '2026-11-28T05:00:01.500Z', endedAt: null,
      endReason: null, framesTotal: 50, framesSent: 20, durationMs: 10_000, delivery: []
    }
    const done = { ...base, id: '1f8fad5b-d9cb-469f-a165-70867728950e', state: 'completed' as const, endedAt: '2026-11-28T05:00:12.000Z', endReason: 'end of media' }
    await store.update(db => { db.broadcasts.push(base, done) })
    const c = await startController({ dataDir: dir })
    try {
      const cut = (await c.api('GET', `/api/v1/broadcasts/${base.id}`)).json<BroadcastRecord>()
      expect(cut).toMatchObject({ state: 'failed', endReason: 'the controller stopped during the broadcast' })
      expect(cut.endedAt).not.toBeNull()
      expect((await c.api('GET', `/api/v1/broadcasts/${done.id}`)).json()).toEqual(done)
    } finally {
      await c.close()
    }
  })
})
