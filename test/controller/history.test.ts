import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { appendFile, mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { HistoryStore } from '../../controller/store/history.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { makeRecord } from '../helpers/records.js'

const node = (i: number): { nodeId: string, zoneId: string } => ({ nodeId: `n-${i}`, zoneId: 'z-1' })

describe('broadcast history files', () => {
  let dir: string
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'loa-history-')) })
  afterEach(async () => { await rm(dir, { recursive: true, force: true }) })

  const lines = async (month: string): Promise<string[]> =>
    (await readFile(join(dir, 'history', `${month}.jsonl`), 'utf8')).split('\n').filter(l => l !== '')

  it('appends one line per record to the file of its month (UTC), and reads them back after a restart', async () => {
    const h = await HistoryStore.open(dir)
    const oct = makeRecord({ at: '2026-10-31T22:00:00.000Z', nodes: [node(1)] })
    const nov = makeRecord({ at: '2026-11-01T05:00:00.000Z', nodes: [node(1), node(2)] })
    const nov2 = makeRecord({ at: '2026-11-02T05:00:00.000Z', nodes: [node(2)] })
    for (const r of [oct, nov, nov2]) await h.append(r)
    expect((await readdir(join(dir, 'history'))).sort()).toEqual(['2026-10.jsonl', '2026-11.jsonl'])
    expect((await lines('2026-11')).map(l => (JSON.parse(l) as BroadcastRecord).id)).toEqual([nov.id, nov2.id])
    expect(h.recent(10).map(r => r.id)).toEqual([nov2.id, nov.id, oct.id])

    const again = await HistoryStore.open(dir)
    expect(again.recent(10)).toEqual([nov2, nov, oct])
    expect(again.recent(1)).toEqual([nov2])
    expect(again.recent(10, r => r.delivery.length === 2)).toEqual([nov])
  })

  it('keeps only the newest records in memory and finds older ones by reading the files, newest month first', async () => {
    const h = await HistoryStore.open(dir, { recentSize: 2 })
    const records = ['2026-01-05', '2026-02-05', '2026-03-05', '2026-04-05'].map(d => makeRecord({ at: `${d}T05:00:00.000Z`, nodes: [node(1)] }))
    for (const r of records) await h.append(r)
    expect(h.recent(10).map(r => r.id)).toEqual([records[3]?.id, records[2]?.id])
    const reopened = await HistoryStore.open(dir, { recentSize: 2 })
    expect(reopened.recent(10)).toHaveLength(2)
    expect(await reopened.find(records[0]?.id ?? '')).toEqual(records[0])
    expect(await reopened.find('no-such-id')).toBeUndefined()
  })

  it('skips and counts a torn last line, and the next append starts on a fresh line', async () => {
    const warnings: unknown[] = []
    const log = { warn: (obj: unknown) => { warnings.push(obj) } }
    const h = await HistoryStore.open(dir)
    const first = makeRecord({ at: '2026-11-10T05:00:00.000Z', nodes: [node(1)] })
    await h.append(first)
    // A crash in the middle of an append: half a line, no newline.
    const torn = JSON.stringify(makeRecord({ at: '2026-11-10T17:00:00.000Z', nodes: [node(1)] }))
    await appendFile(join(dir, 'history', '2026-11.jsonl'), torn.slice(0, torn.length / 2))

    const after = await HistoryStore.open(dir, { log })
    expect(after.recent(10)).toEqual([first])
    expect(warnings).toHaveLength(1)
    const next = makeRecord({ at: '2026-11-11T05:00:00.000Z', nodes: [node(2)] })
    await after.append(next)
    expect(await lines('2026-11')).toHaveLength(3)

    const seen: string[] = []
    const result = await after.scan(Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-12-01T00:00:00Z'), r => seen.push(r.id))
    expect(result).toEqual({ records: 2, malformed: 1 })
    expect(seen).toEqual([first.id, next.id])
    expect(await after.find(next.id)).toEqual(next)
  })

  it('scans by the time reports use (scheduledAt, else startAt), half-open, and reads only the months in range', async () => {
    const h = await HistoryStore.open(dir)
    // Created on 31 October, but due (and counted) on 1 November.
    const due = makeRecord({ at: '2026-11-01T00:00:00.000Z', scheduled: true, nodes: [node(1)] })
    const before = makeRecord({ at: '2026-10-31T23:59:59.999Z', nodes: [node(1)] })
    const end = makeRecord({ at: '2026-11-30T00:00:00.000Z', nodes: [node(1)] })
    const far = makeRecord({ at: '2025-11-15T00:00:00.000Z', nodes: [node(1)] })
    for (const r of [due, before, end, far]) await h.append(r)
    // A broken line in a month outside the range is never read, so it is not counted.
    await appendFile(join(dir, 'history', '2025-11.jsonl'), '{"broken\n')
    const seen: string[] = []
    const result = await h.scan(Date.parse('2026-11-01T00:00:00Z'), Date.parse('2026-11-30T00:00:00Z'), r => seen.push(r.id))
    expect(seen).toEqual([due.id])
    expect(result).toEqual({ records: 1, malformed: 0 })
  })

  it('appendMissing appends only ids the history does not hold yet (a move repeated after a crash)', async () => {
    const h = await HistoryStore.open(dir)
    const a = makeRecord({ at: '2026-11-10T05:00:00.000Z', nodes: [node(1)] })
    const b = makeRecord({ at: '2026-11-10T17:00:00.000Z', nodes: [node(1)] })
    await h.append(a)
    expect(await h.appendMissing([a, b])).toBe(1)
    expect(await h.appendMissing([a, b])).toBe(0)
    expect((await lines('2026-11')).map(l => (JSON.parse(l) as BroadcastRecord).id)).toEqual([a.id, b.id])
  })
})
