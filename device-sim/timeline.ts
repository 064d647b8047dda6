import { SAMPLE_RATE } from '../protocol/index.js'

/**
 * What one node played in one session, as 48 kHz mono PCM on the session's own time line: each frame sits at
 * its playAt relative to the first frame played, so a missing or late frame is silence of the right length
 * and the recording can be compared sample by sample with the source.
 */
export class PcmTimeline {
  private buf = new Float32Array(0)
  private length = 0
  private originUs: number | null = null

  write (playAtUs: number, pcm: Float32Array): void {
    this.originUs ??= playAtUs
    const offset = Math.round((playAtUs - this.originUs) * SAMPLE_RATE / 1_000_000)
    // Frames play in playAt order, so nothing lands before the origin; guard anyway rather than throw.
    const from = Math.max(0, -offset)
    if (from >= pcm.length) return
    const at = offset + from
    this.ensure(at + pcm.length - from)
    this.buf.set(pcm.subarray(from), at)
    this.length = Math.max(this.length, at + pcm.length - from)
  }

  samples (): Float32Array {
    return this.buf.slice(0, this.length)
  }

  private ensure (size: number): void {
    if (size <= this.buf.length) return
    // Doubling keeps appends amortised O(1) for long broadcasts.
    const next = new Float32Array(Math.max(size, this.buf.length * 2, SAMPLE_RATE))
    next.set(this.buf.subarray(0, this.length))
    this.buf = next
  }
}
