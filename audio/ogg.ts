import { AudioError } from './errors.js'
import { oggCrc32 } from './ogg-crc.js'

/**
 * A small Ogg reader (RFC 3533), enough for the files our own ffmpeg writes and strict about everything else:
 * a malformed buffer gives AudioError OGG_MALFORMED naming the byte offset, never an out-of-range read.
 * The page-level steps (scanOggPage, checkOggPageOrder, oggPagePieces) are shared with the incremental
 * reader for live audio, audio/live/ogg-opus-reader.ts.
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
  /** Byte offset of the page in the buffer (in the whole stream, for an incremental reader). */
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

/** A whole page as scanOggPage found it, checked; `lacing` and `body` are views on the scanned buffer. */
export interface ScannedOggPage {
  page: OggPage
  lacing: Uint8Array
  body: Uint8Array
}

/** What scanOggPage found: a whole checked page, or how many bytes the page needs in all before it can be checked. */
export type OggPageScan =
  | ({ complete: true } & ScannedOggPage)
  | { complete: false, need: number, part: 'header' | 'segment table' | 'page' }

const CAPTURE = [0x4f, 0x67, 0x67, 0x53]

/**
 * Reads the page starting at buf[offset] as far as the bytes present allow. The capture pattern, version and
 * flags are checked on however many of them have arrived, so an incremental reader refuses garbage at once;
 * the CRC is checked when the whole page is there. `at` is the page's place in the whole stream, for messages
 * and page.offset. Throws AudioError OGG_MALFORMED, and never reads out of range.
 */
export function scanOggPage (buf: Uint8Array, offset: number, at = offset): OggPageScan {
  const present = buf.length - offset
  for (let i = 0; i < CAPTURE.length && i < present; i++) {
    if (buf[offset + i] !== CAPTURE[i]) throw malformed(`No Ogg page at byte ${at} (expected "OggS").`)
  }
  const version = buf[offset + 4]
  if (version !== undefined && version !== 0) throw malformed(`Unsupported Ogg version ${version} at byte ${at}.`)
  const flags = buf[offset + 5]
  if (flags !== undefined && (flags & ~0x07) !== 0) throw malformed(`Reserved Ogg header flags ${flags} at byte ${at}.`)
  if (present < OGG_PAGE_HEADER_BYTES) return { complete: false, need: OGG_PAGE_HEADER_BYTES, part: 'header' }
  const view = new DataView(buf.buffer, buf.byteOffset + offset, present)
  const bodyAt = OGG_PAGE_HEADER_BYTES + view.getUint8(26)
  if (present < bodyAt) return { complete: false, need: bodyAt, part: 'segment table' }
  const lacing = buf.subarray(offset + OGG_PAGE_HEADER_BYTES, offset + bodyAt)
  const size = lacing.reduce((n, lace) => n + lace, bodyAt)
  if (present < size) return { complete: false, need: size, part: 'page' }
  const page: OggPage = {
    offset: at,
    size,
    flags: flags ?? 0,
    granule: view.getBigInt64(6, true),
    serial: view.getUint32(14, true),
    sequence: view.getUint32(18, true),
    packetsEnded: 0
  }
  if (oggCrc32(buf.subarray(offset, offset + size), 22) !== view.getUint32(22, true)) {
    throw malformed(`Bad CRC on Ogg page ${page.sequence} at byte ${at}.`)
  }
  return { complete: true, page, lacing, body: buf.subarray(offset + bodyAt, offset + size) }
}

/**
 * Checks that `page` may follow `previous`, the last page of the same logical stream (if any), while a packet
 * is or is not left open: no page is missing, and the continued flag is set exactly when a packet goes on.
 */
export function checkOggPageOrder (page: OggPage, previous: OggPage | undefined, packetOpen: boolean): void {
  if (previous !== undefined && page.sequence !== ((previous.sequence + 1) >>> 0)) {
    throw malformed(`Ogg page ${previous.sequence + 1} is missing (found page ${page.sequence} at byte ${page.offset}).`)
  }
  const continued = (page.flags & OGG_FLAG_CONTINUED) !== 0
  if (continued && !packetOpen) throw malformed(`Ogg page ${page.sequence} continues a packet that never started.`)
  if (!continued && packetOpen) throw malformed(`A packet is cut short: Ogg page ${page.sequence} does not continue it.`)
}

/** The bytes of one packet found on one page; `ends` is false for a last piece that goes on in the next page. */
export interface OggPacketPiece {
  bytes: Uint8Array
  ends: boolean
}

/**
 * Cuts a page body into packet pieces by its lacing values (RFC 3533 s5): a value of 255 means the packet goes
 * on in the next segment, less than 255 ends it. Pieces are views on the body. Counts page.packetsEnded.
 */
export function oggPagePieces (scanned: ScannedOggPage): OggPacketPiece[] {
  const pieces: OggPacketPiece[] = []
  let start = 0
  let at = 0
  for (const lace of scanned.lacing) {
    at += lace
    if (lace === 255) continue
    pieces.push({ bytes: scanned.body.subarray(start, at), ends: true })
    scanned.page.packetsEnded++
    start = at
  }
  if (start < at) pieces.push({ bytes: scanned.body.subarray(start, at), ends: false })
  return pieces
}

/**
 * Packets of the first logical stream, up to its end-of-stream page. Pages of other streams (multiplexed)
 * are checked and skipped; chained streams after the first one's EOS are ignored. Packets inside one page
 * are views on `buf`; packets spanning pages are copied.
 */
export function readOggPackets (buf: Uint8Array): OggStream {
  const packets: Uint8Array[] = []
  const pages: OggPage[] = []
  let serial: number | null = null
  let pending: Uint8Array[] | null = null
  let offset = 0
  while (offset < buf.length) {
    const scan = scanOggPage(buf, offset)
    if (!scan.complete) {
      throw malformed(scan.part === 'page'
        ? `Truncated Ogg page at byte ${offset}: ${scan.need} bytes, ${buf.length - offset} present.`
        : `Truncated Ogg ${scan.part === 'header' ? 'page header' : 'segment table'} at byte ${offset}.`)
    }
    const { page } = scan
    offset += page.size
    if (serial === null) {
      if ((page.flags & OGG_FLAG_BOS) === 0) throw malformed('The first Ogg page is not a beginning-of-stream page.')
      serial = page.serial
    }
    if (page.serial !== serial) continue
    checkOggPageOrder(page, pages[pages.length - 1], pending !== null)
    for (const piece of oggPagePieces(scan)) {
      if (!piece.ends) {
        pending = [...(pending ?? []), piece.bytes]
        continue
      }
      packets.push(concat([...(pending ?? []), piece.bytes]))
      pending = null
    }
    pages.push(page)
    if ((page.flags & OGG_FLAG_EOS) !== 0) break
  }
  if (serial === null) throw malformed('The buffer holds no Ogg pages.')
  if (pending !== null) throw malformed('The last Ogg packet is incomplete (the stream ends inside it).')
  return { serial, packets, pages }
}
