import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { decodeFrame, encodeFrame } from '../../protocol/index.js'
import { cutFrames, loadFrames, prepareMedia, type ParsedOpus } from '../../audio/index.js'
import { chirpClip, tempDir, testSettings } from '../helpers/audio-fixtures.js'

function synthetic (packetSamples: number[], preSkip: number, totalSamples: number): ParsedOpus {
  return {
    head: { version: 1, channels: 1, preSkip, inputSampleRate: 48000, outputGain: 0, mappingFamily: 0 },
    packets: packetSamples.map((samples, i) => ({ data: Uint8Array.from([0xf8, i & 0xff]), samples })),
    totalSamples
  }
}

const sum = (ns: number[]): number => ns.reduce((a, b) => a + b, 0)

describe('cutFrames on a real 10 s encode', () => {
  let opusPath = ''
  let remove: () => Promise<void> = async () => {}

  beforeAll(async () => {
    const t = await tempDir()
    remove = t.remove
    const wav = await chirpClip(join(t.dir, 'in.wav'), { seconds: 10, dbfs: -12 })
    opusPath = join(t.dir, 'out.opus')
    await prepareMedia(wav, opusPath, testSettings())
  })
  afterAll(async () => { await remove() })

  it('gives about 50 frames of ten 20 ms packets, adding up to the exact length', async () => {
    const { frames, channels, durationMs, totalSamples } = await loadFrames(opusPath, 200)
    expect(channels).toBe(1)
    expect(durationMs).toBe(10_000)
    expect(totalSamples).toBe(480_000)
    expect(frames.length).toBeGreaterThanOrEqual(50)
    expect(frames.length).toBeLessThanOrEqual(51)
    expect(frames.slice(0, -1).every((f) => f.packets.length === 10)).toBe(true)
    expect(frames.at(-1)?.packets.length).toBeLessThanOrEqual(10)
    expect(frames[0]?.skipSamples).toBe(312)
    expect(frames.slice(1).every((f) => f.skipSamples === 0)).toBe(true)
    expect(sum(frames.map((f) => f.durationSamples))).toBe(totalSamples)
  })

  it('cuts 100 ms frames of five packets', async () => {
    const { frames, totalSamples } = await loadFrames(opusPath, 100)
    expect(frames.slice(0, -1).every((f) => f.packets.length === 5)).toBe(true)
    expect(sum(frames.map((f) => f.durationSamples))).toBe(totalSamples)
  })

  it('gives frames the protocol accepts', async () => {
    const { frames, channels } = await loadFrames(opusPath, 1000)
    const session = randomUUID()
    frames.forEach((f, seq) => {
      const wire = encodeFrame({ ...f, session, seq, channels, playAtUs: 0, end: seq === frames.length - 1 })
      expect(decodeFrame(wire)).toMatchObject({ seq, skipSamples: f.skipSamples, durationSamples: f.durationSamples })
    })
  })
})

describe('cutFrames rules', () => {
  it.each([19, 1001, 0, Number.NaN, Number.POSITIVE_INFINITY])('refuses frameMs %s', (frameMs) => {
    expect(() => cutFrames(synthetic([960], 0, 960), frameMs)).toThrow(RangeError)
  })

  it('carries a pre-skip longer than the first frame into the next ones', () => {
    const frames = cutFrames(synthetic(Array<number>(10).fill(960), 2000, 9600 - 2000), 20)
    expect(frames.slice(0, 3).map((f) => [f.skipSamples, f.durationSamples])).toEqual([[960, 0], [960, 0], [80, 880]])
    expect(sum(frames.map((f) => f.skipSamples))).toBe(2000)
    expect(sum(frames.map((f) => f.durationSamples))).toBe(7600)
  })

  it('trims the end, dropping a frame left with nothing to play', () => {
    const frames = cutFrames(synthetic(Array<number>(21).fill(960), 0, 20 * 960 - 100), 200)
    expect(frames.map((f) => f.durationSamples)).toEqual([9600, 9500])
  })

  it('never splits a packet, so frames may run long', () => {
    const frames = cutFrames(synthetic([2880, 2880, 2880, 2880], 312, 4 * 2880 - 312), 100)
    expect(frames.map((f) => f.packets.length)).toEqual([2, 2])
    expect(frames.map((f) => f.durationSamples)).toEqual([5760 - 312, 5760])
  })

  it('gives no frames for an empty stream', () => {
    expect(cutFrames(synthetic([], 312, 0), 200)).toEqual([])
  })

  it('refuses a length the packets cannot hold', () => {
    expect(() => cutFrames(synthetic([960], 312, 960), 200)).toThrow(RangeError)
  })
})
