import { randomUUID } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ParsedOpus } from '../../audio/index.js'
import { encodeFrame, parseNodeEvent, parseReply, parseTelemetry, streamTopic, type FrameInput } from '../../protocol/index.js'
import { SimNode } from '../../device-sim/index.js'
import { playCommand, startBroker, type TestBroker } from './helpers/broker.js'
import { clipFrames, opusClip } from './helpers/frames.js'
import { captureLog, type LogEntry } from './helpers/log.js'

const ID = 'node-p'
const PASSWORD = 'pw'
/** Lead between publishing and the first playAt: the controller's default, so a loaded machine is not "late". */
const LEAD_MS = 1500

type Event = { type: string, session: string, [k: string]: unknown }

describe('SimNode playback over MQTT', () => {
  let dir: string
  let clip: ParsedOpus
  let broker: TestBroker
  let node: SimNode
  let logs: LogEntry[]

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-sim-play-'))
    clip = await opusClip(join(dir, 'tone-2s.opus'), { seconds: 2 })
  })
  afterAll(async () => { await rm(dir, { recursive: true, force: true }) })

  beforeEach(async () => {
    broker = await startBroker({ [ID]: PASSWORD })
    const capture = captureLog()
    logs = capture.entries
    node = new SimNode({ nodeId: ID, password: PASSWORD, mqttUrl: broker.url, log: capture.log, telemetryIntervalMs: 0 })
    await node.start()
  })
  afterEach(async () => {
    await node.stop()
    await broker.close()
  })

  function events (session: string): Event[] {
    return (broker.messages(ID, 'events') as Event[]).filter(e => e.session === session)
  }

  function finished (session: string, timeoutMs = 10_000): Promise<Event> {
    return broker.waitFor(() => events(session).find(e => e.type === 'playback_finished'), 'playback_finished', timeoutMs)
  }

  async function reply (id: string): Promise<Record<string, unknown>> {
    const found = await broker.waitFor(() => broker.seen.find(s => s.topic.endsWith('/reply') && JSON.parse(s.payload.toString()).id === id), `reply ${id}`)
    const parsed = parseReply(found.payload)
    if (!parsed.ok) throw new Error(parsed.error)
    return parsed.value
  }

  async function play (session: string, over: Parameters<typeof playCommand>[1] = {}): Promise<void> {
    const cmd = playCommand(session, over)
    await broker.command(ID, cmd)
    expect(await reply(cmd.id)).toMatchObject({ status: 'ok' })
    expect(broker.isSubscribed(ID, streamTopic(session))).toBe(true)
  }

  function framesFor (session: string): FrameInput[] {
    return clipFrames(clip, { session, startUs: (Date.now() + LEAD_MS) * 1000 })
  }

  it('plays frames at their time and reports start and finish with the right counts', async () => {
    const session = randomUUID()
    const frames = framesFor(session)
    await play(session, { frames: frames.length })
    expect(node.playing).toBe(session)
    const seenFrames: number[] = []
    node.events.on('frame', f => seenFrames.push(f.seq))
    for (const f of frames) await broker.frame(f)
    const done = await finished(session)
    expect(done).toMatchObject({ reason: 'end', expected: frames.length, received: frames.length, late: 0, missing: 0 })
    const all = events(session)
    for (const e of all) expect(parseNodeEvent(JSON.stringify(e)).ok).toBe(true)
    expect(all.map(e => e.type)).toEqual(['playback_started', 'playback_finished'])
    expect(all[0]).toMatchObject({ seq: 0, firstSampleAt: Math.round((frames[0]?.playAtUs ?? 0) / 1000) })
    // It ends once the END frame's audio is over, not before.
    const last = frames.at(-1) as FrameInput
    expect(done.ts as number).toBeGreaterThanOrEqual(Math.floor(last.playAtUs / 1000 + last.durationSamples / 48))
    expect(seenFrames).toEqual(frames.map(f => f.seq))
    await broker.waitFor(() => broker.isSubscribed(ID, streamTopic(session)) ? undefined : true, 'unsubscribe')
    expect(node.playing).toBeNull()
    expect(node.report(session)).toMatchObject({
      finished: true, reason: 'end', duplicates: 0, outOfOrder: 0, lastSeq: frames.length - 1,
      receivedSeqs: frames.map(f => f.seq)
    })
  })

  it('reports a skipped seq as a gap event and missing = 1', async () => {
    const session = randomUUID()
    const frames = framesFor(session)
    await play(session)
    for (const f of frames) if (f.seq !== 3) await broker.frame(f)
    const done = await finished(session)
    expect(done).toMatchObject({ reason: 'end', expected: frames.length, received: frames.length - 1, missing: 1, late: 0 })
    expect(events(session).filter(e => e.type === 'gap')).toMatchObject([{ fromSeq: 3, toSeq: 3 }])
  })

  it('counts a frame that arrives after its playAt as late: received, not missing, not played', async () => {
    const session = randomUUID()
    const frames = framesFor(session)
    const lateOne = frames[5] as FrameInput
    await play(session)
    for (const f of frames) if (f !== lateOne) await broker.frame(f)
    const statuses: string[] = []
    node.events.on('frame', f => { if (f.seq === 5) statuses.push(f.status) })
    await new Promise(resolve => setTimeout(resolve, lateOne.playAtUs / 1000 - Date.now() + 50))
    await broker.frame(lateOne)
    const done = await finished(session)
    expect(done).toMatchObject({ expected: frames.length, received: frames.length, late: 1, missing: 0 })
    expect(statuses).toEqual(['late'])
    expect(node.report(session)).toMatchObject({ outOfOrder: 1 })
  })

  it('stop ends the session at once, reports it stopped and leaves the stream', async () => {
    const session = randomUUID()
    const frames = framesFor(session)
    await play(session, { frames: frames.length })
    for (const f of frames) await broker.frame(f)
    await broker.waitFor(() => node.report(session)?.received === frames.length ? true : undefined, 'all frames at the node')
    await broker.waitFor(() => events(session).find(e => e.type === 'playback_started'), 'playback_started')
    await broker.command(ID, { v: 1, id: 'stop-1', type: 'stop', session })
    expect(await reply('stop-1')).toMatchObject({ status: 'ok' })
    const done = await finished(session, 500)
    expect(done).toMatchObject({ reason: 'stopped', received: frames.length, missing: 0 })
    expect(node.playing).toBeNull()
    await broker.waitFor(() => broker.isSubscribed(ID, streamTopic(session)) ? undefined : true, 'unsubscribe')
    await broker.command(ID, { v: 1, id: 'stop-2', type: 'stop', session: randomUUID() })
    expect(await reply('stop-2')).toMatchObject({ status: 'error', error: { code: 'UNKNOWN_SESSION' } })
  })

  it('a graceful node stop() reports its session stopped before it says offline', async () => {
    const session = randomUUID()
    const frames = framesFor(session)
    await play(session)
    for (const f of frames) await broker.frame(f)
    await broker.waitFor(() => node.report(session)?.received === frames.length ? true : undefined, 'all frames at the node')
    await node.stop()
    const done = await finished(session, 500)
    expect(done).toMatchObject({ reason: 'stopped', received: frames.length })
    const order = broker.seen.filter(s => s.topic.endsWith('/events') || s.topic.endsWith('/state'))
      .map(s => JSON.parse(s.payload.toString()) as { type?: string, state?: string })
      .map(m => m.type ?? m.state)
    expect(order.slice(-2)).toEqual(['playback_finished', 'offline'])
  })

  it('times out a session whose frames stop coming', async () => {
    await node.stop()
    node = new SimNode({ nodeId: ID, password: PASSWORD, mqttUrl: broker.url, log: captureLog().log, sessionTimeoutFloorMs: 300 })
    await node.start()
    const session = randomUUID()
    const frames = framesFor(session).slice(0, 4)
    await play(session)
    for (const f of frames) await broker.frame(f)
    const done = await finished(session)
    expect(done).toMatchObject({ reason: 'timeout', expected: 4, received: 4, missing: 0 })
    expect(done.ts as number).toBeGreaterThanOrEqual(Math.floor((frames[3]?.playAtUs ?? 0) / 1000) + 100 + 300)
  })

  it('replies to volume and ping, and reports the volume in telemetry', async () => {
    await broker.command(ID, { v: 1, id: 'vol-1', type: 'volume', volume: 35 })
    expect(await reply('vol-1')).toMatchObject({ status: 'ok' })
    expect(node.volume).toBe(35)
    const t = await broker.waitFor(() => broker.seen.filter(s => s.topic.endsWith('/telemetry'))
      .map(s => parseTelemetry(s.payload)).find(p => p.ok && p.value.volume === 35), 'telemetry with volume 35')
    expect(t.ok).toBe(true)
    const before = Date.now()
    await broker.command(ID, { v: 1, id: 'ping-1', type: 'ping' })
    const pong = await reply('ping-1')
    expect(pong.status).toBe('ok')
    const ts = (pong.data as { ts: number }).ts
    expect(ts).toBeGreaterThanOrEqual(before - 1)
    expect(ts).toBeLessThanOrEqual(Date.now() + 1)
  })

  it('logs and drops garbage on the command and stream topics, and keeps working', async () => {
    await broker.publish(`loa/v1/nodes/${ID}/cmd`, 'not json at all')
    await broker.publish(`loa/v1/nodes/${ID}/cmd`, JSON.stringify({ v: 1, id: 'bad-1', type: 'reboot' }))
    expect(await reply('bad-1')).toMatchObject({ status: 'error', error: { code: 'BAD_COMMAND' } })
    await broker.command(ID, { ...playCommand(randomUUID()), id: 'bad-2', topic: 'loa/v1/elsewhere' })
    expect(await reply('bad-2')).toMatchObject({ status: 'error', error: { code: 'BAD_TOPIC' } })

    const session = randomUUID()
    const frames = framesFor(session)
    await play(session)
    await broker.publish(streamTopic(session), Buffer.alloc(64, 0x55))
    await broker.publish(streamTopic(session), Buffer.alloc(0))
    // A well-formed frame of another session published on this session's topic.
    await broker.publish(streamTopic(session), encodeFrame({ ...(frames[0] as FrameInput), session: randomUUID() }))
    for (const f of frames) await broker.frame(f)
    const done = await finished(session)
    expect(done).toMatchObject({ reason: 'end', received: frames.length, missing: 0, late: 0 })
    await broker.command(ID, { v: 1, id: 'ping-2', type: 'ping' })
    expect(await reply('ping-2')).toMatchObject({ status: 'ok' })

    const warnings = logs.filter(l => l.level === 'warn')
    expect(warnings.some(w => w.message.includes('bad command'))).toBe(true)
    expect(warnings.some(w => w.data?.code === 'FRAME_BAD_MAGIC')).toBe(true)
    expect(warnings.some(w => w.data?.code === 'FRAME_TOO_SHORT')).toBe(true)
    expect(warnings.some(w => w.message.includes('another session'))).toBe(true)
    // Exactly one reply per command that carried an id; the non-JSON one got none.
    const replies = broker.messages(ID, 'reply') as Array<{ id: string }>
    expect(replies.map(r => r.id).sort()).toEqual(['bad-1', 'bad-2', `play-${session.slice(0, 8)}`, 'ping-2'].sort())
  })

  it('lets an equal or more urgent play pre-empt the current one, and refuses a less urgent one', async () => {
    const a = randomUUID()
    await play(a, { priority: 50 })
    const b = randomUUID()
    await broker.command(ID, { ...playCommand(b), id: 'low', priority: 10 })
    expect(await reply('low')).toMatchObject({ status: 'error', error: { code: 'BUSY' } })
    await play(b, { priority: 200, id: 'high' })
    expect(await finished(a)).toMatchObject({ reason: 'stopped' })
    expect(node.playing).toBe(b)
    // A repeated play of the active session is acknowledged without restarting it.
    await play(b, { priority: 200, id: 'high-again' })
    expect(node.reports().map(r => r.session)).toEqual([a, b])
  })
})
