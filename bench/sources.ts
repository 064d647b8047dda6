/**
 * Sources benchmark (issue #4, "Done when"): how fast the emergency button takes over N nodes that are playing
 * a bulletin, and how long text-to-speech takes per second of speech. The controller (buildApp: embedded
 * broker, engine, store) runs in its own process, bench/sources-server.ts; the simulated nodes share this one.
 *
 *   npm run bench:sources -- [--nodes 500] [--runs 3] [--tts-runs 5]
 *
 * Take-over time, per node: the stamped play time of the first emergency sample the node played (its
 * firstSampleHeardAt) minus the moment this process asked for the emergency. Its floor is the emergency lead.
 *
 * Live mouth-to-speaker latency: this process speaks over the live WebSocket (raw PCM, as a browser's
 * AudioWorklet sends it, in 20 ms messages at the pace of the audio): silence with a 20 ms beep every 500 ms.
 * Per beep, at the nodes that decode: its stamped play time (the node's first played sample's time plus the
 * beep's position in what the node played) minus the moment the message holding its first sample was sent.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import WebSocket from 'ws'
import { SimNode, silentLog, table } from '../device-sim/index.js'
import { EMERGENCY_MIN } from '../schedules/index.js'
import type { Command, Reply } from './sources-server.js'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '500' },
    runs: { type: 'string', default: '3' },
    'tts-runs': { type: 'string', default: '5' }
  }
})
const NODES = Number(values.nodes)
const RUNS = Number(values.runs)
const TTS_RUNS = Number(values['tts-runs'])
if (![NODES, RUNS, TTS_RUNS].every(n => Number.isInteger(n) && n > 0)) {
  process.stderr.write('usage: npm run bench:sources -- [--nodes N] [--runs R] [--tts-runs T]\n')
  process.exit(2)
}

// About 30 s read by espeak-ng (voice vi): the storm notice a commune clerk types.
const NOTICE = 'Thông báo khẩn: Theo Trung tâm Dự báo khí tượng thủy văn quốc gia, cơn bão số 3 đang di chuyển nhanh vào đất liền, ' +
  'dự kiến đổ bộ vào khu vực xã ta trong đêm nay với sức gió mạnh cấp 10, giật cấp 12. ' +
  'Đề nghị bà con chằng chống nhà cửa, thu hoạch sớm lúa và hoa màu, đưa tàu thuyền vào nơi neo đậu an toàn. ' +
  'Người già, trẻ em và phụ nữ mang thai ở vùng trũng thấp khẩn trương di chuyển đến nhà văn hóa thôn. Không ra khỏi nhà khi mưa to, gió lớn.'

type Of<T extends Reply['type']> = Extract<Reply, { type: T }>
const DECODING_NODES = 5
const LIVE_S = 12
const BEEP_EVERY_MS = 500
interface Live { ms: number[], beepsSent: number, beepsFound: number, nodes: number, late: number, missing: number, frameMs: number, sendAheadMs: number }
interface Run { ms: number[], notHeard: number, resumed: number }

const sleep = async (ms: number): Promise<void> => { await new Promise(resolve => setTimeout(resolve, ms)) }
const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m] ?? NaN : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2
}
const round = (n: number, digits = 0): number | null => Number.isFinite(n) ? Number(n.toFixed(digits)) : null

/** Replies from the controller process, in order; its exit (or an error reply) fails whoever waits. */
function mailbox (child: ChildProcess): <T extends Reply['type']>(type: T, timeoutMs: number) => Promise<Of<T>> {
  const queue: Reply[] = []
  let wake: (() => void) | undefined
  let exited: number | null | undefined
  child.on('message', m => { queue.push(m as Reply); wake?.() })
  child.once('exit', code => { exited = code; wake?.() })
  // A send racing the child's exit fails here, not as an uncaught 'error'; the exit then fails the step.
  child.on('error', err => { process.stderr.write(`controller process: ${err.message}\n`) })
  return async (type, timeoutMs) => {
    const until = Date.now() + timeoutMs
    for (;;) {
      const m = queue.shift()
      if (m?.type === 'error') throw new Error(`controller process: ${m.message}`)
      if (m !== undefined && m.type !== type) throw new Error(`controller process said '${m.type}', expected '${type}'`)
      if (m !== undefined) return m as Of<typeof type>
      if (exited !== undefined) throw new Error(`controller process exited (${exited}) before '${type}'`)
      if (Date.now() > until) throw new Error(`no '${type}' from the controller process within ${timeoutMs} ms`)
      await new Promise<void>(resolve => { wake = resolve; setTimeout(resolve, 250) })
      wake = undefined
    }
  }
}

async function emergencies (
  order: (c: Command) => void, next: ReturnType<typeof mailbox>, sims: SimNode[]
): Promise<{ runs: Run[], leadMs: number }> {
  const ready = await next('ready', 300_000)
  sims.push(...ready.nodes.map((n, i) => new SimNode({
    nodeId: n.username, password: n.password, mqttUrl: `mqtt://127.0.0.1:${ready.mqttPort}`, telemetryIntervalMs: 0, log: silentLog,
    // A few nodes decode what they play, for the live latency (decoding all 500 would load this process).
    decode: i < DECODING_NODES
  })))
  // Nodes whose bulletin came back (a play command below the emergency band) since the last emergency call.
  const resumed = new Set<string>()
  for (const s of sims) s.events.on('session-start', info => { if (info.priority < EMERGENCY_MIN) resumed.add(s.id) })
  for (let i = 0; i < sims.length; i += 50) await Promise.all(sims.slice(i, i + 50).map(async s => await s.start()))
  order({ type: 'bulletin' })
  await next('bulletin', 90_000)
  await sleep(3000)
  const runs: Run[] = []
  for (let r = 0; r < RUNS; r++) {
    resumed.clear()
    // The call time is taken here, just before the IPC message that makes the controller process call the
    // route: the take-over includes that IPC hop (not measured apart) as well as the route, engine and broker.
    const calledAt = Date.now()
    order({ type: 'emergency' })
    const { streamId } = await next('emergency', 30_000)
    const ended = await next('emergency-ended', 120_000)
    const heard = sims.map(s => s.report(streamId)?.firstSampleHeardAt ?? null)
    const ms = heard.filter((t): t is number => t !== null).map(t => t - calledAt).sort((a, b) => a - b)
    // The bulletin must be back on every node before the next take-over, or that one would cut nothing.
    const until = Date.now() + 15_000
    while (ended.bulletinOnAir && resumed.size < sims.length && Date.now() < until) await sleep(100)
    runs.push({ ms, notHeard: heard.length - ms.length, resumed: resumed.size })
    // Its lead (1.5 s) and a little audio: the next emergency interrupts a bulletin that is really playing.
    if (r < RUNS - 1) await sleep(3000)
  }
  return { runs, leadMs: ready.emergencyLeadMs }
}

/** Raw PCM, s16le 48 kHz mono: silence with a 20 ms 1 kHz beep at the start of every BEEP_EVERY_MS. */
function beeps (): { pcm: Buffer, starts: number[] } {
  const samples = 48 * LIVE_S * 1000
  const pcm = Buffer.alloc(samples * 2)
  const starts: number[] = []
  for (let at = 48 * 200; at + 960 < samples; at += 48 * BEEP_EVERY_MS) {
    starts.push(at)
    for (let i = 0; i < 960; i++) pcm.writeInt16LE(Math.round(16000 * Math.sin(2 * Math.PI * 1000 * i / 48_000)), (at + i) * 2)
  }
  return { pcm, starts }
}

/** Sample indices where a beep begins in decoded audio: loud after at least 100 ms of quiet. */
function onsets (x: Float32Array): number[] {
  const found: number[] = []
  let quiet = 4800
  for (let i = 0; i < x.length; i++) {
    if (Math.abs(x[i] ?? 0) > 0.1) { if (quiet >= 4800) found.push(i); quiet = 0 } else quiet++
  }
  return found
}

async function liveLatency (order: (c: Command) => void, next: ReturnType<typeof mailbox>, sims: SimNode[]): Promise<Live> {
  order({ type: 'listen' })
  const { httpPort, token, zones } = await next('listening', 30_000)
  const ws = new WebSocket(`ws://127.0.0.1:${httpPort}/api/v1/live`, { headers: { authorization: `Bearer ${token}` } })
  const messages: Array<{ type: string, [k: string]: unknown }> = []
  ws.on('message', (d, binary) => { if (!binary) messages.push(JSON.parse(String(d)) as { type: string }) })
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
  const waitMessage = async (type: string, ms: number): Promise<{ type: string, [k: string]: unknown }> => {
    const until = Date.now() + ms
    for (;;) {
      const m = messages.find(x => x.type === type || x.type === 'error')
      if (m?.type === 'error') throw new Error(`live: ${JSON.stringify(m)}`)
      if (m !== undefined) return m
      if (Date.now() > until) throw new Error(`live: no '${type}' within ${ms} ms`)
      await sleep(20)
    }
  }
  ws.send(JSON.stringify({ type: 'start', format: 'pcm', zones }))
  const started = await waitMessage('started', 30_000)
  const { pcm, starts } = beeps()
  const sentAt = new Map<number, number>()
  const chunk = 960 * 2 // 20 ms
  const t0 = Date.now()
  for (let off = 0, i = 0; off < pcm.length; off += chunk, i++) {
    const due = t0 + i * 20
    if (due > Date.now()) await sleep(due - Date.now())
    const first = off / 2
    for (const b of starts) if (b >= first && b < first + 960) sentAt.set(b, Date.now() + (b - first) / 48)
    ws.send(pcm.subarray(off, off + chunk))
  }
  ws.send(JSON.stringify({ type: 'stop' }))
  const ended = await waitMessage('ended', 60_000)
  ws.close()
  const record = ended.broadcast as { streams: Array<{ id: string }> }
  const ms: number[] = []
  let found = 0
  let late = 0
  let missing = 0
  for (const sim of sims) {
    for (const stream of record.streams) {
      const rep = sim.report(stream.id)
      if (rep === undefined) continue
      late += rep.late
      missing += rep.missing
      const audio = sim.audio(stream.id)
      if (audio === undefined || rep.firstSampleHeardAt === null) continue
      const heard = onsets(audio)
      found += heard.length
      // Beeps in order: the k-th onset heard is the k-th beep sent (none is lost when missing and late are 0).
      for (const [k, at] of heard.entries()) {
        const sent = sentAt.get(starts[k] ?? -1)
        if (sent !== undefined) ms.push(rep.firstSampleHeardAt + at / 48 - sent)
      }
    }
  }
  return {
    ms: ms.sort((a, b) => a - b), beepsSent: starts.length * Math.min(DECODING_NODES, sims.length), beepsFound: found, nodes: sims.length,
    late, missing, frameMs: Number(started.frameMs), sendAheadMs: Number(started.sendAheadMs)
  }
}

async function main (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loa-sources-'))
  // TMPDIR inside the work folder: whatever the controller process puts in the system temp folder (chime
  // encoding, tsx's cache) goes when the folder goes, even if that process has to be killed.
  const child = fork(new URL('./sources-server.ts', import.meta.url).pathname, [dir, String(NODES)], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: { ...process.env, TMPDIR: dir }
  })
  const exited = new Promise<void>(resolve => { child.once('exit', () => resolve()) })
  const next = mailbox(child)
  const order = (c: Command): void => {
    if (!child.connected) throw new Error('controller process is gone')
    child.send(c)
  }
  const sims: SimNode[] = []
  // Ctrl-C: the controller process cleans up and exits, which fails the step under way, so the finally runs.
  const interrupt = (): void => { child.kill('SIGTERM') }
  process.once('SIGINT', interrupt)
  try {
    const { runs, leadMs } = await emergencies(order, next, sims)
    order({ type: 'tts', runs: TTS_RUNS, text: NOTICE })
    const tts = await next('tts', 600_000)
    const live = await liveLatency(order, next, sims)
    return report(runs, leadMs, tts, live)
  } finally {
    process.off('SIGINT', interrupt)
    for (const s of sims) s.kill()
    if (child.exitCode === null && child.signalCode === null) {
      if (child.connected) child.send({ type: 'close' } satisfies Command, () => undefined)
      const term = setTimeout(() => child.kill('SIGTERM'), 15_000)
      const kill = setTimeout(() => child.kill('SIGKILL'), 25_000)
      await exited
      clearTimeout(term)
      clearTimeout(kill)
    }
    await rm(dir, { recursive: true, force: true })
  }
}

function report (runs: Run[], leadMs: number, tts: Of<'tts'>, live: Live): string {
  const row = (label: string | number, r: { p50: number, p99: number, max: number, within: number, notHeard: number, resumed: number }): Array<string | number | null> => [
    label, NODES, round(r.p50), round(r.p99), round(r.max), r.within, round(r.within / NODES * 100, 1), r.notHeard, leadMs, r.resumed
  ]
  const stats = runs.map(r => ({
    p50: pct(r.ms, 0.5), p99: pct(r.ms, 0.99), max: r.ms.at(-1) ?? NaN, within: r.ms.filter(m => m <= 1000).length, notHeard: r.notHeard, resumed: r.resumed
  }))
  const med = (pick: (s: typeof stats[number]) => number): number => median(stats.map(pick))
  const rows = stats.map((s, i) => row(i + 1, s))
  rows.push(row('median', { p50: med(s => s.p50), p99: med(s => s.p99), max: med(s => s.max), within: med(s => s.within), notHeard: med(s => s.notHeard), resumed: med(s => s.resumed) }))

  const ingest = tts.rows.map(r => r.ingestMs / 1000)
  const audioS = median(tts.rows.map(r => r.audioMs / 1000))
  const ttsRows: Array<Array<string | number | null>> = tts.missing !== undefined
    ? [[tts.engine, `missing: ${tts.missing}`, null, null, null, null, null]]
    : [[tts.engine, tts.chars, tts.rows.length, round(audioS, 1), round(median(ingest), 2), round(Math.max(...ingest), 2), round(median(ingest) / audioS, 3)]]

  return [
    `Sources benchmark, node ${process.version}, ${new Date().toISOString()}`, '',
    `1. Emergency take-over: ${NODES} nodes in 5 zones playing a 20 s bulletin; POST /api/v1/emergency {mediaId: a 2 s warning}`,
    table(['run', 'nodes', 'p50 ms', 'p99 ms', 'max ms', 'within 1 s', 'within 1 s %', 'not heard', 'emergency lead ms', 'bulletin resumed on'], rows),
    'Take-over = stamped play time of the first emergency sample a node played - the call (IPC hop to the controller included).', '',
    `2. Text-to-speech: POST /api/v1/media/tts, a ${NOTICE.length}-character Vietnamese storm notice, ${TTS_RUNS} run(s)`,
    table(['engine', 'chars', 'runs', 'audio s', 'ingest s (median)', 'ingest s (max)', 'ingest s per s of speech'], ttsRows),
    'Ingest = the whole request: synthesis, probe, loudness normalisation, Opus encoding, store write.', '',
    `3. Live mouth-to-speaker latency: ${LIVE_S} s of raw PCM over the live WebSocket to ${live.nodes} nodes (playing the bulletin, which the live voice cuts), a beep every ${BEEP_EVERY_MS} ms`,
    table(['source', 'frame ms', 'send-ahead ms', 'beeps found', 'p50 ms', 'p99 ms', 'max ms', 'late frames', 'missing frames'], [[
      'pcm via ffmpeg', live.frameMs, live.sendAheadMs, `${live.beepsFound}/${live.beepsSent}`, round(pct(live.ms, 0.5)), round(pct(live.ms, 0.99)),
      round(live.ms.at(-1) ?? NaN), live.late, live.missing
    ]]),
    `Latency = a beep's stamped play time at the node - when its first sample entered the WebSocket (measured at ${DECODING_NODES} decoding nodes; late and missing frames over all nodes).`, ''
  ].join('\n')
}

process.stdout.write(await main())
