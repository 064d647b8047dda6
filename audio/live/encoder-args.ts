import { SAMPLE_RATE } from '../../protocol/index.js'
import { AudioError } from '../errors.js'
import { SAFE_INPUT_OPTIONS } from '../input-formats.js'
import { DEFAULT_AUDIO_SETTINGS } from '../settings.js'

/**
 * Where live audio comes from.
 * - pipe: the caller writes bytes to ffmpeg's stdin. 'pcm' is s16le, `sampleRate` (48000) Hz, `channels` (1);
 *   'webm' is a browser's MediaRecorder audio/webm;codecs=opus; 'auto' lets ffmpeg probe (mp3, ogg, ...),
 *   among the upload formats only (audio/input-formats.ts).
 * - url: an http:// or https:// stream, such as Icecast or Shoutcast radio.
 */
export type LiveInput =
  | { kind: 'pipe', format: 'webm' | 'pcm' | 'auto', channels?: 1 | 2, sampleRate?: number }
  | { kind: 'url', url: string }

export interface LiveEncoderSettings {
  ffmpegPath: string
  input: LiveInput
  /** Opus bitrate; defaults to the one for files (DEFAULT_AUDIO_SETTINGS). */
  bitrateKbps?: number
  /** URL input only: ffmpeg gives up and exits when the server sends nothing for this long. Default 10 s. */
  stallTimeoutMs?: number
}

export interface LiveEncoderCommand {
  args: string[]
  /** Whether ffmpeg reads the caller's bytes on stdin. */
  stdin: boolean
}

export const DEFAULT_STALL_TIMEOUT_MS = 10_000

const RANGES = Object.freeze({
  bitrateKbps: [6, 256],
  stallTimeoutMs: [100, 600_000],
  sampleRate: [8000, 192_000]
} as const)

function checkRange (name: keyof typeof RANGES, value: number): number {
  const [min, max] = RANGES[name]
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`live encoder setting ${name} must be an integer from ${min} to ${max}, got ${value}`)
  }
  return value
}

/**
 * Input side, by measurement (the latency figures are in audio/live/encoder.ts):
 * - A known format needs no probing: `-probesize 32` (the least ffmpeg takes) lets the first packet out after
 *   one frame instead of after ~1 s of reading ahead.
 * - A probed format gets 32 KB and 100 ms: an mp3 or ADTS stream paced in real time then starts in ~300 ms
 *   (with the default 5 s analysis, 1.4 s), and an mp3 behind a 20 KB ID3 tag is still recognised.
 * - Not `-fflags nobuffer`: ffmpeg then throws away the packets it read while probing the stream, which lost
 *   the first 20 ms of a real-time pipe and over 1 s of a burst, and it gained no latency.
 * - `-protocol_whitelist`: a pipe reads only the pipe, a URL only http(s) over tcp/tls, so neither a playlist
 *   nor a redirect can make ffmpeg read the controller's files (checked: a redirect to file:// fails).
 */
function inputArgs (input: LiveInput, stallTimeoutMs: number): string[] {
  const probed = [...SAFE_INPUT_OPTIONS, '-probesize', '32768', '-analyzeduration', '100000']
  const known = ['-probesize', '32', '-analyzeduration', '20000']
  if (input.kind === 'url') {
    return [
      '-nostdin', '-protocol_whitelist', 'http,https,tcp,tls',
      // No reconnecting inside ffmpeg (the default, said explicitly): the caller owns retries and their backoff.
      // Not seekable: a live stream has no ranges, and a seek would be a second request.
      // No ICY metadata: titles are not broadcast, so the server need not interleave them.
      '-reconnect', '0', '-seekable', '0', '-icy', '0',
      // A server that goes quiet makes ffmpeg exit (status 0, "Connection timed out") instead of hanging.
      '-rw_timeout', String(stallTimeoutMs * 1000),
      // No -re: a radio server already sends in real time, after a burst of a few seconds on connect that
      // the clock-driven feed downstream drops; throttling here would only add that burst as delay.
      ...probed,
      '-i', checkUrl(input.url)
    ]
  }
  const pipe = ['-protocol_whitelist', 'pipe']
  if (input.format === 'pcm') {
    const rate = checkRange('sampleRate', input.sampleRate ?? SAMPLE_RATE)
    const channels = input.channels ?? 1
    if (channels !== 1 && channels !== 2) throw new RangeError(`live encoder setting channels must be 1 or 2, got ${String(channels)}`)
    return [...pipe, ...known, '-f', 's16le', '-ar', String(rate), '-ac', String(channels), '-i', 'pipe:0']
  }
  if (input.format === 'webm') return [...pipe, ...known, '-f', 'webm', '-i', 'pipe:0']
  return [...pipe, ...probed, '-i', 'pipe:0']
}

/** Only http and https, checked before anything runs; any other scheme is refused, whatever ffmpeg supports. */
function checkUrl (url: string): string {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new AudioError('AUDIO_NOT_DECODABLE', `"${url}" is not a stream address; give an http:// or https:// URL.`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new AudioError('AUDIO_NOT_DECODABLE',
      `Only http:// and https:// streams can be relayed; "${parsed.protocol}" addresses are refused.`)
  }
  return parsed.href
}

/**
 * Output side: the same Opus as files get (audio/transcode.ts says why: mono, constrained VBR, audio mode,
 * 20 ms frames, no metadata), at 48 kHz, as Ogg on stdout cut for latency:
 * - `-page_duration 20000` (µs): a page per packet. The default of 1 s held each packet up to 2 s, since the
 *   Ogg muxer writes a page only once the next one has begun.
 * - `-flush_packets 1`: write each page to the pipe at once, not when ffmpeg's 32 KB output buffer fills.
 *   It is already the default for a pipe; said explicitly so latency does not rest on that guess.
 */
function outputArgs (bitrateKbps: number): string[] {
  return [
    '-map', '0:a:0', '-map_metadata', '-1',
    '-ac', '1', '-ar', String(SAMPLE_RATE),
    '-c:a', 'libopus', '-b:a', `${bitrateKbps}k`, '-vbr', 'constrained', '-application', 'audio', '-frame_duration', '20',
    '-flush_packets', '1', '-page_duration', '20000',
    '-f', 'ogg', 'pipe:1'
  ]
}

/**
 * The ffmpeg command line for a live encoder. Every option here exists in both builds we run: the bundled
 * static ffmpeg 4.1 (2018) and Debian's 5.1. Throws RangeError on a bad setting and AudioError on a refused URL.
 */
export function liveEncoderCommand (settings: LiveEncoderSettings): LiveEncoderCommand {
  const bitrate = checkRange('bitrateKbps', settings.bitrateKbps ?? DEFAULT_AUDIO_SETTINGS.bitrateKbps)
  const stall = checkRange('stallTimeoutMs', settings.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS)
  return {
    args: ['-hide_banner', '-nostats', '-loglevel', 'error', ...inputArgs(settings.input, stall), ...outputArgs(bitrate)],
    stdin: settings.input.kind === 'pipe'
  }
}
