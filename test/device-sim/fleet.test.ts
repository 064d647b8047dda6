import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PROTOCOL_VERSION } from '../../protocol/index.js'
import { SimFleet, planNodes, slug, type FleetReport, type SessionReport } from '../../device-sim/index.js'
import type { BroadcastRecord } from '../../controller/store/schema.js'
import { sineClip } from '../helpers/audio-fixtures.js'
import { startController, upload, waitFor, type TestController } from '../helpers/controller.js'
import { captureLog } from './helpers/log.js'

interface ZoneView { id: string, name: string }
interface NodeView { id: string, name: string, online: boolean, protocol: number | null }

describe('node names', () => {
  it('spreads nodes round-robin and numbers them per zone', () => {
    expect(planNodes('sim', ['a', 'b'], 5).map(p => p.name)).toEqual(['sim-a-001', 'sim-b-001', 'sim-a-002', 'sim-b-002', 'sim-a-003'])
    expect(slug('Thôn Đông 2')).toBe('thon-dong-2')
  })
})

/** The fleet against the real controller, listening on a real HTTP port as a tester's `npm run sim` meets it. */
describe('SimFleet', () => {
  let dir: string
  let c: TestController
  let url: string
  const fleets: SimFleet[] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-sim-fleet-'))
    c = await startController({ reportGraceMs: 500 })
    url = await c.app.listen({ host: '127.0.0.1', port: 0 })
  })
  afterEach(async () => {
    for (const f of fleets.splice(0)) await f.stop()
    await c.close()
    await rm(dir, { recursive: true, force: true })
  })

  function fleet (over: Partial<ConstructorParameters<typeof SimFleet>[0]> = {}): SimFleet {
    const f = new SimFleet({ controller: url, token: c.token, nodes: 4, zones: ['a', 'Thôn B'], log: captureLog().log, ...over })
    fleets.push(f)
    return f
  }

  async function list<T> (path: string): Promise<T[]> {
    const r = await c.api('GET', path)
    expect(r.statusCode, r.body).toBe(200)
    return r.json<{ items: T[] }>().items
  }

  /** Waits until the controller itself sees `n` nodes online that said a valid hello (it sets `protocol` from it). */
  async function onlineAtController (n: number): Promise<NodeView[]> {
    return await waitFor(async () => {
      const nodes = await list<NodeView>('/api/v1/nodes')
      return nodes.filter(x => x.online && x.protocol === PROTOCOL_VERSION).length === n ? nodes : undefined
    }, 5000, `${n} nodes online at the controller`)
  }

  it('creates missing zones and nodes, connects them all, and reuses them by name on the next run', async () => {
    const first = fleet()
    await first.start()
    expect(first.mqttUrl).toBe(c.mqttUrl)
    expect((await list<ZoneView>('/api/v1/zones')).map(z => z.name)).toEqual(['a', 'Thôn B'])
    expect(first.members.map(m => m.name)).toEqual(['sim-a-001', 'sim-thon-b-001', 'sim-a-002', 'sim-thon-b-002'])
    expect(first.members.every(m => m.node.online && m.error === null)).toBe(true)
    await onlineAtController(4)
    // The controller validates every node message strictly; none of the fleet's were dropped.
    expect(c.app.mqtt.dropped()).toBe(0)
    expect(first.report()).toMatchObject({ nodesTotal: 4, nodesOnline: 4, sessions: [] })
    await first.stop()
    expect(first.report().nodesOnline).toBe(0)
    const secrets = new Map(c.app.store.data.nodes.map(n => [n.id, n.secretHash]))

    const second = fleet({ nodes: 5 })
    await second.start()
    expect(await list<ZoneView>('/api/v1/zones')).toHaveLength(2)
    const nodes = await onlineAtController(5)
    expect(nodes.map(n => n.name)).toEqual(['sim-a-001', 'sim-thon-b-001', 'sim-a-002', 'sim-thon-b-002', 'sim-a-003'])
    expect(second.members.slice(0, 4).map(m => m.node.id)).toEqual(first.members.map(m => m.node.id))
    // Reused, not re-created: the four known nodes were given new passwords, and those are what connected.
    const rotated = c.app.store.data.nodes.filter(n => secrets.has(n.id) && secrets.get(n.id) !== n.secretHash)
    expect(rotated.map(n => n.name)).toEqual(['sim-a-001', 'sim-thon-b-001', 'sim-a-002', 'sim-thon-b-002'])
    expect(second.report().nodesOnline).toBe(5)
  })

  it('summarises a broadcast across nodes and writes one WAV per node', async () => {
    const wavDir = join(dir, 'wav')
    const f = fleet({ nodes: 3, zones: ['a'], wavDir })
    await f.start()
    await onlineAtController(3)
    const up = await upload(c, 'tone.wav', await readFile(await sineClip(join(dir, 'tone.wav'), { seconds: 1 })))
    expect(up.statusCode, up.body).toBe(201)
    const zone = (await list<ZoneView>('/api/v1/zones'))[0] as ZoneView
    const ended = Promise.all(f.members.map(m => new Promise<SessionReport>(resolve => m.node.events.once('session-end', resolve))))

    const play = await c.api('POST', '/api/v1/broadcasts', { mediaId: up.json<{ id: string }>().id, zones: [zone.id] })
    expect(play.statusCode, play.body).toBe(201)
    const broadcast = play.json<BroadcastRecord>().id
    // The MQTT session is whatever the controller streamed under; the nodes' own reports name it.
    const session = (await ended)[0]?.session as string
    const record = await waitFor(async () => {
      const b = (await c.api('GET', `/api/v1/broadcasts/${broadcast}`)).json<BroadcastRecord>()
      return b.endedAt !== null ? b : undefined
    }, 10_000, 'the broadcast to end')
    await f.stop()

    expect(record.state).toBe('completed')
    const report: FleetReport = f.report()
    expect(report.sessions).toEqual([{
      session, nodes: 3, finished: 3, expected: 3 * record.framesTotal, received: 3 * record.framesTotal, late: 0, missing: 0,
      duplicates: 0, firstSampleSpreadMs: 0, reasons: { end: 3 }
    }])
    // The controller's own delivery report agrees with what the nodes say.
    expect(record.delivery.map(d => d.status)).toEqual(['completed', 'completed', 'completed'])
    const files = (await readdir(join(wavDir, session))).sort()
    expect(files).toEqual(['sim-a-001.wav', 'sim-a-002.wav', 'sim-a-003.wav'])
    const wav = await readFile(join(wavDir, session, 'sim-a-001.wav'))
    expect(wav.readUInt32LE(40) / 2 / 48_000).toBeCloseTo(1, 1)
    // The audio was freed once written.
    expect(f.members[0]?.node.audio(session)).toBeUndefined()
  })

  it('fails provisioning with the controller error code on a bad token', async () => {
    const f = fleet({ token: 'wrong' })
    await expect(f.start()).rejects.toMatchObject({ statusCode: 401, code: 'AUTH_INVALID' })
    expect(await list<NodeView>('/api/v1/nodes')).toEqual([])
  })

  it('marks nodes that cannot connect and runs the others', async () => {
    const f = fleet({ nodes: 2, zones: ['a'] })
    await f.provision()
    // Staff rotate one node's credentials between provisioning and start: the password it holds is now refused.
    const victim = f.members[0]?.node.id as string
    expect((await c.api('POST', `/api/v1/nodes/${victim}/credentials`)).statusCode).toBe(200)
    await f.start()
    expect(f.members.map(m => m.error === null)).toEqual([false, true])
    expect(f.report().nodesOnline).toBe(1)
  })
})
