/**
 * Every reason audio/ refuses a file or fails on it. The controller maps a code to an HTTP status and shows
 * the message to commune staff as it is, so messages are plain English with the limit and the actual value;
 * code matches on `code`, never on message text (STYLE.md).
 */
export const AUDIO_ERROR_CODES = Object.freeze({
  AUDIO_NOT_DECODABLE: 'The file is not audio, cannot be decoded, or has no sound track.',
  AUDIO_EMPTY: 'The file is empty, or decodes to less than 0.1 s of sound.',
  AUDIO_TOO_LONG: 'The sound is longer than the configured limit (maxDurationS).',
  AUDIO_TOO_LARGE: 'The file is bigger than the configured limit (maxBytes); checked before ffmpeg runs.',
  AUDIO_ENCODE_FAILED: 'ffmpeg failed to encode a file it had probed successfully.',
  OGG_MALFORMED: 'An Ogg/Opus file or buffer breaks RFC 3533, RFC 7845 or RFC 6716.',
  FFMPEG_UNAVAILABLE: 'The ffmpeg binary is missing or cannot be made executable (a set-up fault).'
})

export type AudioErrorCode = keyof typeof AUDIO_ERROR_CODES

export class AudioError extends Error {
  constructor (readonly code: AudioErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'AudioError'
  }
}

export function isAudioError (err: unknown, code?: AudioErrorCode): err is AudioError {
  return err instanceof AudioError && (code === undefined || err.code === code)
}

/** 4500.2 -> "01:15:00": hours always shown, because clerks read "75:00" as a time of day. */
export function formatClock (seconds: number): string {
  const total = Math.max(0, Math.round(seconds))
  const h = Math.floor(total / 3600)
  const m = Math.floor((total % 3600) / 60)
  const s = total % 60
  return [h, m, s].map((n) => String(n).padStart(2, '0')).join(':')
}

/** A limit in seconds as people say it: 3600 -> "60 minutes", 90 -> "90 seconds", 1 -> "1 second". */
export function formatLimit (seconds: number): string {
  if (seconds >= 60 && seconds % 60 === 0) {
    const m = seconds / 60
    return m === 1 ? '1 minute' : `${m} minutes`
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`
}

/** Bytes as "12.3 MB" (1 MB = 1,048,576 bytes, as file managers show it). */
export function formatBytes (bytes: number): string {
  const mb = bytes / (1024 * 1024)
  if (mb >= 1) return `${Number(mb.toFixed(1))} MB`
  const kb = bytes / 1024
  if (kb >= 1) return `${Number(kb.toFixed(1))} KB`
  return bytes === 1 ? '1 byte' : `${bytes} bytes`
}
