import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { wallClock } from '../../schedules/index.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { startController, type TestController } from '../helpers/controller.js'
import { tempDir } from '../helpers/audio-fixtures.js'
import { uploadTone } from '../helpers/fleet.js'

const hhmm = (ms: number): string => {
  const w = wallClock(new Date(ms), 'Asia/Ho_Chi_Minh')
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`
}

/** Play-now follows the quiet-hours rule too; quiet hours are set around "now" so the test holds at any hour. */
describe('play-now in quiet hours', () => {
  let c: TestController
  let tmp: { dir: string, remove: () => Promise<void> }
  let media: string
  let zone: string

  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController({ quietStart: hhmm(Date.now() - 3600_000), quietEnd: hhmm(Date.now() + 3600_000) })
    media = await uploadTone(c, tmp.dir, 1)
    zone = (await c.api('POST', '/api/v1/zones', { name: 'Thôn Đêm' })).json<{ id: string }>().id
    await c.api('POST', '/api/v1/nodes', { name: 'Loa đêm', zoneId: zone })
  })
  afterAll(async () => { await c.close(); await tmp.remove() })

  it('refuses a normal bulletin, naming the time and the window', async () => {
    const r = await c.api('POST', '/api/v1/broadcasts', { mediaId: media, zones: [zone] })
    expect(r.statusCode).toBe(422)
    expect(r.json()).toMatchObject({ code: 'QUIET_HOURS' })
    expect(r.json<{ message: string }>().message).toMatch(/Asia\/Ho_Chi_Minh.*inside quiet hours/)
  })

  it('plays it with an override, and records the reason', async () => {
    const r = await c.api('POST', '/api/v1/broadcasts', { mediaId: media, zones: [zone], quietOverride: { reason: 'Thông báo mất điện đột xuất' } })
    expect(r.statusCode, r.body).toBe(201)
    expect(r.json<BroadcastRecord>().quietOverride).toMatchObject({ reason: 'Thông báo mất điện đột xuất' })
  })

  it('lets an emergency through without one', async () => {
    const r = await c.api('POST', '/api/v1/broadcasts', { mediaId: media, zones: [zone], priority: 250 })
    expect(r.statusCode, r.body).toBe(201)
  })
})
