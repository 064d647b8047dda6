import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
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

  it('upgrades a schema-1 data file with broadcasts: finished ones readable from history, a cut one closed', async () => {
    const v1b = (id: string, state: string, endedAt: string | null): Record<string, unknown> => ({
      id, mediaId: 'm-1', targets: { zones: ['z-1'], nodes: [] }, priority: 100, state, createdAt: '2026-11-28T05:00:00.000Z',
      startAt: '2026-11-28T05:00:01.500Z', endedAt, endReason: endedAt === null ? null : 'end of media', framesTotal: 50, framesSent: 50, durationMs: 10_000,
      delivery: [
        { nodeId: 'n-1', status: 'completed', framesExpected: 50, framesReceived: 50, framesLate: 0, framesMissing: 0, firstSampleAt: '2026-11-28T05:00:01.500Z', finishReason: 'end' },
        { nodeId: 'n-2', status: endedAt === null ? 'joined' : 'no_reply', framesExpected: 50, framesReceived: null, framesLate: null, framesMissing: null, firstSampleAt: null, finishReason: null }
      ]
    })
    const done = v1b('2f8fad5b-d9cb-469f-a165-70867728950e', 'completed', '2026-11-28T05:00:12.000Z')
    const cut = v1b('3f8fad5b-d9cb-469f-a165-70867728950e', 'playing', null)
    await writeFile(join(dir, 'loa.json'), JSON.stringify({ schemaVersion: 1, auth: {}, zones: [], nodes: [], media: [], broadcasts: [done, cut] }))
    const c = await startController({ dataDir: dir })
    try {
      const a = (await c.api('GET', `/api/v1/broadcasts/${String(done.id)}`)).json<BroadcastRecord>()
      expect(a).toMatchObject({ state: 'completed', origin: { kind: 'api' }, playlist: ['m-1'] })
      expect(a.delivery.map(d => [d.status, d.deliveredMs])).toEqual([['completed', 10_000], ['no_report', 0]])
      const b = (await c.api('GET', `/api/v1/broadcasts/${String(cut.id)}`)).json<BroadcastRecord>()
      expect(b.state).toBe('failed')
      const report = await c.api('GET', '/api/v1/reports?from=2026-11-28&to=2026-11-28')
      expect(report.statusCode, report.body).toBe(200)
      expect(report.json<{ totals: { broadcasts: number } }>().totals.broadcasts).toBe(2)
      expect(await readFile(join(dir, 'loa.json.v1.bak'), 'utf8')).toContain(String(done.id))
    } finally {
      await c.close()
    }
  })
})
