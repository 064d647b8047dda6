import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { formatLocal } from '../../schedules/index.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { startController, waitFor, type TestController, sleep } from '../helpers/controller.js'
import { tempDir } from '../helpers/audio-fixtures.js'
import { uploadTone } from '../helpers/fleet.js'

const localSecond = (d: Date): string => formatLocal(d, 'Asia/Ho_Chi_Minh').replace(' ', 'T') + ':' + String(d.getUTCSeconds()).padStart(2, '0')

/** The controller is down when a one-off fire falls due; what happens when it comes back depends on the grace. */
describe('schedules across a controller restart', () => {
  let dir: string
  let tmp: { dir: string, remove: () => Promise<void> }
  let c: TestController | undefined
  beforeEach(async () => { dir = await mkdtemp(join(tmpdir(), 'loa-sr-')); tmp = await tempDir() })
  afterEach(async () => { await c?.app.close(); await rm(dir, { recursive: true, force: true }); await tmp.remove() })

  async function scheduleThenStop (graceS: number): Promise<{ id: string, at: Date }> {
    c = await startController({ dataDir: dir, missedGraceS: graceS, timeZone: 'UTC' })
    const media = await uploadTone(c, tmp.dir, 1)
    const zone = (await c.api('POST', '/api/v1/zones', { name: 'Thôn Khởi Động' })).json<{ id: string }>().id
    await c.api('POST', '/api/v1/nodes', { name: 'Loa 1', zoneId: zone })
    const at = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000)
    const r = await c.api('POST', '/api/v1/schedules', { name: 'Một lần', playlist: [media], targets: { zones: [zone], nodes: [] }, recurrence: { kind: 'once', at: localSecond(at) } })
    expect(r.statusCode, r.body).toBe(201)
    await c.app.close()
    c = undefined
    await sleep(at.getTime() - Date.now() + 1500)
    return { id: r.json<{ schedule: { id: string } }>().schedule.id, at }
  }

  const fires = async (ctl: TestController, id: string): Promise<BroadcastRecord[]> =>
    (await ctl.api('GET', '/api/v1/broadcasts?limit=500')).json<{ items: BroadcastRecord[] }>().items.filter(b => b.origin.scheduleId === id)

  it('plays a fire missed while down exactly once when back within the grace', async () => {
    const { id, at } = await scheduleThenStop(300)
    c = await startController({ dataDir: dir, missedGraceS: 300 })
    const [late] = await waitFor(async () => { const f = await fires(c as TestController, id); return f.length > 0 ? f : undefined }, 10_000, 'the late fire')
    expect(late?.scheduledAt).toBe(at.toISOString())
    expect(late?.endReason ?? '').not.toMatch(/^missed/)
    await c.app.close()
    c = await startController({ dataDir: dir, missedGraceS: 300 })
    await sleep(1500)
    expect(await fires(c, id)).toHaveLength(1)
  }, 30_000)

  it('records it as missed when back after the grace', async () => {
    const { id, at } = await scheduleThenStop(1)
    c = await startController({ dataDir: dir, missedGraceS: 1 })
    const [missed] = await waitFor(async () => { const f = await fires(c as TestController, id); return f.length > 0 ? f : undefined }, 10_000, 'the missed record')
    expect(missed).toMatchObject({ state: 'failed', scheduledAt: at.toISOString() })
    expect(missed?.endReason).toMatch(/^missed: the controller was not running/)
    expect(missed?.delivery.every(d => d.status === 'missed')).toBe(true)
    await sleep(1000)
    expect(await fires(c, id)).toHaveLength(1)
  }, 30_000)

  it('refuses at fire time a non-emergency that lands in quiet hours without an override', async () => {
    const { id, at } = await scheduleThenStop(300)
    // Quiet hours were switched on (here: the whole day but one minute) while the controller was down.
    const h = at.getUTCHours()
    const allButOne = `${String((h + 23) % 24).padStart(2, '0')}:59`
    c = await startController({ dataDir: dir, missedGraceS: 300, timeZone: 'UTC', quietStart: `${String(h).padStart(2, '0')}:00`, quietEnd: allButOne })
    const [refused] = await waitFor(async () => { const f = await fires(c as TestController, id); return f.length > 0 ? f : undefined }, 10_000, 'the refused fire')
    expect(refused).toMatchObject({ state: 'failed', scheduledAt: at.toISOString() })
    expect(refused?.endReason).toMatch(/^refused: .* inside quiet hours/)
    expect(refused?.streams).toEqual([])
  }, 30_000)
})
