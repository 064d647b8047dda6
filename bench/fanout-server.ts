/**
 * The broker side of bench/fanout.ts, run in its own process so its CPU and memory are its own.
 * `controller`: the real Loa controller (buildApp: aedes with auth and ACL, engine, store).
 * `baseline`: raw aedes, no auth, no controller; a plain loop publishes the same play commands and frames.
 * Talks to the parent over IPC: -> {ready, mqttPort, nodes}, <- {play}, -> {stats}.
 */
import net from 'node:net'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aedes } from 'aedes'
import { buildApp } from '../controller/app.js'
import { makeConfig } from '../controller/config.js'
import { loadFrames, prepareMedia, makeAudioSettings, resolveFfmpegPath } from '../audio/index.js'
import { PROTOCOL_VERSION, encodeFrame, nodeTopic, streamTopic } from '../protocol/index.js'
import { playTimesUs } from '../controller/engine/pacer.js'

const [mode, nodesArg, clip, frameMsArg] = process.argv.slice(2) as [string, string, string, string]
const nodeCount = Number(nodesArg)
const frameMs = Number(frameMsArg)
const LEAD_MS = 1500
const send = (m: unknown): void => { process.send?.(m) }

function meter (): { stop: () => { cpuPct: number, rssMb: number, heapMb: number } } {
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let rss = process.memoryUsage().rss
  const timer = setInterval(() => { rss = Math.max(rss, process.memoryUsage().rss) }, 100)
  return {
    stop () {
      clearInterval(timer)
      const cpu = process.cpuUsage(cpu0)
      const ms = performance.now() - t0
      return { cpuPct: (cpu.user + cpu.system) / 1000 / ms * 100, rssMb: rss / 1048576, heapMb: process.memoryUsage().heapUsed / 1048576 }
    }
  }
}

async function controller (): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loa-bench-'))
  const config = makeConfig({ httpPort: 0, mqttPort: 0, httpHost: '127.0.0.1', mqttHost: '127.0.0.1', dataDir, adminToken: 'bench-token-0123456789', logLevel: 'silent', frameMs })
  const app = await buildApp({ config, logger: false })
  await app.ready()
  const auth = { authorization: 'Bearer bench-token-0123456789' }
  const zone = (await app.inject({ method: 'POST', url: '/api/v1/zones', headers: auth, payload: { name: 'bench' } })).json<{ id: string }>()
  const nodes: Array<{ username: string, password: string }> = []
  for (let i = 0; i < nodeCount; i++) {
    const r = await app.inject({ method: 'POST', url: '/api/v1/nodes', headers: auth, payload: { name: `bench-${i}`, zoneId: zone.id } })
    nodes.push(r.json<{ credentials: { username: string, password: string } }>().credentials)
  }
  const boundary = 'loabench'
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="clip.wav"\r\n\r\n`),
    await readFile(clip), Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
  const media = (await app.inject({ method: 'POST', url: '/api/v1/media', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload: body })).json<{ id: string }>()
  send({ type: 'ready', mqttPort: app.mqtt.port, nodes })
  process.on('message', (m: { type: string }) => {
    if (m.type !== 'play') return
    void (async () => {
      const meterRun = meter()
      const r = await app.inject({ method: 'POST', url: '/api/v1/broadcasts', headers: auth, payload: { mediaId: media.id, zones: [zone.id] } })
      const session = app.engine.get(r.json<{ id: string }>().id)
      const done = await session?.finished
      send({ type: 'stats', ...meterRun.stop(), framesSent: done?.framesSent ?? 0 })
      await app.close()
      await rm(dataDir, { recursive: true, force: true })
      process.exit(0)
    })()
  })
}

async function baseline (): Promise<void> {
  const broker = await Aedes.createBroker()
  const server = net.createServer(broker.handle)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const workDir = await mkdtemp(join(tmpdir(), 'loa-bench-'))
  const out = join(workDir, 'clip.opus')
  await prepareMedia(clip, out, makeAudioSettings({ ffmpegPath: resolveFfmpegPath(process.env.LOA_FFMPEG_PATH), frameMs }))
  const { frames, channels } = await loadFrames(out, frameMs)
  const nodes = Array.from({ length: nodeCount }, (_, i) => ({ username: `bench-${i}`, password: 'x' }))
  const publish = async (topic: string, payload: Buffer | string, qos: 0 | 1): Promise<void> =>
    await new Promise(resolve => broker.publish({ cmd: 'publish', topic, payload: Buffer.from(payload), qos, retain: false, dup: false }, () => resolve()))
  let replies = 0
  await new Promise<void>(resolve => broker.subscribe('loa/v1/nodes/+/reply', (_p, cb) => { replies++; cb() }, resolve))
  send({ type: 'ready', mqttPort: (server.address() as net.AddressInfo).port, nodes })
  process.on('message', (m: { type: string }) => {
    if (m.type !== 'play') return
    void (async () => {
      const meterRun = meter()
      replies = 0
      const session = crypto.randomUUID()
      const startAt = Date.now() + LEAD_MS
      const topic = streamTopic(session)
      for (const n of nodes) {
        await publish(nodeTopic(n.username, 'cmd'), JSON.stringify({ v: PROTOCOL_VERSION, id: crypto.randomUUID(), type: 'play', session, topic, codec: { name: 'opus', sampleRate: 48000, channels }, startAt, frames: frames.length, priority: 100 }), 1)
      }
      // Like the controller: start pacing once every node has replied to its play command (at most 750 ms).
      const joinedBy = Date.now() + 750
      while (replies < nodes.length && Date.now() < joinedBy) await new Promise(resolve => setTimeout(resolve, 5))
      const times = playTimesUs(startAt, frames)
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]
        const playAtUs = times[i] ?? 0
        const wait = playAtUs / 1000 - LEAD_MS - Date.now()
        if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait))
        if (f === undefined) continue
        await publish(topic, encodeFrame({ end: i === frames.length - 1, channels, skipSamples: f.skipSamples, session, seq: i, playAtUs, durationSamples: f.durationSamples, packets: f.packets }), 0)
      }
      await new Promise(resolve => setTimeout(resolve, LEAD_MS + 1000))
      send({ type: 'stats', ...meterRun.stop(), framesSent: frames.length })
      broker.close()
      server.close()
      await rm(workDir, { recursive: true, force: true })
      process.exit(0)
    })()
  })
}

await (mode === 'controller' ? controller() : baseline())
