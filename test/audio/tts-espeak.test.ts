import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { access, chmod, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { EspeakEngine, TtsError, type TtsErrorCode } from '../../audio/tts/index.js'
import { probeAudio } from '../../audio/index.js'
import { tempDir, testSettings } from '../helpers/audio-fixtures.js'

let dir = ''
let remove: () => Promise<void> = async () => {}
beforeEach(async () => { ({ dir, remove } = await tempDir()) })
afterEach(async () => { await remove() })

const espeak = new EspeakEngine({ binary: 'espeak-ng' })

async function failure (engine: EspeakEngine, text = 'Xin chào', voice = 'vi', signal?: AbortSignal): Promise<TtsError> {
  try {
    await engine.synthesize(text, voice, join(dir, 'out.wav'), signal)
  } catch (err) {
    if (err instanceof TtsError) return err
    throw err
  }
  throw new Error('synthesize succeeded')
}

async function script (name: string, body: string): Promise<string> {
  const file = join(dir, name)
  await writeFile(file, `#!/bin/sh\n${body}\n`)
  await chmod(file, 0o755)
  return file
}

describe('EspeakEngine', () => {
  it('reads Vietnamese into a WAV that ffmpeg probes as seconds of speech', async () => {
    const out = join(dir, 'out.wav')
    await espeak.synthesize('Thông báo: bão số 3 sắp đổ bộ, bà con chú ý an toàn.', 'vi', out)
    const p = await probeAudio(out, testSettings())
    expect(p.codec).toBe('pcm_s16le')
    expect(p.durationMs).toBeGreaterThan(2000)
    expect(p.durationMs).toBeLessThan(12_000)
    expect(p.loudness.inputI).toBeGreaterThan(-40)
  })

  it('takes text starting with "-" as words, never as options', async () => {
    const out = join(dir, 'out.wav')
    const evil = join(dir, 'evil.wav')
    await espeak.synthesize(`-w ${evil} --version`, 'vi', out)
    await expect(access(evil)).rejects.toThrow()
    expect((await probeAudio(out, testSettings())).durationMs).toBeGreaterThan(500)
  })

  it('finds espeak-ng on PATH, and says when a path holds nothing', async () => {
    expect(await espeak.locate()).toMatch(/espeak-ng$/)
    expect(await new EspeakEngine({ binary: join(dir, 'espeak-ng') }).locate()).toBeUndefined()
    expect(await new EspeakEngine({ binary: 'no-such-espeak-ng' }).locate()).toBeUndefined()
  })

  it('names the Debian package when the binary is missing or not executable', async () => {
    const missing = await failure(new EspeakEngine({ binary: join(dir, 'espeak-ng') }))
    expect(missing.code).toBe('TTS_ENGINE_MISSING')
    expect(missing.message).toContain('install the Debian package espeak-ng')
    const file = join(dir, 'not-executable')
    await writeFile(file, '')
    expect((await failure(new EspeakEngine({ binary: file }))).code).toBe('TTS_ENGINE_MISSING')
  })

  it('tells an unknown voice from a broken engine', async () => {
    const unknown = await failure(espeak, 'Xin chào', 'xx-nope')
    expect(unknown.code).toBe('TTS_VOICE_UNKNOWN')
    expect(unknown.details).toEqual({ voice: 'xx-nope' })
    const broken = await failure(new EspeakEngine({ binary: await script('broken', 'echo "phoneme data missing" >&2; exit 3') }))
    expect(broken.code).toBe('TTS_ENGINE_FAILED')
    expect(broken.message).toContain('exit 3')
    expect(broken.message).toContain('phoneme data missing')
  })

  it('gives up on a hung engine after its time limit, and honours a cancel', async () => {
    const hung = new EspeakEngine({ binary: await script('hung', 'exec sleep 30'), timeoutMs: 300 })
    const started = Date.now()
    const codes: TtsErrorCode[] = [(await failure(hung)).code]
    expect(Date.now() - started).toBeLessThan(5000)
    codes.push((await failure(espeak, 'Xin chào', 'vi', AbortSignal.abort())).code)
    expect(codes).toEqual(['TTS_ENGINE_TIMEOUT', 'TTS_ENGINE_FAILED'])
  })
})
