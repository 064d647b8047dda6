import { execFile } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { makeAudioSettings, resolveFfmpegPath, type AudioSettings } from '../../audio/index.js'
import { oggCrc32 } from '../../audio/ogg-crc.js'

const run = promisify(execFile)

/** The bundled ffmpeg unless LOA_FFMPEG_PATH names another, so the suite can be run against both. */
export const FFMPEG = resolveFfmpegPath(process.env.LOA_FFMPEG_PATH)

export function testSettings (overrides: Partial<AudioSettings> = {}): AudioSettings {
  return makeAudioSettings({ ffmpegPath: FFMPEG, ...overrides })
}

/** A fresh folder under the OS temp dir; the returned function removes it. */
export async function tempDir (): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'loa-audio-'))
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) }
}

/** Runs ffmpeg directly (not through audio/), to make fixtures and to check outputs independently. */
export async function ffmpeg (args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(FFMPEG, ['-nostdin', '-hide_banner', '-y', ...args], { maxBuffer: 64 * 1024 * 1024 })
}

export interface ClipOptions {
  seconds: number
  /** Peak level of the tone, dBFS. */
  dbfs?: number
  rate?: number
  channels?: 1 | 2
  /** Extra output options, e.g. ['-c:a', 'libmp3lame']. */
  encode?: string[]
}

/** aevalsrc with a peak of `dbfs` (lavfi's sine source is fixed at 1/8 of full scale, so it is not used). */
async function tone (path: string, o: ClipOptions, wave: (amp: string) => string): Promise<string> {
  const amp = (10 ** ((o.dbfs ?? -6) / 20)).toFixed(6)
  const expr = o.channels === 2 ? `${wave(amp)}|${wave(amp)}` : wave(amp)
  await ffmpeg(['-f', 'lavfi', '-i', `aevalsrc=${expr}:s=${o.rate ?? 44100}:d=${o.seconds}`, ...(o.encode ?? []), path])
  return path
}

/** A 440 Hz sine; the output format follows the file extension. */
export function sineClip (path: string, o: ClipOptions): Promise<string> {
  return tone(path, o, (amp) => `${amp}*sin(2*PI*440*t)`)
}

/** A rising chirp (200 Hz to 2.2 kHz over the clip): broadband, so loudness is not one frequency's. */
export function chirpClip (path: string, o: ClipOptions): Promise<string> {
  return tone(path, o, (amp) => `${amp}*sin(2*PI*(200+${(1000 / o.seconds).toFixed(4)}*t)*t)`)
}

export async function silenceClip (path: string, seconds: number): Promise<string> {
  await ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', String(seconds), path])
  return path
}

/** One packet per line of ffmpeg's framecrc muxer: an oracle for our Ogg reader. */
export async function framecrc (path: string): Promise<{ pts: number; duration: number; size: number }[]> {
  const { stdout } = await ffmpeg(['-i', path, '-c', 'copy', '-f', 'framecrc', '-'])
  return stdout.split('\n').filter((l) => /^\d+,/.test(l)).map((l) => {
    const [, , pts, duration, size] = l.split(',').map((f) => Number(f.trim()))
    return { pts: pts ?? NaN, duration: duration ?? NaN, size: size ?? NaN }
  })
}

export interface PageSpec {
  flags?: number
  granule?: bigint
  serial?: number
  sequence: number
  /** Lacing values; their sum is the body length. */
  lacing: number[]
  body: Uint8Array
}

/** One valid Ogg page (RFC 3533 s6), CRC included. */
export function oggPage (p: PageSpec): Uint8Array {
  const page = new Uint8Array(27 + p.lacing.length + p.body.length)
  const view = new DataView(page.buffer)
  page.set([0x4f, 0x67, 0x67, 0x53], 0)
  view.setUint8(5, p.flags ?? 0)
  view.setBigInt64(6, p.granule ?? -1n, true)
  view.setUint32(14, p.serial ?? 0x1234, true)
  view.setUint32(18, p.sequence, true)
  view.setUint8(26, p.lacing.length)
  page.set(p.lacing, 27)
  page.set(p.body, 27 + p.lacing.length)
  view.setUint32(22, oggCrc32(page), true)
  return page
}

/** Lacing values for one whole packet of n bytes (RFC 3533 s5): 255s, then the remainder (0 if exact). */
export function lacingFor (n: number): number[] {
  return [...Array<number>(Math.floor(n / 255)).fill(255), n % 255]
}

/** An OpusHead packet (RFC 7845 s5.1) with the given fields. */
export function opusHead (o: { channels?: number; preSkip?: number; version?: number; family?: number } = {}): Uint8Array {
  const head = new Uint8Array(19)
  const view = new DataView(head.buffer)
  head.set(new TextEncoder().encode('OpusHead'), 0)
  view.setUint8(8, o.version ?? 1)
  view.setUint8(9, o.channels ?? 1)
  view.setUint16(10, o.preSkip ?? 312, true)
  view.setUint32(12, 48000, true)
  view.setInt16(16, 0, true)
  view.setUint8(18, o.family ?? 0)
  return head
}

export const OPUS_TAGS = new Uint8Array([...new TextEncoder().encode('OpusTags'), 0, 0, 0, 0, 0, 0, 0, 0])

export function concatBytes (...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const p of parts) { out.set(p, at); at += p.length }
  return out
}

/**
 * A minimal Ogg Opus file: head page, tags page, then one page per audio packet with a granule position
 * counting samples (pre-skip included), the last one `granuleEnd` if given (end trimming).
 */
export function buildOggOpus (packets: Uint8Array[], samplesEach: number, o: { preSkip?: number; granuleEnd?: bigint } = {}): Uint8Array {
  const preSkip = o.preSkip ?? 312
  const head = opusHead({ preSkip })
  const pages = [
    oggPage({ flags: 0x02, granule: 0n, sequence: 0, lacing: lacingFor(head.length), body: head }),
    oggPage({ granule: 0n, sequence: 1, lacing: lacingFor(OPUS_TAGS.length), body: OPUS_TAGS })
  ]
  packets.forEach((p, i) => {
    const last = i === packets.length - 1
    const granule = last && o.granuleEnd !== undefined ? o.granuleEnd : BigInt((i + 1) * samplesEach)
    pages.push(oggPage({ flags: last ? 0x04 : 0, granule, sequence: i + 2, lacing: lacingFor(p.length), body: p }))
  })
  return concatBytes(...pages)
}
