import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatLocal } from '../../schedules/index.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { startController, waitFor, type TestController } from '../helpers/controller.js'
import { tempDir } from '../helpers/audio-fixtures.js'
import { startFleet, uploadTone, whenEnded, type Fleet } from '../helpers/fleet.js'

/** Real time, small scale: a one-off schedule a few seconds ahead starts on time and plays its whole playlist. */
describe('a schedule in real time', () => {
  let c: TestController
  let tmp: { dir: string, remove: () => Promise<void> }
  let fleet: Fleet

  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController({ reportGraceMs: 1000 })
    fleet = await startFleet(c, [2])
  }, 30_000)
  afterAll(async () => { await fleet?.stop(); await c?.close(); await tmp?.remove() })

  it('stamps the first frame within 1 s of the scheduled time, and every node receives the whole playlist', async () => {
    const a = await uploadTone(c, tmp.dir, 1, 440)
    const b = await uploadTone(c, tmp.dir, 2, 660)
    const at = new Date(Math.ceil((Date.now() + 5000) / 1000) * 1000)
    const local = formatLocal(at, 'Asia/Ho_Chi_Minh').replace(' ', 'T') + ':' + String(at.getUTCSeconds()).padStart(2, '0')
    const r = await c.api('POST', '/api/v1/schedules', {
      name: 'Thử lịch', playlist: [a, b], targets: { zones: [fleet.zones[0]], nodes: [] }, recurrence: { kind: 'once', at: local }
    })
    expect(r.statusCode, r.body).toBe(201)
    const id = r.json<{ schedule: { id: string } }>().schedule.id
    const started = await waitFor(async () => (await c.api('GET', '/api/v1/broadcasts')).json<{ items: BroadcastRecord[] }>()
      .items.find(x => x.origin.scheduleId === id), 15_000, 'the scheduled broadcast')
    const done = await whenEnded(c, started.id)
    expect(done.scheduledAt).toBe(at.toISOString())
    expect(Math.abs(Date.parse(done.startAt ?? '') - at.getTime())).toBeLessThanOrEqual(1000)
    expect(done.playlist).toEqual([a, b])
    expect(done.state).toBe('completed')
    for (const sim of fleet.byZone[0] ?? []) {
      const rep = sim.report(done.streams[0]?.id ?? '')
      expect(rep).toMatchObject({ reason: 'end', received: done.framesTotal, missing: 0, late: 0 })
      expect(Math.abs((rep?.firstSampleAt ?? 0) - at.getTime())).toBeLessThanOrEqual(1000)
    }
    // About 3 s of audio: both items, back to back.
    expect(done.durationMs).toBeGreaterThanOrEqual(2900)
    expect(done.delivery.every(d => d.status === 'completed' && Math.abs(d.deliveredMs - d.requestedMs) <= 250)).toBe(true)
  }, 40_000)
})
