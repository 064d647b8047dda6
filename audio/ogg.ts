import { AudioError } from './errors.js'
import { oggCrc32 } from './ogg-crc.js'

/**
 * A small Ogg reader (RFC 3533), enough for the files our own ffmpeg writes and strict about everything else:
 * a malformed buffer gives AudioError OGG_MALFORMED naming the byte offset, never an out-of-range read.
 *
 * Page header, little-endian (RFC 3533 s6):
 *   0 "OggS"  4 version (0)  5 flags  6 granule position (int64)  14 serial  18 page sequence  22 CRC32
 *   26 segment count n  27 lacing values (n bytes), then the body (the sum of the lacing values).
 */

export const OGG_PAGE_HEADER_BYTES = 27
export const OGG_FLAG_CONTINUED = 0x01
export const OGG_FLAG_BOS = 0x02
export const OGG_FLAG_EOS = 0x04

export interface OggPage {
  /** Byte offset of the page in the buffer. */
  offset: number
  /** Whole page, header included. */
  size: number
  flags: number
  /** -1n when no packet ends on this page (RFC 3533 s6). */
  granule: bigint
  serial: number
  sequence: number
  /** Packets that end on this page. */
  packetsEnded: number
}

export interface OggStream {
  serial: number
  packets: Uint8Array[]
  /** Pages of this logical stream, in order. */
  pages: OggPage[]
}

function malformed (message: string): AudioError {
  return new AudioError('OGG_MALFORMED', message)
}

function concat (chunks: Uint8Array[]): Uint8Array {
  if (chunks.length === 1 && chunks[0] !== undefined) return chunks[0]
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}

/**
 * Packets of the first logical stream, up to its end-of-stream page. Pages of other streams (multiplexed)
 * are checked and skipped; chained streams after the first one's EOS are ignored. Packets inside one page
 * are views on `buf`; packets spanning pages are copied.
 */
export function readOggPackets (buf: Uint8Array): OggStream {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  const packets: Uint8Array[] = []
  const pages: OggPage[] = []
  let serial: number | null = null
  let pending: Uint8Array[] | null = null
  let offset = 0
  while (offset < buf.length) {
    if (buf.length - offset < OGG_PAGE_HEADER_BYTES) throw malformed(`Truncated Ogg page header at byte ${offset}.`)
    if (view.getUint32(offset) !== 0x4f676753) throw malformed(`No Ogg page at byte ${offset} (expected "OggS").`)
    const version = view.getUint8(offset + 4)
    if (version !== 0) throw malformed(`Unsupported Ogg version ${version} at byte ${offset}.`)
    const flags = view.getUint8(offset + 5)
    if ((flags & ~0x07) !== 0) throw malformed(`Reserved Ogg header flags ${flags} at byte ${offset}.`)
    const segments = view.getUint8(offset + 26)
    const bodyAt = offset + OGG_PAGE_HEADER_BYTES + segments
    if (bodyAt > buf.length) throw malformed(`Truncated Ogg segment table at byte ${offset}.`)
    let bodySize = 0
    for (let i = 0; i < segments; i++) bodySize += buf[offset + OGG_PAGE_HEADER_BYTES + i] ?? 0
    const size = bodyAt + bodySize - offset
    if (offset + size > buf.length) {
      throw malformed(`Truncated Ogg page at byte ${offset}: ${size} bytes, ${buf.length - offset} present.`)
    }
    const page: OggPage = {
      offset,
      size,
      flags,
      granule: view.getBigInt64(offset + 6, true),
      serial: view.getUint32(offset + 14, true),
      sequence: view.getUint32(offset + 18, true),
      packetsEnded: 0
    }
    const crc = view.getUint32(offset + 22, true)
    if (oggCrc32(buf.subarray(offset, offset + size), 22) !== crc) {
      throw malformed(`Bad CRC on Ogg page ${page.sequence} at byte ${offset}.`)
    }
    offset += size
    if (serial === null) {
      if ((flags & OGG_FLAG_BOS) === 0) throw malformed('The first Ogg page is not a beginning-of-stream page.')
      serial = page.serial
    }
    if (page.serial !== serial) continue
    const previous = pages[pages.length - 1]
    if (previous !== undefined && page.sequence !== ((previous.sequence + 1) >>> 0)) {
      throw malformed(`Ogg page ${previous.sequence + 1} is missing (found page ${page.sequence} at byte ${page.offset}).`)
    }
    const continued = (flags & OGG_FLAG_CONTINUED) !== 0
    if (continued && pending === null) {
      throw malformed(`Ogg page ${page.sequence} continues a packet that never started.`)
    }
    if (!continued && pending !== null) {
      throw malformed(`A packet is cut short: Ogg page ${page.sequence} does not continue it.`)
    }
    // Lacing (RFC 3533 s5): a value of 255 means the packet goes on in the next segment, < 255 ends it.
    let start = bodyAt
    let at = bodyAt
    for (let i = 0; i < segments; i++) {
      const lace = buf[page.offset + OGG_PAGE_HEADER_BYTES + i] ?? 0
      at += lace
      if (lace === 255) continue
      packets.push(concat([...(pending ?? []), buf.subarray(start, at)]))
      pending = null
      page.packetsEnded++
      start = at
    }
    if (start < at) {
      pending = [...(pending ?? []), buf.subarray(start, at)]
    }
    pages.push(page)
    if ((flags & OGG_FLAG_EOS) !== 0) break
  }
  if (serial === null) throw malformed('The buffer holds no Ogg pages.')
  if (pending !== null) throw malformed('The last Ogg packet is incomplete (the stream ends inside it).')
  return { serial, packets, pages }
}
