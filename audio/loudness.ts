/**
 * EBU R128 loudness with ffmpeg's loudnorm, in two passes: probe() measures, transcode() applies one linear
 * gain computed from the measurement (linear=true), so speech keeps its dynamics instead of being pumped.
 */

export interface Loudness {
  /** Integrated loudness, LUFS. */
  inputI: number
  /** True peak, dBTP. */
  inputTp: number
  /** Loudness range, LU. */
  inputLra: number
  /** Relative gating threshold, LUFS. */
  inputThresh: number
  /** loudnorm's suggested offset for the second pass, LU. */
  targetOffset: number
  /**
   * false when loudnorm found no loudness: silence, or sound shorter than one 400 ms gating block
   * (it prints input_i "-inf"). Such audio is encoded with no gain.
   */
  measurable: boolean
}

/** BS.1770's absolute gate: anything quieter does not count, so it stands in for ffmpeg's "-inf". */
export const LOUDNESS_FLOOR = -70
/** Headroom for the lossy encoder's overshoot; -1.5 dBTP is loudnorm's own default. */
export const TRUE_PEAK_DBTP = -1.5
/** A wide range target: speech rarely exceeds it, so linear mode is not refused for being too dynamic. */
export const LRA_TARGET = 11

const KEYS = ['input_i', 'input_tp', 'input_lra', 'input_thresh', 'target_offset'] as const

function targets (loudnessLufs: number): string {
  return `I=${loudnessLufs}:TP=${TRUE_PEAK_DBTP}:LRA=${LRA_TARGET}`
}

/** First pass: measure, print the JSON block that FfmpegLogReader collects. */
export function measureFilter (loudnessLufs: number): string {
  return `loudnorm=${targets(loudnessLufs)}:print_format=json`
}

/** ffmpeg prints "inf", "-inf" and "nan", which Number() does not read. */
function readNumber (text: string | undefined): number {
  if (text === undefined) return Number.NaN
  const t = text.trim().toLowerCase()
  if (t === 'inf' || t === '+inf') return Number.POSITIVE_INFINITY
  if (t === '-inf') return Number.NEGATIVE_INFINITY
  return t === '' ? Number.NaN : Number(t)
}

/** The measurement as finite numbers (JSON turns -Infinity into null). Null if the block is incomplete. */
export function loudnessFromLog (json: Record<string, string>): Loudness | null {
  const [i, tp, lra, thresh, offset] = KEYS.map((k) => readNumber(json[k]))
  if ([i, tp, lra, thresh, offset].some((n) => n === undefined || Number.isNaN(n))) return null
  const measurable = Number.isFinite(i)
  const floor = (n = LOUDNESS_FLOOR): number => Number.isFinite(n) ? n : LOUDNESS_FLOOR
  const finite = (n = 0): number => Number.isFinite(n) ? n : 0
  return {
    inputI: floor(i),
    inputTp: floor(tp),
    inputLra: finite(lra),
    inputThresh: floor(thresh),
    targetOffset: measurable ? finite(offset) : 0,
    measurable
  }
}

function clamp (n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, n))
}

/**
 * Second pass, or null when there is nothing to measure from (no gain is applied then).
 *
 * loudnorm (at least up to ffmpeg 7) takes measured_LRA == 0, measured_thresh == -70 and measured_I == 0 to
 * mean "not given" and then silently falls back to dynamic mode. A steady tone really measures LRA 0.00, so
 * such values are nudged by 0.01 to keep the linear mode we asked for (checked with the 2018 build and 5.1).
 * Values are clamped to the ranges loudnorm accepts, or ffmpeg would refuse the filter. loudnorm itself still
 * falls back to dynamic mode when the linear gain would push the true peak above TP: that is its guard
 * against clipping, and we keep it.
 */
export function normaliseFilter (loudnessLufs: number, m: Loudness): string | null {
  if (!m.measurable) return null
  // Rounded first: the nudges must hold for the text ffmpeg reads, not only for the float.
  const r = (n: number): number => Math.round(n * 100) / 100
  const i = r(clamp(m.inputI, -99, 0))
  const lra = r(clamp(m.inputLra, 0, 99))
  const thresh = r(clamp(m.inputThresh, -99, 0))
  const measuredI = i === 0 ? -0.01 : i
  const measuredLra = lra === 0 ? 0.01 : lra
  const measuredThresh = thresh === LOUDNESS_FLOOR ? LOUDNESS_FLOOR + 0.01 : thresh
  const fixed = (n: number): string => n.toFixed(2)
  return `loudnorm=${targets(loudnessLufs)}` +
    `:measured_I=${fixed(measuredI)}:measured_TP=${fixed(clamp(m.inputTp, -99, 99))}` +
    `:measured_LRA=${fixed(measuredLra)}:measured_thresh=${fixed(measuredThresh)}` +
    `:offset=${fixed(clamp(m.targetOffset, -99, 99))}:linear=true`
}
