/**
 * Does history slow the store? (issue #3, part 6: "a year of one commune is 50 nodes x 6 broadcasts a day,
 * about 110,000 node records; measure a schedule edit at that size".) A real controller (buildApp, embedded
 * broker on port 0, temp data folder) is measured three ways, each with the same zones, nodes and schedule:
 *
 *   no history       a fresh store
 *   history files    a year of finished broadcasts in history/*.jsonl (today's layout), loaded at start
 *   old: loa.json    the same year inside db.broadcasts of the main file (the layout before history files)
 *
 * Each edit is a real `PUT /api/v1/schedules/:id` through inject() (validation, review of fire times and
 * conflicts, one store write), and separately a bare `store.update()` renaming a zone: the part of an edit
 * that pays for the size of the main file (a clone and a rewrite of the whole file).
 *
 *   npm run bench:history -- [--records 2200] [--nodes 50] [--edits 50]
 */
import { mkdtemp, rm, stat, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../controller/app.js'
import { makeConfig } from '../controller/config.js'
import { HistoryStore } from '../controller/store/history.js'
import type { BroadcastRecord } from '../controller/store/schema.js'
import { makeRecord } from '../test/helpers/records.js'

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '2200' },
    nodes: { type: 'string', default: '50' },
    edits: { type: 'string', default: '50' }
  }
})
const RECORDS = Number(values.records)
const NODES = Number(values.nodes)
const EDITS = Number(values.edits)
const ZONES = 5
const TOKEN = 'bench-token-0123456789abcdef'

type Layout = 'no history' | 'history files' | 'old: loa.json'
interface Row { layout: Layout, nodeRecords: number, mainBytes: number, historyBytes: number, startMs: number, put: number[], update: number[], reportMs: number | null }

const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * q))] ?? NaN
const ms = (t0: number): number => performance.now() - t0

/** The commune's zones and nodes, as fixed ids so that generated history can name them before the app runs. */
const zoneIds = Array.from({ length: ZONES }, (_, i) => `z-bench${i}`)
const nodeIds = Array.from({ length: NODES }, (_, i) => `n-bench${i}`)

/** A year of programme: six broadcasts a day from 1 January 2026, every node completed or, now and then, not. */
function yearOfHistory (): BroadcastRecord[] {
  const hours = [6, 8, 10, 14, 16, 18]
  return Array.from({ length: RECORDS }, (_, i) => {
    const at = new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 6), (hours[i % 6] ?? 6) - 7)).toISOString()
    return makeRecord({
      at, scheduled: true, origin: { kind: 'schedule', scheduleId: 's-bench' }, durationMs: 300_000,
      nodes: nodeIds.map((nodeId, n) => ({ nodeId, zoneId: zoneIds[n % ZONES], status: (i + n) % 17 === 0 ? 'offline' as const : 'completed' as const }))
    })
  })
}

async function setUp (app: FastifyInstance): Promise<string> {
  await app.store.update(db => {
    const t = new Date().toISOString()
    for (const [i, id] of zoneIds.entries()) db.zones.push({ id, name: `Thôn ${i + 1}`, createdAt: t })
    for (const [i, id] of nodeIds.entries()) {
      db.nodes.push({ id, name: `Cụm loa ${i + 1}`, zoneId: zoneIds[i % ZONES] ?? '', location: null, secretHash: 'x'.repeat(64), volume: 80, createdAt: t })
    }
    db.media.push({
      id: 'm-bench', name: 'Bản tin', file: 'm-bench.opus', durationMs: 300_000, sizeBytes: 1_200_000, codec: 'opus', bitrateKbps: 32, loudnessLufs: -16,
      source: { filename: 'ban-tin.mp3', sizeBytes: 4_800_000, codec: 'mp3', sampleRate: 44100, channels: 1, durationMs: 300_000 }, createdAt: t
    })
  })
  const r = await inject(app, 'POST', '/api/v1/schedules', spec(0))
  if (r.statusCode !== 201) throw new Error(`creating the schedule failed: ${r.body}`)
  return (JSON.parse(r.body) as { schedule: { id: string } }).schedule.id
}

/** Monday to Saturday, 06:00 and 17:00. Disabled, so no fire plays (and needs real audio) during the run. */
function spec (n: number): Record<string, unknown> {
  return {
    name: `Chương trình sáng chiều ${n}`, playlist: ['m-bench'], targets: { zones: zoneIds, nodes: [] },
    recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6], times: ['06:00', '17:00'] }, enabled: false
  }
}

async function inject (app: FastifyInstance, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object): Promise<{ statusCode: number, body: string }> {
  return await app.inject({ method, url, headers: { authorization: `Bearer ${TOKEN}` }, ...(payload !== undefined ? { payload } : {}) })
}

async function sizeOf (dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[])
  let total = 0
  for (const n of names) total += (await stat(join(dir, n))).size
  return total
}

async function measure (layout: Layout, history: BroadcastRecord[]): Promise<Row> {
  const dataDir = await mkdtemp(join(tmpdir(), 'loa-bench-edit-'))
  try {
    if (layout === 'history files') {
      const h = await HistoryStore.open(dataDir)
      for (const r of history) await h.append(r)
    }
    const config = makeConfig({ dataDir, httpPort: 0, mqttPort: 0, httpHost: '127.0.0.1', mqttHost: '127.0.0.1', adminToken: TOKEN, logLevel: 'silent' })
    const t0 = performance.now()
    const app = await buildApp({ config, logger: false })
    await app.ready()
    const startMs = ms(t0)
    try {
      const scheduleId = await setUp(app)
      // The old layout: every finished broadcast stayed in db.broadcasts (pushed after start, because a start
      // now moves ended records out of the main file).
      if (layout === 'old: loa.json') await app.store.update(db => { db.broadcasts.push(...history) })
      const put: number[] = []
      const update: number[] = []
      for (let i = -5; i < EDITS; i++) { // five warm-up rounds, not counted
        let t = performance.now()
        const r = await inject(app, 'PUT', `/api/v1/schedules/${scheduleId}`, spec(i + 10))
        if (r.statusCode !== 200) throw new Error(`PUT failed: ${r.body}`)
        if (i >= 0) put.push(ms(t))
        t = performance.now()
        await app.store.update(db => { const z = db.zones[0]; if (z !== undefined) z.name = `Thôn 1 (${i})` })
        if (i >= 0) update.push(ms(t))
      }
      let reportMs: number | null = null
      if (layout === 'history files') {
        const t = performance.now()
        const r = await inject(app, 'GET', '/api/v1/reports?from=2026-01-01&to=2026-12-31')
        reportMs = ms(t)
        const totals = (JSON.parse(r.body) as { totals: { nodeRecords: number } }).totals
        // 2026 has 365 days of six broadcasts; records past 31 December fall outside the report.
        const expected = Math.min(history.length, 365 * 6) * NODES
        if (totals.nodeRecords !== expected) throw new Error(`the report summed ${totals.nodeRecords} node records, not ${expected}`)
      }
      const nodeRecords = layout === 'no history' ? 0 : history.length * NODES
      return { layout, nodeRecords, mainBytes: (await stat(join(dataDir, 'loa.json'))).size, historyBytes: await sizeOf(join(dataDir, 'history')), startMs, put, update, reportMs }
    } finally {
      await app.close()
    }
  } finally {
    await rm(dataDir, { recursive: true, force: true })
  }
}

const history = yearOfHistory()
const rows: Row[] = []
for (const layout of ['no history', 'history files', 'old: loa.json'] as const) rows.push(await measure(layout, history))

const base = rows[0]
const f1 = (n: number): string => n.toFixed(1)
const mb = (b: number): string => (b / 1e6).toFixed(2) + ' MB'
process.stdout.write(`${RECORDS} broadcasts x ${NODES} nodes, ${EDITS} edits each (node ${process.version})\n\n`)
process.stdout.write('| store layout | history node records | main file | history files | start ms | PUT schedule p50 / p95 ms | x empty (p50) | store.update p50 / p95 ms | x empty (p50) |\n')
process.stdout.write('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n')
for (const r of rows) {
  const x = (a: number[], b: number[] | undefined): string => b === undefined ? '' : (quantile(a, 0.5) / quantile(b, 0.5)).toFixed(1)
  process.stdout.write(`| ${r.layout} | ${r.nodeRecords.toLocaleString('en')} | ${mb(r.mainBytes)} | ${mb(r.historyBytes)} | ${f1(r.startMs)} | ` +
    `${f1(quantile(r.put, 0.5))} / ${f1(quantile(r.put, 0.95))} | ${x(r.put, base?.put)} | ` +
    `${f1(quantile(r.update, 0.5))} / ${f1(quantile(r.update, 0.95))} | ${x(r.update, base?.update)} |\n`)
}
process.stdout.write('\nstart ms: buildApp + ready; the first row also pays the warm-up of the modules, and the old layout gets its\n' +
  'history after the start, so only the history-files row shows what loading the recent index costs.\n')
const withFiles = rows.find(r => r.reportMs !== null)
if (withFiles?.reportMs != null) process.stdout.write(`\nGET /api/v1/reports for the whole year (history files): ${f1(withFiles.reportMs)} ms\n`)
