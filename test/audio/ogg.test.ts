import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AudioError, isAudioError, parseOggOpus, readOggPackets } from '../../audio/index.js'
import { oggCrc32 } from '../../audio/ogg-crc.js'
import {
  concatBytes, ffmpeg, framecrc, lacingFor, oggPage, tempDir
} from '../helpers/audio-fixtures.js'

function malformed (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (isAudioError(err, 'OGG_MALFORMED')) return err.message
    throw err
  }
  throw new Error('accepted malformed input')
}

/** Deterministic bytes, so a failing fuzz case can be replayed. */
function prng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = Math.imul(s ^ (s >>> 15), 1 | s)
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

describe('Ogg reader on real ffmpeg output', () => {
  let opus = new Uint8Array()
  let oracle: { pts: number; duration: number; size: number }[] = []
  let remove: () => Promise<void> = async () => {}

  beforeAll(async () => {
    const t = await tempDir()
    remove = t.remove
    const path = join(t.dir, 'clip.opus')
    await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*330*t):s=48000:d=3.3', '-c:a', 'libopus', '-b:a', '32k',
      '-frame_duration', '20', '-f', 'ogg', path])
    // A plain Uint8Array: Buffer#slice would give views, and the corruption tests would damage the original.
    opus = new Uint8Array(await readFile(path))
    oracle = await framecrc(path)
  })
  afterAll(async () => { await remove() })

  it('finds every packet ffmpeg wrote, byte for byte in size', () => {
    const stream = readOggPackets(opus)
    expect(stream.packets.length).toBe(oracle.length + 2)
    expect(stream.packets.slice(2).map((p) => p.length)).toEqual(oracle.map((p) => p.size))
    expect(stream.pages.every((p) => p.serial === stream.serial)).toBe(true)
  })

  it('counts the playable samples as ffmpeg does', () => {
    const parsed = parseOggOpus(opus)
    const last = oracle[oracle.length - 1]
    expect(parsed.totalSamples).toBe((last?.pts ?? 0) + (last?.duration ?? 0))
    expect(parsed.totalSamples).toBe(3.3 * 48000)
    expect(parsed.head).toMatchObject({ channels: 1, preSkip: 312, inputSampleRate: 48000, outputGain: 0 })
    expect(parsed.packets.every((p) => p.samples === 960)).toBe(true)
  })

  it('detects a corrupted byte by its CRC', () => {
    const bad = opus.slice()
    const at = bad.length - 10
    bad[at] = (bad[at] ?? 0) ^ 0x01
    expect(malformed(() => readOggPackets(bad))).toMatch(/^Bad CRC on Ogg page \d+ at byte \d+\.$/)
  })

  it('refuses every truncation with OGG_MALFORMED', () => {
    const pageStarts = readOggPackets(opus).pages.map((p) => p.offset)
    for (let cut = 1; cut < opus.length; cut += 7) {
      if (pageStarts.includes(cut)) continue
      expect(malformed(() => parseOggOpus(opus.subarray(0, cut)))).toMatch(/Truncated|incomplete/)
    }
  })

  // Ogg has no length field: a cut between pages is a shorter, valid stream (our files are renamed into place whole).
  it('reads a stream cut between pages as a shorter one', () => {
    const pages = readOggPackets(opus).pages
    const third = pages[3]
    const parsed = parseOggOpus(opus.subarray(0, third?.offset))
    expect(parsed.totalSamples).toBeLessThan(3.3 * 48000)
  })

  it('throws nothing but AudioError on random bytes and on mutated pages', () => {
    const rand = prng(7)
    for (let i = 0; i < 400; i++) {
      const junk = Uint8Array.from({ length: Math.floor(rand() * 300) }, () => Math.floor(rand() * 256))
      // Half of them start like a page, to get past the capture pattern.
      if (i % 2 === 0 && junk.length > 4) junk.set([0x4f, 0x67, 0x67, 0x53, 0], 0)
      expect(() => parseOggOpus(junk)).toThrow(AudioError)
    }
    for (let i = 0; i < 400; i++) {
      // Mutate a header byte of the first pages and re-sign the page, so the CRC does not hide the damage.
      const bad = opus.slice(0, 400)
      const pages = readOggPackets(opus).pages
      const page = pages[Math.floor(rand() * 3)]
      if (page === undefined) continue
      const at = page.offset + 4 + Math.floor(rand() * 28)
      bad[at] = Math.floor(rand() * 256)
      const end = Math.min(page.offset + page.size, bad.length)
      const view = new DataView(bad.buffer, bad.byteOffset)
      if (end === page.offset + page.size) view.setUint32(page.offset + 22, oggCrc32(bad.subarray(page.offset, end), 22), true)
      try { parseOggOpus(bad) } catch (err) { expect(err).toBeInstanceOf(AudioError) }
    }
  })
})

describe('Ogg reader on hand-made pages', () => {
  const bytes = (n: number, seed: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff)

  it('reassembles a packet spanning two pages', () => {
    const packet = bytes(700, 1)
    const small = bytes(10, 2)
    const buf = concatBytes(
      oggPage({ flags: 0x02, sequence: 0, lacing: [255, 255], body: packet.subarray(0, 510) }),
      oggPage({ flags: 0x01, granule: 100n, sequence: 1, lacing: [190, 10], body: concatBytes(packet.subarray(510), small) })
    )
    const stream = readOggPackets(buf)
    expect(stream.packets).toEqual([packet, small])
    expect(stream.pages.map((p) => p.packetsEnded)).toEqual([0, 2])
    expect(stream.pages.map((p) => p.granule)).toEqual([-1n, 100n])
  })

  it('reassembles a packet longer than one page can hold (>255*255 bytes)', () => {
    const packet = bytes(70_000, 3)
    const first = 255 * 255
    const buf = concatBytes(
      oggPage({ flags: 0x02, sequence: 0, lacing: Array<number>(255).fill(255), body: packet.subarray(0, first) }),
      oggPage({ flags: 0x01, granule: 1n, sequence: 1, lacing: lacingFor(70_000 - first), body: packet.subarray(first) })
    )
    expect(readOggPackets(buf).packets).toEqual([packet])
  })

  it('ends a packet of exactly 510 bytes with a zero lacing value', () => {
    const packet = bytes(510, 4)
    const buf = oggPage({ flags: 0x02, sequence: 0, lacing: [255, 255, 0], body: packet })
    expect(readOggPackets(buf).packets).toEqual([packet])
  })

  it('keeps to the first logical stream', () => {
    const a = bytes(5, 5)
    const b = bytes(6, 6)
    const buf = concatBytes(
      oggPage({ flags: 0x02, serial: 1, sequence: 0, lacing: [5], body: a }),
      oggPage({ flags: 0x02, serial: 2, sequence: 0, lacing: [6], body: b }),
      oggPage({ flags: 0x04, serial: 1, sequence: 1, lacing: [6], body: b }),
      oggPage({ flags: 0x02, serial: 3, sequence: 0, lacing: [5], body: a })
    )
    const stream = readOggPackets(buf)
    expect(stream.serial).toBe(1)
    expect(stream.packets).toEqual([a, b])
  })

  it.each([
    ['a missing page', () => concatBytes(
      oggPage({ flags: 0x02, sequence: 0, lacing: [1], body: bytes(1, 0) }),
      oggPage({ sequence: 2, lacing: [1], body: bytes(1, 0) })), /page 1 is missing/],
    ['a continuation with nothing to continue', () => concatBytes(
      oggPage({ flags: 0x02, sequence: 0, lacing: [1], body: bytes(1, 0) }),
      oggPage({ flags: 0x01, sequence: 1, lacing: [1], body: bytes(1, 0) })), /never started/],
    ['a packet cut short', () => concatBytes(
      oggPage({ flags: 0x02, sequence: 0, lacing: [255], body: bytes(255, 0) }),
      oggPage({ sequence: 1, lacing: [1], body: bytes(1, 0) })), /cut short/],
    ['a stream ending inside a packet', () =>
      oggPage({ flags: 0x02, sequence: 0, lacing: [255], body: bytes(255, 0) }), /incomplete/],
    ['a first page without BOS', () => oggPage({ sequence: 0, lacing: [1], body: bytes(1, 0) }), /beginning-of-stream/],
    ['an unknown version', () => {
      const p = oggPage({ flags: 0x02, sequence: 0, lacing: [1], body: bytes(1, 0) })
      p[4] = 1
      return p
    }, /version 1/],
    ['reserved flags', () => oggPage({ flags: 0x0a, sequence: 0, lacing: [1], body: bytes(1, 0) }), /flags/],
    ['no capture pattern', () => new TextEncoder().encode('ID3\u0004 this is an mp3 really, not Ogg at all'), /expected "OggS"/],
    ['an empty buffer', () => new Uint8Array(), /no Ogg pages/]
  ])('refuses %s', (_name, build, message) => {
    expect(malformed(() => readOggPackets(build()))).toMatch(message)
  })
})
