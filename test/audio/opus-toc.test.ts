import { describe, it, expect } from 'vitest'
import { frameSamples, isAudioError, packetSamples } from '../../audio/index.js'

// RFC 6716 s3.1, Table 2, in samples at 48 kHz.
describe('frameSamples', () => {
  it.each([
    [0, 480], [1, 960], [2, 1920], [3, 2880], // SILK NB 10/20/40/60 ms
    [4, 480], [7, 2880], [8, 480], [11, 2880], // SILK MB, WB
    [12, 480], [13, 960], [14, 480], [15, 960], // Hybrid SWB, FB 10/20 ms
    [16, 120], [17, 240], [18, 480], [19, 960], // CELT NB 2.5/5/10/20 ms
    [23, 960], [28, 120], [31, 960] // CELT WB, FB
  ])('config %i lasts %i samples', (config, samples) => {
    expect(frameSamples(config)).toBe(samples)
  })

  it('has no config 32', () => {
    expect(() => frameSamples(32)).toThrow(RangeError)
  })
})

describe('packetSamples', () => {
  const toc = (config: number, s: number, code: number): number => (config << 3) | (s << 2) | code
  it.each([
    ['CELT FB 20 ms, code 0', [toc(31, 0, 0), 0xaa], 960],
    ['CELT FB 20 ms, code 1 (two equal frames)', [toc(31, 0, 1), 0xaa], 1920],
    ['SILK WB 60 ms, code 2 (two frames)', [toc(11, 1, 2), 0x01, 0xaa], 5760],
    ['CELT NB 2.5 ms, code 3, 48 frames', [toc(16, 0, 3), 48], 5760],
    ['Hybrid FB 10 ms, code 3, 3 frames, VBR+padding bits', [toc(14, 0, 3), 0xc0 | 3], 1440],
    ['ffmpeg libopus mono 20 ms (TOC 0xf8)', [0xf8, 0xff, 0xfe], 960],
    ['SILK NB 10 ms, code 0, TOC only', [toc(0, 0, 0)], 480]
  ])('%s', (_name, bytes, samples) => {
    expect(packetSamples(Uint8Array.from(bytes))).toBe(samples)
  })

  it.each([
    ['an empty packet', []],
    ['code 3 without its count byte', [(31 << 3) | 3]],
    ['code 3 with zero frames', [(31 << 3) | 3, 0]],
    ['code 3 over 120 ms', [(3 << 3) | 3, 3]]
  ])('refuses %s', (_name, bytes) => {
    let caught: unknown
    try { packetSamples(Uint8Array.from(bytes)) } catch (err) { caught = err }
    expect(isAudioError(caught, 'OGG_MALFORMED')).toBe(true)
  })
})
