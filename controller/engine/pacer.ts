import { SAMPLE_RATE } from '../../protocol/index.js'

export interface PacedFrame { packets: Uint8Array[], skipSamples: number, durationSamples: number }

/** Play time of each frame, in µs of the controller clock, from the first frame's time and the durations. */
export function playTimesUs (firstPlayAtMs: number, frames: readonly PacedFrame[]): number[] {
  const times: number[] = []
  let samples = 0
  const baseUs = Math.round(firstPlayAtMs * 1000)
  for (const f of frames) {
    // Counting in samples, not summed floats, keeps frame 10,000 as exact as frame 1.
    times.push(baseUs + Math.round(samples * 1_000_000 / SAMPLE_RATE))
    samples += f.durationSamples
  }
  return times
}

/**
 * Real-time pacing: calls `emit(i)` for each frame when the clock reaches its send time (play time minus the
 * lead), catching up at once on frames already due. `emit` is awaited so frames leave in order.
 */
export class Pacer {
  private timer: NodeJS.Timeout | undefined
  private next = 0
  private stopped = false

  constructor (
    private readonly sendAtMs: readonly number[],
    private readonly emit: (index: number) => Promise<void>,
    private readonly onDone: () => void,
    private readonly now: () => number
  ) {}

  /** Frames handed to `emit` so far (the last may still be in flight). */
  get sent (): number {
    return this.next
  }

  start (): void {
    void this.tick()
  }

  stop (): void {
    this.stopped = true
    if (this.timer !== undefined) clearTimeout(this.timer)
  }

  private async tick (): Promise<void> {
    this.timer = undefined
    while (!this.stopped && this.next < this.sendAtMs.length && (this.sendAtMs[this.next] ?? 0) <= this.now()) {
      // Counted before the await: a stop during the publish must not reuse this frame's seq for its END frame.
      const i = this.next++
      await this.emit(i)
    }
    if (this.stopped) return
    if (this.next >= this.sendAtMs.length) { this.onDone(); return }
    const wait = Math.max(0, (this.sendAtMs[this.next] ?? 0) - this.now())
    this.timer = setTimeout(() => { void this.tick() }, wait)
  }
}
