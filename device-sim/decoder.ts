import type { AudioFrame } from '../protocol/index.js'

export interface DecodedFrame {
  /** Mono samples of the frame, exactly `durationSamples` long (silence where the decoder gave less). */
  pcm: Float32Array
  /** Packets the decoder could not decode. */
  errors: number
}

export interface FrameDecoder {
  decode (frame: AudioFrame): DecodedFrame
  free (): void
}

/**
 * Opus decoder for one session: Opus is stateful across packets, so a session keeps one decoder for all its
 * frames. The WASM module is imported here, on first use, so a node without `decode: true` never loads it
 * (the CLI runs hundreds of nodes).
 */
export async function createFrameDecoder (channels: number): Promise<FrameDecoder> {
  const { OpusDecoder } = await import('opus-decoder')
  // preSkip 0: each frame says how many samples to drop (skipSamples), so the decoder must not drop any.
  const decoder = new OpusDecoder({ preSkip: 0, channels })
  await decoder.ready
  return {
    decode (frame) {
      const out = new Float32Array(frame.durationSamples)
      if (frame.packets.length === 0) return { pcm: out, errors: 0 }
      const decoded = decoder.decodeFrames(frame.packets)
      const mono = toMono(decoded.channelData, decoded.samplesDecoded)
      out.set(mono.subarray(frame.skipSamples, frame.skipSamples + frame.durationSamples))
      return { pcm: out, errors: decoded.errors.length }
    },
    free () {
      decoder.free()
    }
  }
}

/** A speaker horn is one channel: stereo is averaged. */
function toMono (channels: Float32Array[], length: number): Float32Array {
  const [left, right] = channels
  if (left === undefined) return new Float32Array(0)
  if (right === undefined) return left.subarray(0, length)
  const mono = new Float32Array(length)
  for (let i = 0; i < length; i++) mono[i] = ((left[i] ?? 0) + (right[i] ?? 0)) / 2
  return mono
}
