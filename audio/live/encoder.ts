import { spawn } from 'node:child_process'
import { isAudioError } from '../errors.js'
import type { OpusHead, OpusPacket } from '../opus-stream.js'
import { liveEncoderCommand, type LiveEncoderSettings } from './encoder-args.js'
import { OggOpusReader } from './ogg-opus-reader.js'
import { StderrTail } from './stderr-tail.js'

export interface LiveEncoderOptions extends LiveEncoderSettings {
  /** The stream's OpusHead, before its first packet (pre-skip: 312 samples with libopus). */
  onHead?: (head: OpusHead) => void
  /** Each 20 ms Opus packet, as soon as ffmpeg writes it. */
  onPacket: (packet: OpusPacket) => void
}

export interface LiveEncoderExit {
  /**
   * ffmpeg's exit status; null when it was killed or could not be started. A URL stream that ended, broke
   * off or went quiet past stallTimeoutMs all give 0: ffmpeg takes each as the end of its input.
   */
  code: number | null
  signal: string | null
  /** Why it ended, for a log: our reason if we stopped it (malformed output), then ffmpeg's last stderr lines. */
  detail: string
}

export interface LiveEncoder {
  /** undefined if ffmpeg could not be started (`exited` then says why). */
  readonly pid: number | undefined
  /**
   * Queues bytes for ffmpeg's stdin (pipe input); never throws. False after kill() or ffmpeg's exit (the bytes
   * are dropped: a URL input, which has no stdin, always gives false), and, as Node's write() does, when the
   * bytes are queued beyond the pipe's buffer: ffmpeg encodes far faster than real time, so a live source
   * seeing that is sending faster than real time. The chunk must not be changed after it is written.
   */
  write (chunk: Uint8Array): boolean
  /** No more input: ffmpeg encodes what it has and exits. Nothing to do for a URL input. */
  end (): void
  /** Stops ffmpeg at once (SIGKILL). Safe to call any number of times, also after it exited. */
  kill (): void
  /** Settles once ffmpeg has exited and its pipes are closed; it never rejects. */
  readonly exited: Promise<LiveEncoderExit>
}

const TAIL_LINES = 20

/**
 * Runs ffmpeg on audio that arrives over time and hands out Opus packets as they come (flags and their
 * reasons: audio/live/encoder-args.ts). Spawned directly: fluent-ffmpeg cannot take a stdin we keep writing.
 *
 * Latency, measured from writing the 20 ms s16le chunk that holds a click to the packet holding the click
 * coming out, chunks written in real time: 39-42 ms with the bundled ffmpeg 4.1 and with Debian's 5.1. The
 * first packet came 40 ms (4.1) and 53-57 ms (5.1) after the first write. The 40 ms are one frame (the encoder
 * waits for all 960 samples) and one page (the Ogg muxer writes a page only when the next one begins).
 *
 * Settings are checked before spawning (RangeError, or AudioError for a refused URL). Afterwards nothing
 * throws: every failure ends in `exited`. If ffmpeg's output is not valid Ogg Opus, or a callback throws,
 * ffmpeg is killed and `detail` says so. When `exited` settles, ffmpeg has been reaped and its pipes are
 * closed (Node drops their handles on its next turn); no timer is used, and no signal is ever sent after the
 * exit, when the pid may already belong to another process.
 */
export function startLiveEncoder (opts: LiveEncoderOptions): LiveEncoder {
  const command = liveEncoderCommand(opts)
  const child = spawn(opts.ffmpegPath, command.args, { stdio: [command.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'] })
  const tail = new StderrTail(TAIL_LINES)
  const reader = new OggOpusReader({ onHead: (head) => opts.onHead?.(head), onPacket: (packet) => opts.onPacket(packet) })
  let running = true
  let killed = false
  let reason: string | undefined
  let spawnError: Error | undefined

  const kill = (): void => {
    if (!running || killed) return
    killed = true
    child.kill('SIGKILL')
  }
  const stop = (why: string): void => {
    reason ??= why
    kill()
  }

  // Writing to a pipe whose reader has exited fails with EPIPE, reported here; `exited` tells the story.
  child.stdin?.on('error', () => {})
  child.stderr?.on('data', (chunk: Buffer) => { tail.push(chunk) })
  child.stdout?.on('data', (chunk: Buffer) => {
    if (reason !== undefined) return
    try {
      reader.push(chunk)
    } catch (err) {
      stop(isAudioError(err, 'OGG_MALFORMED')
        ? `ffmpeg wrote malformed Ogg Opus: ${err.message}`
        : `a live encoder callback threw: ${err instanceof Error ? err.message : String(err)}`)
    }
  })
  // Nobody reads stdin any more. 'close' waits for stdout and stderr only, so a stdin the caller never ended
  // would stay open after it.
  child.on('exit', () => {
    running = false
    child.stdin?.destroy()
  })
  // Only a failure to start, or to signal; 'close' follows either way.
  child.on('error', (err) => { spawnError ??= err })

  const exited = new Promise<LiveEncoderExit>((resolve) => {
    child.on('close', (code, signal) => {
      running = false
      if (reason === undefined && !killed) {
        try {
          reader.end()
        } catch (err) {
          reason = `ffmpeg's output stopped short: ${err instanceof Error ? err.message : String(err)}`
        }
      }
      const started = child.pid !== undefined
      const why = started ? reason : `could not start ffmpeg: ${spawnError?.message ?? 'unknown error'}`
      resolve({
        code: started ? code : null,
        signal,
        detail: [why, tail.text()].filter((s) => s !== undefined && s !== '').join('\n')
      })
    })
  })

  return {
    pid: child.pid,
    write (chunk) {
      const stdin = child.stdin
      if (!running || killed || child.pid === undefined || stdin === null || stdin.writableEnded || stdin.destroyed) return false
      return stdin.write(chunk)
    },
    end () {
      if (running && child.stdin !== null && !child.stdin.writableEnded) child.stdin.end()
    },
    kill,
    exited
  }
}
