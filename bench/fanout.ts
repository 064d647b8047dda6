/**
 * Fan-out benchmark: N simulated nodes receive one broadcast, first from the Loa controller (embedded aedes
 * with auth, ACL, engine and store), then from raw aedes with no controller sending the same frames the same
 * way (the baseline). Each broker runs in its own process, so its CPU and memory are measured alone; the
 * simulated nodes share this process.
 *
 *   npm run bench:fanout -- --nodes 1000 [--seconds 20] [--frame-ms 200]
 *
 * Latency is from a frame's send time (its play time minus the 1.5 s lead) to its arrival at a node.
 */
import { fork } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { execFileSync } from 'node:child_process'
import { SimNode, silentLog } from '../device-sim/index.js'
import { resolveFfmpegPath } from '../audio/index.js'

const LEAD_MS = 1500
const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '20' },
    'frame-ms': { type: 'string', default: '200' },
    modes: { type: 'string', default: 'controller,baseline' }
  }
})
const nodes = Number(values.nodes)
const seconds = Number(values.seconds)
const frameMs = Number(values['frame-ms'])
if (![nodes, seconds, frameMs].every(n => Number.isInteger(n) && n > 0)) {
  process.stderr.write('usage: npm run bench:fanout -- --nodes N [--seconds S] [--frame-ms MS]\n')
  process.exit(2)
}

interface Stats { cpuPct: number, rssMb: number, heapMb: number, framesSent: number }
interface Row { mode: string, deliveredPct: number, p50: number, p99: number, max: number, stats: Stats, connectS: number }

const pct = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? NaN

async function runMode (mode: string, clip: string): Promise<Row> {
  const child = fork(new URL('./fanout-server.ts', import.meta.url).pathname, [mode, String(nodes), clip, String(frameMs)], {
    execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc']
  })
  const next = async <T>(type: string): Promise<T> => await new Promise((resolve, reject) => {
    const onMsg = (m: { type: string }): void => { if (m.type === type) { child.off('message', onMsg); resolve(m as T) } }
    child.on('message', onMsg)
    child.once('exit', code => reject(new Error(`${mode} server exited (${code}) before '${type}'`)))
  })
  try {
    return await measure(mode, child, next)
  } finally {
    // The broker process cleans up and exits by itself after its stats; kill it only if it does not.
    if (child.exitCode === null) {
      const exited = new Promise(resolve => child.once('exit', resolve))
      const timer = setTimeout(() => child.kill(), 10_000)
      await exited
      clearTimeout(timer)
    }
  }
}

async function measure (
  mode: string, child: ReturnType<typeof fork>, next: <T>(type: string) => Promise<T>
): Promise<Row> {
  const ready = await next<{ mqttPort: number, nodes: Array<{ username: string, password: string }> }>('ready')
  const latencies: number[] = []
  const sims = ready.nodes.map(n => new SimNode({
    nodeId: n.username, password: n.password, mqttUrl: `mqtt://127.0.0.1:${ready.mqttPort}`, telemetryIntervalMs: 0, log: silentLog
  }))
  for (const s of sims) s.events.on('frame', f => { latencies.push(Date.now() - (f.playAtUs / 1000 - LEAD_MS)) })
  const t0 = performance.now()
  for (let i = 0; i < sims.length; i += 50) await Promise.all(sims.slice(i, i + 50).map(async s => await s.start()))
  const connectS = (performance.now() - t0) / 1000
  child.send({ type: 'play' })
  const stats = await next<Stats>('stats')
  // The broker process ends right after its stats; the nodes just drop their sockets.
  for (const s of sims) s.kill()
  const sorted = latencies.sort((a, b) => a - b)
  return {
    mode, stats, connectS,
    deliveredPct: latencies.length / Math.max(1, stats.framesSent * nodes) * 100,
    p50: pct(sorted, 0.5), p99: pct(sorted, 0.99), max: sorted[sorted.length - 1] ?? NaN
  }
}

const dir = await mkdtemp(join(tmpdir(), 'loa-fanout-'))
const clip = join(dir, 'clip.wav')
execFileSync(resolveFfmpegPath(process.env.LOA_FFMPEG_PATH), ['-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i',
  `aevalsrc=0.3*sin(2*PI*(200+20*t)*t):s=48000:d=${seconds}`, clip])
const rows: Row[] = []
try {
  for (const mode of values.modes.split(',')) rows.push(await runMode(mode, clip))
} finally {
  await rm(dir, { recursive: true, force: true })
}

const msgPerS = nodes * 1000 / frameMs
const head = ['broker', 'nodes', 'frame ms', 'frames/s out', 'delivered %', 'p50 ms', 'p99 ms', 'max ms', 'broker CPU % of a core', 'broker peak RSS MB', 'connect s']
const body = rows.map(r => [
  r.mode, nodes, frameMs, msgPerS.toFixed(0), r.deliveredPct.toFixed(2), r.p50.toFixed(0), r.p99.toFixed(0), r.max.toFixed(0),
  r.stats.cpuPct.toFixed(1), r.stats.rssMb.toFixed(0), r.connectS.toFixed(1)
].map(String))
const widths = head.map((h, i) => Math.max(h.length, ...body.map(b => (b[i] ?? '').length)))
const line = (cells: string[]): string => '| ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ') + ' |'
process.stdout.write([
  `Fan-out of a ${seconds} s broadcast, ${frameMs} ms frames, node ${process.version}, ${new Date().toISOString()}`,
  line(head), '| ' + widths.map(w => '-'.repeat(w)).join(' | ') + ' |', ...body.map(line),
  'CPU and RSS are the broker process\'s own, over the broadcast (from the play request to the end).', ''
].join('\n'))
