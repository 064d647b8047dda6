import { describe, expect, it } from 'vitest'
import { PacketSizeGuard } from '../../controller/broker/packet-guard.js'

/** Encodes an MQTT fixed header: type byte + remaining length varint [MQTT-2.2.3]. */
function header (type: number, length: number): Buffer {
  const bytes = [type]
  let x = length
  do {
    let b = x % 128
    x = Math.floor(x / 128)
    if (x > 0) b |= 0x80
    bytes.push(b)
  } while (x > 0)
  return Buffer.from(bytes)
}

describe('MQTT packet size guard', () => {
  it('lets a stream of normal packets through, whatever the chunking', () => {
    const stream = Buffer.concat([
      header(0x10, 40), Buffer.alloc(40), header(0x30, 16_000), Buffer.alloc(16_000), header(0xc0, 0), header(0x30, 200), Buffer.alloc(200)
    ])
    for (const size of [1, 2, 3, 7, 100, stream.length]) {
      const g = new PacketSizeGuard(64 * 1024)
      for (let i = 0; i < stream.length; i += size) expect(g.push(stream.subarray(i, i + size))).toBe(true)
    }
  })

  it('stops a packet that announces more than the limit, before its body arrives', () => {
    const g = new PacketSizeGuard(64 * 1024)
    expect(g.push(header(0x10, 40))).toBe(true)
    expect(g.push(Buffer.alloc(40))).toBe(true)
    expect(g.push(header(0x10, 150 * 1024 * 1024))).toBe(false)
    expect(new PacketSizeGuard(1000).push(header(0x30, 1000))).toBe(true)
    expect(new PacketSizeGuard(1000).push(header(0x30, 1001))).toBe(false)
  })

  it('stops a length field longer than four bytes', () => {
    expect(new PacketSizeGuard(Number.MAX_SAFE_INTEGER).push(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80, 0x01]))).toBe(false)
  })
})
