import type { Duplex } from 'node:stream'

/**
 * Largest MQTT packet a client may send. Nodes send JSON of at most 16 KiB (protocol/validate.ts); aedes'
 * parser would otherwise buffer a packet of up to 256 MB before the CONNECT is even authenticated, so a few
 * unauthenticated sockets could exhaust the controller's memory.
 */
export const MAX_CLIENT_PACKET_BYTES = 64 * 1024

/**
 * Follows the MQTT framing of a byte stream (fixed header: one type byte, then the remaining length as a
 * 1-4 byte varint [MQTT-2.2.3]) without parsing the packets, and says when one announces too many bytes.
 */
export class PacketSizeGuard {
  private state: 'type' | 'length' | 'body' = 'type'
  private length = 0
  private multiplier = 1
  private remaining = 0

  constructor (private readonly maxBytes: number = MAX_CLIENT_PACKET_BYTES) {}

  /** Feeds the next chunk; false once a packet is too large or its length field is malformed. */
  push (chunk: Uint8Array): boolean {
    let i = 0
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.remaining, chunk.length - i)
        this.remaining -= take
        i += take
        if (this.remaining === 0) this.state = 'type'
        continue
      }
      const byte = chunk[i++] ?? 0
      if (this.state === 'type') {
        this.state = 'length'
        this.length = 0
        this.multiplier = 1
        continue
      }
      this.length += (byte & 0x7f) * this.multiplier
      if (this.length > this.maxBytes) return false
      if ((byte & 0x80) !== 0) {
        this.multiplier *= 128
        if (this.multiplier > 128 ** 3) return false // [MQTT-2.2.3] at most four length bytes
        continue
      }
      this.remaining = this.length
      this.state = this.remaining === 0 ? 'type' : 'body'
    }
    return true
  }
}

/** Destroys the connection as soon as the client announces a packet over the limit. */
export function guardConnection (conn: Duplex, onViolation: () => void, maxBytes = MAX_CLIENT_PACKET_BYTES): void {
  const guard = new PacketSizeGuard(maxBytes)
  // aedes reads with 'readable' + read(); a 'data' listener then sees each chunk as aedes reads it.
  conn.on('data', (chunk: Buffer) => {
    if (!guard.push(chunk)) {
      onViolation()
      conn.destroy()
    }
  })
}
