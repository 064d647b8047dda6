/**
 * A text-to-speech engine: turns text into a sound file that audio/ then probes, normalises and encodes like
 * any upload. Engines only synthesise; validating the text (text.ts) and storing the result are not theirs.
 */
export interface TtsEngine {
  /** Recorded with the media item (MediaRecord.tts.engine), e.g. "espeak-ng" or "http". */
  readonly name: string
  /**
   * Writes the speech for `text` to `outFile`. espeak-ng writes WAV; an HTTP service may send any format
   * ffmpeg reads, which the probe recognises by content, not by file name. Rejects with a TtsError.
   */
  synthesize: (text: string, voice: string, outFile: string, signal?: AbortSignal) => Promise<void>
}

/**
 * Why a text was refused or an engine failed. The codes are the controller's API error codes of the same
 * name (controller/errors.ts), so the controller maps them without a table; callers match on `code`.
 */
export const TTS_ERROR_CODES = Object.freeze({
  TTS_TEXT_EMPTY: 'The text is empty, blank, or has no letter or digit to read out.',
  TTS_TEXT_TOO_LONG: 'The text is longer than the configured limit (maxChars).',
  TTS_VOICE_UNKNOWN: 'The engine does not have the voice asked for.',
  TTS_ENGINE_MISSING: 'The engine program is not installed (espeak-ng not found or not executable).',
  TTS_ENGINE_FAILED: 'The engine ran but gave no usable audio: an error exit, an HTTP error, a body that is not audio.',
  TTS_ENGINE_TIMEOUT: 'The engine did not finish within its time limit.'
})

export type TtsErrorCode = keyof typeof TTS_ERROR_CODES

export class TtsError extends Error {
  /** The figures in the message (count, max, voice), for a caller that words it in another language. */
  readonly details: Readonly<Record<string, string | number>>
  constructor (readonly code: TtsErrorCode, message: string, options?: { cause?: unknown, details?: Record<string, string | number> }) {
    super(message, options)
    this.name = 'TtsError'
    this.details = Object.freeze({ ...options?.details })
  }
}

export function isTtsError (err: unknown, code?: TtsErrorCode): err is TtsError {
  return err instanceof TtsError && (code === undefined || err.code === code)
}
