import type { AudioFrame } from '../protocol/index.js'
import { createFrameDecoder, type FrameDecoder } from './decoder.js'
import type { LogFn } from './log.js'
import { PcmTimeline } from './timeline.js'

/**
 * The decoded audio of one session. The decoder loads asynchronously while frames may already be due, so
 * decoding runs on a promise chain that keeps the frames in play order.
 */
export class AudioTrack {
  readonly timeline = new PcmTimeline()
  private readonly decoder: Promise<FrameDecoder | undefined>
  private chain: Promise<void> = Promise.resolve()
  private closed = false

  constructor (channels: number, private readonly log: LogFn) {
    this.decoder = createFrameDecoder(channels).catch((err: unknown) => {
      log('error', 'cannot create the Opus decoder; this session is not decoded', { error: String(err) })
      return undefined
    })
  }

  play (frame: AudioFrame): void {
    if (this.closed) return
    this.chain = this.chain.then(async () => {
      const decoder = await this.decoder
      if (decoder === undefined) return
      try {
        const { pcm, errors } = decoder.decode(frame)
        if (errors > 0) this.log('warn', 'Opus decode errors', { seq: frame.seq, errors })
        this.timeline.write(frame.playAtUs, pcm)
      } catch (err) {
        this.log('warn', 'frame not decodable', { seq: frame.seq, error: String(err) })
      }
    })
  }

  /** Waits for queued frames, then frees the WASM memory; later frames are ignored. */
  async close (): Promise<void> {
    this.closed = true
    await this.chain
    const decoder = await this.decoder
    decoder?.free()
  }
}
