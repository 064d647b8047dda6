import { randomUUID } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { ParsedOpus } from '../../audio/index.js'
import type { FrameInput } from '../../protocol/index.js'
import { SimNode, type SessionReport } from '../../device-sim/index.js'
import { FFMPEG } from '../helpers/audio-fixtures.js'
import { decodeToFloat } from '../helpers/signal.js'
import { playCommand, startBroker, type TestBroker } from './helpers/broker.js'
import { clipFrames, opusClip } from './helpers/frames.js'
import { captureLog } from './helpers/log.js'

const ID = 'node-d'
const PASSWORD = 'pw'

function rms (x: Float32Array, from = 0, to = x.length): number {
  let sum = 0
  for (let i = from; i < to; i++) sum += (x[i] ?? 0) ** 2
  return Math.sqrt(sum / Math.max(1, to - from))
}

function correlation (a: Float32Array, b: Float32Array): number {
  const n = Math.min(a.length, b.length)
  let ab = 0
  let aa = 0
  let bb = 0
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0
    const y = b[i] ?? 0
    ab += x * y
    aa += x * x
    bb += y * y
  }
  return ab / Math.sqrt(aa * bb)
}

describe('SimNode with decode: true', () => {
  let clipDir: string
  let dir: string
  let monoPath: string
  let mono: ParsedOpus
  let stereo: ParsedOpus
  let broker: TestBroker
  let node: SimNode

  beforeAll(async () => {
    clipDir = await mkdtemp(join(tmpdir(), 'loa-sim-clips-'))
    monoPath = join(clipDir, 'mono-2s.opus')
    mono = await opusClip(monoPath, { seconds: 2 })
    stereo = await opusClip(join(clipDir, 'stereo-1s.opus'), { seconds: 1, channels: 2 })
  })
  afterAll(async () => { await rm(clipDir, { recursive: true, force: true }) })

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-sim-decode-'))
    broker = await startBroker({ [ID]: PASSWORD })
    node = new SimNode({ nodeId: ID, password: PASSWORD, mqttUrl: broker.url, decode: true, log: captureLog().log, telemetryIntervalMs: 0 })
    await node.start()
  })
  afterEach(async () => {
    await node.stop()
    await broker.close()
    await rm(dir, { recursive: true, force: true })
  })

  async function broadcast (clip: ParsedOpus, skip: (f: FrameInput) => boolean = () => false): Promise<{ session: string, frames: FrameInput[], report: SessionReport }> {
    const session = randomUUID()
    const frames = clipFrames(clip, { session, startUs: (Date.now() + 1500) * 1000 })
    const ended = new Promise<SessionReport>(resolve => node.events.on('session-end', r => { if (r.session === session) resolve(r) }))
    await broker.command(ID, playCommand(session, { codec: { name: 'opus', sampleRate: 48_000, channels: clip.head.channels } }))
    await broker.waitFor(() => broker.messages(ID, 'reply').length > 0 ? true : undefined, 'play reply')
    for (const f of frames) if (!skip(f)) await broker.frame(f)
    return { session, frames, report: await ended }
  }

  it('decodes the played audio onto the session time line, at full length and audible', async () => {
    const { session, frames, report } = await broadcast(mono)
    expect(report).toMatchObject({ reason: 'end', missing: 0, late: 0 })
    const audio = node.audio(session)
    expect(audio).toBeDefined()
    const pcm = audio as Float32Array
    const kept = frames.reduce((n, f) => n + f.durationSamples, 0)
    expect(kept).toBe(mono.totalSamples)
    expect(Math.abs(pcm.length - kept)).toBeLessThanOrEqual(1)
    expect(Math.abs(pcm.length / 48_000 - 2)).toBeLessThan(0.01)
    expect(rms(pcm)).toBeGreaterThan(0.05)
    // Sample-accurate placement: the time line matches ffmpeg's own decode of the same file.
    const reference = await decodeToFloat(FFMPEG, monoPath)
    expect(Math.abs(reference.length - pcm.length)).toBeLessThanOrEqual(1)
    expect(correlation(pcm, reference)).toBeGreaterThan(0.99)
  })

  it('leaves a missing frame as silence of the right length', async () => {
    const { session, frames, report } = await broadcast(mono, f => f.seq === 4)
    expect(report).toMatchObject({ missing: 1 })
    const pcm = node.audio(session) as Float32Array
    const kept = frames.reduce((n, f) => n + f.durationSamples, 0)
    expect(Math.abs(pcm.length - kept)).toBeLessThanOrEqual(1)
    const hole = frames[4] as FrameInput
    const from = Math.round((hole.playAtUs - (frames[0] as FrameInput).playAtUs) * 48 / 1000)
    expect(rms(pcm, from, from + hole.durationSamples)).toBe(0)
    expect(rms(pcm, from + hole.durationSamples, from + 2 * hole.durationSamples)).toBeGreaterThan(0.05)
  })

  it('mixes a stereo stream down to mono', async () => {
    const { session } = await broadcast(stereo)
    const pcm = node.audio(session) as Float32Array
    expect(Math.abs(pcm.length / 48_000 - 1)).toBeLessThan(0.01)
    expect(rms(pcm)).toBeGreaterThan(0.05)
  })

  it('writes a valid 48 kHz mono 16-bit WAV of the decoded audio, atomically', async () => {
    const { session } = await broadcast(mono)
    const pcm = node.audio(session) as Float32Array
    const path = join(dir, 'out.wav')
    await node.writeWav(session, path)
    const wav = await readFile(path)
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF')
    expect(wav.readUInt32LE(4)).toBe(wav.length - 8)
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE')
    expect(wav.toString('ascii', 12, 16)).toBe('fmt ')
    expect(wav.readUInt16LE(20)).toBe(1)
    expect(wav.readUInt16LE(22)).toBe(1)
    expect(wav.readUInt32LE(24)).toBe(48_000)
    expect(wav.readUInt16LE(34)).toBe(16)
    expect(wav.toString('ascii', 36, 40)).toBe('data')
    expect(wav.readUInt32LE(40)).toBe(pcm.length * 2)
    expect(wav.length).toBe(44 + pcm.length * 2)
    expect(await readdir(dir)).toEqual(['out.wav'])
    await expect(node.writeWav(randomUUID(), join(dir, 'none.wav'))).rejects.toThrow(/no decoded audio/)
  })
})
