import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { cutFrames, parseOggOpus, type ParsedOpus } from '../../../audio/index.js'
import { playTimesUs } from '../../../controller/engine/pacer.js'
import type { FrameInput } from '../../../protocol/index.js'
import { sineClip } from '../../helpers/audio-fixtures.js'

/**
 * A 440 Hz tone encoded by real ffmpeg to Ogg Opus (48 kHz, 20 ms packets, as the controller's own encoder
 * writes) and parsed by audio/, so node tests get real Opus packets without a controller in the loop.
 */
export async function opusClip (path: string, o: { seconds: number, channels?: 1 | 2 }): Promise<ParsedOpus> {
  await sineClip(path, {
    seconds: o.seconds, channels: o.channels, rate: 48_000,
    encode: ['-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20']
  })
  return parseOggOpus(await readFile(path))
}

/**
 * Cuts a clip into Loa frames with audio/'s cutFrames and stamps them as the controller's engine does (its
 * playTimesUs): seq from 0, END on the last, each frame due when its first kept sample is. Default 100 ms
 * frames, so a 2 s clip gives a test a score of frames to drop, delay or reorder.
 */
export function clipFrames (clip: ParsedOpus, opts: { session?: string, startUs: number, frameMs?: number }): FrameInput[] {
  const session = opts.session ?? randomUUID()
  const frames = cutFrames(clip, opts.frameMs ?? 100)
  const times = playTimesUs(opts.startUs / 1000, frames)
  return frames.map((f, seq) => ({
    session,
    seq,
    end: seq === frames.length - 1,
    channels: clip.head.channels,
    skipSamples: f.skipSamples,
    playAtUs: times[seq] ?? 0,
    durationSamples: f.durationSamples,
    packets: f.packets
  }))
}
