import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdir, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SimNode, silentLog } from '../../device-sim/index.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { startController, waitFor, type TestController, sleep } from '../helpers/controller.js'
import { tempDir } from '../helpers/audio-fixtures.js'
import { play, startFleet, uploadTone, whenEnded, type Fleet } from '../helpers/fleet.js'
import { tone } from '../helpers/signal.js'

interface Answer { broadcast: BroadcastRecord, recorded: boolean, warnings: string[] }

describe('the emergency button', () => {
  let c: TestController
  let tmp: { dir: string, remove: () => Promise<void> }
  let fleet: Fleet
  let listener: SimNode
  let normalClip: string
  let warning: string

  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController({ reportGraceMs: 1000 })
    fleet = await startFleet(c, [10, 10])
    // One more node in the first zone that decodes what it hears.
    const { credentials } = (await c.api('POST', '/api/v1/nodes', { name: 'Loa nghe thử', zoneId: fleet.zones[0] })).json<{ credentials: { username: string, password: string } }>()
    listener = new SimNode({ nodeId: credentials.username, password: credentials.password, mqttUrl: c.mqttUrl, decode: true, telemetryIntervalMs: 0, log: silentLog })
    await listener.start()
    await waitFor(() => listener.volume === 80 ? true : undefined, 5000, 'the stored volume to reach the node')
    normalClip = await uploadTone(c, tmp.dir, 6, 440)
    warning = await uploadTone(c, tmp.dir, 1, 300)
    await c.app.chimes.load() // as server.ts does at start
  }, 60_000)
  afterAll(async () => { await listener?.stop(); await fleet?.stop(); await c?.close(); await tmp?.remove() })

  it('takes every node within 1 s, chime first, at the emergency volume; then the bulletin resumes', async () => {
    const normal = await play(c, { mediaId: normalClip, zones: fleet.zones, priority: 100 })
    await sleep(2000)
    const calledAt = Date.now()
    const r = await c.api('POST', '/api/v1/emergency', { mediaId: warning })
    expect(r.statusCode, r.body).toBe(201)
    const { broadcast, recorded } = r.json<Answer>()
    expect(recorded).toBe(true)
    expect(broadcast.origin).toEqual({ kind: 'emergency', by: 'api-token' })
    expect(broadcast.delivery).toHaveLength(21)
    await waitFor(() => listener.volume === 100 ? true : undefined, 3000, 'the emergency volume')
    const done = await whenEnded(c, broadcast.id)
    expect(done.delivery.every(d => d.status === 'completed' && d.framesMissing === 0)).toBe(true)
    const stream = done.streams[0]?.id ?? ''
    for (const sim of [...fleet.all, listener]) {
      const rep = sim.report(stream)
      expect(rep?.reason, sim.id).toBe('end')
      expect((rep?.firstSampleHeardAt ?? Infinity) - calledAt, sim.id).toBeLessThanOrEqual(1000)
    }
    // The chime comes first: its two tones, not the warning's 300 Hz, fill the first half second.
    const heard = listener.audio(stream)
    expect(heard).toBeDefined()
    const start = (heard as Float32Array).subarray(0, 24_000)
    expect(tone(start, 960) + tone(start, 770)).toBeGreaterThan(5 * tone(start, 300))
    const end = (heard as Float32Array).subarray(heard!.length - 24_000)
    expect(tone(end, 300)).toBeGreaterThan(5 * (tone(end, 960) + tone(end, 770)))
    // The interrupted bulletin resumes afterwards, on every node.
    const n = await whenEnded(c, normal.id)
    // The emergency volume was for the warning only: the node is back at the volume staff set.
    expect(listener.volume).toBe(80)
    expect(n.state).toBe('completed')
    expect(n.delivery.every(d => d.status === 'completed' && d.interruptions === 1)).toBe(true)
    expect(n.streams.length).toBeGreaterThanOrEqual(2)
  }, 60_000)

  it('queues a second emergency behind the first instead of cutting it', async () => {
    const first = (await c.api('POST', '/api/v1/emergency', { mediaId: warning, zones: [fleet.zones[1]], repeat: 1 })).json<Answer>().broadcast
    const second = (await c.api('POST', '/api/v1/emergency', { mediaId: warning, zones: [fleet.zones[1]], repeat: 1, chime: false })).json<Answer>().broadcast
    expect(second.delivery.every(d => d.status === 'waiting')).toBe(true)
    const [a, b] = await Promise.all([whenEnded(c, first.id), whenEnded(c, second.id)])
    expect(a.delivery.every(d => d.status === 'completed' && d.interruptions === 0)).toBe(true)
    expect(b.delivery.every(d => d.status === 'completed')).toBe(true)
    expect(Date.parse(b.startAt ?? '')).toBeGreaterThan(Date.parse(a.startAt ?? '') + 1000)
  }, 30_000)

  it('reads a text warning out, and keeps it in the media library', async () => {
    const r = await c.api('POST', '/api/v1/emergency', { text: 'Khẩn cấp: nước lũ đang lên.', zones: [fleet.zones[1]], repeat: 1, chime: false })
    expect(r.statusCode, r.body).toBe(201)
    const { broadcast } = r.json<Answer>()
    const done = await whenEnded(c, broadcast.id)
    expect(done.delivery.every(d => d.status === 'completed')).toBe(true)
    const media = (await c.api('GET', `/api/v1/media/${done.mediaId}`)).json<{ tts: { text: string } }>()
    expect(media.tts.text).toBe('Khẩn cấp: nước lũ đang lên.')
  }, 30_000)

  it('refuses a call with no warning, or with two', async () => {
    for (const body of [{}, { mediaId: warning, text: 'Bão' }]) {
      const r = await c.api('POST', '/api/v1/emergency', body)
      expect(r.statusCode).toBe(400)
      expect(r.json()).toMatchObject({ code: 'EMERGENCY_CONTENT' })
    }
  })

  it('still plays when the data file cannot be written, and says it was not recorded', async () => {
    // An injected disk fault that holds for root too: the data file's place is taken by a folder.
    const file = join(c.dataDir, 'loa.json')
    await rm(file)
    await mkdir(file)
    await writeFile(join(file, 'blocker'), '')
    const r = await c.api('POST', '/api/v1/emergency', { mediaId: warning, zones: [fleet.zones[0]], repeat: 1 })
    expect(r.statusCode, r.body).toBe(201)
    const answer = r.json<Answer>()
    expect(answer.recorded).toBe(false)
    expect(answer.warnings.join(' ')).toMatch(/not recorded/)
    const stream = answer.broadcast.streams[0]?.id ?? ''
    await waitFor(() => (fleet.byZone[0] ?? []).every(s => s.report(stream)?.reason === 'end') ? true : undefined, 15_000, 'the warning to play everywhere')
  }, 30_000)
})

describe('the emergency button without its chime', () => {
  it('plays the warning anyway, and says the chime was missing', async () => {
    const tmp = await tempDir()
    const c = await startController({ emergencyChimeFile: join(tmp.dir, 'missing.wav') })
    try {
      const fleet = await startFleet(c, [1])
      const warning = await uploadTone(c, tmp.dir, 1, 300)
      const r = await c.api('POST', '/api/v1/emergency', { mediaId: warning, repeat: 1 })
      expect(r.statusCode, r.body).toBe(201)
      const answer = r.json<Answer>()
      expect(answer.warnings.join(' ')).toMatch(/chime is not available/)
      const done = await whenEnded(c, answer.broadcast.id)
      expect(done.delivery.every(d => d.status === 'completed')).toBe(true)
      await fleet.stop()
    } finally {
      await c.close()
      await tmp.remove()
    }
  }, 30_000)
})
