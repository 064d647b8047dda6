/**
 * The controller side of bench/sources.ts, in its own process (like bench/fanout-server.ts), so the simulated
 * nodes in the bench process do not share its event loop. argv: <work folder> <nodes>; the bench process made
 * the folder and removes it, this process only removes what it put there. IPC, one step at a time:
 *   -> ready {mqttPort, emergencyLeadMs, nodes}    N nodes in 5 zones, a 20 s bulletin and a 2 s warning uploaded
 *   <- bulletin  -> bulletin {id}                  once every node is online, the bulletin plays to every zone
 *   <- emergency -> emergency {id, streamId}       POST /api/v1/emergency {mediaId: warning}
 *                -> emergency-ended {bulletinOnAir} once that broadcast is over
 *   <- tts {runs, text} -> tts {rows, missing?}    POST /api/v1/media/tts, runs times
 *   <- listen    -> listening {httpPort, token, zones}  the HTTP port opens, for the live WebSocket
 *   <- close     closes the app (which stops the bulletin), removes the data folder, exits 0
 * A failure sends error {message}, then cleans up the same way and exits 1.
 */
import { execFile } from 'node:child_process'
import { readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../controller/app.js'
import { makeConfig } from '../controller/config.js'
import type { BroadcastRecord } from '../controller/store/schema.js'
import { resolveFfmpegPath } from '../audio/index.js'

export type Command = { type: 'bulletin' } | { type: 'emergency' } | { type: 'tts', runs: number, text: string } | { type: 'listen' } | { type: 'close' }
export type Reply =
  | { type: 'ready', mqttPort: number, emergencyLeadMs: number, nodes: Array<{ username: string, password: string }> }
  | { type: 'bulletin', id: string }
  | { type: 'emergency', id: string, streamId: string }
  | { type: 'emergency-ended', bulletinOnAir: boolean }
  | { type: 'tts', engine: string, chars: number, rows: Array<{ audioMs: number, ingestMs: number }>, missing?: string }
  | { type: 'listening', httpPort: number, token: string, zones: string[] }
  | { type: 'error', message: string }

const ZONES = 5
const TOKEN = 'bench-token-0123456789abcdef'
const auth = { authorization: `Bearer ${TOKEN}` }
const [workDir, nodesArg] = process.argv.slice(2) as [string, string]
const nodeCount = Number(nodesArg)
const dataDir = join(workDir, 'data')
const send = (m: Reply): void => { process.send?.(m) }
const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }

// Commands wait in an inbox, so the steps read top to bottom in main().
const inbox: Command[] = []
let waiter: ((c: Command) => void) | undefined
process.on('message', (m: unknown) => {
  if (typeof m !== 'object' || m === null || !('type' in m)) return
  const c = m as Command
  if (waiter !== undefined) { const w = waiter; waiter = undefined; w(c) } else inbox.push(c)
})
const nextCommand = async (): Promise<Command> => inbox.shift() ?? await new Promise<Command>(resolve => { waiter = resolve })

let app: FastifyInstance | undefined
let closing: Promise<void> | undefined
/** Idempotent: a failure, a SIGTERM from the bench after its timeout, or a lost parent all end here. */
async function shutdown (code: number): Promise<void> {
  closing ??= (async () => {
    await app?.close().catch(() => undefined)
    await rm(dataDir, { recursive: true, force: true })
  })()
  await closing
  process.exit(code)
}
process.once('SIGTERM', () => { void shutdown(1) })
process.once('SIGINT', () => { void shutdown(1) })
process.once('disconnect', () => { void shutdown(1) })

function expect201 (r: LightMyRequestResponse, what: string): void {
  if (r.statusCode !== 201) throw new Error(`${what}: HTTP ${r.statusCode} ${r.body.slice(0, 300)}`)
}

async function uploadTone (a: FastifyInstance, seconds: number, hz: number): Promise<string> {
  const file = join(workDir, `tone-${hz}.wav`)
  await promisify(execFile)(resolveFfmpegPath(process.env.LOA_FFMPEG_PATH), ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i',
    `aevalsrc=0.3*sin(2*PI*${hz}*t):s=48000:d=${seconds}`, file])
  const boundary = 'loabench'
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="tone-${hz}.wav"\r\n\r\n`),
    await readFile(file), Buffer.from(`\r\n--${boundary}--\r\n`)
  ])
  const r = await a.inject({ method: 'POST', url: '/api/v1/media', headers: { ...auth, 'content-type': `multipart/form-data; boundary=${boundary}` }, payload })
  expect201(r, 'upload')
  return r.json<{ id: string }>().id
}

async function main (): Promise<void> {
  // Quiet hours 00:00-00:00 are none at all, so the time of day never refuses the bulletin.
  const config = makeConfig({ httpPort: 0, mqttPort: 0, httpHost: '127.0.0.1', mqttHost: '127.0.0.1', dataDir, adminToken: TOKEN, logLevel: 'silent', quietStart: '00:00', quietEnd: '00:00' })
  const a = app = await buildApp({ config, logger: false })
  await a.ready()
  await a.chimes.load() // as server.ts does at start, so the first emergency does not encode them
  const zones: string[] = []
  for (let z = 0; z < ZONES; z++) {
    const r = await a.inject({ method: 'POST', url: '/api/v1/zones', headers: auth, payload: { name: `Thôn ${z + 1}` } })
    expect201(r, 'zone')
    zones.push(r.json<{ id: string }>().id)
  }
  const nodes: Array<{ username: string, password: string }> = []
  for (let i = 0; i < nodeCount; i++) {
    const r = await a.inject({ method: 'POST', url: '/api/v1/nodes', headers: auth, payload: { name: `Loa ${i + 1}`, zoneId: zones[i % ZONES] } })
    expect201(r, 'node')
    nodes.push(r.json<{ credentials: { username: string, password: string } }>().credentials)
  }
  const bulletinMedia = await uploadTone(a, 20, 440)
  const warning = await uploadTone(a, 2, 300)
  send({ type: 'ready', mqttPort: a.mqtt.port, emergencyLeadMs: config.emergencyLeadMs, nodes })

  let bulletinId = ''
  for (;;) {
    const cmd = await nextCommand()
    if (cmd.type === 'close') return
    if (cmd.type === 'bulletin') {
      // An offline node would be left out of the bulletin, so wait until the presence tracker has them all.
      const until = Date.now() + 60_000
      while (!nodes.every(n => a.presence.get(n.username).online)) {
        if (Date.now() > until) throw new Error('not every node came online within 60 s')
        await sleep(100)
      }
      const r = await a.inject({ method: 'POST', url: '/api/v1/broadcasts', headers: auth, payload: { mediaId: bulletinMedia, zones } })
      expect201(r, 'bulletin')
      bulletinId = r.json<BroadcastRecord>().id
      send({ type: 'bulletin', id: bulletinId })
    } else if (cmd.type === 'listen') {
      await a.listen({ host: '127.0.0.1', port: 0 })
      const address = a.server.address()
      send({ type: 'listening', httpPort: typeof address === 'object' && address !== null ? address.port : 0, token: TOKEN, zones })
    } else if (cmd.type === 'emergency') {
      const r = await a.inject({ method: 'POST', url: '/api/v1/emergency', headers: auth, payload: { mediaId: warning } })
      expect201(r, 'emergency')
      const { broadcast } = r.json<{ broadcast: BroadcastRecord }>()
      send({ type: 'emergency', id: broadcast.id, streamId: broadcast.streams[0]?.id ?? '' })
      await a.engine.get(broadcast.id)?.finished
      send({ type: 'emergency-ended', bulletinOnAir: a.engine.get(bulletinId) !== undefined })
    } else {
      const rows: Array<{ audioMs: number, ingestMs: number }> = []
      let engine = a.config.ttsEngine === 'espeak' ? 'espeak-ng' : 'http'
      for (let i = 0; i < cmd.runs; i++) {
        const t0 = performance.now()
        const r = await a.inject({ method: 'POST', url: '/api/v1/media/tts', headers: auth, payload: { text: cmd.text } })
        const ingestMs = performance.now() - t0
        if (r.statusCode === 503 && r.json<{ code: string }>().code === 'TTS_ENGINE_MISSING') {
          send({ type: 'tts', engine, chars: cmd.text.length, rows, missing: r.json<{ message: string }>().message })
          break
        }
        expect201(r, 'tts')
        const m = r.json<{ durationMs: number, tts?: { engine: string, voice: string } }>()
        engine = m.tts === undefined ? engine : `${m.tts.engine} (${m.tts.voice})`
        rows.push({ audioMs: m.durationMs, ingestMs })
      }
      if (rows.length === cmd.runs) send({ type: 'tts', engine, chars: cmd.text.length, rows })
    }
  }
}

main().then(async () => { await shutdown(0) }, async (err: unknown) => {
  send({ type: 'error', message: err instanceof Error ? err.message : String(err) })
  await shutdown(1)
})
