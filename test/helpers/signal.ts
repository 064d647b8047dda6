import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** Decodes any audio file to 48 kHz mono float samples with ffmpeg, optionally through a filter chain. */
export async function decodeToFloat (ffmpegPath: string, file: string, filter?: string): Promise<Float32Array> {
  const af = filter !== undefined ? ['-af', `${filter},aresample=48000`] : []
  const { stdout } = await run(ffmpegPath, [
    '-nostdin', '-hide_banner', '-i', file, ...af, '-ac', '1', '-ar', '48000', '-f', 'f32le', '-'
  ], { encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 })
  const b = stdout as unknown as Buffer
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength))
}

/**
 * Normalised cross-correlation of `a` against `b`, the best over lags of -maxLag..maxLag samples (a codec may
 * shift audio by a few samples). 1 means the same waveform up to a gain.
 */
export function bestCorrelation (a: Float32Array, b: Float32Array, maxLag: number): { r: number, lag: number } {
  let best = { r: -1, lag: 0 }
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let ab = 0; let aa = 0; let bb = 0
    const from = Math.max(0, -lag)
    const to = Math.min(a.length, b.length - lag)
    for (let i = from; i < to; i++) {
      const x = a[i] ?? 0
      const y = b[i + lag] ?? 0
      ab += x * y; aa += x * x; bb += y * y
    }
    const r = aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0
    if (r > best.r) best = { r, lag }
  }
  return best
}

export function rms (a: Float32Array): number {
  let s = 0
  for (const x of a) s += x * x
  return Math.sqrt(s / Math.max(1, a.length))
}

/** Energy of one frequency in a block of samples (Goertzel), normalised by the block's energy. */
export function tone (x: Float32Array, hz: number): number {
  const k = 2 * Math.cos(2 * Math.PI * hz / 48_000)
  let s1 = 0; let s2 = 0; let e = 0
  for (const v of x) { const s0 = v + k * s1 - s2; s2 = s1; s1 = s0; e += v * v }
  return (s1 * s1 + s2 * s2 - k * s1 * s2) / Math.max(1e-9, e * x.length)
}
