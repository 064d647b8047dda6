import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nodeTopic, parseNodeState } from '../../protocol/index.js'
import { SimFleet, planNodes, slug, type FleetReport } from '../../device-sim/index.js'
import { playCommand, startBroker, type TestBroker } from './helpers/broker.js'
import { startStubController } from './helpers/controller.js'
import { clipFrames } from './helpers/frames.js'
import { captureLog } from './helpers/log.js'
import { makeSineClip, readOpusClip } from './helpers/ogg-opus.js'

const TOKEN = 'test-token'

describe('node names', () => {
  it('spreads nodes round-robin and numbers them per zone', () => {
    expect(planNodes('sim', ['a', 'b'], 5).map(p => p.name)).toEqual(['sim-a-001', 'sim-b-001', 'sim-a-002', 'sim-b-002', 'sim-a-003'])
    expect(slug('Thôn Đông 2')).toBe('thon-dong-2')
  })
})

describe('SimFleet', () => {
  let dir: string
  let users: Record<string, string>
  let broker: TestBroker
  let controller: Awaited<ReturnType<typeof startStubController>>
  const fleets: SimFleet[] = []

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-sim-fleet-'))
    users = {}
    broker = await startBroker(users)
    controller = await startStubController({ token: TOKEN, mqttPort: broker.port, users })
  })
  afterEach(async () => {
    for (const f of fleets.splice(0)) await f.stop()
    await controller.close()
    await broker.close()
    await rm(dir, { recursive: true, force: true })
  })

  function fleet (over: Partial<ConstructorParameters<typeof SimFleet>[0]> = {}): SimFleet {
    const f = new SimFleet({ controller: controller.url, token: TOKEN, nodes: 4, zones: ['a', 'Thôn B'], log: captureLog().log, ...over })
    fleets.push(f)
    return f
  }

  it('creates missing zones and nodes, connects them all, and reuses them by name on the next run', async () => {
    const first = fleet()
    await first.start()
    expect(first.mqttUrl).toBe(`mqtt://127.0.0.1:${broker.port}`)
    expect(controller.zones.map(z => z.name)).toEqual(['a', 'Thôn B'])
    expect(first.members.map(m => m.name)).toEqual(['sim-a-001', 'sim-thon-b-001', 'sim-a-002', 'sim-thon-b-002'])
    expect(first.members.every(m => m.node.online && m.error === null)).toBe(true)
    for (const m of first.members) {
      const hello = broker.seen.find(s => s.topic === nodeTopic(m.node.id, 'state'))
      expect(hello !== undefined && parseNodeState(hello.payload).ok).toBe(true)
    }
    const report = first.report()
    expect(report).toMatchObject({ nodesTotal: 4, nodesOnline: 4, sessions: [] })
    await first.stop()
    expect(first.report().nodesOnline).toBe(0)

    const second = fleet({ nodes: 5 })
    await second.start()
    expect(controller.zones).toHaveLength(2)
    expect(controller.nodes.map(n => n.name)).toEqual(['sim-a-001', 'sim-thon-b-001', 'sim-a-002', 'sim-thon-b-002', 'sim-a-003'])
    expect(second.members.slice(0, 4).map(m => m.node.id)).toEqual(first.members.map(m => m.node.id))
    expect(controller.calls.filter(c => c.endsWith('/credentials'))).toHaveLength(4)
    expect(second.report().nodesOnline).toBe(5)
  })

  it('summarises a broadcast across nodes and writes one WAV per node', async () => {
    const clip = await readOpusClip(await makeSineClip(dir, { seconds: 1 }))
    const wavDir = join(dir, 'wav')
    const f = fleet({ nodes: 3, zones: ['a'], wavDir })
    await f.start()
    const session = randomUUID()
    const ended = Promise.all(f.members.map(m => new Promise(resolve => m.node.events.once('session-end', resolve))))
    for (const m of f.members) await broker.command(m.node.id, playCommand(session))
    await broker.waitFor(() => broker.seen.filter(s => s.topic.endsWith('/reply')).length === 3 ? true : undefined, 'three replies')
    const frames = clipFrames(clip, { session, startUs: (Date.now() + 1500) * 1000 })
    for (const fr of frames) await broker.frame(fr)
    await ended
    await f.stop()
    const report: FleetReport = f.report()
    expect(report.sessions).toEqual([{
      session, nodes: 3, finished: 3, expected: 3 * frames.length, received: 3 * frames.length, late: 0, missing: 0,
      duplicates: 0, firstSampleSpreadMs: 0, reasons: { end: 3 }
    }])
    const files = (await readdir(join(wavDir, session))).sort()
    expect(files).toEqual(['sim-a-001.wav', 'sim-a-002.wav', 'sim-a-003.wav'])
    const wav = await readFile(join(wavDir, session, 'sim-a-001.wav'))
    expect(wav.readUInt32LE(40) / 2 / 48_000).toBeCloseTo(1, 1)
    // The audio was freed once written.
    expect(f.members[0]?.node.audio(session)).toBeUndefined()
  })

  it('fails provisioning with the controller error code on a bad token', async () => {
    const f = fleet({ token: 'wrong' })
    await expect(f.start()).rejects.toMatchObject({ statusCode: 401, code: 'AUTH_REQUIRED' })
  })

  it('marks nodes that cannot connect and runs the others', async () => {
    const f = fleet({ nodes: 2, zones: ['a'] })
    await f.provision()
    const victim = f.members[0]?.node.id as string
    users[victim] = 'changed-behind-its-back'
    await f.start()
    expect(f.members.map(m => m.error === null)).toEqual([false, true])
    expect(f.report().nodesOnline).toBe(1)
  })
})
