import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { request } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo } from 'node:net'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { sleep, startController, waitFor, type TestController } from '../helpers/controller.js'
import { startFleet, uploadTone, whenEnded, type Fleet } from '../helpers/fleet.js'
import { tempDir } from '../helpers/audio-fixtures.js'
import { bestCorrelation } from '../helpers/signal.js'
import { encodePcm, onset, openLive, pcmToFloat, sendRealTime, speechPcm } from '../helpers/live.js'
import { SimNode, silentLog } from '../../device-sim/index.js'

const TEXT = 'Xin chào bà con thôn Đông, đây là buổi phát thanh trực tiếp của xã.'
const PCM_RATE = 48_000 * 2

/** The node's decoded audio, from the first sample of speech, against the source from its first sample. */
function correlationWithSource (heard: Float32Array, source: Float32Array): number {
  const a = heard.subarray(Math.max(0, onset(heard) - 480))
  const b = source.subarray(Math.max(0, onset(source) - 480))
  const n = Math.min(a.length, b.length) - 2000
  return bestCorrelation(a.subarray(0, n), b.subarray(0, n + 2000), 960).r
}

/**
 * A live voice over the WebSocket (and over a streamed HTTP POST) reaches every node whole, in order, on
 * time, and sounds like the voice that was sent. Real controller on a real port, real ffmpeg, espeak-ng speech.
 */
describe('live broadcast', () => {
  let c: TestController
  let fleet: Fleet
  let listener: SimNode
  let tmp: { dir: string, remove: () => Promise<void> }
  let base: string
  let pcm: Buffer

  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController({ reportGraceMs: 1000 })
    await c.app.listen({ host: '127.0.0.1', port: 0 })
    base = `127.0.0.1:${(c.app.server.address() as AddressInfo).port}`
    fleet = await startFleet(c, [3])
    // One more node in the zone that decodes what it hears.
    const { credentials } = (await c.api('POST', '/api/v1/nodes', { name: 'Loa nghe thử', zoneId: fleet.zones[0] })).json<{ credentials: { username: string, password: string } }>()
    listener = new SimNode({ nodeId: credentials.username, password: credentials.password, mqttUrl: c.mqttUrl, decode: true, telemetryIntervalMs: 0, log: silentLog })
    await listener.start()
    await waitFor(async () => (await c.api('GET', '/api/v1/nodes')).json<{ items: Array<{ online: boolean }> }>().items.every(n => n.online) ? true : undefined)
    pcm = await speechPcm(tmp.dir, TEXT)
  }, 30_000)

  afterAll(async () => {
    await listener?.stop()
    await fleet?.stop()
    await c?.close()
    await tmp?.remove()
  })

  /** Streams one clip over the WebSocket in real time; returns the final record. */
  async function speak (format: string, bytes: Buffer, bytesPerSecond: number, auth: 'header' | 'message'): Promise<BroadcastRecord> {
    const client = await openLive(`ws://${base}/api/v1/live`, auth === 'header' ? { authorization: `Bearer ${c.token}` } : {})
    client.ws.send(JSON.stringify({ type: 'start', format, zones: fleet.zones, ...(auth === 'message' ? { token: c.token } : {}) }))
    const started = await client.next('started')
    expect(started.type, JSON.stringify(started)).toBe('started')
    await sendRealTime(chunk => client.ws.send(chunk), bytes, bytesPerSecond)
    client.ws.send(JSON.stringify({ type: 'stop' }))
    const ended = await client.next('ended', 20_000)
    expect(ended.reason).toBe('the speaker ended the live broadcast')
    expect((await client.closed).code).toBe(1000)
    return ended.broadcast as BroadcastRecord
  }

  function expectWhole (record: BroadcastRecord): void {
    expect(record.state).toBe('completed')
    expect(record.source).toMatchObject({ kind: 'live' })
    expect(record.streams).toHaveLength(1)
    const stream = record.streams[0]?.id ?? ''
    for (const sim of [...fleet.all, listener]) {
      const r = sim.report(stream)
      expect(r?.finished, sim.id).toBe(true)
      expect(r?.reason).toBe('end')
      expect(r?.missing).toBe(0)
      expect(r?.late).toBe(0)
      expect(r?.received).toBe(record.streams[0]?.framesSent)
    }
    for (const d of record.delivery) expect(d.status).toBe('completed')
  }

  it('plays raw PCM (an AudioWorklet) from a browser-style client, whole, and it correlates with the voice ≥ 0.9', async () => {
    const record = await speak('pcm', pcm, PCM_RATE, 'message')
    expectWhole(record)
    const heard = listener.audio(record.streams[0]?.id ?? '')
    expect(heard).toBeDefined()
    const r = correlationWithSource(heard ?? new Float32Array(), pcmToFloat(pcm))
    console.info(`live pcm: decoded node audio vs the voice sent: r=${r.toFixed(3)}`)
    expect(r).toBeGreaterThanOrEqual(0.9)
    // The record keeps how long the voice lasted, and each node was owed that.
    expect(Math.abs(record.durationMs - pcm.length / PCM_RATE * 1000)).toBeLessThan(1500)
  }, 40_000)

  it('plays MediaRecorder-style Opus in WebM through ffmpeg, and Ogg Opus as it is', async () => {
    for (const format of ['webm', 'ogg'] as const) {
      const bytes = await encodePcm(tmp.dir, pcm, format)
      const record = await speak(format === 'ogg' ? 'opus' : 'webm', bytes, bytes.length / (pcm.length / PCM_RATE), 'header')
      expectWhole(record)
      const r = correlationWithSource(listener.audio(record.streams[0]?.id ?? '') ?? new Float32Array(), pcmToFloat(pcm))
      console.info(`live ${format}: r=${r.toFixed(3)}`)
      expect(r).toBeGreaterThanOrEqual(0.9)
    }
  }, 60_000)

  it('gives way to an emergency, then the nodes rejoin the voice where it is', async () => {
    const warning = await uploadTone(c, tmp.dir, 1, 660)
    const client = await openLive(`ws://${base}/api/v1/live`, { authorization: `Bearer ${c.token}` })
    client.ws.send(JSON.stringify({ type: 'start', format: 'pcm', zones: fleet.zones }))
    await client.next('started')
    const speaking = sendRealTime(chunk => client.ws.send(chunk), Buffer.concat([pcm, pcm]).subarray(0, PCM_RATE * 7), PCM_RATE)
    await sleep(1500)
    const e = await c.api('POST', '/api/v1/emergency', { mediaId: warning, repeat: 1, chime: false })
    expect(e.statusCode, e.body).toBe(201)
    await speaking
    client.ws.send(JSON.stringify({ type: 'stop' }))
    const record = (await client.next('ended', 20_000)).broadcast as BroadcastRecord
    const emergency = await whenEnded(c, e.json<{ broadcast: BroadcastRecord }>().broadcast.id)
    expect(emergency.state).toBe('completed')
    expect(record.state).toBe('completed')
    // One stream before the warning, one after it: every node was cut once and came back.
    expect(record.streams).toHaveLength(2)
    for (const d of record.delivery) expect(d).toMatchObject({ status: 'completed', interruptions: 1 })
    const [before, after] = record.streams
    expect(Date.parse(after?.startAt ?? '')).toBeGreaterThan(Date.parse(emergency.startAt ?? '') + 900)
    expect(before?.nodes).toBe(4)
    expect(after?.nodes).toBe(4)
  }, 40_000)

  it('takes the audio as a streamed HTTP POST body too (ffmpeg ... | curl -X POST -T -)', async () => {
    const record = await new Promise<BroadcastRecord>((resolve, reject) => {
      const req = request(`http://${base}/api/v1/live?format=pcm&zones=${fleet.zones.join(',')}`, {
        method: 'POST', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' }
      }, res => {
        const parts: Buffer[] = []
        res.on('data', (d: Buffer) => parts.push(d))
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${res.statusCode}: ${Buffer.concat(parts).toString()}`))
          else resolve(JSON.parse(Buffer.concat(parts).toString()) as BroadcastRecord)
        })
      })
      req.on('error', reject)
      void sendRealTime(chunk => req.write(chunk), pcm.subarray(0, PCM_RATE * 2), PCM_RATE).then(() => req.end())
    })
    expectWhole(record)
    expect(record.endReason).toBe('the speaker ended the live broadcast')
  }, 30_000)

  it('refuses strangers and bad starts with a coded error, and starts nothing', async () => {
    const before = c.app.engine.active().length
    // A wrong token in the header: refused before the upgrade.
    await expect(openLive(`ws://${base}/api/v1/live`, { authorization: 'Bearer wrong' })).rejects.toThrow(/401/)
    // No token at all.
    const anon = await openLive(`ws://${base}/api/v1/live`)
    anon.ws.send(JSON.stringify({ type: 'start', format: 'pcm', zones: fleet.zones }))
    expect(await anon.next('started')).toMatchObject({ type: 'error', code: 'AUTH_REQUIRED' })
    expect((await anon.closed).code).toBe(4401)
    // Audio before the start message.
    const eager = await openLive(`ws://${base}/api/v1/live`, { authorization: `Bearer ${c.token}` })
    eager.ws.send(Buffer.alloc(960))
    expect(await eager.next('started')).toMatchObject({ type: 'error', code: 'LIVE_START_MISSING' })
    // An unknown format, and an unknown zone.
    for (const [body, code] of [[{ format: 'flac' }, 'LIVE_FORMAT'], [{ format: 'pcm', zones: ['zone-nope'] }, 'ZONE_NOT_FOUND']] as const) {
      const bad = await openLive(`ws://${base}/api/v1/live`, { authorization: `Bearer ${c.token}` })
      bad.ws.send(JSON.stringify({ type: 'start', zones: fleet.zones, ...body }))
      expect(await bad.next('started')).toMatchObject({ type: 'error', code })
      await bad.closed
    }
    expect(c.app.engine.active().length).toBe(before)
    await waitFor(() => c.app.sources.size === 0 ? true : undefined, 5000, 'encoders of refused starts to exit')
  }, 30_000)

  it('survives clients that send a wrong token and reset the connection at once', async () => {
    const port = Number(base.split(':')[1])
    for (let i = 0; i < 300; i++) {
      const s = connect(port, '127.0.0.1')
      s.on('error', () => undefined)
      s.write('GET /api/v1/live HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nAuthorization: Bearer wrong\r\n\r\n')
      s.resetAndDestroy()
    }
    await sleep(300)
    // Still serving.
    expect((await c.api('GET', '/api/v1/zones')).statusCode).toBe(200)
  })

  it('ends at once when the client stops or leaves before its broadcast is on, and a POST without audio starts nothing', async () => {
    const quick = await openLive(`ws://${base}/api/v1/live`, { authorization: `Bearer ${c.token}` })
    quick.ws.send(JSON.stringify({ type: 'start', format: 'pcm', zones: fleet.zones }))
    quick.ws.send(JSON.stringify({ type: 'stop' }))
    expect(await quick.next('ended', 10_000)).toMatchObject({ type: 'ended', reason: 'the speaker ended the live broadcast' })
    const gone = await openLive(`ws://${base}/api/v1/live`, { authorization: `Bearer ${c.token}` })
    gone.ws.send(JSON.stringify({ type: 'start', format: 'pcm', zones: fleet.zones }))
    gone.ws.terminate()
    await waitFor(() => c.app.engine.active().length === 0 && c.app.sources.size === 0 ? true : undefined, 10_000, 'the abandoned live broadcast to end')
    const empty = await c.app.inject({ method: 'POST', url: `/api/v1/live?format=pcm&zones=${fleet.zones.join(',')}`, headers: { authorization: `Bearer ${c.token}` } })
    expect(empty.statusCode).toBe(400)
    expect(c.app.engine.active()).toHaveLength(0)
  }, 30_000)

  it('with onInterrupt cancel, ends when an emergency took every node, and its encoder exits', async () => {
    const warning = await uploadTone(c, tmp.dir, 1, 660)
    const client = await openLive(`ws://${base}/api/v1/live`, { authorization: `Bearer ${c.token}` })
    client.ws.send(JSON.stringify({ type: 'start', format: 'pcm', zones: fleet.zones, onInterrupt: 'cancel' }))
    await client.next('started')
    const speaking = sendRealTime(chunk => { if (client.ws.readyState === client.ws.OPEN) client.ws.send(chunk) }, pcm.subarray(0, PCM_RATE * 4), PCM_RATE)
    await sleep(1000)
    expect((await c.api('POST', '/api/v1/emergency', { mediaId: warning, repeat: 1, chime: false })).statusCode).toBe(201)
    const ended = await client.next('ended', 10_000)
    const record = ended.broadcast as BroadcastRecord
    expect(record.state).toBe('completed')
    for (const d of record.delivery) expect(d.status).toBe('preempted')
    // What it owed each node is what it had lasted, not its one-hour cap.
    expect(record.durationMs).toBeLessThan(5000)
    await speaking
    await waitFor(() => c.app.sources.size === 0 ? true : undefined, 5000, 'the encoder to exit')
    await waitFor(() => c.app.engine.active().length === 0 ? true : undefined, 10_000, 'the emergency to end')
  }, 30_000)

  it('ends the broadcast when the client disconnects without a word, and leaves no encoder behind', async () => {
    const client = await openLive(`ws://${base}/api/v1/live`, { authorization: `Bearer ${c.token}` })
    client.ws.send(JSON.stringify({ type: 'start', format: 'pcm', zones: fleet.zones }))
    const started = await client.next('started')
    const id = (started.broadcast as BroadcastRecord).id
    await sendRealTime(chunk => client.ws.send(chunk), pcm.subarray(0, PCM_RATE), PCM_RATE)
    client.ws.terminate()
    const record = await waitFor(async () => {
      const b = (await c.api('GET', `/api/v1/broadcasts/${id}`)).json<BroadcastRecord>()
      return b.endedAt !== null ? b : undefined
    }, 15_000, 'the live broadcast to end')
    expect(record.endReason).toBe('the speaker ended the live broadcast')
    await waitFor(() => c.app.sources.size === 0 ? true : undefined, 5000, 'the encoder to exit')
  }, 30_000)
})

describe('closing the controller during a live broadcast', () => {
  it('answers the POST, stops the encoder and closes, instead of waiting for the voice to end', async () => {
    const c = await startController({ reportGraceMs: 500 })
    const tmp = await tempDir()
    try {
      await c.app.listen({ host: '127.0.0.1', port: 0 })
      const port = (c.app.server.address() as AddressInfo).port
      const fleet = await startFleet(c, [1])
      const pcm = await speechPcm(tmp.dir, 'Xin chào')
      let status = 0
      const req = request(`http://127.0.0.1:${port}/api/v1/live?format=pcm&zones=${fleet.zones.join(',')}`, {
        method: 'POST', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked' }
      }, res => { status = res.statusCode ?? 0; res.resume() })
      req.on('error', () => undefined)
      req.write(pcm.subarray(0, PCM_RATE / 2))
      await waitFor(() => c.app.engine.active().length > 0 ? true : undefined, 5000, 'the live broadcast to start')
      const t0 = Date.now()
      await fleet.stop()
      await c.close()
      expect(Date.now() - t0).toBeLessThan(15_000)
      expect(status).toBe(200)
      expect(c.app.sources.size).toBe(0)
      req.destroy()
    } finally {
      await tmp.remove()
    }
  }, 40_000)
})
