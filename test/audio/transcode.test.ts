import { describe, it, expect, beforeEach, afterEach } from 'vitest'
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isAudioError, parseOggOpus, prepareMedia, probeAudio, transcodeToOpus } from '../../audio/index.js'
import { chirpClip, sineClip, silenceClip, tempDir, testSettings } from '../helpers/audio-fixtures.js'

let dir = ''
let remove: () => Promise<void> = async () => {}
beforeEach(async () => { ({ dir, remove } = await tempDir()) })
afterEach(async () => { await remove() })

describe('transcodeToOpus', () => {
  it('writes mono 48 kHz Ogg Opus of the same length, and nothing else', async () => {
    const wav = await sineClip(join(dir, 'in.wav'), { seconds: 3, dbfs: -12, channels: 2 })
    const out = join(dir, 'out.opus')
    const settings = testSettings()
    const source = await probeAudio(wav, settings)
    const result = await transcodeToOpus(wav, out, settings, source)
    const bytes = await readFile(out)
    expect(result.sizeBytes).toBe(bytes.length)
    expect(Math.abs(result.durationMs - source.durationMs)).toBeLessThanOrEqual(50)
    const parsed = parseOggOpus(bytes)
    expect(parsed.head.channels).toBe(1)
    // ffmpeg's own reading of the result, not ours.
    const check = await probeAudio(out, settings)
    expect(check).toMatchObject({ codec: 'opus', sampleRate: 48000, channels: 1 })
    expect(Math.abs(check.durationMs - 3000)).toBeLessThanOrEqual(50)
    expect((await readdir(dir)).sort()).toEqual(['in.wav', 'out.opus'])
  })

  it('leaves nothing at outPath when ffmpeg fails on a file it probed fine', async () => {
    const wav = await sineClip(join(dir, 'in.wav'), { seconds: 1 })
    const out = join(dir, 'out.opus')
    const settings = testSettings()
    const source = await probeAudio(wav, settings)
    // The upload is swapped for junk between probe and encode.
    await writeFile(wav, 'junk')
    let caught: unknown
    try { await transcodeToOpus(wav, out, settings, source) } catch (err) { caught = err }
    expect(isAudioError(caught, 'AUDIO_ENCODE_FAILED')).toBe(true)
    expect(await readdir(dir)).toEqual(['in.wav'])
  })
})

describe('loudness normalisation to -16 LUFS', () => {
  it.each([
    ['sine', -30], ['sine', -6], ['chirp', -30], ['chirp', -6]
  ] as const)('brings a %s at %i dBFS within 1.5 LU', async (kind, dbfs) => {
    const make = kind === 'sine' ? sineClip : chirpClip
    const wav = await make(join(dir, 'in.wav'), { seconds: 4, dbfs })
    const out = join(dir, 'out.opus')
    const settings = testSettings()
    const prepared = await prepareMedia(wav, out, settings)
    const measured = await probeAudio(out, settings)
    expect(Math.abs(measured.loudness.inputI - -16)).toBeLessThanOrEqual(1.5)
    expect(Math.abs(prepared.loudness.inputI - -16)).toBeGreaterThan(5)
    expect(Math.abs(prepared.durationMs - 4000)).toBeLessThanOrEqual(50)
  })

  it('encodes silence without gain', async () => {
    const wav = await silenceClip(join(dir, 'in.wav'), 2)
    const out = join(dir, 'out.opus')
    const prepared = await prepareMedia(wav, out, testSettings())
    expect(prepared.loudness.measurable).toBe(false)
    expect(prepared.durationMs).toBe(2000)
    expect((await probeAudio(out, testSettings())).loudness.measurable).toBe(false)
  })
})

describe('prepareMedia', () => {
  it('reports the source and the result', async () => {
    const mp3 = await chirpClip(join(dir, 'in.mp3'), { seconds: 2, dbfs: -20, rate: 22050 })
    const prepared = await prepareMedia(mp3, join(dir, 'out.opus'), testSettings({ bitrateKbps: 24 }))
    expect(prepared.source).toMatchObject({ codec: 'mp3', sampleRate: 22050, channels: 1 })
    expect(Math.abs(prepared.source.durationMs - 2000)).toBeLessThanOrEqual(50)
    expect(Math.abs(prepared.durationMs - 2000)).toBeLessThanOrEqual(50)
    // About 24 kbit/s plus Ogg overhead.
    expect(prepared.sizeBytes).toBeGreaterThan(2 * 24_000 / 8 * 0.7)
    expect(prepared.sizeBytes).toBeLessThan(2 * 24_000 / 8 * 1.5)
  })

  it('refuses what probe refuses, writing nothing', async () => {
    const path = join(dir, 'notes.mp3')
    await writeFile(path, 'not audio at all')
    await expect(prepareMedia(path, join(dir, 'out.opus'), testSettings())).rejects.toMatchObject({ code: 'AUDIO_NOT_DECODABLE' })
    expect(await readdir(dir)).toEqual(['notes.mp3'])
  })
})
