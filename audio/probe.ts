import { stat } from 'node:fs/promises'
import { AudioError, formatBytes, formatClock, formatLimit } from './errors.js'
import { FfmpegLogReader } from './ffmpeg-log.js'
import { loudnessFromLog, measureFilter, type Loudness } from './loudness.js'
import { runFfmpeg } from './run-ffmpeg.js'
import type { AudioSettings } from './settings.js'
import { SAFE_INPUT_OPTIONS } from './input-formats.js'

export interface ProbeResult {
  /** Decoded length of the first audio stream, to 10 ms (ffmpeg's progress resolution). */
  durationMs: number
  codec: string
  sampleRate: number
  /** 0 if ffmpeg printed a channel layout we do not recognise. */
  channels: number
  /** Measured on the mono downmix, which is what transcodeToOpus encodes. */
  loudness: Loudness
}

/** Shorter than this is "empty": nothing a listener could make out, and below loudnorm's 400 ms block anyway. */
export const MIN_DURATION_MS = 100

/**
 * One ffmpeg pass over the file: decode the first audio stream, downmix to mono and measure its loudness,
 * reading codec, rate, layout, decoded length and loudness from stderr (there is no ffprobe in the bundled
 * build). Decoding is bounded by `-t maxDurationS+1`, so a 10-hour file costs at most one limit's worth of
 * decoding; when the container states its length exactly, such a file is refused before decoding starts.
 */
export async function probeAudio (path: string, settings: AudioSettings): Promise<ProbeResult> {
  const info = await stat(path)
  if (!info.isFile()) throw new AudioError('AUDIO_NOT_DECODABLE', 'This is a folder, not an audio file.')
  if (info.size === 0) throw new AudioError('AUDIO_EMPTY', 'The file is empty (0 bytes).')
  if (info.size > settings.maxBytes) {
    throw new AudioError('AUDIO_TOO_LARGE',
      `The file is ${formatBytes(info.size)}; the limit is ${formatBytes(settings.maxBytes)}.`)
  }
  const limitMs = settings.maxDurationS * 1000
  const boundMs = limitMs + 1000
  const log = new FfmpegLogReader()
  const outcome = await runFfmpeg(settings.ffmpegPath, {
    input: path,
    inputOptions: ['-nostdin', '-hide_banner', ...SAFE_INPUT_OPTIONS, '-t', String(settings.maxDurationS + 1)],
    outputOptions: ['-map', '0:a:0', '-af', `aformat=channel_layouts=mono,${measureFilter(settings.loudnessLufs)}`, '-f', 'null'],
    output: '-',
    onLine: (line) => {
      log.feed(line)
      // The header is trusted only when ffmpeg did not say it guessed it, and only beyond the decode bound,
      // so a header a little off never refuses a file that decoding would accept.
      const header = log.headerDurationMs
      if (header !== null && !log.durationEstimated && header > boundMs) return tooLong(header, settings, false)
      return undefined
    }
  })
  if (!outcome.ok) throw notDecodable(log, outcome.detail)
  const decodedMs = log.timeMs ?? 0
  if (decodedMs < MIN_DURATION_MS) {
    throw new AudioError('AUDIO_EMPTY',
      `The file holds ${(decodedMs / 1000).toFixed(2)} s of sound; at least ${MIN_DURATION_MS / 1000} s is needed.`)
  }
  if (decodedMs > limitMs) {
    // Decoding stopped at the bound: the real length is known only if the header states it.
    const cut = decodedMs >= boundMs - 50
    const header = log.headerDurationMs
    if (cut && header !== null && !log.durationEstimated && header >= decodedMs) throw tooLong(header, settings, false)
    throw tooLong(decodedMs, settings, cut)
  }
  const loudness = log.loudnorm === null ? null : loudnessFromLog(log.loudnorm)
  if (loudness === null) {
    throw new AudioError('AUDIO_NOT_DECODABLE', 'The loudness of the sound could not be measured; the file may be damaged.')
  }
  const audio = log.audio ?? { codec: 'unknown', sampleRate: 0, channels: 0 }
  return { durationMs: decodedMs, ...audio, loudness }
}

function tooLong (ms: number, settings: AudioSettings, atLeast: boolean): AudioError {
  const length = atLeast ? `longer than ${formatClock(ms / 1000)}` : `${formatClock(ms / 1000)} long`
  return new AudioError('AUDIO_TOO_LONG', `The file is ${length}; the limit is ${formatLimit(settings.maxDurationS)}.`)
}

function notDecodable (log: FfmpegLogReader, detail: string): AudioError {
  const cause = new Error(detail)
  if (!log.sawInput) {
    return new AudioError('AUDIO_NOT_DECODABLE', 'The file is not a sound file that can be read, or it is damaged.', { cause })
  }
  if (log.audio === null) {
    return new AudioError('AUDIO_NOT_DECODABLE',
      'The file has no sound track (it may be a picture, or a video without sound).', { cause })
  }
  return new AudioError('AUDIO_NOT_DECODABLE', `The sound (${log.audio.codec}) cannot be decoded; the file may be damaged.`, { cause })
}
