import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  AudioError, OGG_MAX_PAGE_BYTES, OggOpusReader, isAudioError, parseOggOpus, readOggPackets,
  type OpusHead, type OpusPacket
} from '../../audio/index.js'
import { oggCrc32 } from '../../audio/ogg-crc.js'
import { OPUS_TAGS, concatBytes, ffmpeg, lacingFor, oggPage, opusHead, tempDir } from '../helpers/audio-fixtures.js'

const PACKET = Uint8Array.from([0xf8, 0x01, 0x02]) // CELT FB 20 ms: 960 samples

/** Everything the reader reports, in order, with the chunks cut where `cuts` says. */
function read (buf: Uint8Array, cuts: number[] = []): { events: string[], packets: OpusPacket[], heads: OpusHead[] } {
  const events: string[] = []
  const heads: OpusHead[] = []
  const reader = new OggOpusReader({
    onHead: (h) => { heads.push(h); events.push(`head ${h.channels}ch`) },
    onPacket: (p) => { events.push(`packet ${p.data.length}`) }
  })
  const packets: OpusPacket[] = []
  let from = 0
  for (const cut of [...cuts, buf.length]) {
    packets.push(...reader.push(buf.subarray(from, cut)))
    from = cut
  }
  reader.end()
  return { events, packets, heads }
}

function malformed (fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (isAudioError(err, 'OGG_MALFORMED')) return err.message
    throw err
  }
  throw new Error('accepted malformed input')
}

/** Head page, tags page, one page per packet (the last one EOS unless `open`), with the given serial. */
function stream (serial: number, packets: Uint8Array[], o: { open?: boolean, channels?: number } = {}): Uint8Array {
  const head = opusHead({ channels: o.channels ?? 1 })
  return concatBytes(
    oggPage({ flags: 0x02, granule: 0n, serial, sequence: 0, lacing: lacingFor(head.length), body: head }),
    oggPage({ granule: 0n, serial, sequence: 1, lacing: lacingFor(OPUS_TAGS.length), body: OPUS_TAGS }),
    ...packets.map((p, i) => oggPage({
      flags: i === packets.length - 1 && o.open !== true ? 0x04 : 0,
      granule: BigInt((i + 1) * 960),
      serial,
      sequence: i + 2,
      lacing: lacingFor(p.length),
      body: p
    }))
  )
}

describe('OggOpusReader on real ffmpeg output', () => {
  let opus = new Uint8Array()
  let remove: () => Promise<void> = async () => {}

  beforeAll(async () => {
    const t = await tempDir()
    remove = t.remove
    const path = join(t.dir, 'clip.opus')
    // Small pages, as the live encoder writes them, so cuts fall in many headers and lacing tables.
    await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*330*t):s=48000:d=0.5', '-c:a', 'libopus', '-b:a', '32k',
      '-frame_duration', '20', '-page_duration', '60000', '-f', 'ogg', path])
    opus = new Uint8Array(await readFile(path))
  })
  afterAll(async () => { await remove() })

  it('gives the packets parseOggOpus gives, however the bytes are cut in two', () => {
    const whole = parseOggOpus(opus)
    expect(readOggPackets(opus).pages.length).toBeGreaterThan(5)
    for (let cut = 0; cut <= opus.length; cut++) {
      const { packets, heads } = read(opus, [cut])
      expect(heads).toEqual([whole.head])
      // Compared field by field: toEqual on thousands of packets per cut would take far longer.
      expect(packets.length).toBe(whole.packets.length)
      packets.forEach((p, i) => {
        expect(p.samples).toBe(whole.packets[i]?.samples)
        expect(Buffer.compare(p.data, whole.packets[i]?.data ?? new Uint8Array())).toBe(0)
      })
    }
  })

  it('reads the stream a byte at a time', () => {
    const cuts = Array.from({ length: opus.length - 1 }, (_, i) => i + 1)
    expect(read(opus, cuts).packets).toEqual(parseOggOpus(opus).packets)
  })

  it('returns copies, so a reused input buffer does not change packets already read', () => {
    const buf = opus.slice()
    const reader = new OggOpusReader()
    const packets = reader.push(buf)
    const before = packets.map((p) => p.data.slice())
    buf.fill(0)
    expect(packets.map((p) => p.data)).toEqual(before)
  })

  it('refuses a flipped byte by its CRC, naming where it is', () => {
    const bad = opus.slice()
    const at = bad.length - 10
    bad[at] = (bad[at] ?? 0) ^ 0x01
    expect(malformed(() => read(bad))).toMatch(/^Bad CRC on Ogg page \d+ at byte \d+\.$/)
  })

  it('refuses a stream that stops inside a page when it ends', () => {
    const pages = readOggPackets(opus).pages
    const last = pages[pages.length - 1]
    for (const cut of [1, 26, 30, (last?.offset ?? 0) + 5, opus.length - 1]) {
      const reader = new OggOpusReader()
      reader.push(opus.subarray(0, cut))
      expect(malformed(() => reader.end())).toMatch(/stops inside the Ogg page at byte \d+/)
    }
  })

  it('accepts a stream that stops between pages, with no end-of-stream page (a live source killed)', () => {
    const pages = readOggPackets(opus).pages
    const cut = pages[4]?.offset ?? 0
    expect(read(opus.subarray(0, cut)).packets.length).toBeGreaterThan(0)
  })

  it('throws nothing but AudioError on mutated streams cut at random', () => {
    let seed = 11
    const rand = (): number => { seed = (seed * 1103515245 + 12345) >>> 0; return seed / 4294967296 }
    for (let i = 0; i < 300; i++) {
      const bad = opus.slice()
      bad[Math.floor(rand() * 300)] = Math.floor(rand() * 256)
      // Re-sign the first pages, so the damage gets past the CRC to the header and Opus checks.
      const view = new DataView(bad.buffer)
      for (const page of readOggPackets(opus).pages.slice(0, 3)) {
        if (bad[page.offset + 26] !== opus[page.offset + 26]) continue
        view.setUint32(page.offset + 22, oggCrc32(bad.subarray(page.offset, page.offset + page.size), 22), true)
      }
      const cuts = [Math.floor(rand() * bad.length), bad.length].sort((a, b) => a - b)
      try { read(bad, cuts.slice(0, 1)) } catch (err) { expect(err).toBeInstanceOf(AudioError) }
    }
  })
})

describe('OggOpusReader on hand-made pages', () => {
  it('refuses garbage at its first bytes, before a whole header has arrived', () => {
    const reader = new OggOpusReader()
    expect(malformed(() => reader.push(new TextEncoder().encode('ID3')))).toBe('No Ogg page at byte 0 (expected "OggS").')
    // Spent: the same error again, whatever comes next.
    expect(malformed(() => reader.push(stream(1, [PACKET])))).toBe('No Ogg page at byte 0 (expected "OggS").')
  })

  it('names the stream offset of a bad page', () => {
    const good = stream(1, [PACKET], { open: true })
    const reader = new OggOpusReader()
    reader.push(good)
    expect(malformed(() => reader.push(new TextEncoder().encode('OggX')))).toBe(`No Ogg page at byte ${good.length} (expected "OggS").`)
  })

  it('reassembles a packet spanning pages', () => {
    const big = Uint8Array.from({ length: 600 }, (_, i) => (i === 0 ? 0xf8 : i & 0xff))
    const head = opusHead()
    const buf = concatBytes(
      oggPage({ flags: 0x02, granule: 0n, sequence: 0, lacing: lacingFor(head.length), body: head }),
      oggPage({ granule: 0n, sequence: 1, lacing: lacingFor(OPUS_TAGS.length), body: OPUS_TAGS }),
      oggPage({ sequence: 2, lacing: [255, 255], body: big.subarray(0, 510) }),
      oggPage({ flags: 0x05, granule: 960n, sequence: 3, lacing: [90], body: big.subarray(510) })
    )
    expect(read(buf).packets).toEqual([{ data: big, samples: 960 }])
  })

  it('reads OpusTags of any size, keeping none of it', () => {
    const tags = concatBytes(OPUS_TAGS, new Uint8Array(200_000))
    const head = opusHead()
    const first = 255 * 255
    const buf = concatBytes(
      oggPage({ flags: 0x02, granule: 0n, sequence: 0, lacing: lacingFor(head.length), body: head }),
      ...[0, 1, 2].map((i) => oggPage({
        flags: i === 0 ? 0 : 0x01, sequence: 1 + i, lacing: Array<number>(255).fill(255), body: tags.subarray(i * first, (i + 1) * first)
      })),
      oggPage({ flags: 0x01, granule: 0n, sequence: 4, lacing: lacingFor(tags.length - 3 * first), body: tags.subarray(3 * first) }),
      oggPage({ flags: 0x04, granule: 960n, sequence: 5, lacing: [PACKET.length], body: PACKET })
    )
    expect(read(buf).packets).toEqual([{ data: PACKET, samples: 960 }])
  })

  it('refuses an audio packet longer than RFC 7845 allows, before holding it', () => {
    const head = opusHead()
    const chunk = new Uint8Array(255 * 255).fill(0xf8)
    const buf = concatBytes(
      oggPage({ flags: 0x02, granule: 0n, sequence: 0, lacing: lacingFor(head.length), body: head }),
      oggPage({ granule: 0n, sequence: 1, lacing: lacingFor(OPUS_TAGS.length), body: OPUS_TAGS }),
      oggPage({ sequence: 2, lacing: Array<number>(255).fill(255), body: chunk })
    )
    expect(buf.length).toBeLessThan(3 * OGG_MAX_PAGE_BYTES)
    expect(malformed(() => read(buf))).toMatch(/longer than 61440 bytes/)
  })

  it('skips pages of other logical streams', () => {
    const mine = stream(1, [PACKET, PACKET])
    const other = oggPage({ flags: 0x02, serial: 9, sequence: 0, lacing: [5], body: new Uint8Array(5) })
    const pages = readOggPackets(mine).pages
    const split = pages[2]?.offset ?? 0
    const buf = concatBytes(mine.subarray(0, split), other, mine.subarray(split))
    expect(read(buf).packets).toHaveLength(2)
  })

  it('reports a chained stream by a new head, between the old packets and the new', () => {
    const buf = concatBytes(stream(1, [PACKET, PACKET]), stream(2, [PACKET], { channels: 2 }))
    const everyCut = Array.from({ length: buf.length - 1 }, (_, i) => i + 1)
    for (const cuts of [[], everyCut]) {
      const { events } = read(buf, cuts)
      expect(events).toEqual(['head 1ch', 'packet 3', 'packet 3', 'head 2ch', 'packet 3'])
    }
  })

  it('refuses a chained stream that reuses the serial', () => {
    expect(malformed(() => read(concatBytes(stream(1, [PACKET]), stream(1, [PACKET]))))).toMatch(/reuses serial 1/)
  })

  it('ignores whatever follows the end of stream if it is not a new stream', () => {
    const buf = concatBytes(stream(1, [PACKET]), new TextEncoder().encode('trailing garbage, not a page'))
    expect(read(buf).packets).toHaveLength(1)
    const cutPage = concatBytes(stream(1, [PACKET]), stream(2, [PACKET]).subarray(0, 20))
    expect(read(cutPage).packets).toHaveLength(1)
  })

  it('refuses push() after end()', () => {
    const reader = new OggOpusReader()
    reader.end()
    expect(() => reader.push(new Uint8Array(1))).toThrow(/after end/)
  })

  it.each([
    ['a first page without BOS', () => oggPage({ sequence: 0, lacing: [19], body: opusHead() }), /beginning-of-stream/],
    ['no OpusHead', () => oggPage({ flags: 0x02, sequence: 0, lacing: lacingFor(OPUS_TAGS.length), body: OPUS_TAGS }),
      /does not start with an OpusHead/],
    ['a missing page', () => {
      const s = stream(1, [PACKET, PACKET, PACKET])
      const pages = readOggPackets(s).pages
      return concatBytes(s.subarray(0, pages[3]?.offset), s.subarray(pages[4]?.offset))
    }, /page 3 is missing/],
    ['OpusHead sharing its page', () => concatBytes(
      oggPage({ flags: 0x02, sequence: 0, lacing: [19, OPUS_TAGS.length], body: concatBytes(opusHead(), OPUS_TAGS) }),
      oggPage({ flags: 0x04, granule: 960n, sequence: 1, lacing: [3], body: PACKET })), /OpusHead alone/],
    ['OpusHead with a packet begun after it', () => concatBytes(
      oggPage({ flags: 0x02, sequence: 0, lacing: [19, 255], body: concatBytes(opusHead(), new Uint8Array(255)) })), /OpusHead alone/],
    ['a bad OpusHead', () => stream(1, [PACKET], { channels: 3 }), /3 channels/],
    ['no OpusTags', () => concatBytes(
      oggPage({ flags: 0x02, sequence: 0, lacing: [19], body: opusHead() }),
      oggPage({ flags: 0x04, sequence: 1, lacing: [3], body: PACKET })), /OpusTags packet is missing/],
    ['audio sharing the OpusTags page', () => concatBytes(
      oggPage({ flags: 0x02, sequence: 0, lacing: [19], body: opusHead() }),
      oggPage({ flags: 0x04, sequence: 1, lacing: [OPUS_TAGS.length, 3], body: concatBytes(OPUS_TAGS, PACKET) })), /must end its Ogg page/],
    ['an end of stream before OpusTags', () =>
      oggPage({ flags: 0x06, sequence: 0, lacing: [19], body: opusHead() }), /ends before its OpusTags/],
    ['an audio packet without a TOC byte', () => stream(1, [new Uint8Array(0)]), /no TOC/],
    ['a second BOS page in the stream', () => concatBytes(
      stream(1, [PACKET], { open: true }),
      oggPage({ flags: 0x02, serial: 1, sequence: 3, lacing: [3], body: PACKET })), /begins stream 1 a second time/],
    ['a continuation with nothing to continue', () => concatBytes(
      stream(1, [PACKET], { open: true }),
      oggPage({ flags: 0x01, serial: 1, sequence: 3, lacing: [3], body: PACKET })), /never started/],
    ['a packet cut short', () => concatBytes(
      stream(1, [PACKET], { open: true }),
      oggPage({ serial: 1, sequence: 3, lacing: [255], body: new Uint8Array(255).fill(0xf8) }),
      oggPage({ serial: 1, sequence: 4, lacing: [3], body: PACKET })), /cut short/],
    ['an end of stream inside a packet', () => concatBytes(
      stream(1, [PACKET], { open: true }),
      oggPage({ flags: 0x04, serial: 1, sequence: 3, lacing: [255], body: new Uint8Array(255).fill(0xf8) })), /incomplete/],
    ['an unknown version', () => {
      const p = stream(1, [PACKET])
      p[4] = 1
      return p
    }, /version 1/]
  ])('refuses %s', (_name, build, message) => {
    expect(malformed(() => read(build()))).toMatch(message)
  })

  it('refuses a stream that stops inside a packet when it ends', () => {
    const reader = new OggOpusReader()
    reader.push(concatBytes(
      stream(1, [PACKET], { open: true }),
      oggPage({ serial: 1, sequence: 3, lacing: [255], body: new Uint8Array(255).fill(0xf8) })))
    expect(malformed(() => reader.end())).toMatch(/incomplete/)
  })
})
