/** Everything audio/ needs to know, passed in as one value; audio/ reads no environment and keeps no globals. */
export interface AudioSettings {
  /** Path to the ffmpeg binary; see resolveFfmpegPath(). */
  ffmpegPath: string
  /** Longest accepted sound, in seconds. */
  maxDurationS: number
  /** Biggest accepted upload, in bytes; checked before ffmpeg is started. */
  maxBytes: number
  /** Opus bitrate. 24-32 kbit/s mono is speech-clear on a horn (DESIGN.md). */
  bitrateKbps: number
  /** Integrated loudness target (EBU R128, LUFS). -16 is the usual target for speech over small speakers. */
  loudnessLufs: number
  /** Audio per MQTT frame: the broker's cost grows with messages per second (DESIGN.md fan-out figures). */
  frameMs: number
}

export const DEFAULT_AUDIO_SETTINGS: Readonly<Omit<AudioSettings, 'ffmpegPath'>> = Object.freeze({
  maxDurationS: 3600,
  maxBytes: 200 * 1024 * 1024,
  bitrateKbps: 32,
  loudnessLufs: -16,
  frameMs: 200
})

/** Inclusive bounds; the loudness bounds are those of ffmpeg's loudnorm `I` option. */
const RANGES: Readonly<Record<keyof Omit<AudioSettings, 'ffmpegPath'>, readonly [number, number]>> = Object.freeze({
  maxDurationS: [1, 24 * 3600],
  maxBytes: [1, 4 * 1024 * 1024 * 1024],
  bitrateKbps: [6, 256],
  loudnessLufs: [-70, -5],
  frameMs: [20, 1000]
})

/** Defaults plus overrides, checked once and frozen. Throws RangeError naming the bad setting. */
export function makeAudioSettings (
  overrides: Partial<AudioSettings> & Pick<AudioSettings, 'ffmpegPath'>
): Readonly<AudioSettings> {
  const settings: AudioSettings = { ...DEFAULT_AUDIO_SETTINGS, ...overrides }
  if (settings.ffmpegPath === '') throw new RangeError('audio setting ffmpegPath is empty')
  for (const [name, [min, max]] of Object.entries(RANGES)) {
    const value = settings[name as keyof typeof RANGES]
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new RangeError(`audio setting ${name} must be between ${min} and ${max}, got ${value}`)
    }
  }
  return Object.freeze(settings)
}
