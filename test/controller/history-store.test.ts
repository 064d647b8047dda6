import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Fastify from 'fastify'
import { Store } from '../../controller/store/store.js'
import { HistoryStore } from '../../controller/store/history.js'
import { closeInterrupted, moveFinished, recordBroadcast } from '../../controller/store/broadcasts.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { startController } from '../helpers/controller.js'
import { makeRecord } from '../helpers/records.js'

const nodes = [{ nodeId: 'n-1', zoneId: 'z-1' }, { nodeId: 'n-2', zoneId: 'z-1' }]
const ids = (text: string): string[] => text.split('\n').filter(l => l !== '').map(l => (JSON.parse(l) as BroadcastRecord).id)

describe('finished broadcasts leave the main file', () => {
  let dir: string
  // Fastify's own silent logger: the functions under test log through the app's logger.
  const log = Fastify({ logger: false }).log
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'loa-history-store-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  it('migrates a v1 file: finished broadcasts go to the history, on-air ones stay, the original is backed up', async () => {
    const done = makeRecord({ at: '2026-10-20T05:00:00.000Z', nodes })
    const stopped = makeRecord({ at: '2026-11-20T05:00:00.000Z', nodes, state: 'stopped', endReason: 'stopped by staff' })
    const onAir = makeRecord({ at: '2026-11-28T05:00:00.000Z', nodes, open: true })
    const v1 = { schemaVersion: 1, auth: {}, zones: [], nodes: [], media: [], broadcasts: [done, stopped, onAir] }
    await writeFile(join(dir, 'loa.json'), JSON.stringify(v1))

    const s = await Store.open(dir)
    expect(s.data.broadcasts.map(b => b.id)).toEqual([onAir.id])
    expect(JSON.parse(await readFile(join(dir, 'loa.json.v1.bak'), 'utf8'))).toEqual(v1)
    expect(ids(await readFile(join(dir, 'history', '2026-10.jsonl'), 'utf8'))).toEqual([done.id])
    expect(ids(await readFile(join(dir, 'history', '2026-11.jsonl'), 'utf8'))).toEqual([stopped.id])
    const h = await HistoryStore.open(dir)
    expect(await h.find(done.id)).toEqual(done)

    // The controller stopped after the append but before the new main file was written: the step runs
    // again on the same v1 file and must not append anything twice.
    await writeFile(join(dir, 'loa.json'), JSON.stringify(v1))
    await Store.open(dir)
    expect(ids(await readFile(join(dir, 'history', '2026-10.jsonl'), 'utf8'))).toEqual([done.id])
    expect(ids(await readFile(join(dir, 'history', '2026-11.jsonl'), 'utf8'))).toEqual([stopped.id])
  })

  it('keeps an ended record in the main file when the append fails, and moves it at the next start', async () => {
    const store = await Store.open(dir)
    const history = await HistoryStore.open(dir)
    const record = makeRecord({ at: '2026-11-28T05:00:00.000Z', nodes })
    await recordBroadcast({ store, history, log }, { ...record, state: 'playing', endedAt: null, endReason: null })
    // Injected fault: the month file's place is taken by a folder (works as root too).
    await mkdir(join(dir, 'history', '2026-11.jsonl', 'blocker'), { recursive: true })
    await recordBroadcast({ store, history, log }, record)
    expect(store.data.broadcasts).toEqual([record])
    expect((await Store.open(dir)).data.broadcasts).toEqual([record])

    await rm(join(dir, 'history', '2026-11.jsonl'), { recursive: true })
    const c = await startController({ dataDir: dir })
    try {
      expect(c.app.store.data.broadcasts).toEqual([])
      expect(ids(await readFile(join(dir, 'history', '2026-11.jsonl'), 'utf8'))).toEqual([record.id])
      expect((await c.api('GET', `/api/v1/broadcasts/${record.id}`)).json()).toEqual(record)
      expect((await c.api('GET', '/api/v1/broadcasts')).json<{ items: BroadcastRecord[] }>().items.map(b => b.id)).toEqual([record.id])
    } finally {
      await c.close()
    }
  })

  it('a normal end appends the record and removes it from the main file', async () => {
    const store = await Store.open(dir)
    const history = await HistoryStore.open(dir)
    const record = makeRecord({ at: '2026-11-28T05:00:00.000Z', nodes })
    // The start's save is still queued when the end arrives (a broadcast to offline nodes ends at once).
    void recordBroadcast({ store, history, log }, { ...record, state: 'waiting', endedAt: null, endReason: null })
    await recordBroadcast({ store, history, log }, record)
    expect(store.data.broadcasts).toEqual([])
    expect(history.recent(10)).toEqual([record])
    expect(JSON.parse(await readFile(join(dir, 'loa.json'), 'utf8')).broadcasts).toEqual([])
  })

  it('drops a stale on-air copy whose final record already reached the history (crash between the two writes)', async () => {
    const store = await Store.open(dir)
    const history = await HistoryStore.open(dir)
    const record = makeRecord({ at: '2026-11-28T05:00:00.000Z', nodes })
    await history.append(record)
    await store.update(db => { db.broadcasts.push({ ...record, state: 'playing', endedAt: null, endReason: null }) })
    expect(await closeInterrupted(store, new Date('2026-11-28T06:00:00.000Z'))).toBe(1)
    expect(await moveFinished({ store, history, log })).toBe(1)
    expect(store.data.broadcasts).toEqual([])
    expect(ids(await readFile(join(dir, 'history', '2026-11.jsonl'), 'utf8'))).toEqual([record.id])
    expect(await history.find(record.id)).toEqual(record)
  })
})
