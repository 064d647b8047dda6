import { randomUUID } from 'node:crypto'
import type { FrameInput } from '../../../protocol/index.js'
import { packetSamples, type OpusClip } from './ogg-opus.js'

/**
 * Cuts a clip into Loa frames the way the controller is meant to: several packets per frame, pre-skip in
 * the first frame, end trimming in the last, each frame stamped at the time its first kept sample is due.
 */
export function clipFrames (clip: OpusClip, opts: { session?: string, startUs: number, packetsPerFrame?: number }): FrameInput[] {
  const session = opts.session ?? randomUUID()
  const per = opts.packetsPerFrame ?? 5
  const frames: FrameInput[] = []
  let keptSoFar = 0
  for (let i = 0; i < clip.packets.length; i += per) {
    const packets = clip.packets.slice(i, i + per)
    const total = packets.reduce((n, p) => n + packetSamples(p), 0)
    const skipSamples = i === 0 ? clip.preSkip : 0
    const durationSamples = Math.max(0, Math.min(total - skipSamples, clip.keptSamples - keptSoFar))
    frames.push({
      session,
      seq: frames.length,
      end: i + per >= clip.packets.length,
      channels: clip.channels,
      skipSamples,
      playAtUs: opts.startUs + Math.round(keptSoFar * 1_000_000 / 48_000),
      durationSamples,
      packets
    })
    keptSoFar += durationSamples
  }
  return frames
}
