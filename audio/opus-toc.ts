import { AudioError } from './errors.js'

/**
 * Samples (at 48 kHz) one Opus frame lasts, by TOC config number (RFC 6716 s3.1, Table 2):
 * 0-11 SILK-only 10/20/40/60 ms (NB, MB, WB); 12-15 Hybrid 10/20 ms (SWB, FB);
 * 16-31 CELT-only 2.5/5/10/20 ms (NB, WB, SWB, FB).
 */
const SILK = [480, 960, 1920, 2880]
const HYBRID = [480, 960]
const CELT = [120, 240, 480, 960]

export function frameSamples (config: number): number {
  const size = config < 12 ? SILK[config % 4] : config < 16 ? HYBRID[config % 2] : CELT[config % 4]
  if (size === undefined || config < 0 || config > 31) throw new RangeError(`Opus config ${config} is not 0..31`)
  return size
}

/** An Opus packet never holds more than 120 ms of audio (RFC 6716 s3.2.5, [R5]). */
export const MAX_PACKET_SAMPLES = 5760

/**
 * Decoded length of one Opus packet at 48 kHz, from its TOC byte (RFC 6716 s3.1):
 * config = toc >> 3, code = toc & 3; code 0 = 1 frame, 1 and 2 = 2 frames, 3 = the count in the low 6 bits
 * of the next byte.
 */
export function packetSamples (packet: Uint8Array): number {
  const toc = packet[0]
  if (toc === undefined) throw new AudioError('OGG_MALFORMED', 'An Opus packet is empty (it has no TOC byte).')
  const size = frameSamples(toc >> 3)
  const code = toc & 0x03
  if (code === 0) return size
  if (code === 1 || code === 2) return 2 * size
  const countByte = packet[1]
  if (countByte === undefined) {
    throw new AudioError('OGG_MALFORMED', 'An Opus code-3 packet has no frame-count byte (RFC 6716 s3.2.5).')
  }
  const count = countByte & 0x3f
  // [R5]: at least one frame, and no more than 120 ms in all.
  if (count === 0 || count * size > MAX_PACKET_SAMPLES) {
    throw new AudioError('OGG_MALFORMED', `An Opus code-3 packet claims ${count} frames of ${size} samples.`)
  }
  return count * size
}
