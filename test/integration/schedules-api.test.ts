import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { startController, type TestController } from '../helpers/controller.js'
import { tempDir } from '../helpers/audio-fixtures.js'
import { uploadTone } from '../helpers/fleet.js'

interface Fire { at: string, local: string }
interface Saved { schedule: { id: string, spec: Record<string, unknown>, quietOverride: { reason: string, firstQuietFire: string } | null }, nextFireTimes: Fire[], conflicts: Array<{ scheduleId: string, winner: string, sharedZones: string[] }>, quiet: unknown }

describe('schedules API', () => {
  let c: TestController
  let tmp: { dir: string, remove: () => Promise<void> }
  let media: string
  let zone: string
  let other: string
  const monSat = (times: string[], extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    name: 'Bản tin sáng chiều', playlist: [media], targets: { zones: [zone], nodes: [] },
    recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6], times }, ...extra
  })

  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController({ quietStart: '21:30', quietEnd: '05:00' })
    media = await uploadTone(c, tmp.dir, 2)
    zone = (await c.api('POST', '/api/v1/zones', { name: 'Thôn Lịch' })).json<{ id: string }>().id
    other = (await c.api('POST', '/api/v1/zones', { name: 'Thôn Khác' })).json<{ id: string }>().id
  })
  afterAll(async () => { await c.close(); await tmp.remove() })

  it('creates the Monday-Saturday 05:00 and 17:00 programme and shows when it will play', async () => {
    const r = await c.api('POST', '/api/v1/schedules', monSat(['05:00', '17:00']))
    expect(r.statusCode, r.body).toBe(201)
    const saved = r.json<Saved>()
    expect(saved.nextFireTimes).toHaveLength(10)
    for (const f of saved.nextFireTimes) {
      expect(f.local).toMatch(/ (05|17):00$/)
      const day = new Date(Date.parse(f.at) + 7 * 3600_000).getUTCDay() // Asia/Ho_Chi_Minh is UTC+7 all year
      expect(day).not.toBe(0)
    }
    expect(saved.schedule.spec).toMatchObject({ timeZone: 'Asia/Ho_Chi_Minh', level: 'normal', enabled: true, repeat: 1, onInterrupt: 'resume' })
    const got = await c.api('GET', `/api/v1/schedules/${saved.schedule.id}?count=3`)
    expect(got.json<Saved>().nextFireTimes).toHaveLength(3)
  })

  it('refuses a 04:00 bulletin for quiet hours, naming the first offending time', async () => {
    const r = await c.api('POST', '/api/v1/schedules', monSat(['04:00']))
    expect(r.statusCode).toBe(422)
    const body = r.json<{ code: string, message: string, messageVi: string }>()
    expect(body.code).toBe('QUIET_HOURS')
    expect(body.message).toMatch(/\d{4}-\d\d-\d\d 04:00 \(Asia\/Ho_Chi_Minh\)/)
    expect(body.message).toMatch(/21:30-05:00/)
    expect(body.messageVi).toMatch(/giờ yên tĩnh/)
  })

  it('accepts it with an override and its reason, and records both', async () => {
    const r = await c.api('POST', '/api/v1/schedules', monSat(['04:00'], { name: 'Báo thức mùa vụ', quietOverride: { reason: 'Lịch gieo sạ, đã được UBND xã duyệt' } }))
    expect(r.statusCode, r.body).toBe(201)
    const saved = r.json<Saved>()
    expect(saved.schedule.quietOverride).toMatchObject({ reason: 'Lịch gieo sạ, đã được UBND xã duyệt' })
    expect(saved.schedule.quietOverride?.firstQuietFire).toBe(saved.nextFireTimes[0]?.at)
    const file = JSON.parse(await readFile(join(c.dataDir, 'loa.json'), 'utf8')) as { schedules: Array<{ id: string, quietOverride: unknown }> }
    expect(file.schedules.find(s => s.id === saved.schedule.id)?.quietOverride).toMatchObject({ reason: 'Lịch gieo sạ, đã được UBND xã duyệt' })
  })

  it('exempts emergencies from quiet hours', async () => {
    const r = await c.api('POST', '/api/v1/schedules', { ...monSat(['03:15']), name: 'Cảnh báo lũ', targets: { zones: [other], nodes: [] }, level: 'emergency' })
    expect(r.statusCode, r.body).toBe(201)
    expect(r.json<Saved>().quiet).toBeNull()
  })

  it('lists the overlaps with other schedules on a common zone, and who wins', async () => {
    const r = await c.api('POST', '/api/v1/schedules', { ...monSat(['17:00']), name: 'Thông báo khẩn chiều', level: 'priority' })
    expect(r.statusCode, r.body).toBe(201)
    const { conflicts } = r.json<Saved>()
    expect(conflicts.length).toBeGreaterThan(0)
    expect(conflicts[0]).toMatchObject({ winner: 'candidate', sharedZones: [zone] })
    const preview = await c.api('POST', '/api/v1/schedules/preview?count=2', { ...monSat(['17:00']), name: 'Nháp' })
    expect(preview.statusCode).toBe(200)
    expect(preview.json<{ conflicts: Array<{ winner: string }> }>().conflicts.some(x => x.winner === 'other')).toBe(true)
    const elsewhere = await c.api('POST', '/api/v1/schedules/preview', { ...monSat(['17:00']), targets: { zones: [other], nodes: [] } })
    expect(elsewhere.json<{ conflicts: unknown[] }>().conflicts).toEqual([])
  })

  it('previews a draft in quiet hours without refusing it', async () => {
    const r = await c.api('POST', '/api/v1/schedules/preview', monSat(['04:30']))
    expect(r.statusCode).toBe(200)
    expect(r.json<{ quiet: { local: string } }>().quiet.local).toMatch(/04:30$/)
  })

  it('answers bad input with a clear 4xx and changes nothing', async () => {
    const before = await readFile(join(c.dataDir, 'loa.json'), 'utf8')
    const cases: Array<[Record<string, unknown>, number, string, RegExp?]> = [
      [{ ...monSat(['05:00']), recurrence: { kind: 'cron', expr: '61 * * * *' } }, 400, 'SCHEDULE_INVALID', /minute/],
      [{ ...monSat(['05:00']), recurrence: { kind: 'cron', expr: 'every morning' } }, 400, 'SCHEDULE_INVALID'],
      [{ ...monSat(['05:00']), timeZone: 'Mars/Olympus' }, 400, 'SCHEDULE_INVALID', /Mars\/Olympus/],
      [{ ...monSat(['05:00']), playlist: [] }, 400, 'SCHEDULE_INVALID'],
      [{ ...monSat(['05:00']), playlist: ['m-missing'] }, 404, 'MEDIA_NOT_FOUND'],
      [{ ...monSat(['05:00']), targets: { zones: ['z-missing'], nodes: [] } }, 404, 'ZONE_NOT_FOUND'],
      [{ ...monSat(['05:00']), validFrom: '2027-03-01', validTo: '2027-02-01' }, 400, 'SCHEDULE_INVALID', /2027-02-01/],
      [{ ...monSat(['05:00']), recurrence: { kind: 'once', at: '2020-01-01T09:00' } }, 400, 'SCHEDULE_INVALID', /never play/],
      [{ ...monSat(['05:00']), validTo: '2021-12-31' }, 400, 'SCHEDULE_INVALID', /never play/],
      [{ ...monSat(['25:00']) }, 400, 'VALIDATION_FAILED'],
      [{ ...monSat(['05:00']), timezone: 'Asia/Ho_Chi_Minh' }, 400, 'VALIDATION_FAILED']
    ]
    for (const [body, status, code, text] of cases) {
      const r = await c.api('POST', '/api/v1/schedules', body)
      expect(r.statusCode, JSON.stringify(body)).toBe(status)
      expect(r.json(), JSON.stringify(body)).toMatchObject({ code })
      if (text !== undefined) expect(r.json<{ message: string }>().message).toMatch(text)
    }
    expect((await c.api('PUT', '/api/v1/schedules/s-missing', monSat(['05:00']))).json()).toMatchObject({ code: 'SCHEDULE_NOT_FOUND' })
    expect(await readFile(join(c.dataDir, 'loa.json'), 'utf8')).toBe(before)
  })

  it('updates, disables, enables and deletes; media in a schedule cannot be deleted', async () => {
    const id = (await c.api('POST', '/api/v1/schedules', { ...monSat(['06:00']), name: 'Sửa đổi', targets: { zones: [other], nodes: [] } })).json<Saved>().schedule.id
    const put = await c.api('PUT', `/api/v1/schedules/${id}`, { ...monSat(['06:30']), name: 'Sửa đổi', targets: { zones: [other], nodes: [] } })
    expect(put.statusCode, put.body).toBe(200)
    expect(put.json<Saved>().nextFireTimes[0]?.local).toMatch(/06:30$/)
    expect((await c.api('POST', `/api/v1/schedules/${id}/disable`)).json()).toMatchObject({ schedule: { spec: { enabled: false } } })
    expect((await c.api('POST', `/api/v1/schedules/${id}/enable`)).json()).toMatchObject({ schedule: { spec: { enabled: true } }, conflicts: [] })
    const del = await c.api('DELETE', `/api/v1/media/${media}`)
    expect(del.statusCode).toBe(409)
    expect(del.json()).toMatchObject({ code: 'MEDIA_USED_BY_SCHEDULE' })
    expect((await c.api('DELETE', `/api/v1/schedules/${id}`)).statusCode).toBe(204)
    expect((await c.api('GET', `/api/v1/schedules/${id}`)).statusCode).toBe(404)
  })

  it('has every schedule back after a restart', async () => {
    const before = (await c.api('GET', '/api/v1/schedules')).json<{ items: Array<{ id: string }> }>().items
    await c.app.close()
    const again = await startController({ dataDir: c.dataDir, quietStart: '21:30', quietEnd: '05:00' })
    try {
      const after = (await again.api('GET', '/api/v1/schedules')).json<{ items: Array<{ id: string }> }>().items
      expect(after.map(s => s.id)).toEqual(before.map(s => s.id))
      expect(before.length).toBeGreaterThanOrEqual(4)
    } finally {
      await again.app.close()
      c = { ...c, close: async () => undefined }
    }
  })
})
