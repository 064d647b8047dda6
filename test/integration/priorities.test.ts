import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startController, waitFor, type TestController, sleep } from '../helpers/controller.js'
import { tempDir } from '../helpers/audio-fixtures.js'
import { play, startFleet, uploadTone, whenEnded, type Fleet } from '../helpers/fleet.js'


/**
 * Arbitration per node, checked on real simulated nodes: what each node received, not only the engine's
 * own bookkeeping. Three zones of two nodes; clips of a few seconds.
 */
describe('priorities between broadcasts', () => {
  let c: TestController
  let tmp: { dir: string, remove: () => Promise<void> }
  let fleet: Fleet
  let long: string
  let short: string

  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController({ reportGraceMs: 1000, leadMs: 800 })
    fleet = await startFleet(c, [2, 2, 2])
    long = await uploadTone(c, tmp.dir, 5, 440)
    short = await uploadTone(c, tmp.dir, 2, 880)
  }, 60_000)
  afterAll(async () => { await fleet?.stop(); await c?.close(); await tmp?.remove() })

  it('pre-empts a normal broadcast with a more urgent one, then resumes it where it was cut', async () => {
    const zone = fleet.zones[0] as string
    const normal = await play(c, { mediaId: long, zones: [zone], priority: 100 })
    await sleep(2500)
    const urgent = await play(c, { mediaId: short, zones: [zone], priority: 250 })
    const [n, u] = await Promise.all([whenEnded(c, normal.id), whenEnded(c, urgent.id)])
    expect(u.state).toBe('completed')
    expect(u.delivery.every(d => d.status === 'completed' && d.framesMissing === 0)).toBe(true)
    expect(n.state).toBe('completed')
    expect(n.streams).toHaveLength(2)
    const resumedAt = n.streams[1]?.firstFrame ?? 0
    expect(resumedAt).toBeGreaterThan(3)
    expect(resumedAt).toBeLessThan(n.framesTotal - 3)
    for (const d of n.delivery) {
      expect(d).toMatchObject({ status: 'completed', interruptions: 1 })
      expect(d.deliveredMs).toBeGreaterThan(n.durationMs - 600)
    }
    // What the nodes heard: the normal stream cut short, the urgent one whole, then the rest of the normal one.
    for (const sim of fleet.byZone[0] ?? []) {
      const first = sim.report(n.streams[0]?.id ?? '')
      const rest = sim.report(n.streams[1]?.id ?? '')
      const cut = sim.report(u.streams[0]?.id ?? '')
      expect(first?.reason).toBe('stopped')
      expect(cut).toMatchObject({ reason: 'end', missing: 0, received: u.framesTotal })
      expect(rest).toMatchObject({ reason: 'end', missing: 0, received: n.framesTotal - resumedAt })
      expect(rest?.firstSampleHeardAt ?? 0).toBeGreaterThan(cut?.firstSampleHeardAt ?? Infinity)
    }
  }, 40_000)

  it('queues an equal-priority broadcast behind the one playing, first come first served', async () => {
    const zone = fleet.zones[1] as string
    const first = await play(c, { mediaId: short, zones: [zone], priority: 100 })
    const second = await play(c, { mediaId: short, zones: [zone], priority: 100 })
    expect(second.delivery.every(d => d.status === 'waiting')).toBe(true)
    const [a, b] = await Promise.all([whenEnded(c, first.id), whenEnded(c, second.id)])
    expect(a.delivery.every(d => d.status === 'completed' && d.interruptions === 0)).toBe(true)
    expect(b.delivery.every(d => d.status === 'completed')).toBe(true)
    for (const sim of fleet.byZone[1] ?? []) {
      const ra = sim.report(a.streams[0]?.id ?? '')
      const rb = sim.report(b.streams[0]?.id ?? '')
      const why = JSON.stringify({ a: a.streams, b: b.streams, a0: a.delivery, b0: b.delivery, reports: sim.reports().map(r => [r.session, r.reason, r.received]) })
      expect(ra, why).toMatchObject({ reason: 'end', missing: 0 })
      expect(rb, why).toMatchObject({ reason: 'end', missing: 0 })
      // The second starts only after the first has been heard to its end.
      expect(rb?.firstSampleHeardAt ?? 0).toBeGreaterThanOrEqual((ra?.firstSampleHeardAt ?? Infinity) + 1900)
    }
  }, 30_000)

  it('goes partial across zones: free zones play at once, the busy one when it frees, each node recorded', async () => {
    const [busy, free1, free2] = fleet.zones as [string, string, string]
    const urgent = await play(c, { mediaId: short, zones: [busy], priority: 250 })
    const wide = await play(c, { mediaId: short, zones: [busy, free1, free2], priority: 100 })
    const byNode = new Map(wide.delivery.map(d => [d.nodeId, d.status]))
    for (const sim of fleet.byZone[0] ?? []) expect(byNode.get(sim.id)).toBe('waiting')
    for (const sim of [...fleet.byZone[1] ?? [], ...fleet.byZone[2] ?? []]) expect(byNode.get(sim.id)).toBe('playing')
    const [, done] = await Promise.all([whenEnded(c, urgent.id), whenEnded(c, wide.id)])
    expect(done.streams.map(s => s.nodes)).toEqual([4, 2])
    expect(done.delivery.every(d => d.status === 'completed' && d.framesMissing === 0)).toBe(true)
    for (const sim of fleet.byZone[0] ?? []) expect(sim.report(done.streams[1]?.id ?? '')).toMatchObject({ reason: 'end', missing: 0 })
    for (const sim of fleet.byZone[1] ?? []) expect(sim.report(done.streams[0]?.id ?? '')).toMatchObject({ reason: 'end', missing: 0 })
  }, 30_000)

  it('skips a lower-priority broadcast on nodes that stay busy past its wait, and cancels per policy', async () => {
    const [zoneA, zoneB] = fleet.zones as [string, string]
    const normal = await play(c, { mediaId: long, zones: [zoneB], priority: 100, onInterrupt: 'cancel' })
    await sleep(1000)
    const urgent = await play(c, { mediaId: long, zones: [zoneA, zoneB], priority: 250 })
    const low = await play(c, { mediaId: short, zones: [zoneA], priority: 50, maxWaitS: 1 })
    const skipped = await whenEnded(c, low.id)
    expect(skipped.state).toBe('failed')
    expect(skipped.delivery.every(d => d.status === 'skipped' && /more urgent/.test(d.finishReason ?? ''))).toBe(true)
    const cancelled = await whenEnded(c, normal.id)
    expect(cancelled.delivery.every(d => d.status === 'preempted' && d.interruptions === 1)).toBe(true)
    expect(cancelled.streams).toHaveLength(1)
    await whenEnded(c, urgent.id)
    await waitFor(async () => (await c.api('GET', '/api/v1/nodes')).json<{ items: Array<{ playing: string | null }> }>().items.every(n => n.playing === null) ? true : undefined, 5000, 'nodes idle')
  }, 30_000)

  it('never brings back a broadcast staff stopped, even if something urgent cuts it while it winds down', async () => {
    const zone = fleet.zones[2] as string
    const normal = await play(c, { mediaId: long, zones: [zone], priority: 100, onInterrupt: 'resume' })
    await sleep(1500)
    const stopping = c.api('POST', `/api/v1/broadcasts/${normal.id}/stop`)
    const urgent = await play(c, { mediaId: short, zones: [zone], priority: 250 })
    await stopping
    const [n] = await Promise.all([whenEnded(c, normal.id), whenEnded(c, urgent.id)])
    expect(n.state).toBe('stopped')
    expect(n.streams).toHaveLength(1)
    expect(n.delivery.every(d => d.status === 'stopped')).toBe(true)
  }, 30_000)

  it('lets a queued broadcast end when the node it waits for goes offline', async () => {
    const zone = fleet.zones[2] as string
    const [gone, stays] = fleet.byZone[2] as [import('../../device-sim/index.js').SimNode, import('../../device-sim/index.js').SimNode]
    const first = await play(c, { mediaId: short, zones: [zone], priority: 100 })
    const queued = await play(c, { mediaId: short, zones: [zone], priority: 100 })
    gone.kill()
    const [, q] = await Promise.all([whenEnded(c, first.id), whenEnded(c, queued.id)])
    const byNode = new Map(q.delivery.map(d => [d.nodeId, d.status]))
    expect(byNode.get(gone.id)).toBe('offline')
    expect(byNode.get(stays.id)).toBe('completed')
  }, 30_000)
})
