import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { SimNode, silentLog } from '../../device-sim/index.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { upload, waitFor, type TestController } from './controller.js'
import { ffmpeg } from './audio-fixtures.js'

export interface Fleet {
  zones: string[]
  /** Simulated nodes by zone index. */
  byZone: SimNode[][]
  all: SimNode[]
  stop: () => Promise<void>
}

/** Creates zones with n real simulated nodes each on a test controller, and waits until all are online. */
export async function startFleet (c: TestController, perZone: number[]): Promise<Fleet> {
  const zones: string[] = []
  const byZone: SimNode[][] = []
  for (const [z, n] of perZone.entries()) {
    const zone = (await c.api('POST', '/api/v1/zones', { name: `Thôn ${z + 1}` })).json<{ id: string }>()
    zones.push(zone.id)
    const sims: SimNode[] = []
    for (let i = 0; i < n; i++) {
      const { credentials } = (await c.api('POST', '/api/v1/nodes', { name: `Loa ${z + 1}.${i + 1}`, zoneId: zone.id }))
        .json<{ credentials: { username: string, password: string } }>()
      sims.push(new SimNode({ nodeId: credentials.username, password: credentials.password, mqttUrl: c.mqttUrl, telemetryIntervalMs: 0, log: silentLog }))
    }
    byZone.push(sims)
  }
  const all = byZone.flat()
  await Promise.all(all.map(async s => await s.start()))
  await waitFor(async () => {
    const items = (await c.api('GET', '/api/v1/nodes')).json<{ items: Array<{ online: boolean }> }>().items
    return items.filter(n => n.online).length === all.length ? true : undefined
  }, 10_000, 'all nodes online')
  return { zones, byZone, all, stop: async () => { await Promise.all(all.map(async s => await s.stop())) } }
}

/** Generates a tone clip of `seconds` and uploads it; returns the media id. */
export async function uploadTone (c: TestController, dir: string, seconds: number, hz = 440): Promise<string> {
  const file = join(dir, `tone-${hz}-${seconds}.wav`)
  await ffmpeg(['-f', 'lavfi', '-i', `aevalsrc=0.3*sin(2*PI*${hz}*t):s=48000:d=${seconds}`, file])
  const r = await upload(c, `tone-${hz}.wav`, await readFile(file))
  if (r.statusCode !== 201) throw new Error(`upload failed: ${r.body}`)
  return r.json<{ id: string }>().id
}

export async function play (c: TestController, body: Record<string, unknown>): Promise<BroadcastRecord> {
  const r = await c.api('POST', '/api/v1/broadcasts', body)
  if (r.statusCode !== 201) throw new Error(`play failed: ${r.body}`)
  return r.json<BroadcastRecord>()
}

export async function whenEnded (c: TestController, id: string, timeoutMs = 30_000): Promise<BroadcastRecord> {
  return await waitFor(async () => {
    const b = (await c.api('GET', `/api/v1/broadcasts/${id}`)).json<BroadcastRecord>()
    return b.endedAt !== null ? b : undefined
  }, timeoutMs, `broadcast ${id} to end`)
}
