import { spawn } from 'node:child_process'
import { access, constants } from 'node:fs/promises'
import path from 'node:path'
import { TtsError, type TtsEngine } from './engine.js'

export interface EspeakOptions {
  /** A path, or a bare name looked up on PATH as the shell would (default "espeak-ng"). */
  binary: string
  /**
   * Words (for Vietnamese: syllables) per minute. espeak-ng's default of 175 runs syllables together once
   * neighbouring poles add their echo; 150 keeps each syllable's tone distinct on a horn.
   */
  speed?: number
  /** espeak-ng reads 29 s of Vietnamese in about 35 ms on this 2-core machine; a minute means it hung. */
  timeoutMs?: number
}

/** How much of espeak-ng's stderr to keep for the error message. */
const STDERR_MAX = 2000

/**
 * The built-in engine: espeak-ng (Debian package `espeak-ng`, voices vi, vi-vn-x-central, vi-vn-x-south).
 * Run with spawn and no shell; the text goes on stdin, so nothing in it, not even a leading "-", can be
 * taken for an option.
 */
export class EspeakEngine implements TtsEngine {
  readonly name = 'espeak-ng'
  private readonly speed: number
  private readonly timeoutMs: number

  constructor (private readonly options: EspeakOptions) {
    this.speed = options.speed ?? 150
    this.timeoutMs = options.timeoutMs ?? 60_000
  }

  /** The binary that would run, or undefined when it is missing; for a warning at start-up. */
  async locate (): Promise<string | undefined> {
    const { binary } = this.options
    const candidates = binary.includes('/')
      ? [binary]
      : (process.env.PATH ?? '').split(path.delimiter).filter(d => d !== '').map(d => path.join(d, binary))
    for (const c of candidates) {
      try {
        await access(c, constants.X_OK)
        return c
      } catch {}
    }
    return undefined
  }

  async synthesize (text: string, voice: string, outFile: string, signal?: AbortSignal): Promise<void> {
    const { binary } = this.options
    // -b 1: the text is UTF-8, whatever the locale of the service manager that started the controller.
    const args = ['-v', voice, '-s', String(this.speed), '-b', '1', '-w', outFile, '--stdin']
    const started = Date.now()
    await new Promise<void>((resolve, reject) => {
      const child = spawn(binary, args, { stdio: ['pipe', 'ignore', 'pipe'], timeout: this.timeoutMs, signal })
      let stderr = ''
      child.stderr.setEncoding('utf8')
      child.stderr.on('data', (s: string) => { if (stderr.length < STDERR_MAX) stderr += s })
      // Without a listener, EPIPE on stdin (the binary is missing, or exited early) would crash the process.
      child.stdin.on('error', () => {})
      child.stdin.end(text, 'utf8')
      child.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'EACCES') reject(missing(binary, err))
        else if (err.name === 'AbortError') reject(new TtsError('TTS_ENGINE_FAILED', 'Text-to-speech was cancelled.', { cause: err }))
        else reject(new TtsError('TTS_ENGINE_FAILED', `espeak-ng could not be started: ${err.message}`, { cause: err }))
      })
      child.on('close', (code, sig) => {
        if (code === 0) { resolve(); return }
        if (sig !== null && Date.now() - started >= this.timeoutMs) {
          reject(new TtsError('TTS_ENGINE_TIMEOUT', `espeak-ng did not finish within ${this.timeoutMs / 1000} s.`))
        } else {
          reject(failure(stderr.trim(), voice, code ?? sig))
        }
      })
    })
  }
}

function missing (binary: string, cause: Error): TtsError {
  return new TtsError('TTS_ENGINE_MISSING',
    `espeak-ng was not found at "${binary}": install the Debian package espeak-ng ` +
    '(apt-get install espeak-ng), or set LOA_ESPEAK_PATH to its path.', { cause })
}

function failure (stderr: string, voice: string, exit: number | string | null): TtsError {
  // espeak-ng exits 1 for every failure, so its message is the only way to tell a voice it lacks from a
  // broken install; a clerk can fix the first, not the second.
  if (/voice does not exist/i.test(stderr)) {
    return new TtsError('TTS_VOICE_UNKNOWN', `espeak-ng has no voice "${voice}"; Vietnamese voices are vi, vi-vn-x-central and vi-vn-x-south.`,
      { details: { voice } })
  }
  return new TtsError('TTS_ENGINE_FAILED', `espeak-ng failed (exit ${exit ?? 'unknown'}): ${stderr || 'no message'}`)
}
