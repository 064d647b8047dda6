import { AudioError } from '../errors.js'
import {
  OGG_FLAG_BOS, OGG_FLAG_EOS, OGG_PAGE_HEADER_BYTES, checkOggPageOrder, oggPagePieces, scanOggPage,
  type OggPacketPiece, type OggPage, type ScannedOggPage
} from '../ogg.js'
import { isOpusTags, parseOpusHead, type OpusHead, type OpusPacket } from '../opus-stream.js'
import { packetSamples } from '../opus-toc.js'

/** The biggest Ogg page: the header, 255 lacing values and 255 segments of 255 bytes (RFC 3533 s6). */
export const OGG_MAX_PAGE_BYTES = OGG_PAGE_HEADER_BYTES + 255 + 255 * 255

/**
 * RFC 7845 s6: demuxers should treat an audio packet longer than 61,440 bytes as invalid; 120 ms of Opus at
 * the highest rate fits well within it. The same bound holds OpusHead (19 bytes for family 0).
 */
export const OPUS_MAX_PACKET_BYTES = 61_440

/** "OpusTags": all of the comment header we look at, so a header of megabytes of cover art costs nothing. */
const TAGS_KEPT_BYTES = 8

/**
 * Called inside push(), in stream order. A head opens each logical stream: the first one, and each chained one
 * after an end-of-stream page (Icecast chains a new stream per track), so a consumer can reset its decoder and
 * apply the new pre-skip exactly between the old stream's packets and the new one's.
 */
export interface OggOpusReaderOptions {
  onHead?: (head: OpusHead) => void
  onPacket?: (packet: OpusPacket) => void
}

type Phase = 'start' | 'stream' | 'ended' | 'done'

interface OpenPacket {
  parts: Uint8Array[]
  /** Bytes of the packet so far, kept or not. */
  size: number
  kept: number
}

function malformed (message: string): AudioError {
  return new AudioError('OGG_MALFORMED', message)
}

function concat (parts: Uint8Array[], size: number): Uint8Array {
  if (parts.length === 1 && parts[0] !== undefined) return parts[0]
  const out = new Uint8Array(size)
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/**
 * An Ogg Opus reader for bytes that arrive over time (ffmpeg's stdout), as strict as readOggPackets and
 * parseOggOpus: CRC, capture pattern, page sequence, continued packets, BOS first, OpusHead alone on the first
 * page, OpusTags second. Chunks may split pages anywhere. It holds at most one page (OGG_MAX_PAGE_BYTES) and
 * one open packet (OPUS_MAX_PACKET_BYTES), so a never-ending stream or garbage cannot grow its memory.
 *
 * Pages of other logical streams are skipped. After an end-of-stream page, only a new BOS page (a chained
 * stream, with a new serial) is read; anything else there, garbage included, is ignored, because the stream
 * has ended properly.
 *
 * push() returns the chunk's audio packets; the same packets also go to `onPacket`, interleaved with `onHead`,
 * for a consumer that must know on which side of a chained restart each packet lies (the `head` getter only
 * tells the latest head).
 *
 * Errors are AudioError OGG_MALFORMED. After one, or after a callback throws, the reader is spent: push()
 * throws that error again, and the packets of the failing chunk are not returned (the callbacks have had
 * those before the bad page).
 */
export class OggOpusReader {
  #page = new Uint8Array(OGG_MAX_PAGE_BYTES)
  #filled = 0
  /** Bytes the page being assembled needs before it can be checked further. */
  #need = OGG_PAGE_HEADER_BYTES
  /** Stream offset of the page being assembled, for messages. */
  #at = 0
  #phase: Phase = 'start'
  #serial: number | undefined
  #previous: OggPage | undefined
  /** Packets completed in the current logical stream: 0 head, 1 tags, then audio. */
  #packets = 0
  #open: OpenPacket | null = null
  #head: OpusHead | undefined
  #failed: unknown
  #ended = false

  readonly #options: OggOpusReaderOptions

  constructor (options: OggOpusReaderOptions = {}) {
    this.#options = options
  }

  /** The head of the current logical stream; undefined until the first OpusHead is read. */
  get head (): OpusHead | undefined {
    return this.#head
  }

  push (chunk: Uint8Array): OpusPacket[] {
    if (this.#ended) throw new Error('OggOpusReader.push() was called after end()')
    if (this.#failed !== undefined) throw this.#failed
    const packets: OpusPacket[] = []
    let offset = 0
    try {
      while (offset < chunk.length && this.#phase !== 'done') {
        const take = Math.min(this.#need - this.#filled, chunk.length - offset)
        this.#page.set(chunk.subarray(offset, offset + take), this.#filled)
        this.#filled += take
        offset += take
        const scan = this.#scan()
        if (scan === undefined) continue
        this.#onPage(scan, packets)
        this.#at += scan.page.size
        this.#filled = 0
        this.#need = OGG_PAGE_HEADER_BYTES
      }
    } catch (err) {
      this.#failed = err
      throw err
    }
    return packets
  }

  /** The input is over. Throws OGG_MALFORMED if it stopped inside a page or a packet (before end-of-stream). */
  end (): void {
    if (this.#ended || this.#failed !== undefined) return
    this.#ended = true
    if (this.#phase === 'ended' || this.#phase === 'done') return
    if (this.#filled > 0) {
      throw malformed(`The stream stops inside the Ogg page at byte ${this.#at} (${this.#filled} of at least ${this.#need} bytes).`)
    }
    if (this.#open !== null) throw malformed('The last Ogg packet is incomplete (the stream ends inside it).')
  }

  /** The page being assembled, if whole; otherwise records how much more it needs. */
  #scan (): ScannedOggPage | undefined {
    try {
      const scan = scanOggPage(this.#page.subarray(0, this.#filled), 0, this.#at)
      if (scan.complete) return scan
      this.#need = scan.need
      return undefined
    } catch (err) {
      if (this.#phase !== 'ended') throw err
      // Bytes after the end of stream that are not a page: the stream is over, and they are not ours to judge.
      this.#phase = 'done'
      return undefined
    }
  }

  #onPage (scanned: ScannedOggPage, packets: OpusPacket[]): void {
    const { page } = scanned
    const bos = (page.flags & OGG_FLAG_BOS) !== 0
    if (this.#phase === 'start' || this.#phase === 'ended') {
      if (!bos) {
        if (this.#phase === 'start') throw malformed('The first Ogg page is not a beginning-of-stream page.')
        return // another logical stream's page after ours ended; wait for a chained BOS
      }
      // RFC 3533 s4: each chained stream has its own serial.
      if (page.serial === this.#serial) throw malformed(`A chained Ogg stream reuses serial ${page.serial}.`)
      this.#serial = page.serial
      this.#previous = undefined
      this.#packets = 0
      this.#phase = 'stream'
    } else if (page.serial !== this.#serial) {
      return // multiplexed: another logical stream's page
    } else if (bos) {
      throw malformed(`Ogg page ${page.sequence} at byte ${page.offset} begins stream ${page.serial} a second time.`)
    }
    checkOggPageOrder(page, this.#previous, this.#open !== null)
    const pieces = oggPagePieces(scanned)
    // RFC 7845 s3: OpusHead is alone on the first page, and that page ends with it.
    if (bos && (pieces.length !== 1 || pieces[0]?.ends !== true)) throw malformed('The first Ogg page must hold OpusHead alone.')
    pieces.forEach((piece, i) => this.#onPiece(piece, i === pieces.length - 1, packets))
    this.#previous = page
    if ((page.flags & OGG_FLAG_EOS) === 0) return
    if (this.#open !== null) throw malformed('The last Ogg packet is incomplete (the stream ends inside it).')
    if (this.#packets < 2) throw malformed('The Ogg Opus stream ends before its OpusTags packet.')
    this.#phase = 'ended'
  }

  #onPiece (piece: OggPacketPiece, lastOnPage: boolean, packets: OpusPacket[]): void {
    const open = this.#open ?? { parts: [], size: 0, kept: 0 }
    const tags = this.#packets === 1
    open.size += piece.bytes.length
    if (!tags && open.size > OPUS_MAX_PACKET_BYTES) {
      throw malformed(`An Opus packet is longer than ${OPUS_MAX_PACKET_BYTES} bytes (RFC 7845 s6).`)
    }
    // A copy: the page buffer is overwritten by the next page.
    const keep = tags ? Math.max(0, TAGS_KEPT_BYTES - open.kept) : piece.bytes.length
    open.parts.push(piece.bytes.slice(0, keep))
    open.kept += Math.min(keep, piece.bytes.length)
    if (!piece.ends) {
      this.#open = open
      return
    }
    this.#open = null
    const data = concat(open.parts, open.kept)
    if (this.#packets === 0) {
      this.#head = parseOpusHead(data)
      this.#options.onHead?.(this.#head)
    } else if (tags) {
      if (!isOpusTags(data)) throw malformed('The OpusTags packet is missing.')
      // RFC 7845 s3: the comment header finishes its page; audio starts on a fresh one.
      if (!lastOnPage) throw malformed('The OpusTags packet must end its Ogg page.')
    } else {
      const packet = { data, samples: packetSamples(data) }
      packets.push(packet)
      this.#options.onPacket?.(packet)
    }
    this.#packets++
  }
}
