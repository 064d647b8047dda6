import type { FastifyBaseLogger } from 'fastify'
import { AudioError, OggOpusReader, startLiveEncoder, type LiveEncoder } from '../../audio/index.js'
import type { LiveFeed } from '../engine/live-feed.js'

/**
 * What a live client may send. `opus` (Ogg Opus) is used as it is, without re-encoding: the lowest delay and
 * no ffmpeg; the others go through ffmpeg: `webm` is a browser's MediaRecorder (Opus in WebM), `pcm` raw
 * 16-bit little-endian mono at 48 kHz (an AudioWorklet, or `ffmpeg -f s16le`), `auto` anything ffmpeg
 * recognises (mp3, Ogg Vorbis...).
 */
export const LIVE_FORMATS = ['opus', 'webm', 'pcm', 'auto'] as const
export type LiveFormat = typeof LIVE_FORMATS[number]

export interface VoiceInputOptions {
  format: LiveFormat
  ffmpegPath: string
  bitrateKbps: number
  log: FastifyBaseLogger
  now?: () => number
  /** A client that sends nothing this long has gone: the broadcast ends (default 30 s). */
  idleMs?: number
}

/**
 * Input faster than speech is refused: ffmpeg's stdin would buffer it in memory, and the feed would drop it
 * anyway. 200 kB/s is twice raw PCM (96 kB/s), far above any Opus or WebM; the burst covers a WebM header.
 */
const MAX_BYTES_PER_S = 200_000
const BURST_BYTES = 256 * 1024
const DEFAULT_IDLE_MS = 30_000

const ENDED_BY_SPEAKER = 'the speaker ended the live broadcast'

/**
 * Bytes from a live client in, Opus packets into the feed. The client finishing ends the feed (after what is
 * buffered has played); audio that cannot be read ends it as failed; the feed ending (staff stopped it, its
 * limit, nobody left to hear it) kills the encoder. Nothing outlives the feed.
 */
export class VoiceInput {
  private encoder: LiveEncoder | undefined
  private reader: OggOpusReader | undefined
  private finishing = false
  private closed = false
  bytesIn = 0
  private readonly startedAt: number
  private lastInputAt: number
  private readonly idleTimer: NodeJS.Timeout
  private readonly now: () => number
  /** Settles once the encoder (if any) has exited after the feed ended. */
  readonly done: Promise<void>

  constructor (private readonly feed: LiveFeed, private readonly opts: VoiceInputOptions) {
    this.now = opts.now ?? Date.now
    this.startedAt = this.lastInputAt = this.now()
    const idleMs = opts.idleMs ?? DEFAULT_IDLE_MS
    this.idleTimer = setInterval(() => {
      if (this.now() - this.lastInputAt < idleMs) return
      opts.log.warn({ idleMs }, 'live: no audio from the client; ending')
      this.feed.end(`no audio came from the speaker for ${Math.round(idleMs / 1000)} s`)
      this.finishing = true
      this.encoder?.end()
    }, Math.min(1000, idleMs))
    this.idleTimer.unref()
    feed.onEnd(() => this.close())
    if (opts.format === 'opus') { this.reader = new OggOpusReader(); this.done = Promise.resolve(); return }
    const encoder = startLiveEncoder({
      ffmpegPath: opts.ffmpegPath,
      input: { kind: 'pipe', format: opts.format },
      bitrateKbps: opts.bitrateKbps,
      onPacket: p => feed.push(p)
    })
    this.encoder = encoder
    this.done = encoder.exited.then(() => undefined)
    void encoder.exited.then(outcome => {
      if (this.closed) return
      if (this.finishing && outcome.code === 0) { feed.end(ENDED_BY_SPEAKER); return }
      opts.log.warn({ code: outcome.code, signal: outcome.signal, detail: outcome.detail }, 'live: the encoder stopped')
      feed.end(this.finishing ? ENDED_BY_SPEAKER : 'the live audio could not be read (the encoder stopped)', !this.finishing)
    })
  }

  get ended (): boolean { return this.closed || this.finishing }

  write (chunk: Uint8Array): void {
    if (this.closed || this.finishing) return
    this.bytesIn += chunk.length
    this.lastInputAt = this.now()
    if (this.bytesIn > BURST_BYTES + (this.lastInputAt - this.startedAt) * MAX_BYTES_PER_S / 1000) {
      this.fail('audio came faster than it can be spoken (send it in real time, e.g. ffmpeg -re)')
      return
    }
    if (this.encoder !== undefined) { this.encoder.write(chunk); return }
    try {
      for (const p of this.reader?.push(chunk) ?? []) {
        if (this.reader?.head !== undefined && this.reader.head.channels !== this.feed.channels) {
          this.fail(`the stream has ${this.reader.head.channels} channels; ${this.feed.channels} was announced`)
          return
        }
        this.feed.push(p)
      }
    } catch (err) {
      this.fail(err instanceof AudioError ? err.message : 'the live audio is not Ogg Opus')
    }
  }

  /** The client is done: what is buffered plays out, then the feed ends. */
  finish (): void {
    if (this.closed || this.finishing) return
    this.finishing = true
    if (this.encoder !== undefined) { this.encoder.end(); return }
    try { this.reader?.end() } catch { /* a cut last page loses only its own few ms */ }
    this.feed.end(ENDED_BY_SPEAKER)
  }

  private fail (why: string): void {
    this.opts.log.warn({ why }, 'live: bad audio from the client')
    this.feed.end(`the live audio could not be read: ${why}`, true)
    this.close()
  }

  private close (): void {
    clearInterval(this.idleTimer)
    if (this.closed) return
    this.closed = true
    this.encoder?.kill()
  }
}
