import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { ffmpeg } from '../helpers/audio-fixtures.js'

const root = new URL('../..', import.meta.url).pathname

/** Starts the real controller as its own process (as `npm start` does) and resolves with its HTTP port. */
async function launch (dataDir: string, token: string): Promise<{ child: ChildProcess, base: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'controller/server.ts'], {
    cwd: root,
    env: { ...process.env, LOA_HTTP_PORT: '0', LOA_MQTT_PORT: '0', LOA_HTTP_HOST: '127.0.0.1', LOA_MQTT_HOST: '127.0.0.1', LOA_DATA_DIR: dataDir, LOA_ADMIN_TOKEN: token, LOA_QUIET_START: '00:00', LOA_QUIET_END: '00:00' },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    child.stdout?.on('data', (b: Buffer) => {
      out += b.toString()
      const m = /"httpPort":(\d+)/.exec(out)
      if (m !== null) resolve(Number(m[1]))
    })
    child.once('exit', code => reject(new Error(`controller exited (${code}): ${out.slice(-500)}`)))
  })
  return { child, base: `http://127.0.0.1:${port}/api/v1` }
}

/** A kill -9 in the middle of a stream of writes loses no schedule the controller had confirmed. */
describe('a kill during writes', () => {
  let dir: string
  let child: ChildProcess | undefined
  const token = randomBytes(24).toString('base64url')
  const auth = { authorization: `Bearer ${token}` }

  beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'loa-kill-')) })
  afterAll(async () => { child?.kill('SIGKILL'); await rm(dir, { recursive: true, force: true }) })

  it('leaves a valid data file with every acknowledged schedule', async () => {
    let run = await launch(dir, token)
    child = run.child
    const json = { ...auth, 'content-type': 'application/json' }
    const zone = await (await fetch(`${run.base}/zones`, { method: 'POST', headers: json, body: JSON.stringify({ name: 'Thôn Bền' }) })).json() as { id: string }
    const clip = join(dir, 'clip.wav')
    await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t):s=48000:d=1', clip])
    const form = new FormData()
    form.append('file', new Blob([await readFile(clip)]), 'clip.wav')
    const media = await (await fetch(`${run.base}/media`, { method: 'POST', headers: auth, body: form })).json() as { id: string }

    const acknowledged: string[] = []
    const body = (i: number): string => JSON.stringify({
      name: `Lịch ${i}`, playlist: [media.id], targets: { zones: [zone.id], nodes: [] },
      recurrence: { kind: 'weekly', days: [1, 2, 3, 4, 5, 6], times: [`0${5 + (i % 4)}:${String(i % 60).padStart(2, '0')}`] }
    })
    // Four writers at once, killed while they are still writing.
    let i = 0
    const writer = async (): Promise<void> => {
      for (;;) {
        const n = i++
        try {
          const r = await fetch(`${run.base}/schedules`, { method: 'POST', headers: json, body: body(n) })
          if (r.status === 201) acknowledged.push(((await r.json()) as { schedule: { id: string } }).schedule.id)
        } catch {
          return // the controller is gone
        }
      }
    }
    const writers = Promise.all([writer(), writer(), writer(), writer()])
    while (acknowledged.length < 40) await new Promise(resolve => setTimeout(resolve, 5))
    const exited = new Promise(resolve => run.child.once('exit', resolve))
    run.child.kill('SIGKILL')
    await writers
    await exited

    const raw = await readFile(join(dir, 'loa.json'), 'utf8')
    expect(() => JSON.parse(raw)).not.toThrow()
    run = await launch(dir, token)
    child = run.child
    const listed = await (await fetch(`${run.base}/schedules`, { headers: auth })).json() as { items: Array<{ id: string }> }
    const ids = new Set(listed.items.map(s => s.id))
    for (const id of acknowledged) expect(ids.has(id), id).toBe(true)
    expect(ids.size).toBeGreaterThanOrEqual(acknowledged.length)
  }, 60_000)
})
