import { describe, expect, it } from 'vitest'
import { TtsError, charCount, nameFromText, prepareText, type TtsErrorCode } from '../../audio/tts/index.js'

const NOTICE = 'Thông báo: bão số 3 sắp đổ bộ, bà con chú ý an toàn.'

function refusal (raw: string, max = 5000): TtsError {
  try {
    prepareText(raw, max)
  } catch (err) {
    if (err instanceof TtsError) return err
    throw err
  }
  throw new Error('prepareText accepted the text')
}

const code = (raw: string, max?: number): TtsErrorCode => refusal(raw, max).code

describe('prepareText', () => {
  it('keeps a Vietnamese notice byte for byte (it is NFC already)', () => {
    const out = prepareText(NOTICE, 5000)
    expect(Buffer.from(out, 'utf8').equals(Buffer.from(NOTICE.normalize('NFC'), 'utf8'))).toBe(true)
  })

  it('turns decomposed (NFD) tone marks into precomposed letters', () => {
    const nfd = NOTICE.normalize('NFD')
    expect(nfd).not.toBe(NOTICE)
    expect(prepareText(nfd, 5000)).toBe(NOTICE)
  })

  it('trims, and turns control characters (but not line breaks) into spaces', () => {
    expect(prepareText('  \n Xin chào\tbà con\r\nthôn Đông \n', 5000)).toBe('Xin chào\tbà con\r\nthôn Đông')
    expect(prepareText('Loa\u0000 số\u001b 1', 5000)).toBe('Loa  số  1')
  })

  it('refuses empty, blank and unspeakable text', () => {
    expect(code('')).toBe('TTS_TEXT_EMPTY')
    expect(code(' \n\t\u00a0\u3000 ')).toBe('TTS_TEXT_EMPTY')
    expect(code('... !!! ---')).toBe('TTS_TEXT_EMPTY')
    expect(prepareText('3', 5000)).toBe('3')
  })

  it('counts characters after NFC, so decomposed input is not penalised', () => {
    const word = 'Việt'
    expect(charCount(word)).toBe(4)
    expect(charCount(word.normalize('NFD'))).toBe(6)
    expect(prepareText(word.normalize('NFD'), 4)).toBe(word)
  })

  it('refuses text past the limit, naming the count and the limit', () => {
    const err = refusal('a'.repeat(5001), 5000)
    expect(err.code).toBe('TTS_TEXT_TOO_LONG')
    expect(err.message).toContain('5,001')
    expect(err.message).toContain('5,000')
    expect(err.details).toEqual({ count: 5001, max: 5000 })
    expect(prepareText('a'.repeat(5000), 5000)).toHaveLength(5000)
  })
})

describe('nameFromText', () => {
  it('uses a short text as it is, on one line', () => {
    expect(nameFromText('Thông báo\nlịch tiêm chủng')).toBe('Thông báo lịch tiêm chủng')
  })

  it('cuts a long text at a word boundary', () => {
    const text = 'Thông báo về việc tổ chức tiêm chủng mở rộng cho trẻ em dưới năm tuổi tại trạm y tế xã'
    const name = nameFromText(text)
    expect(charCount(name)).toBeLessThanOrEqual(60)
    expect(name.endsWith('…')).toBe(true)
    const head = name.slice(0, -1)
    expect(text.startsWith(head + ' ')).toBe(true)
    expect(charCount(head)).toBeGreaterThan(40)
  })
})
