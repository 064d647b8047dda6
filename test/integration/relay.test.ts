import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { SimNode, silentLog } from '../../device-sim/index.js'
import { sleep, startController, waitFor, type TestController } from '../helpers/controller.js'
import { startFleet, whenEnded, type Fleet } from '../helpers/fleet.js'
import { ffmpeg, tempDir } from '../helpers/audio-fixtures.js'
import { rms, tone } from '../helpers/signal.js'
import { formatLocal } from '../../schedules/index.js'

const run = promisify(execFile)

/** A radio station on localhost: an MP3 sent at the pace it plays (64 kbit/s = 8,000 bytes a second). */
async function radio (mp3: Buffer): Promise<{ url: string, server: Server, kill: () => void, listeners: () => number, hang: () => void }> {
  let listeners = 0
  let hung = false
  const server = createServer((req, res) => {
    listeners++
    res.writeHead(200, { 'content-type': 'audio/mpeg', 'icy-name': 'Dai phat thanh thu' })
    let at = 0
    const timer = setInterval(() => {
      if (hung) return // connected, sending nothing: a stalled station
      if (at >= mp3.length) at = 0 // a station never ends: loop
      res.write(mp3.subarray(at, at + 800))
      at += 800
    }, 100)
    res.on('close', () => clearInterval(timer))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/vov1.mp3`
  return {
    url,
    server,
    listeners: () => listeners,
    hang: () => { hung = true },
    kill: () => { server.closeAllConnections(); server.close() }
  }
}

/** Timers and child processes this process holds, by kind. */
function resources (): { timers: number, processes: number } {
  const info = process.getActiveResourcesInfo()
  return { timers: info.filter(r => r === 'Timeout').length, processes: info.filter(r => r === 'ProcessWrap').length }
}

async function ffmpegChildren (): Promise<number> {
  const { stdout } = await run('ps', ['-o', 'comm=', '--ppid', String(process.pid)]).catch(() => ({ stdout: '' }))
  return stdout.split('\n').filter(l => l.includes('ffmpeg')).length
}

/**
 * Relaying a radio stream: nodes hear it for the planned length; when the station dies mid-relay the speakers
 * get silence (never stale audio), the relay retries, then ends with a clear reason, and nothing leaks.
 */
describe('radio relay', () => {
  let c: TestController
  let fleet: Fleet
  let listener: SimNode
  let tmp: { dir: string, remove: () => Promise<void> }
  let mp3: Buffer

  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController({ reportGraceMs: 1000, relayStallMs: 1000, relayRetries: 2, relayPrebufferMs: 500, leadMs: 800, relayAllowHosts: '127.0.0.1' })
    fleet = await startFleet(c, [3])
    const { credentials } = (await c.api('POST', '/api/v1/nodes', { name: 'Loa nghe thử', zoneId: fleet.zones[0] })).json<{ credentials: { username: string, password: string } }>()
    listener = new SimNode({ nodeId: credentials.username, password: credentials.password, mqttUrl: c.mqttUrl, decode: true, telemetryIntervalMs: 0, log: silentLog })
    await listener.start()
    await waitFor(async () => (await c.api('GET', '/api/v1/nodes')).json<{ items: Array<{ online: boolean }> }>().items.every(n => n.online) ? true : undefined)
    const file = join(tmp.dir, 'station.mp3')
    await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.4*sin(2*PI*440*t):s=44100:d=20', '-c:a', 'libmp3lame', '-b:a', '64k', file])
    mp3 = await readFile(file)
  }, 30_000)

  afterAll(async () => {
    await listener?.stop()
    await fleet?.stop()
    await c?.close()
    await tmp?.remove()
  })

  it('relays a station for the planned length to every node of the zone', async () => {
    const station = await radio(mp3)
    try {
      const r = await c.api('POST', '/api/v1/relay', { url: station.url, durationS: 4, zones: fleet.zones })
      expect(r.statusCode, r.body).toBe(201)
      const record = await whenEnded(c, r.json<BroadcastRecord>().id, 20_000)
      expect(record).toMatchObject({ state: 'completed', endReason: 'the relay played for its planned length', source: { kind: 'relay', url: station.url } })
      expect(record.durationMs).toBe(4000)
      const stream = record.streams[0]?.id ?? ''
      for (const sim of [...fleet.all, listener]) {
        const rep = sim.report(stream)
        expect(rep?.reason, sim.id).toBe('end')
        expect(rep?.missing).toBe(0)
        expect(rep?.late).toBe(0)
      }
      const heard = listener.audio(stream) ?? new Float32Array()
      expect(heard.length / 48).toBeCloseTo(4000, -2)
      // The station's 440 Hz tone is what the speakers played, once the prebuffer's silence is past.
      const tail = heard.subarray(heard.length - 48_000)
      expect(rms(tail)).toBeGreaterThan(0.05)
      expect(tone(tail, 440)).toBeGreaterThan(0.3)
    } finally { station.kill() }
  }, 30_000)

  it('fills a dead station with silence, retries, ends with a clear recorded reason, and leaks nothing', async () => {
    const before = resources()
    const station = await radio(mp3)
    const r = await c.api('POST', '/api/v1/relay', { url: station.url, durationS: 60, zones: fleet.zones })
    expect(r.statusCode, r.body).toBe(201)
    const id = r.json<BroadcastRecord>().id
    await sleep(3000)
    station.kill()
    const killedAt = Date.now()
    const record = await whenEnded(c, id, 30_000)
    const endedAfterS = (Date.now() - killedAt) / 1000
    console.info(`relay: the station died; the broadcast ended ${endedAfterS.toFixed(1)} s later: ${record.endReason}`)
    expect(record.state).toBe('failed')
    expect(record.endReason).toMatch(/^relay failed: .+; 3 attempt\(s\) in a row failed$/)
    // Ended by the retries giving up, long before its 60 s.
    expect(endedAfterS).toBeLessThan(20)
    const stream = record.streams[0]?.id ?? ''
    const rep = listener.report(stream)
    // The session ended with an END frame, not by the node timing out on a silent stream.
    expect(rep?.reason).toBe('end')
    expect(rep?.missing).toBe(0)
    // After the station died the speakers got frames of silence: digital silence, never the last audio again.
    const heard = listener.audio(stream) ?? new Float32Array()
    const lastSecond = heard.subarray(heard.length - 48_000)
    expect(heard.length / 48).toBeGreaterThan(4000)
    expect(rms(lastSecond)).toBeLessThan(1e-6)
    expect(rms(heard.subarray(48_000, 96_000))).toBeGreaterThan(0.05)
    // Nothing left: no ffmpeg, no timer, no source awaited.
    await waitFor(async () => c.app.sources.size === 0 && await ffmpegChildren() === 0 ? true : undefined, 5000, 'the relay to wind down')
    await waitFor(() => {
      const now = resources()
      return now.timers <= before.timers && now.processes <= before.processes ? true : undefined
    }, 5000, `timers and processes back to ${JSON.stringify(before)}`)
  }, 60_000)

  it('treats a station that stays connected but sends nothing as stalled, and gives up with that reason', async () => {
    const station = await radio(mp3)
    try {
      const r = await c.api('POST', '/api/v1/relay', { url: station.url, durationS: 60, zones: fleet.zones })
      expect(r.statusCode, r.body).toBe(201)
      await sleep(2000)
      station.hang()
      const record = await whenEnded(c, r.json<BroadcastRecord>().id, 30_000)
      expect(record.state).toBe('failed')
      expect(record.endReason).toBe('relay failed: no audio for 1 s; 3 attempt(s) in a row failed')
      // It reconnected each time (one listener for the first attempt, one per retry).
      expect(station.listeners()).toBe(3)
      await waitFor(async () => c.app.sources.size === 0 && await ffmpegChildren() === 0 ? true : undefined, 5000, 'the relay to wind down')
    } finally { station.kill() }
  }, 40_000)

  it('keeps a password and a listener key out of the record, its reason and the answer', async () => {
    const station = await radio(mp3)
    const port = new URL(station.url).port
    station.kill() // a dead station: ffmpeg's error quotes the address it tried
    const url = `http://listener:s3cret-pw@127.0.0.1:${port}/vov1.mp3?key=abc:def-token`
    const r = await c.api('POST', '/api/v1/relay', { url, durationS: 30, zones: fleet.zones })
    expect(r.statusCode, r.body).toBe(201)
    const record = await whenEnded(c, r.json<BroadcastRecord>().id, 30_000)
    expect(record.state).toBe('failed')
    expect(record.source?.url).toBe(`http://127.0.0.1:${port}/vov1.mp3?…`)
    const text = JSON.stringify(record) + r.body
    for (const secret of ['s3cret-pw', 'abc:def', 'def-token', 'listener:']) expect(text).not.toContain(secret)
    expect(record.endReason).toMatch(/^relay failed: /)
  }, 40_000)

  it('relays from a schedule, and refuses an address that is not http(s)', async () => {
    const bad = await c.api('POST', '/api/v1/relay', { url: 'file:///etc/passwd', durationS: 5, zones: fleet.zones })
    expect(bad.statusCode, bad.body).toBe(400)
    expect(bad.json()).toMatchObject({ code: 'RELAY_URL_INVALID' })
    const station = await radio(mp3)
    try {
      const at = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000)
      const local = formatLocal(at, 'Asia/Ho_Chi_Minh').replace(' ', 'T') + ':' + String(at.getUTCSeconds()).padStart(2, '0')
      const s = await c.api('POST', '/api/v1/schedules', {
        name: 'Tiếp sóng VOV1', relay: { url: station.url, durationS: 2 }, targets: { zones: fleet.zones, nodes: [] },
        recurrence: { kind: 'once', at: local }
      })
      expect(s.statusCode, s.body).toBe(201)
      const both = await c.api('POST', '/api/v1/schedules', {
        name: 'Sai', relay: { url: station.url, durationS: 2 }, playlist: ['media-x'], targets: { zones: fleet.zones, nodes: [] },
        recurrence: { kind: 'once', at: local }
      })
      expect(both.statusCode).toBe(400)
      expect(both.json()).toMatchObject({ code: 'SCHEDULE_INVALID' })
      const record = await waitFor(async () => {
        const items = (await c.api('GET', '/api/v1/broadcasts')).json<{ items: BroadcastRecord[] }>().items
        return items.find(b => b.origin.scheduleId === s.json<{ schedule: { id: string } }>().schedule.id && b.endedAt !== null)
      }, 20_000, 'the scheduled relay to play')
      expect(record).toMatchObject({ state: 'completed', source: { kind: 'relay' }, origin: { kind: 'schedule' } })
      expect(station.listeners()).toBeGreaterThanOrEqual(1)
    } finally { station.kill() }
  }, 40_000)
})
