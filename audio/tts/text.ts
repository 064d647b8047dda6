import { TtsError } from './engine.js'

/** Characters of text counted as people count them: Unicode code points after NFC. */
export function charCount (text: string): number {
  return Array.from(text).length
}

/**
 * The text as it is stored and spoken: NFC, trimmed, with control characters other than tab and line breaks
 * turned into spaces. NFC matters for Vietnamese: a phone keyboard or a copy from a PDF may send "ế" as "e"
 * plus two combining marks (NFD, Unikey's "Unicode tổ hợp"); stored as sent, the same notice would compare
 * and count differently, and espeak-ng reads decomposed tone marks less reliably than precomposed letters.
 *
 * Throws TtsError TTS_TEXT_EMPTY when nothing speakable is left, TTS_TEXT_TOO_LONG past `maxChars`.
 */
export function prepareText (raw: string, maxChars: number): string {
  const text = raw.normalize('NFC').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ' ').trim()
  if (text === '') throw new TtsError('TTS_TEXT_EMPTY', 'The text is empty; type the notice to be read out.')
  // Punctuation alone ("...", "!!!") makes espeak-ng write a fraction of a second of silence.
  if (!/[\p{L}\p{N}]/u.test(text)) {
    throw new TtsError('TTS_TEXT_EMPTY', 'The text has no letters or digits, so there is nothing to read out.')
  }
  const count = charCount(text)
  if (count > maxChars) {
    throw new TtsError('TTS_TEXT_TOO_LONG',
      `The text has ${count.toLocaleString('en')} characters; the limit is ${maxChars.toLocaleString('en')}. Split it into several notices.`,
      { details: { count, max: maxChars } })
  }
  return text
}

/** A media name from the text when none is given: its first words, cut at a word boundary. */
export function nameFromText (text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ')
  if (charCount(oneLine) <= max) return oneLine
  const cut = Array.from(oneLine).slice(0, max - 1).join('')
  const space = cut.lastIndexOf(' ')
  return (space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/u, '') + '…'
}
