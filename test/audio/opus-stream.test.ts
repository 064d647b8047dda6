import { describe, it, expect } from 'vitest'
import { isAudioError, parseOggOpus } from '../../audio/index.js'
import { OPUS_TAGS, buildOggOpus, concatBytes, lacingFor, oggPage, opusHead } from '../helpers/audio-fixtures.js'

const PACKET = Uint8Array.from([0xf8, 0x01, 0x02]) // CELT FB 20 ms: 960 samples

function malformed (buf: Uint8Array): string {
  try {
    parseOggOpus(buf)
  } catch (err) {
    if (isAudioError(err, 'OGG_MALFORMED')) return err.message
    throw err
  }
  throw new Error('accepted malformed input')
}

/** Head page + tags page + one audio page, with the head given. */
function withHead (head: Uint8Array, tags: Uint8Array = OPUS_TAGS): Uint8Array {
  return concatBytes(
    oggPage({ flags: 0x02, granule: 0n, sequence: 0, lacing: lacingFor(head.length), body: head }),
    oggPage({ granule: 0n, sequence: 1, lacing: lacingFor(tags.length), body: tags }),
    oggPage({ flags: 0x04, granule: 960n, sequence: 2, lacing: [PACKET.length], body: PACKET })
  )
}

describe('parseOggOpus', () => {
  it('reads the head, skips the tags and counts playable samples', () => {
    const parsed = parseOggOpus(buildOggOpus([PACKET, PACKET, PACKET], 960, { preSkip: 312, granuleEnd: 2500n }))
    expect(parsed.head).toEqual({ version: 1, channels: 1, preSkip: 312, inputSampleRate: 48000, outputGain: 0, mappingFamily: 0 })
    expect(parsed.packets.map((p) => p.samples)).toEqual([960, 960, 960])
    expect(parsed.totalSamples).toBe(2500 - 312)
  })

  it('accepts a stream with no audio as 0 samples long', () => {
    expect(parseOggOpus(buildOggOpus([], 960)).totalSamples).toBe(0)
  })

  it('accepts a minor version bump (RFC 7845 s5.1)', () => {
    expect(parseOggOpus(withHead(opusHead({ version: 15 }))).head.version).toBe(15)
  })

  it.each([
    ['no OpusHead', withHead(new TextEncoder().encode('OpusTags-not-a-head-at-all')), /does not start with an OpusHead/],
    ['a short OpusHead', withHead(opusHead().subarray(0, 12)), /OpusHead is 12 bytes/],
    ['OpusHead version 0', withHead(opusHead({ version: 0 })), /version 0/],
    ['OpusHead version 16 (major 1)', withHead(opusHead({ version: 16 })), /version 16/],
    ['channel mapping family 1', withHead(opusHead({ channels: 6, family: 1 })), /family 1/],
    ['3 channels in family 0', withHead(opusHead({ channels: 3 })), /3 channels/],
    ['0 channels', withHead(opusHead({ channels: 0 })), /0 channels/],
    ['no OpusTags', withHead(opusHead(), Uint8Array.from([1, 2, 3])), /OpusTags/],
    ['an audio packet without a TOC byte', buildOggOpus([new Uint8Array(0)], 960), /no TOC/],
    ['a final granule below the pre-skip', buildOggOpus([PACKET], 960, { granuleEnd: 100n }), /pre-skip of 312/],
    ['a final granule beyond the packets', buildOggOpus([PACKET], 960, { granuleEnd: 5000n }), /claims 4688 samples/]
  ])('refuses %s', (_name, buf, message) => {
    expect(malformed(buf)).toMatch(message)
  })

  it('refuses OpusHead sharing its page', () => {
    const head = opusHead()
    const buf = concatBytes(
      oggPage({ flags: 0x02, granule: 0n, sequence: 0, lacing: [head.length, OPUS_TAGS.length], body: concatBytes(head, OPUS_TAGS) }),
      oggPage({ flags: 0x04, granule: 960n, sequence: 1, lacing: [PACKET.length], body: PACKET })
    )
    expect(malformed(buf)).toMatch(/OpusHead alone/)
  })
})
