import { describe, expect, it } from 'vitest'
import { FRAME_HEADER_BYTES, FrameError, decodeFrame, encodeFrame, type FrameInput } from '../../protocol/index.js'

const session = '0f8fad5b-d9cb-469f-a165-70867728950e'
const sample: FrameInput = {
  end: false, channels: 1, skipSamples: 312, session, seq: 7, playAtUs: 1_764_374_400_123_456,
  durationSamples: 9600, packets: [Uint8Array.of(0xf8, 1, 2, 3), Uint8Array.of(0xf8, 9), Uint8Array.of(0xfc, 7, 7)]
}

function codeOf (fn: () => unknown): string | undefined {
  try { fn() } catch (err) { return err instanceof FrameError ? err.code : `not a FrameError: ${String(err)}` }
  return undefined
}

describe('audio frame codec', () => {
  it('round-trips every header field and packet', () => {
    const buf = encodeFrame(sample)
    expect(buf.length).toBe(FRAME_HEADER_BYTES + 2 * 3 + 4 + 2 + 3)
    const f = decodeFrame(buf)
    expect(f).toMatchObject({ version: 1, codec: 1, end: false, channels: 1, skipSamples: 312, session, seq: 7, playAtUs: sample.playAtUs, durationSamples: 9600 })
    expect(f.packets.map(p => [...p])).toEqual(sample.packets.map(p => [...p]))
  })

  it('lays the header out as docs/protocol.md says (big-endian, fixed offsets)', () => {
    const buf = encodeFrame({ ...sample, end: true })
    expect(buf.subarray(0, 2).toString('latin1')).toBe('LF')
    expect(buf[2]).toBe(1)
    expect(buf[3]).toBe(1)
    expect(buf[4]).toBe(1)
    expect(buf.readUInt16BE(6)).toBe(312)
    expect(buf.subarray(8, 24).toString('hex')).toBe(session.replaceAll('-', ''))
    expect(buf.readUInt32BE(24)).toBe(7)
    expect(Number(buf.readBigUInt64BE(28))).toBe(sample.playAtUs)
    expect(buf.readUInt32BE(36)).toBe(9600)
    expect(buf.readUInt16BE(40)).toBe(3)
    expect(buf.readUInt16BE(42)).toBe(4)
  })

  it('allows an empty END frame and nothing else empty', () => {
    const end = decodeFrame(encodeFrame({ ...sample, end: true, packets: [], durationSamples: 0 }))
    expect(end.end).toBe(true)
    expect(end.packets).toHaveLength(0)
    expect(codeOf(() => encodeFrame({ ...sample, packets: [] }))).toBe('FRAME_BAD_PACKETS')
  })

  it('decodes a frame that sits at an offset inside a larger buffer (as MQTT payloads do)', () => {
    const inner = encodeFrame(sample)
    const outer = Buffer.concat([Buffer.from('junk'), inner, Buffer.from('tail')])
    expect(decodeFrame(outer.subarray(4, 4 + inner.length)).seq).toBe(7)
  })

  it('refuses malformed frames with a specific code', () => {
    const good = encodeFrame(sample)
    const mutate = (f: (b: Buffer) => void): Buffer => { const b = Buffer.from(good); f(b); return b }
    expect(codeOf(() => decodeFrame(Buffer.alloc(0)))).toBe('FRAME_TOO_SHORT')
    expect(codeOf(() => decodeFrame(good.subarray(0, FRAME_HEADER_BYTES - 1)))).toBe('FRAME_TOO_SHORT')
    expect(codeOf(() => decodeFrame(mutate(b => b.write('XX', 0))))).toBe('FRAME_BAD_MAGIC')
    expect(codeOf(() => decodeFrame(mutate(b => { b[2] = 2 })))).toBe('FRAME_BAD_VERSION')
    expect(codeOf(() => decodeFrame(mutate(b => { b[3] = 9 })))).toBe('FRAME_BAD_CODEC')
    expect(codeOf(() => decodeFrame(mutate(b => { b[4] = 0x80 })))).toBe('FRAME_BAD_FLAGS')
    expect(codeOf(() => decodeFrame(mutate(b => { b[5] = 3 })))).toBe('FRAME_BAD_CHANNELS')
    expect(codeOf(() => decodeFrame(mutate(b => b.writeBigUInt64BE(2n ** 63n, 28))))).toBe('FRAME_BAD_FIELD')
    expect(codeOf(() => decodeFrame(good.subarray(0, good.length - 1)))).toBe('FRAME_BAD_LENGTH')
    expect(codeOf(() => decodeFrame(Buffer.concat([good, Buffer.of(0)])))).toBe('FRAME_BAD_LENGTH')
    expect(codeOf(() => decodeFrame(mutate(b => b.writeUInt16BE(60000, 40))))).toBe('FRAME_BAD_PACKETS')
    expect(codeOf(() => decodeFrame(mutate(b => b.writeUInt16BE(200, 40))))).toBe('FRAME_BAD_LENGTH')
    expect(codeOf(() => decodeFrame(mutate(b => b.writeUInt16BE(0, 42))))).toBe('FRAME_BAD_PACKETS')
    expect(codeOf(() => decodeFrame(mutate(b => b.writeUInt16BE(0, 40))))).toBe('FRAME_BAD_PACKETS')
  })

  it('never throws anything but FrameError on random bytes', () => {
    let seed = 42
    const rand = (): number => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed }
    for (let i = 0; i < 2000; i++) {
      const len = rand() % 120
      const b = Buffer.alloc(len)
      for (let j = 0; j < len; j++) b[j] = rand() & 0xff
      if (len > 2 && i % 2 === 0) { b[0] = 0x4c; b[1] = 0x46; if (len > 3) { b[2] = 1; b[3] = 1 } }
      try { decodeFrame(b) } catch (err) { expect(err).toBeInstanceOf(FrameError) }
    }
  })

  it('refuses to encode out-of-range fields', () => {
    expect(codeOf(() => encodeFrame({ ...sample, seq: -1 }))).toBe('FRAME_BAD_FIELD')
    expect(codeOf(() => encodeFrame({ ...sample, session: 'not-a-uuid' }))).toBe('FRAME_BAD_FIELD')
    expect(codeOf(() => encodeFrame({ ...sample, channels: 0 }))).toBe('FRAME_BAD_CHANNELS')
    expect(codeOf(() => encodeFrame({ ...sample, packets: [new Uint8Array(70000)] }))).toBe('FRAME_BAD_PACKETS')
  })
})
