/**
 * Reads what ffmpeg writes to stderr during a decode (we have no ffprobe: the bundled static build ships
 * without it). Fed one line at a time, so a long file's warnings never pile up in memory.
 *
 * Layouts differ between builds: 4.1 (bundled, 2018) indents stream lines by 4 spaces, 5.1 (Debian) by 2 and
 * adds the stream id, e.g. `Stream #0:0[0x1](und): Audio: aac (LC) (mp4a / 0x6134706D), 44100 Hz, stereo, ...`.
 */

export interface AudioStreamInfo {
  codec: string
  sampleRate: number
  /** From the channel layout; 0 if ffmpeg printed a layout we do not know (we downmix to mono anyway). */
  channels: number
}

type Section = 'before' | 'input0' | 'after'

const DURATION_RE = /^\s*Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)/
const AUDIO_RE = /^\s*Stream #0:\d+(?:\[[^\]]*\])?(?:\([^)]*\))?: Audio: ([^\s,]+)(.*)$/
const RATE_LAYOUT_RE = /, (\d+) Hz, ([^,]+)/
const TIME_RE = /time=\s*(-?)(\d+):(\d\d):(\d\d(?:\.\d+)?)/
const LOUDNORM_RE = /^\[Parsed_loudnorm_\d+ @ [^\]]*\]/
const NAMED_LAYOUTS: Readonly<Record<string, number>> = Object.freeze({
  mono: 1, stereo: 2, downmix: 2, quad: 4, hexagonal: 6, octagonal: 8, hexadecagonal: 16
})

export class FfmpegLogReader {
  /** ffmpeg recognised the container (it printed `Input #0`), whatever it found inside. */
  sawInput = false
  /** The container's own duration (`Duration:` line), or null when it says N/A. */
  headerDurationMs: number | null = null
  /** ffmpeg warned that the header duration is only a guess from the bitrate (MP3 without a Xing header). */
  durationEstimated = false
  /** The first audio stream of input 0: the one `-map 0:a:0` decodes. */
  audio: AudioStreamInfo | null = null
  /** The last progress `time=`: how much was decoded, to 10 ms. */
  timeMs: number | null = null
  /** The key/value block loudnorm prints with print_format=json; values stay strings ("-inf" included). */
  loudnorm: Record<string, string> | null = null

  private section: Section = 'before'
  private jsonLines: string[] | null = null

  feed (line: string): void {
    if (this.jsonLines !== null) return this.feedJson(line)
    if (LOUDNORM_RE.test(line)) {
      this.jsonLines = []
      return
    }
    if (line.includes('Estimating duration from bitrate')) this.durationEstimated = true
    // Progress lines ("size=N/A time=00:00:03.00 bitrate=N/A speed=...") carry both keys; a tag never does.
    const time = line.includes('bitrate=') ? TIME_RE.exec(line) : null
    if (time !== null) {
      // A decode that produced nothing may report a huge negative time (AV_NOPTS_VALUE); that is zero.
      this.timeMs = time[1] === '-' ? 0 : clockMs(time[2], time[3], time[4])
      return
    }
    if (/^Input #0,/.test(line)) {
      this.section = 'input0'
      this.sawInput = true
    }
    else if (/^(Input #[1-9]|Output #|Stream mapping:)/.test(line)) this.section = 'after'
    if (this.section !== 'input0') return
    const duration = DURATION_RE.exec(line)
    if (duration !== null) this.headerDurationMs = clockMs(duration[1], duration[2], duration[3])
    const audio = AUDIO_RE.exec(line)
    if (audio !== null && this.audio === null) this.audio = parseAudio(audio[1] ?? '', audio[2] ?? '')
  }

  private feedJson (line: string): void {
    const lines = this.jsonLines ?? []
    lines.push(line)
    if (line.trim() !== '}') return
    this.jsonLines = null
    this.loudnorm = parseFlatJson(lines.join('\n'))
  }
}

function clockMs (h = '0', m = '0', s = '0'): number {
  return Math.round((Number(h) * 3600 + Number(m) * 60 + Number(s)) * 1000)
}

function parseAudio (codec: string, rest: string): AudioStreamInfo {
  const m = RATE_LAYOUT_RE.exec(rest)
  return {
    codec,
    sampleRate: m === null ? 0 : Number(m[1]),
    channels: m === null ? 0 : layoutChannels((m[2] ?? '').trim())
  }
}

/** ffmpeg layout names: "mono", "5.1(side)" (5 + 1), "7.1(wide)", "3 channels", "2 channels (FL+LFE)". */
export function layoutChannels (layout: string): number {
  const named = NAMED_LAYOUTS[layout.replace(/\(.*\)$/, '')]
  if (named !== undefined) return named
  const count = /^(\d+) channels?\b/.exec(layout)
  if (count !== null) return Number(count[1])
  const dotted = /^(\d+)\.(\d+)(?:\(|$)/.exec(layout)
  if (dotted !== null) return Number(dotted[1]) + Number(dotted[2])
  return 0
}

function parseFlatJson (text: string): Record<string, string> | null {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null
  const out: Record<string, string> = {}
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v
  }
  return out
}
