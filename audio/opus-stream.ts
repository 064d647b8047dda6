import { AudioError } from './errors.js'
import { readOggPackets } from './ogg.js'
import { packetSamples } from './opus-toc.js'

/** The identification header (RFC 7845 s5.1). */
export interface OpusHead {
  version: number
  channels: number
  /** Samples (48 kHz) to drop from the start of the decoded stream. */
  preSkip: number
  /** The rate of the original input, for information only; Opus always decodes at 48 kHz. */
  inputSampleRate: number
  /** Gain to apply on output, in Q7.8 dB (signed 16-bit, 256 = +1 dB), as stored in the header. */
  outputGain: number
  mappingFamily: number
}

export interface OpusPacket {
  data: Uint8Array
  /** Decoded length at 48 kHz, from the TOC byte. */
  samples: number
}

export interface ParsedOpus {
  head: OpusHead
  /** Audio packets only: OpusHead and OpusTags are not in this list. */
  packets: OpusPacket[]
  /** Playable length at 48 kHz: the final granule position minus pre-skip (RFC 7845 s4). */
  totalSamples: number
}

const OPUS_HEAD = 'OpusHead'
const OPUS_TAGS = 'OpusTags'
const HEAD_BYTES = 19

function malformed (message: string): AudioError {
  return new AudioError('OGG_MALFORMED', message)
}

/** Whether a packet is an OpusTags comment header (RFC 7845 s5.2); its content is not needed here. */
export function isOpusTags (data: Uint8Array | undefined): boolean {
  return data !== undefined && startsWith(data, OPUS_TAGS)
}

function startsWith (data: Uint8Array, magic: string): boolean {
  if (data.length < magic.length) return false
  for (let i = 0; i < magic.length; i++) if (data[i] !== magic.charCodeAt(i)) return false
  return true
}

/**
 * Checks and reads an OpusHead packet (RFC 7845 s5.1); `undefined` (no first packet) is refused too.
 * Throws AudioError OGG_MALFORMED.
 */
export function parseOpusHead (data: Uint8Array | undefined): OpusHead {
  if (data === undefined || !startsWith(data, OPUS_HEAD)) throw malformed('The Ogg stream does not start with an OpusHead packet.')
  if (data.length < HEAD_BYTES) throw malformed(`OpusHead is ${data.length} bytes; it needs at least ${HEAD_BYTES}.`)
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  const version = view.getUint8(8)
  // RFC 7845 s5.1: version 1; a reader accepts any version whose upper four bits (the major version) are 0.
  if (version === 0 || version > 15) throw malformed(`OpusHead version ${version} is not supported.`)
  const channels = view.getUint8(9)
  const mappingFamily = view.getUint8(18)
  if (mappingFamily !== 0) {
    throw malformed(`OpusHead uses channel mapping family ${mappingFamily}; only family 0 (mono or stereo) is supported.`)
  }
  // Family 0 carries one stream of one or two channels (RFC 7845 s5.1.1.1).
  if (channels !== 1 && channels !== 2) throw malformed(`OpusHead says ${channels} channels; family 0 allows 1 or 2.`)
  return {
    version,
    channels,
    preSkip: view.getUint16(10, true),
    inputSampleRate: view.getUint32(12, true),
    outputGain: view.getInt16(16, true),
    mappingFamily
  }
}

/** Parses a whole Ogg Opus file. Throws AudioError OGG_MALFORMED with a specific message on bad input. */
export function parseOggOpus (buf: Uint8Array): ParsedOpus {
  const stream = readOggPackets(buf)
  const head = parseOpusHead(stream.packets[0])
  // RFC 7845 s3: the OpusHead packet sits alone on the first page.
  if (stream.pages[0]?.packetsEnded !== 1) throw malformed('The first Ogg page must hold OpusHead alone.')
  const tags = stream.packets[1]
  if (!isOpusTags(tags)) throw malformed('The OpusTags packet is missing.')
  const packets = stream.packets.slice(2).map((data) => ({ data, samples: packetSamples(data) }))
  if (packets.length === 0) return { head, packets, totalSamples: 0 }
  const decoded = packets.reduce((n, p) => n + p.samples, 0)
  let granule = -1n
  for (const page of stream.pages) if (page.granule !== -1n) granule = page.granule
  if (granule < BigInt(head.preSkip) || granule > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw malformed(`The final granule position ${granule} does not fit the pre-skip of ${head.preSkip}.`)
  }
  const totalSamples = Number(granule) - head.preSkip
  // End trimming may only shorten the last packet (RFC 7845 s4.4), never add samples the packets lack.
  if (totalSamples > decoded - head.preSkip) {
    throw malformed(`The stream claims ${totalSamples} samples but its packets decode to ${decoded - head.preSkip}.`)
  }
  return { head, packets, totalSamples }
}
