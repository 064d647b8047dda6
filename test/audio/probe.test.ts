import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AudioError, probeAudio, type AudioErrorCode } from '../../audio/index.js'
import { ffmpeg, silenceClip, sineClip, tempDir, testSettings } from '../helpers/audio-fixtures.js'

let dir = ''
let remove: () => Promise<void> = async () => {}
beforeEach(async () => { ({ dir, remove } = await tempDir()) })
afterEach(async () => { await remove() })

async function refusal (path: string, overrides = {}): Promise<AudioError> {
  try {
    await probeAudio(path, testSettings(overrides))
  } catch (err) {
    if (err instanceof AudioError) return err
    throw err
  }
  throw new Error('probeAudio accepted the file')
}

async function expectRefused (path: string, code: AudioErrorCode, overrides = {}): Promise<string> {
  const err = await refusal(path, overrides)
  expect(err.code).toBe(code)
  return err.message
}

describe('probeAudio', () => {
  it('reads a stereo WAV: codec, rate, channels, length, loudness', async () => {
    const wav = await sineClip(join(dir, 'a.wav'), { seconds: 3, dbfs: -6, channels: 2 })
    const p = await probeAudio(wav, testSettings())
    expect(p).toMatchObject({ codec: 'pcm_s16le', sampleRate: 44100, channels: 2 })
    expect(p.durationMs).toBeGreaterThanOrEqual(2990)
    expect(p.durationMs).toBeLessThanOrEqual(3010)
    expect(p.loudness.measurable).toBe(true)
    expect(p.loudness.inputI).toBeGreaterThan(-12)
    expect(p.loudness.inputI).toBeLessThan(-3)
  })

  it('reads an MP3', async () => {
    const mp3 = await sineClip(join(dir, 'a.mp3'), { seconds: 2, dbfs: -20, rate: 22050 })
    const p = await probeAudio(mp3, testSettings())
    expect(p).toMatchObject({ codec: 'mp3', sampleRate: 22050, channels: 1 })
    expect(Math.abs(p.durationMs - 2000)).toBeLessThanOrEqual(50)
  })

  it('treats silence as valid audio, with finite numbers and no gain', async () => {
    const p = await probeAudio(await silenceClip(join(dir, 's.wav'), 2), testSettings())
    expect(p.durationMs).toBe(2000)
    expect(p.loudness).toEqual({ inputI: -70, inputTp: -70, inputLra: 0, inputThresh: -70, targetOffset: 0, measurable: false })
  })

  it('refuses text named .mp3 as not decodable', async () => {
    const path = join(dir, 'notes.mp3')
    await writeFile(path, 'Thông báo: họp thôn lúc 7 giờ tối.\n'.repeat(20))
    expect(await expectRefused(path, 'AUDIO_NOT_DECODABLE')).toMatch(/not a sound file/)
  })

  it('refuses a picture: no sound track', async () => {
    const png = join(dir, 'photo.png')
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=1', '-frames:v', '1', png])
    // An image container is not on the input whitelist, so it is refused before any stream is read.
    expect(await expectRefused(png, 'AUDIO_NOT_DECODABLE')).toMatch(/not a sound file/)
  })

  it('refuses a video without sound', async () => {
    const mkv = join(dir, 'clip.mkv')
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x64:rate=5', '-t', '1', '-c:v', 'mjpeg', mkv])
    expect(await expectRefused(mkv, 'AUDIO_NOT_DECODABLE')).toMatch(/no sound track/)
  })

  it('refuses a 0-byte file as empty', async () => {
    const path = join(dir, 'empty.mp3')
    await writeFile(path, '')
    expect(await expectRefused(path, 'AUDIO_EMPTY')).toBe('The file is empty (0 bytes).')
  })

  it('refuses a WAV with no samples as empty', async () => {
    const wav = join(dir, 'nothing.wav')
    await ffmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=8000:cl=mono', '-frames:a', '0', wav])
    expect(await expectRefused(wav, 'AUDIO_EMPTY')).toMatch(/0\.00 s of sound/)
  })

  it('refuses a clip shorter than 0.1 s as empty', async () => {
    const wav = await sineClip(join(dir, 'blip.wav'), { seconds: 0.05 })
    expect(await expectRefused(wav, 'AUDIO_EMPTY')).toMatch(/0\.05 s of sound; at least 0\.1 s/)
  })

  it('refuses a file over maxBytes before running ffmpeg', async () => {
    const path = join(dir, 'big.mp3')
    await writeFile(path, 'not even audio, but size is checked first')
    expect(await expectRefused(path, 'AUDIO_TOO_LARGE', { maxBytes: 10 })).toBe('The file is 41 bytes; the limit is 10 bytes.')
  })

  it('refuses a 3 s clip when the limit is 2 s, with both values in the message', async () => {
    const wav = await sineClip(join(dir, 'a.wav'), { seconds: 3 })
    expect(await expectRefused(wav, 'AUDIO_TOO_LONG', { maxDurationS: 2 }))
      .toBe('The file is 00:00:03 long; the limit is 2 seconds.')
  })

  it('refuses from the header, before decoding, when the container states the length', async () => {
    const wav = await sineClip(join(dir, 'long.wav'), { seconds: 30, rate: 8000 })
    // Decoding is bounded at 2 s, so "00:00:30" can only have come from the header.
    expect(await expectRefused(wav, 'AUDIO_TOO_LONG', { maxDurationS: 1 }))
      .toBe('The file is 00:00:30 long; the limit is 1 second.')
  })

  it('bounds decoding when the length is only a guess (MP3 without a Xing header)', async () => {
    const mp3 = await sineClip(join(dir, 'raw.mp3'), { seconds: 30, rate: 8000, encode: ['-write_xing', '0'] })
    expect(await expectRefused(mp3, 'AUDIO_TOO_LONG', { maxDurationS: 1 }))
      .toMatch(/^The file is longer than 00:00:0[12]; the limit is 1 second\.$/)
  })
})
