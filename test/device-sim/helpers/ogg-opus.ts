import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'

/**
 * Test-only: just enough Ogg/Opus reading (RFC 3533 pages, RFC 7845 OpusHead) to get real Opus packets for
 * frames. device-sim may not import audio/, and audio/ogg.ts is being written elsewhere.
 */

export interface OpusClip {
  channels: number
  preSkip: number
  packets: Uint8Array[]
  /** Samples the clip really has, after pre-skip and end trimming (from the last granule position). */
  keptSamples: number
}

export async function makeSineClip (dir: string, opts: { seconds: number, channels?: 1 | 2, hz?: number }): Promise<string> {
  const ffmpeg = (await import('@ffmpeg-installer/ffmpeg')).path
  const out = join(dir, `sine-${opts.seconds}s-${opts.channels ?? 1}ch.opus`)
  await promisify(execFile)(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `sine=frequency=${opts.hz ?? 440}:duration=${opts.seconds}`,
    '-ac', String(opts.channels ?? 1), '-ar', '48000', '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20',
    '-f', 'opus', out
  ])
  return out
}

export async function readOpusClip (path: string): Promise<OpusClip> {
  const buf = await readFile(path)
  const packets: Uint8Array[] = []
  let partial: Buffer[] = []
  let lastGranule = 0n
  let at = 0
  while (at < buf.length) {
    if (buf.toString('ascii', at, at + 4) !== 'OggS') throw new Error(`no Ogg page at ${at}`)
    const granule = buf.readBigInt64LE(at + 6)
    const nsegs = buf.readUInt8(at + 26)
    let data = at + 27 + nsegs
    for (let i = 0; i < nsegs; i++) {
      const lace = buf.readUInt8(at + 27 + i)
      partial.push(buf.subarray(data, data + lace))
      data += lace
      if (lace < 255) {
        packets.push(new Uint8Array(Buffer.concat(partial)))
        partial = []
      }
    }
    if (granule >= 0n) lastGranule = granule
    at = data
  }
  const [head, , ...audio] = packets
  if (head === undefined || Buffer.from(head.subarray(0, 8)).toString('ascii') !== 'OpusHead') throw new Error('not Ogg/Opus')
  const view = Buffer.from(head)
  const preSkip = view.readUInt16LE(10)
  return { channels: view.readUInt8(9), preSkip, packets: audio, keptSamples: Number(lastGranule) - preSkip }
}

/** Samples (48 kHz) in one Opus packet, from its TOC byte (RFC 6716 section 3.1). */
export function packetSamples (packet: Uint8Array): number {
  const toc = packet[0] ?? 0
  const config = toc >> 3
  const frameSamples = config < 12
    ? [480, 960, 1920, 2880][config % 4]
    : config < 16 ? [480, 960][config % 2] : [120, 240, 480, 960][config % 4]
  const code = toc & 3
  const count = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2
  return (frameSamples ?? 0) * count
}
