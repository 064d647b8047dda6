import { PROTOCOL_VERSION } from './version.js'

/**
 * The binary audio frame published on `loa/v1/sessions/{id}/stream`. One frame carries several Opus packets
 * (100-500 ms of audio): the broker's cost grows with messages per second, not bytes (DESIGN.md, fan-out
 * figures), so one MQTT message per 20 ms packet is never sent. All integers are big-endian.
 *
 * offset size  field
 *   0     2    magic "LF" (0x4C 0x46)
 *   2     1    protocol version (1)
 *   3     1    codec (1 = Opus)
 *   4     1    flags: bit 0 END (last frame of the session); other bits 0
 *   5     1    channels (1 or 2)
 *   6     2    skipSamples: decoded samples to drop at the start of this frame (Opus pre-skip)
 *   8    16    session id (the UUID's 16 bytes)
 *  24     4    seq: 0 for the first frame of the session, +1 for each next one
 *  28     8    playAt: microseconds since the Unix epoch (controller clock) at which the first kept sample
 *              must be heard
 *  36     4    durationSamples: kept samples (48 kHz) in this frame, after skipSamples
 *  40     2    packet count N (0 only in an END frame with no audio)
 *  42   2*N    length of each packet in bytes (1..65535)
 *  42+2N ...   the N packets, back to back; the frame ends exactly after the last one
 */

export const FRAME_MAGIC = 0x4c46
export const FRAME_HEADER_BYTES = 42
export const CODEC_OPUS = 1
export const FLAG_END = 0x01
export const MAX_PACKETS_PER_FRAME = 1000

export interface AudioFrame {
  version: number
  codec: number
  end: boolean
  channels: number
  skipSamples: number
  session: string
  seq: number
  /** Microseconds since the Unix epoch, controller clock. */
  playAtUs: number
  durationSamples: number
  packets: Uint8Array[]
}

export type FrameInput = Omit<AudioFrame, 'version' | 'codec'> & { codec?: number }

/** Every reason a frame is refused; a node logs the code and drops the frame. */
export type FrameErrorCode =
  | 'FRAME_TOO_SHORT' | 'FRAME_BAD_MAGIC' | 'FRAME_BAD_VERSION' | 'FRAME_BAD_CODEC' | 'FRAME_BAD_FLAGS'
  | 'FRAME_BAD_CHANNELS' | 'FRAME_BAD_PACKETS' | 'FRAME_BAD_LENGTH' | 'FRAME_BAD_FIELD'

export class FrameError extends Error {
  constructor (readonly code: FrameErrorCode, message: string) {
    super(message)
    this.name = 'FrameError'
  }
}

function uuidToBytes (uuid: string, into: Uint8Array, at: number): void {
  const hex = uuid.replaceAll('-', '')
  if (!/^[0-9a-f]{32}$/.test(hex)) throw new FrameError('FRAME_BAD_FIELD', `session is not a UUID: ${uuid}`)
  for (let i = 0; i < 16; i++) into[at + i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
}

function bytesToUuid (b: Uint8Array, at: number): string {
  const hex = Buffer.from(b.buffer, b.byteOffset + at, 16).toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

function checkUint (name: string, value: number, max: number): void {
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new FrameError('FRAME_BAD_FIELD', `${name} out of range: ${value}`)
  }
}

export function encodeFrame (f: FrameInput): Buffer {
  const codec = f.codec ?? CODEC_OPUS
  checkUint('channels', f.channels, 2)
  if (f.channels < 1) throw new FrameError('FRAME_BAD_CHANNELS', 'channels must be 1 or 2')
  checkUint('skipSamples', f.skipSamples, 0xffff)
  checkUint('seq', f.seq, 0xffffffff)
  checkUint('playAtUs', f.playAtUs, Number.MAX_SAFE_INTEGER)
  checkUint('durationSamples', f.durationSamples, 0xffffffff)
  if (f.packets.length > MAX_PACKETS_PER_FRAME) throw new FrameError('FRAME_BAD_PACKETS', 'too many packets')
  if (f.packets.length === 0 && !f.end) throw new FrameError('FRAME_BAD_PACKETS', 'only an END frame may be empty')
  let size = FRAME_HEADER_BYTES + 2 * f.packets.length
  for (const p of f.packets) {
    if (p.length < 1 || p.length > 0xffff) throw new FrameError('FRAME_BAD_PACKETS', `packet size ${p.length}`)
    size += p.length
  }
  const buf = Buffer.alloc(size)
  buf.writeUInt16BE(FRAME_MAGIC, 0)
  buf.writeUInt8(PROTOCOL_VERSION, 2)
  buf.writeUInt8(codec, 3)
  buf.writeUInt8(f.end ? FLAG_END : 0, 4)
  buf.writeUInt8(f.channels, 5)
  buf.writeUInt16BE(f.skipSamples, 6)
  uuidToBytes(f.session, buf, 8)
  buf.writeUInt32BE(f.seq, 24)
  buf.writeBigUInt64BE(BigInt(f.playAtUs), 28)
  buf.writeUInt32BE(f.durationSamples, 36)
  buf.writeUInt16BE(f.packets.length, 40)
  let at = FRAME_HEADER_BYTES
  for (const p of f.packets) { buf.writeUInt16BE(p.length, at); at += 2 }
  for (const p of f.packets) { buf.set(p, at); at += p.length }
  return buf
}

/** Decodes and checks a frame. Throws FrameError with a code for anything malformed; never reads out of bounds. */
export function decodeFrame (input: Uint8Array): AudioFrame {
  const buf = Buffer.from(input.buffer, input.byteOffset, input.byteLength)
  if (buf.length < FRAME_HEADER_BYTES) throw new FrameError('FRAME_TOO_SHORT', `${buf.length} bytes is shorter than a header`)
  if (buf.readUInt16BE(0) !== FRAME_MAGIC) throw new FrameError('FRAME_BAD_MAGIC', 'not a Loa frame')
  const version = buf.readUInt8(2)
  if (version !== PROTOCOL_VERSION) throw new FrameError('FRAME_BAD_VERSION', `unsupported frame version ${version}`)
  const codec = buf.readUInt8(3)
  if (codec !== CODEC_OPUS) throw new FrameError('FRAME_BAD_CODEC', `unknown codec ${codec}`)
  const flags = buf.readUInt8(4)
  if ((flags & ~FLAG_END) !== 0) throw new FrameError('FRAME_BAD_FLAGS', `reserved flag bits set: ${flags}`)
  const channels = buf.readUInt8(5)
  if (channels !== 1 && channels !== 2) throw new FrameError('FRAME_BAD_CHANNELS', `channels ${channels}`)
  const playAt = buf.readBigUInt64BE(28)
  if (playAt > BigInt(Number.MAX_SAFE_INTEGER)) throw new FrameError('FRAME_BAD_FIELD', 'playAt out of range')
  const count = buf.readUInt16BE(40)
  const end = (flags & FLAG_END) !== 0
  if (count > MAX_PACKETS_PER_FRAME) throw new FrameError('FRAME_BAD_PACKETS', `${count} packets`)
  if (count === 0 && !end) throw new FrameError('FRAME_BAD_PACKETS', 'empty frame without END flag')
  const tableEnd = FRAME_HEADER_BYTES + 2 * count
  if (buf.length < tableEnd) throw new FrameError('FRAME_BAD_LENGTH', 'packet table runs past the frame')
  let expected = tableEnd
  for (let i = 0; i < count; i++) {
    const len = buf.readUInt16BE(FRAME_HEADER_BYTES + 2 * i)
    if (len === 0) throw new FrameError('FRAME_BAD_PACKETS', `packet ${i} is empty`)
    expected += len
  }
  if (expected !== buf.length) {
    throw new FrameError('FRAME_BAD_LENGTH', `frame is ${buf.length} bytes, its packet table says ${expected}`)
  }
  const packets: Uint8Array[] = []
  let at = tableEnd
  for (let i = 0; i < count; i++) {
    const len = buf.readUInt16BE(FRAME_HEADER_BYTES + 2 * i)
    packets.push(new Uint8Array(buf.buffer, buf.byteOffset + at, len))
    at += len
  }
  return {
    version,
    codec,
    end,
    channels,
    skipSamples: buf.readUInt16BE(6),
    session: bytesToUuid(buf, 8),
    seq: buf.readUInt32BE(24),
    playAtUs: Number(playAt),
    durationSamples: buf.readUInt32BE(36),
    packets
  }
}
