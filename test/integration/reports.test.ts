import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Report } from '../../controller/reports/schema.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { localDate } from '../../schedules/index.js'
import { startController, type TestController } from '../helpers/controller.js'
import { tempDir } from '../helpers/audio-fixtures.js'
import { play, startFleet, uploadTone, whenEnded } from '../helpers/fleet.js'
import { makeRecord } from '../helpers/records.js'

/**
 * Reports on a real controller: zones and nodes made through the API, history written through the app's
 * HistoryStore (as the engine would on each broadcast's end), sums read through GET /api/v1/reports.
 */
describe('GET /api/v1/reports', () => {
  let c: TestController
  const zone: Record<string, string> = {}
  const node: Record<string, string> = {}

  beforeAll(async () => {
    c = await startController()
    for (const name of ['Thôn Đông', 'Xóm Bắc']) zone[name] = (await c.api('POST', '/api/v1/zones', { name })).json<{ id: string }>().id
    for (const [name, z] of [['Cụm loa Đình', 'Thôn Đông'], ['Cụm loa Chợ', 'Thôn Đông'], ['Cụm loa Bến', 'Xóm Bắc']] as const) {
      const r = await c.api('POST', '/api/v1/nodes', { name, zoneId: zone[z] })
      node[name] = r.json<{ node: { id: string } }>().node.id
    }
    const dinh = { nodeId: node['Cụm loa Đình'] ?? '', zoneId: zone['Thôn Đông'] }
    const cho = { nodeId: node['Cụm loa Chợ'] ?? '', zoneId: zone['Thôn Đông'] }
    const ben = { nodeId: node['Cụm loa Bến'] ?? '', zoneId: zone['Xóm Bắc'] }
    const h = c.app.history
    // 05:00 on 28 and 29 November in Hà Nội (UTC+7) is 22:00 UTC the day before.
    await h.append(makeRecord({ at: '2026-11-27T22:00:00.000Z', scheduled: true, origin: { kind: 'schedule', scheduleId: 'sch-gone' }, nodes: [dinh, { ...cho, status: 'preempted', deliveredMs: 30_000 }, ben] }))
    await h.append(makeRecord({ at: '2026-11-28T22:00:00.000Z', nodes: [dinh, { ...cho, status: 'offline' }] }))
    // A fire missed while the controller was down, recorded by the scheduler afterwards.
    await h.append(makeRecord({
      at: '2026-11-28T10:00:00.000Z', scheduled: true, origin: { kind: 'schedule', scheduleId: 'sch-gone' }, state: 'failed',
      endReason: 'missed: the controller was not running', targets: { zones: [zone['Xóm Bắc'] ?? ''], nodes: [] },
      nodes: [{ ...ben, status: 'missed', deliveredMs: 0 }]
    }))
    // 23:59 on 27 November local: the day before the range.
    await h.append(makeRecord({ at: '2026-11-27T16:59:00.000Z', nodes: [dinh] }))
    // 00:00 on 30 November local: the day after.
    await h.append(makeRecord({ at: '2026-11-29T17:00:00.000Z', nodes: [dinh] }))
    // Ended, but still in the main file (its append failed): counted too, once.
    const pending = makeRecord({ at: '2026-11-29T10:00:00.000Z', nodes: [ben] })
    await c.app.store.update(db => { db.broadcasts.push(pending) })
  })

  afterAll(async () => { await c?.close() })

  it('sums requested and delivered time per zone and per node over local days', async () => {
    const r = await c.api('GET', '/api/v1/reports?from=2026-11-28&to=2026-11-29')
    expect(r.statusCode, r.body).toBe(200)
    const report = r.json<Report>()
    expect(report).toMatchObject({ from: '2026-11-28', to: '2026-11-29', timeZone: 'Asia/Ho_Chi_Minh', skippedLines: 0 })
    expect(report.totals).toEqual({ broadcasts: 3, nodeRecords: 6, requestedS: 360, deliveredS: 270, deliveredPct: 75, missed: 1 })
    expect(report.zones).toEqual([
      { zoneId: zone['Thôn Đông'], name: 'Thôn Đông', broadcasts: 2, nodeRecords: 4, requestedS: 240, deliveredS: 150, deliveredPct: 62.5, completed: 2, preempted: 1, skipped: 0, offline: 1, missed: 0 },
      { zoneId: zone['Xóm Bắc'], name: 'Xóm Bắc', broadcasts: 2, nodeRecords: 2, requestedS: 120, deliveredS: 120, deliveredPct: 100, completed: 2, preempted: 0, skipped: 0, offline: 0, missed: 1 }
    ])
    const ben = report.nodes.find(n => n.name === 'Cụm loa Bến')
    expect(ben).toMatchObject({ zoneName: 'Xóm Bắc', broadcasts: 2, requestedS: 120, deliveredS: 120, completed: 2, missed: 1 })
    const cho = report.nodes.find(n => n.name === 'Cụm loa Chợ')
    expect(cho).toMatchObject({ broadcasts: 2, requestedS: 120, deliveredS: 30, deliveredPct: 25, preempted: 1, offline: 1 })
    expect(report.nodes.map(n => n.name)).toEqual(['Cụm loa Chợ', 'Cụm loa Đình', 'Cụm loa Bến'])
    // A deleted schedule is named by its id.
    expect(report.schedules).toEqual([{ scheduleId: 'sch-gone', name: 'sch-gone', fires: 1, missed: 1 }])
  })

  it('reads the days in the time zone asked for', async () => {
    const utc = (await c.api('GET', '/api/v1/reports?from=2026-11-28&to=2026-11-28&timeZone=UTC')).json<Report>()
    // 28 November UTC: the broadcast at 22:00 and the missed fire at 10:00.
    expect(utc.totals).toMatchObject({ broadcasts: 1, nodeRecords: 2, missed: 1 })
  })

  it('refuses bad ranges with a coded 400 and a message', async () => {
    const cases: Array<[string, string]> = [
      ['from=2026-11-29&to=2026-11-28', 'REPORT_RANGE_REVERSED'],
      ['from=2025-01-01&to=2026-01-02', 'REPORT_RANGE_TOO_LONG'],
      ['from=2026-02-30&to=2026-03-01', 'REPORT_DATE_INVALID'],
      ['from=2026-11-28&to=2026-11-29&timeZone=Mars/Olympus', 'REPORT_TIME_ZONE_UNKNOWN'],
      ['from=28/11/2026&to=2026-11-29', 'VALIDATION_FAILED'],
      ['to=2026-11-29', 'VALIDATION_FAILED']
    ]
    for (const [query, code] of cases) {
      const r = await c.api('GET', `/api/v1/reports?${query}`)
      expect(r.statusCode, query).toBe(400)
      expect(r.json<{ code: string, message: string }>(), query).toMatchObject({ code })
    }
    const leapYear = await c.api('GET', '/api/v1/reports?from=2028-01-01&to=2028-12-31')
    expect(leapYear.statusCode).toBe(200)
  })

  it('serves the per-node table as CSV with a BOM, so Excel shows the Vietnamese names', async () => {
    const r = await c.api('GET', '/api/v1/reports?from=2026-11-28&to=2026-11-29&format=csv')
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toMatch(/^text\/csv/)
    expect(r.headers['content-disposition']).toContain('loa-report-2026-11-28-2026-11-29.csv')
    expect([...r.rawPayload.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf])
    const rows = r.rawPayload.subarray(3).toString('utf8').split('\r\n')
    expect(rows[0]).toBe('nodeId,name,zoneId,zoneName,broadcasts,requestedS,deliveredS,deliveredPct,completed,preempted,skipped,offline,stopped,refused,noReport,missed')
    expect(rows).toHaveLength(5)
    expect(rows[1]).toBe(`${node['Cụm loa Chợ']},Cụm loa Chợ,${zone['Thôn Đông']},Thôn Đông,2,120,30,25,0,1,0,1,0,0,0,0`)
    expect(rows[4]).toBe('')
  })
})

describe('a real broadcast, from play-now to the report', () => {
  it('is moved to the history when it ends, with each node\'s zone, and counted per zone', async () => {
    const tmp = await tempDir()
    const c = await startController({ reportGraceMs: 1000, leadMs: 800 })
    const fleet = await startFleet(c, [1, 2])
    try {
      const media = await uploadTone(c, tmp.dir, 2)
      const started = await play(c, { mediaId: media, zones: fleet.zones })
      const ended = await whenEnded(c, started.id)
      expect(ended.state).toBe('completed')
      const zoneOf = new Map(ended.delivery.map(d => [d.nodeId, d.zoneId]))
      expect([...zoneOf.values()].sort()).toEqual([fleet.zones[0], fleet.zones[1], fleet.zones[1]].sort())
      // Out of the main file, into this month's history file, and still listed.
      await c.app.close()
      expect(JSON.parse(await readFile(join(c.dataDir, 'loa.json'), 'utf8')).broadcasts).toEqual([])
      const month = (ended.startAt ?? '').slice(0, 7)
      const line = (await readFile(join(c.dataDir, 'history', `${month}.jsonl`), 'utf8')).trim()
      expect(JSON.parse(line)).toEqual(ended)
      const again = await startController({ dataDir: c.dataDir })
      try {
        expect((await again.api('GET', '/api/v1/broadcasts')).json<{ items: BroadcastRecord[] }>().items).toEqual([ended])
        const day = localDate(new Date(ended.startAt ?? ''), 'Asia/Ho_Chi_Minh')
        const report = (await again.api('GET', `/api/v1/reports?from=${day}&to=${day}`)).json<Report>()
        expect(report.totals).toMatchObject({ broadcasts: 1, nodeRecords: 3 })
        expect(report.zones.map(z => [z.zoneId, z.broadcasts, z.nodeRecords, z.completed])).toEqual([
          [fleet.zones[0], 1, 1, 1], [fleet.zones[1], 1, 2, 2]
        ])
        expect(report.totals.deliveredPct).toBeGreaterThan(90)
      } finally {
        await again.close()
      }
    } finally {
      await fleet.stop()
      await c.close()
      await tmp.remove()
    }
  }, 60_000)
})
