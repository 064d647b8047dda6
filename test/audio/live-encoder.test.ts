import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { access, chmod, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { OpusDecoder } from 'opus-decoder'
import {
  startLiveEncoder, type LiveEncoder, type LiveEncoderOptions, type OpusHead, type OpusPacket
} from '../../audio/index.js'
import { FFMPEG, ffmpeg, tempDir } from '../helpers/audio-fixtures.js'
import { bestCorrelation } from '../helpers/signal.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

interface Run {
  encoder: LiveEncoder
  heads: OpusHead[]
  packets: OpusPacket[]
  /** performance.now() when each packet came out. */
  arrivals: number[]
}

function start (input: LiveEncoderOptions['input'], o: Partial<LiveEncoderOptions> = {}): Run {
  const run: Omit<Run, 'encoder'> = { heads: [], packets: [], arrivals: [] }
  const encoder = startLiveEncoder({
    ffmpegPath: FFMPEG,
    input,
    onHead: (h) => run.heads.push(h),
    onPacket: (p) => { run.packets.push(p); run.arrivals.push(performance.now()) },
    ...o
  })
  return { ...run, encoder }
}

/** Playable samples at 48 kHz: what the packets decode to, less the pre-skip. */
function playable (run: Run): number {
  return run.packets.reduce((n, p) => n + p.samples, 0) - (run.heads[0]?.preSkip ?? 0)
}

async function decode (run: Run): Promise<Float32Array> {
  const decoder = new OpusDecoder({ channels: 1, preSkip: 0 })
  await decoder.ready
  try {
    const out = decoder.decodeFrames(run.packets.map((p) => p.data))
    return (out.channelData[0] ?? new Float32Array()).slice(run.heads[0]?.preSkip ?? 0)
  } finally {
    decoder.free()
  }
}

function gone (pid: number | undefined): boolean {
  try {
    process.kill(pid ?? 0, 0)
    return false
  } catch {
    return true
  }
}

/** Handles that would keep the process alive or show a leak: child processes and their pipes. */
function childResources (): string[] {
  return process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap' || r === 'PipeWrap')
}

let dir = ''
let remove: () => Promise<void> = async () => {}
/** 1.2 s of a rising chirp, s16le mono 48 kHz. */
let pcm = new Uint8Array()

beforeAll(async () => {
  ({ dir, remove } = await tempDir())
  const path = join(dir, 'chirp.raw')
  await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.5*sin(2*PI*(200+700*t)*t):s=48000:d=1.2', '-f', 's16le', '-ac', '1', path])
  pcm = new Uint8Array(await readFile(path))
})
afterAll(async () => { await remove() })

function toFloat (s16: Uint8Array): Float32Array {
  const view = new DataView(s16.buffer, s16.byteOffset, s16.byteLength)
  return Float32Array.from({ length: s16.length / 2 }, (_, i) => view.getInt16(i * 2, true) / 32768)
}

describe('startLiveEncoder from a pipe', () => {
  it('encodes PCM written in real time, with low latency', async () => {
    const run = start({ kind: 'pipe', format: 'pcm' })
    const chunk = 960 * 2 // 20 ms
    const written: number[] = []
    const begin = performance.now()
    for (let at = 0; at < pcm.length; at += chunk) {
      await sleep(begin + (at / chunk) * 20 - performance.now())
      run.encoder.write(pcm.subarray(at, at + chunk))
      written.push(performance.now())
    }
    run.encoder.end()
    const exit = await run.encoder.exited
    expect(exit).toEqual({ code: 0, signal: null, detail: '' })

    expect(run.heads).toEqual([{ version: 1, channels: 1, preSkip: 312, inputSampleRate: 48000, outputGain: 0, mappingFamily: 0 }])
    expect(run.packets.every((p) => p.samples === 960)).toBe(true)
    expect(Math.abs(playable(run) - pcm.length / 2)).toBeLessThan(4800) // 100 ms
    const { r, lag } = bestCorrelation(toFloat(pcm), await decode(run), 48)
    expect(r).toBeGreaterThan(0.9)
    expect(Math.abs(lag)).toBeLessThan(5)

    // Packet k ends with input sample (k+1)*960 - preSkip; from the write of that chunk to the packet coming
    // out took 39-42 ms with both ffmpeg builds. A missing -page_duration would make it up to 2 s.
    const latencies = run.packets.slice(0, -3).map((_, k) => {
      const lastChunk = Math.floor(((k + 1) * 960 - 312 - 1) / 960)
      return (run.arrivals[k] ?? 0) - (written[lastChunk] ?? 0)
    }).sort((a, b) => a - b)
    expect(latencies[latencies.length >> 1]).toBeLessThan(150)
  })

  it('resamples and downmixes PCM of another rate and channel count', async () => {
    const path = join(dir, 'stereo.raw')
    await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t)|0.3*sin(2*PI*660*t):s=44100:d=1', '-f', 's16le', path])
    const run = start({ kind: 'pipe', format: 'pcm', channels: 2, sampleRate: 44100 })
    run.encoder.write(await readFile(path))
    run.encoder.end()
    expect((await run.encoder.exited).code).toBe(0)
    expect(run.heads[0]?.channels).toBe(1)
    expect(Math.abs(playable(run) - 48000)).toBeLessThan(4800)
  })

  it.each([
    ['webm', 'MediaRecorder-style WebM Opus', ['-c:a', 'libopus', '-b:a', '48k', '-f', 'webm', '-live', '1']],
    ['auto', 'mp3, probed', ['-c:a', 'libmp3lame', '-b:a', '64k', '-f', 'mp3']]
  ] as const)('encodes %s input (%s)', async (format, _what, encode) => {
    const path = join(dir, `clip.${format}`)
    await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t):s=48000:d=1.5', ...encode, path])
    const bytes = await readFile(path)
    const run = start({ kind: 'pipe', format })
    for (let at = 0; at < bytes.length; at += 2000) run.encoder.write(bytes.subarray(at, at + 2000))
    run.encoder.end()
    expect((await run.encoder.exited).code).toBe(0)
    expect(Math.abs(playable(run) - 1.5 * 48000)).toBeLessThan(4800)
  })

  it('reports input ffmpeg cannot read, and swallows writes after it gave up', async () => {
    const run = start({ kind: 'pipe', format: 'webm' })
    const junk = new Uint8Array(4096).fill(7)
    for (let i = 0; i < 40; i++) {
      run.encoder.write(junk) // ffmpeg exits early on: these writes meet EPIPE, which must not throw
      await sleep(5)
    }
    const exit = await run.encoder.exited
    expect(exit.code).not.toBe(0)
    expect(exit.detail).toMatch(/Invalid data/)
    expect(run.packets).toEqual([])
    expect(run.encoder.write(junk)).toBe(false)
    expect(() => run.encoder.end()).not.toThrow()
  })

  it('kills ffmpeg at once, however often kill() is called, and leaves nothing running', async () => {
    const before = childResources().length
    const run = start({ kind: 'pipe', format: 'pcm' })
    run.encoder.write(pcm.subarray(0, 19200))
    await sleep(100)
    run.encoder.kill()
    run.encoder.kill()
    expect(run.encoder.write(pcm.subarray(0, 1920))).toBe(false) // never ended, never throws
    const exit = await run.encoder.exited
    expect(exit).toMatchObject({ code: null, signal: 'SIGKILL' })
    expect(gone(run.encoder.pid)).toBe(true)
    run.encoder.kill()
    // Node frees the closed handles on its next turn.
    await sleep(0)
    expect(childResources().length).toBe(before)
  })

  it('kills ffmpeg and says why when a callback throws', async () => {
    const run = start({ kind: 'pipe', format: 'pcm' }, { onPacket: () => { throw new Error('feed is full') } })
    run.encoder.write(pcm)
    const exit = await run.encoder.exited
    expect(exit.signal).toBe('SIGKILL')
    expect(exit.detail).toMatch(/^a live encoder callback threw: feed is full/)
    expect(gone(run.encoder.pid)).toBe(true)
  })

  describe('with a stand-in for ffmpeg', () => {
    async function script (name: string, body: string): Promise<string> {
      const file = join(dir, name)
      await writeFile(file, `#!/bin/sh\n${body}\n`)
      await chmod(file, 0o755)
      return file
    }

    it('kills a process whose output is not Ogg Opus, and says so', async () => {
      // exec: the sleeping process is the one spawned, so SIGKILL ends it and its pipes close.
      const fake = await script('garbage.sh', 'printf "this is not an Ogg stream"\nexec sleep 30')
      const run = start({ kind: 'pipe', format: 'pcm' }, { ffmpegPath: fake })
      const exit = await run.encoder.exited
      expect(exit.signal).toBe('SIGKILL')
      expect(exit.detail).toBe('ffmpeg wrote malformed Ogg Opus: No Ogg page at byte 0 (expected "OggS").')
      expect(gone(run.encoder.pid)).toBe(true)
    })

    it('says when the output stops inside a page', async () => {
      const fake = await script('cut.sh', 'printf "OggS"\necho "ffmpeg crashed" >&2\nexit 3')
      const exit = await start({ kind: 'pipe', format: 'pcm' }, { ffmpegPath: fake }).encoder.exited
      expect(exit.code).toBe(3)
      expect(exit.detail).toMatch(/^ffmpeg's output stopped short: The stream stops inside the Ogg page at byte 0.*\nffmpeg crashed$/)
    })

    it('checks settings before starting anything', async () => {
      const marker = join(dir, 'ran')
      const fake = await script('marker.sh', `touch ${marker}`)
      const opts = { ffmpegPath: fake, onPacket: () => {} }
      expect(() => startLiveEncoder({ ...opts, input: { kind: 'pipe', format: 'pcm' }, bitrateKbps: 3 })).toThrow(RangeError)
      expect(() => startLiveEncoder({ ...opts, input: { kind: 'pipe', format: 'pcm', sampleRate: 44_100.5 } })).toThrow(/sampleRate/)
      expect(() => startLiveEncoder({ ...opts, input: { kind: 'pipe', format: 'pcm', channels: 3 as 1 } })).toThrow(/channels/)
      await expect(access(marker)).rejects.toThrow()
    })
  })

  it('reports an ffmpeg that cannot be started', async () => {
    const run = start({ kind: 'pipe', format: 'pcm' }, { ffmpegPath: join(dir, 'no-such-ffmpeg') })
    expect(run.encoder.pid).toBeUndefined()
    expect(run.encoder.write(pcm)).toBe(false)
    const exit = await run.encoder.exited
    expect(exit).toMatchObject({ code: null, signal: null })
    expect(exit.detail).toMatch(/^could not start ffmpeg: .*ENOENT/)
  })
})
