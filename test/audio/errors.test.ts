import { describe, it, expect } from 'vitest'
import {
  AUDIO_ERROR_CODES, AudioError, DEFAULT_AUDIO_SETTINGS, formatBytes, formatClock, formatLimit, isAudioError,
  makeAudioSettings
} from '../../audio/index.js'

describe('audio errors', () => {
  it('documents every code in one place', () => {
    for (const [code, meaning] of Object.entries(AUDIO_ERROR_CODES)) {
      expect(code).toMatch(/^[A-Z_]+$/)
      expect(meaning.length).toBeGreaterThan(10)
    }
    expect(Object.isFrozen(AUDIO_ERROR_CODES)).toBe(true)
  })

  it('carries a code and is recognised by it', () => {
    const err = new AudioError('AUDIO_EMPTY', 'The file is empty (0 bytes).')
    expect(err).toBeInstanceOf(Error)
    expect(err.name).toBe('AudioError')
    expect(isAudioError(err, 'AUDIO_EMPTY')).toBe(true)
    expect(isAudioError(err, 'AUDIO_TOO_LONG')).toBe(false)
    expect(isAudioError(new Error('x'))).toBe(false)
  })

  it.each([
    [4500, '01:15:00'], [0, '00:00:00'], [59.6, '00:01:00'], [3601, '01:00:01'], [36000, '10:00:00']
  ])('formats %s s as %s', (seconds, text) => {
    expect(formatClock(seconds)).toBe(text)
  })

  it.each([
    [3600, '60 minutes'], [60, '1 minute'], [90, '90 seconds'], [2, '2 seconds'], [1, '1 second']
  ])('says a limit of %s s as %s', (seconds, text) => {
    expect(formatLimit(seconds)).toBe(text)
  })

  it.each([
    [200 * 1024 * 1024, '200 MB'], [262_458_982, '250.3 MB'], [2048, '2 KB'], [10, '10 bytes'], [1, '1 byte']
  ])('says %s bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text)
  })
})

describe('audio settings', () => {
  it('has the documented, frozen defaults', () => {
    expect(DEFAULT_AUDIO_SETTINGS).toEqual({
      maxDurationS: 3600, maxBytes: 200 * 1024 * 1024, bitrateKbps: 32, loudnessLufs: -16, frameMs: 200
    })
    expect(Object.isFrozen(DEFAULT_AUDIO_SETTINGS)).toBe(true)
  })

  it('merges overrides and freezes the result', () => {
    const s = makeAudioSettings({ ffmpegPath: '/usr/bin/ffmpeg', bitrateKbps: 24 })
    expect(s).toMatchObject({ ffmpegPath: '/usr/bin/ffmpeg', bitrateKbps: 24, frameMs: 200 })
    expect(Object.isFrozen(s)).toBe(true)
  })

  it.each([
    [{ frameMs: 10 }, /frameMs/], [{ frameMs: 1001 }, /frameMs/], [{ bitrateKbps: Number.NaN }, /bitrateKbps/],
    [{ loudnessLufs: 0 }, /loudnessLufs/], [{ maxDurationS: 0 }, /maxDurationS/], [{ ffmpegPath: '' }, /ffmpegPath/]
  ])('refuses %o', (bad, message) => {
    expect(() => makeAudioSettings({ ffmpegPath: 'ffmpeg', ...bad })).toThrow(message)
  })
})
