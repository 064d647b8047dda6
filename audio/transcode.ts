import { randomBytes } from 'node:crypto'
import { readFile, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { SAMPLE_RATE } from '../protocol/index.js'
import { AudioError } from './errors.js'
import { normaliseFilter } from './loudness.js'
import { parseOggOpus } from './opus-stream.js'
import type { ProbeResult } from './probe.js'
import { runFfmpeg } from './run-ffmpeg.js'
import type { AudioSettings } from './settings.js'
import { SAFE_INPUT_OPTIONS } from './input-formats.js'

export interface TranscodeResult {
  /** Playable length of the written file (final granule minus pre-skip), rounded to the millisecond. */
  durationMs: number
  sizeBytes: number
}

/**
 * The encoder settings, and why:
 * - mono: a pole carries one horn cluster; and loudness was measured on this very downmix by probeAudio.
 * - `-vbr constrained`: near-constant bitrate, so the stream's bandwidth is predictable on 3G links.
 * - `-application audio`, not voip: bulletins open with chimes and carry music and relayed radio; voip mode
 *   tunes for speech alone and dulls the rest, while at 24-32 kbit/s audio mode keeps speech clear too.
 * - `-frame_duration 20`: the Opus default, and the finest grain for cutting frames (audio/frames.ts).
 * - `-map_metadata -1`: uploaded tags (names, phone numbers in comments) are not broadcast to every node.
 */
function encoderOptions (settings: AudioSettings, probe: ProbeResult): string[] {
  const filters = [
    'aformat=channel_layouts=mono',
    normaliseFilter(settings.loudnessLufs, probe.loudness),
    // loudnorm works at 192 kHz internally and outputs that rate; Opus wants 48 kHz.
    `aresample=${SAMPLE_RATE}`
  ].filter((f): f is string => f !== null)
  return [
    '-map', '0:a:0', '-map_metadata', '-1',
    '-af', filters.join(','),
    '-ac', '1', '-c:a', 'libopus', '-b:a', `${settings.bitrateKbps}k`, '-vbr', 'constrained',
    '-application', 'audio', '-frame_duration', '20',
    '-f', 'ogg'
  ]
}

/**
 * Normalises loudness (EBU R128, linear, from the probe's measurement) and encodes mono Ogg Opus at 48 kHz.
 * ffmpeg writes to a hidden temporary file beside outPath, which is checked and then renamed into place: a
 * reader never sees a half-written file, and on failure the temporary file is removed.
 */
export async function transcodeToOpus (
  input: string, outPath: string, settings: AudioSettings, probe: ProbeResult
): Promise<TranscodeResult> {
  const temp = join(dirname(outPath), `.${basename(outPath)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    const outcome = await runFfmpeg(settings.ffmpegPath, {
      input,
      // Bounded like the probe, in case the file was replaced by a longer one since.
      inputOptions: ['-nostdin', '-hide_banner', ...SAFE_INPUT_OPTIONS, '-t', String(settings.maxDurationS + 1)],
      outputOptions: encoderOptions(settings, probe),
      output: temp
    })
    if (!outcome.ok) throw new Error(outcome.detail)
    const written = await readFile(temp)
    const parsed = parseOggOpus(written)
    await rename(temp, outPath)
    return { durationMs: Math.round(parsed.totalSamples * 1000 / SAMPLE_RATE), sizeBytes: written.length }
  } catch (cause) {
    await rm(temp, { force: true })
    throw new AudioError('AUDIO_ENCODE_FAILED',
      'The sound could be read but not converted for broadcast; please try again or use another file.', { cause })
  }
}
