import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { SimNode, silentLog } from '../../device-sim/index.js'
import { normaliseFilter, probeAudio } from '../../audio/index.js'
import { streamTopic } from '../../protocol/index.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { startController, upload, waitFor, type TestController } from '../helpers/controller.js'
import { FFMPEG, ffmpeg, tempDir, testSettings } from '../helpers/audio-fixtures.js'
import { bestCorrelation, decodeToFloat, rms } from '../helpers/signal.js'

/**
 * The foundation's end-to-end promise: a clip a clerk uploads is heard, whole and in order, on every speaker
 * of the chosen zones and on no other. Real controller, real aedes on port 0, real ffmpeg, 30 simulated nodes.
 */
describe('one broadcast end to end', () => {
  let c: TestController
  let tmp: { dir: string, remove: () => Promise<void> }
  const nodes = new Map<string, { sim: SimNode, zone: string }>()
  let zoneIds: string[] = []
  let clip: string
  let record: BroadcastRecord
  let outsider: { username: string, password: string }

  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController({ reportGraceMs: 1500 })
    for (const name of ['Thôn Đông', 'Thôn Tây', 'Xóm Bắc']) {
      const r = await c.api('POST', '/api/v1/zones', { name })
      expect(r.statusCode).toBe(201)
      zoneIds.push(r.json<{ id: string }>().id)
    }
    for (let i = 0; i < 30; i++) {
      const zone = zoneIds[i % 3] as string
      const r = await c.api('POST', '/api/v1/nodes', { name: `Cụm loa ${i + 1}`, zoneId: zone, location: { lat: 21.0 + i / 1000, lon: 105.8 } })
      expect(r.statusCode).toBe(201)
      const { credentials } = r.json<{ credentials: { username: string, password: string } }>()
      if (i === 2) outsider = credentials
      const sim = new SimNode({
        nodeId: credentials.username, password: credentials.password, mqttUrl: c.mqttUrl,
        decode: i === 0, telemetryIntervalMs: 0, log: silentLog
      })
      nodes.set(credentials.username, { sim, zone })
    }
    await Promise.all([...nodes.values()].map(async n => await n.sim.start()))
    await waitFor(async () => {
      const items = (await c.api('GET', '/api/v1/nodes')).json<{ items: Array<{ online: boolean }> }>().items
      return items.filter(n => n.online).length === 30 ? true : undefined
    }, 10_000, '30 nodes online')

    // A 10 s clip with speech-like variety: a chirp under a slow amplitude envelope, plus a second tone.
    clip = join(tmp.dir, 'ban-tin.mp3')
    await ffmpeg(['-f', 'lavfi', '-i',
      'aevalsrc=0.4*(0.6+0.4*sin(2*PI*1.3*t))*sin(2*PI*(180+60*t)*t)+0.15*sin(2*PI*700*t)*gt(mod(t\\,2)\\,1):s=44100:d=10',
      '-c:a', 'libmp3lame', '-b:a', '128k', clip])
    const up = await upload(c, 'ban-tin.mp3', await readFile(clip))
    expect(up.statusCode, up.body).toBe(201)
    const media = up.json<{ id: string, durationMs: number }>()
    expect(Math.abs(media.durationMs - 10_000)).toBeLessThan(100)

    const play = await c.api('POST', '/api/v1/broadcasts', { mediaId: media.id, zones: zoneIds.slice(0, 2) })
    expect(play.statusCode, play.body).toBe(201)
    const id = play.json<BroadcastRecord>().id
    record = await waitFor(async () => {
      const b = (await c.api('GET', `/api/v1/broadcasts/${id}`)).json<BroadcastRecord>()
      return b.state === 'completed' ? b : undefined
    }, 30_000, 'the broadcast to complete')
  }, 60_000)

  afterAll(async () => {
    await Promise.all([...nodes.values()].map(async n => await n.sim.stop()))
    await c?.close()
    await tmp?.remove()
  })

  it('delivers every frame, in order, to every node of the two chosen zones', () => {
    const targeted = [...nodes.values()].filter(n => n.zone !== zoneIds[2])
    expect(targeted).toHaveLength(20)
    expect(record.framesTotal).toBeGreaterThanOrEqual(49)
    expect(record.framesSent).toBe(record.framesTotal)
    // Every node was free, so all 20 share one stream (one publish per frame).
    expect(record.streams).toHaveLength(1)
    expect(record.streams[0]).toMatchObject({ nodes: 20, firstFrame: 0, framesSent: record.framesTotal })
    for (const { sim } of targeted) {
      const r = sim.report(record.streams[0]?.id ?? '')
      expect(r, sim.id).toBeDefined()
      expect(r?.finished).toBe(true)
      expect(r?.reason).toBe('end')
      expect(r?.received).toBe(record.framesTotal)
      expect(r?.missing).toBe(0)
      expect(r?.late).toBe(0)
      expect(r?.receivedSeqs).toEqual([...Array(record.framesTotal).keys()])
    }
  })

  it('sends nothing to the zone that was not chosen', () => {
    for (const { sim, zone } of nodes.values()) {
      if (zone !== zoneIds[2]) continue
      expect(sim.reports(), sim.id).toEqual([])
    }
  })

  it('reports per-node delivery through the API', () => {
    expect(record.delivery).toHaveLength(20)
    const outside = new Set([...nodes.entries()].filter(([, n]) => n.zone === zoneIds[2]).map(([id]) => id))
    for (const d of record.delivery) {
      expect(outside.has(d.nodeId)).toBe(false)
      expect(d).toMatchObject({ status: 'completed', interruptions: 0, framesExpected: record.framesTotal, framesReceived: record.framesTotal, framesMissing: 0, finishReason: 'end' })
      expect(Math.abs(d.deliveredMs - d.requestedMs)).toBeLessThanOrEqual(200)
      expect(d.firstSampleAt).toBe(record.startAt)
    }
    const listed = record.delivery.map(d => d.nodeId).sort()
    expect(listed).toEqual([...nodes.entries()].filter(([, n]) => n.zone !== zoneIds[2]).map(([id]) => id).sort())
  })

  it('plays audio that matches the loudness-normalised source', async () => {
    const sim = [...nodes.values()][0]?.sim
    const heard = sim?.audio(record.streams[0]?.id ?? '')
    expect(heard).toBeDefined()
    if (heard === undefined) return
    expect(Math.abs(heard.length / 48 - 10_000)).toBeLessThanOrEqual(100)
    const probe = await probeAudio(clip, testSettings())
    const filter = normaliseFilter(-16, probe.loudness)
    const reference = await decodeToFloat(FFMPEG, clip, filter ?? undefined)
    const { r, lag } = bestCorrelation(heard, reference, 480)
    console.info(`decoded node audio vs normalised source: r=${r.toFixed(4)} at lag ${lag} samples, ${heard.length / 48} ms`)
    expect(r).toBeGreaterThanOrEqual(0.9)
    expect(rms(heard)).toBeGreaterThan(0.01)
  })

  it('keeps a node of another zone off a running session stream, even if it asks', async () => {
    const play = await c.api('POST', '/api/v1/broadcasts', { mediaId: record.mediaId, zones: [zoneIds[0]] })
    expect(play.statusCode).toBe(201)
    const live = play.json<BroadcastRecord>()
    // The outsider's own simulated node steps aside, so its reconnects cannot kick this client off.
    await nodes.get(outsider.username)?.sim.stop()
    const client = await mqtt.connectAsync(c.mqttUrl, { clientId: outsider.username, username: outsider.username, password: outsider.password, reconnectPeriod: 0 })
    const got: Buffer[] = []
    client.on('message', (_t, payload) => got.push(payload))
    try {
      // [MQTT-3.9.3] the broker answers a refused subscription with return code 0x80; mqtt.js rejects on it.
      await expect(client.subscribeAsync(streamTopic(live.streams[0]?.id ?? ''))).rejects.toThrow(/Subscribe error/)
      await client.subscribeAsync('loa/v1/sessions/+/stream').catch(() => undefined)
      await new Promise(resolve => setTimeout(resolve, 700))
      expect(got).toHaveLength(0)
    } finally {
      await client.endAsync()
      const stopped = await c.api('POST', `/api/v1/broadcasts/${live.id}/stop`)
      expect(stopped.json<BroadcastRecord>().state).toBe('stopped')
    }
  })

  it('leaves only finished files in the data folder', async () => {
    expect(await readdir(join(c.dataDir, 'tmp'))).toEqual([])
    const media = await readdir(join(c.dataDir, 'media'))
    expect(media).toHaveLength(1)
    expect(media[0]).toMatch(/\.opus$/)
  })
})
