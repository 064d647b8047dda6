import type { ParsedOpus } from './opus-stream.js'

/** What one MQTT audio frame carries (protocol/frame.ts), before it is stamped with a session, seq and time. */
export interface MediaFrame {
  packets: Uint8Array[]
  /** Decoded samples to drop at the start of this frame (the Opus pre-skip, at the start of the stream). */
  skipSamples: number
  /** Samples kept after skipSamples; the frames' durations add up to the stream's playable length. */
  durationSamples: number
}

export const MIN_FRAME_MS = 20
export const MAX_FRAME_MS = 1000
const SAMPLES_PER_MS = 48

/**
 * Groups consecutive Opus packets into frames of at least frameMs (a frame closes once it reaches frameMs; a
 * packet is never split). Frames err on the long side because the broker's cost is messages per second
 * (DESIGN.md), so asking for 200 ms must never give more than 5 messages a second.
 *
 * The pre-skip is dropped from the first frame(s) and the end trim (final granule) from the last one, so the
 * sum of durationSamples equals stream.totalSamples exactly. Frames left with nothing to play after the end
 * trim are not emitted; frames that are all pre-skip are.
 */
export function cutFrames (stream: ParsedOpus, frameMs: number): MediaFrame[] {
  if (!Number.isFinite(frameMs) || frameMs < MIN_FRAME_MS || frameMs > MAX_FRAME_MS) {
    throw new RangeError(`frameMs must be between ${MIN_FRAME_MS} and ${MAX_FRAME_MS}, got ${frameMs}`)
  }
  const decoded = stream.packets.reduce((n, p) => n + p.samples, 0)
  const { totalSamples } = stream
  if (!Number.isInteger(totalSamples) || totalSamples < 0 || totalSamples > Math.max(0, decoded - stream.head.preSkip)) {
    throw new RangeError(`totalSamples ${totalSamples} does not fit ${decoded} decoded samples less the pre-skip`)
  }
  const target = frameMs * SAMPLES_PER_MS
  const frames: MediaFrame[] = []
  let skipLeft = stream.head.preSkip
  let kept = 0
  let packets: Uint8Array[] = []
  let samples = 0
  const close = (): void => {
    const skip = Math.min(skipLeft, samples)
    skipLeft -= skip
    const duration = Math.min(samples - skip, totalSamples - kept)
    // A frame that is all pre-skip is still sent: the decoder needs those packets to converge (RFC 7845 s4.2).
    if (duration > 0 || skip > 0) frames.push({ packets, skipSamples: skip, durationSamples: duration })
    kept += duration
    packets = []
    samples = 0
  }
  for (const packet of stream.packets) {
    if (kept >= totalSamples) break
    packets.push(packet.data)
    samples += packet.samples
    if (samples >= target) close()
  }
  if (packets.length > 0) close()
  return frames
}
