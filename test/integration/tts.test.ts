import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { EspeakEngine } from '../../audio/tts/index.js'
import { configFromEnv } from '../../controller/config.js'
import { startController, type TestController } from '../helpers/controller.js'
import { FFMPEG } from '../helpers/audio-fixtures.js'
import { decodeToFloat, rms } from '../helpers/signal.js'

const NOTICE = 'Thông báo: bão số 3 sắp đổ bộ, bà con chú ý an toàn.'

interface Media { id: string, name: string, durationMs: number, codec: string, tts?: { text: string, engine: string, voice: string } }

async function expectNothingStored (c: TestController): Promise<void> {
  expect((await c.api('GET', '/api/v1/media')).json()).toEqual({ items: [] })
  expect(await readdir(join(c.dataDir, 'media'))).toEqual([])
  expect(await readdir(join(c.dataDir, 'tmp'))).toEqual([])
}

/** What a node would play: the stored Opus file decoded by ffmpeg, 48 kHz mono. */
async function decodeStored (c: TestController, id: string): Promise<Float32Array> {
  return await decodeToFloat(FFMPEG, join(c.dataDir, 'media', `${id}.opus`))
}

describe('text-to-speech with espeak-ng', () => {
  let c: TestController
  beforeAll(async () => { c = await startController() })
  afterAll(async () => { await c.close() })

  it('reads a Vietnamese notice into audible speech of a plausible length, stored like an upload', async () => {
    const r = await c.api('POST', '/api/v1/media/tts', { text: NOTICE })
    expect(r.statusCode, r.body).toBe(201)
    const m = r.json<Media>()
    expect(m).toMatchObject({ codec: 'opus', tts: { text: NOTICE, engine: 'espeak-ng', voice: 'vi' } })
    expect(m.name).toBe(NOTICE)
    const samples = await decodeStored(c, m.id)
    const seconds = samples.length / 48_000
    expect(seconds).toBeGreaterThan(2)
    expect(seconds).toBeLessThan(12)
    expect(Math.abs(seconds * 1000 - m.durationMs)).toBeLessThan(100)
    expect(rms(samples)).toBeGreaterThan(0.02)
    // The media library shows where the item came from.
    expect((await c.api('GET', `/api/v1/media/${m.id}`)).json()).toMatchObject({ tts: { text: NOTICE, engine: 'espeak-ng' } })
  })

  it('keeps the diacritics byte for byte, NFC, whatever form the keyboard sent', async () => {
    const r = await c.api('POST', '/api/v1/media/tts', { text: `  ${NOTICE.normalize('NFD')}\n`, voice: 'vi-vn-x-south', name: 'Bão số 3' })
    expect(r.statusCode, r.body).toBe(201)
    const m = r.json<Media>()
    expect(m).toMatchObject({ name: 'Bão số 3', tts: { voice: 'vi-vn-x-south' } })
    const stored = JSON.parse(await readFile(join(c.dataDir, 'loa.json'), 'utf8')) as { media: Media[] }
    const text = stored.media.find(x => x.id === m.id)?.tts?.text ?? ''
    expect(Buffer.from(text, 'utf8').equals(Buffer.from(NOTICE.normalize('NFC'), 'utf8'))).toBe(true)
  })

  it('refuses empty, blank and oversized text with coded 4xx errors, storing nothing', async () => {
    const before = (await c.api('GET', '/api/v1/media')).json<{ items: Media[] }>().items.length
    const cases: Array<[unknown, number, string]> = [
      [{ text: '' }, 400, 'TTS_TEXT_EMPTY'],
      [{ text: '   \n\t ' }, 400, 'TTS_TEXT_EMPTY'],
      [{ text: 'ồ'.repeat(5001) }, 413, 'TTS_TEXT_TOO_LONG'],
      [{ text: 'Xin chào', voice: 'xx-nope' }, 400, 'TTS_VOICE_UNKNOWN'],
      [{ text: 'Xin chào', voice: '-w /tmp/x' }, 400, 'VALIDATION_FAILED'],
      [{}, 400, 'VALIDATION_FAILED']
    ]
    for (const [body, status, code] of cases) {
      const r = await c.api('POST', '/api/v1/media/tts', body)
      expect(r.statusCode, JSON.stringify(body).slice(0, 60)).toBe(status)
      expect(r.json()).toMatchObject({ code })
    }
    const long = (await c.api('POST', '/api/v1/media/tts', { text: 'ồ'.repeat(5001) })).json<{ message: string, messageVi: string }>()
    expect(long.message).toContain('5,000')
    expect(long.messageVi).toContain('5001 ký tự')
    expect((await c.api('GET', '/api/v1/media')).json<{ items: Media[] }>().items).toHaveLength(before)
    expect(await readdir(join(c.dataDir, 'tmp'))).toEqual([])
  })
})

describe('text-to-speech without espeak-ng', () => {
  let c: TestController
  beforeAll(async () => { c = await startController({ espeakPath: '/nonexistent/espeak-ng' }) })
  afterAll(async () => { await c.close() })

  it('answers 503 naming the package to install, stores nothing, and the rest works', async () => {
    const r = await c.api('POST', '/api/v1/media/tts', { text: NOTICE })
    expect(r.statusCode).toBe(503)
    expect(r.json()).toMatchObject({ code: 'TTS_ENGINE_MISSING' })
    expect(r.json<{ message: string, messageVi: string }>().message).toContain('install the Debian package espeak-ng')
    expect(r.json<{ messageVi: string }>().messageVi).toContain('espeak-ng')
    await expectNothingStored(c)
    expect((await c.api('POST', '/api/v1/zones', { name: 'Thôn Đông' })).statusCode).toBe(201)
  })
})

describe('text-to-speech through an HTTP service', () => {
  const KEY = 'vn-tts-key-0123456789'
  let server: Server
  let url = ''
  let answer: 'speech' | 'not-audio' = 'speech'
  let c: TestController
  let dir = ''
  const seen: Array<{ auth?: string, body: unknown }> = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loa-tts-'))
    const espeak = new EspeakEngine({ binary: 'espeak-ng' })
    // Stands in for a Vietnamese TTS service: it checks the key and reads the text with espeak-ng.
    server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (b: Buffer) => chunks.push(b))
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { text: string, voice: string }
        seen.push({ auth: req.headers.authorization, body })
        if (req.headers.authorization !== `Bearer ${KEY}`) { res.writeHead(403).end('forbidden'); return }
        if (answer === 'not-audio') { res.writeHead(200, { 'content-type': 'audio/mpeg' }).end('<html>quota exceeded</html>'); return }
        const out = join(dir, `${seen.length}.wav`)
        espeak.synthesize(body.text, 'vi', out).then(async () => {
          res.writeHead(200, { 'content-type': 'audio/wav' }).end(await readFile(out))
        }, () => res.writeHead(500).end())
      })
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tts`
    c = await startController({ ttsEngine: 'http', ttsHttpUrl: url, ttsHttpKey: KEY, ttsVoice: 'banmai' })
  })
  afterAll(async () => {
    await c.close()
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
    await rm(dir, { recursive: true, force: true })
  })

  it('sends the text and voice with the key, and stores the answer as speech', async () => {
    const r = await c.api('POST', '/api/v1/media/tts', { text: NOTICE })
    expect(r.statusCode, r.body).toBe(201)
    const m = r.json<Media>()
    expect(m.tts).toEqual({ text: NOTICE, engine: 'http', voice: 'banmai' })
    expect(seen.at(-1)).toEqual({ auth: `Bearer ${KEY}`, body: { text: NOTICE, voice: 'banmai' } })
    const samples = await decodeStored(c, m.id)
    expect(samples.length / 48_000).toBeGreaterThan(2)
    expect(rms(samples)).toBeGreaterThan(0.02)
  })

  it('turns a failing service into a coded 502 that never shows the key, and stores nothing new', async () => {
    const before = (await c.api('GET', '/api/v1/media')).json<{ items: Media[] }>().items.length
    answer = 'not-audio'
    const bad = await c.api('POST', '/api/v1/media/tts', { text: 'Xin chào' })
    expect(bad.statusCode).toBe(502)
    expect(bad.json()).toMatchObject({ code: 'TTS_ENGINE_FAILED' })
    answer = 'speech'
    const other = await startController({ ttsEngine: 'http', ttsHttpUrl: url, ttsHttpKey: 'wrong-key-abcdef', ttsVoice: 'banmai' })
    try {
      const r = await other.api('POST', '/api/v1/media/tts', { text: 'Xin chào' })
      expect(r.statusCode).toBe(502)
      expect(r.json()).toMatchObject({ code: 'TTS_ENGINE_FAILED' })
      expect(r.body).toContain('HTTP 403')
      expect(r.body).not.toContain('wrong-key-abcdef')
      await expectNothingStored(other)
    } finally {
      await other.close()
    }
    expect((await c.api('GET', '/api/v1/media')).json<{ items: Media[] }>().items).toHaveLength(before)
    expect(await readdir(join(c.dataDir, 'tmp'))).toEqual([])
  })
})

describe('text-to-speech configuration', () => {
  it('reads LOA_TTS_* and LOA_ESPEAK_PATH, defaulting to espeak-ng with the voice vi', () => {
    expect(configFromEnv({})).toMatchObject({ ttsEngine: 'espeak', espeakPath: 'espeak-ng', ttsVoice: 'vi', ttsMaxChars: 5000, ttsHttpTimeoutMs: 30_000 })
    expect(configFromEnv({
      LOA_TTS_ENGINE: 'http', LOA_TTS_HTTP_URL: 'https://tts.example.vn/v1/speak', LOA_TTS_HTTP_KEY: 'abc123', LOA_TTS_VOICE: 'banmai',
      LOA_TTS_HTTP_TIMEOUT_S: '12', LOA_TTS_MAX_CHARS: '800', LOA_ESPEAK_PATH: '/opt/espeak/bin/espeak-ng'
    })).toMatchObject({ ttsEngine: 'http', ttsHttpUrl: 'https://tts.example.vn/v1/speak', ttsHttpKey: 'abc123', ttsVoice: 'banmai', ttsHttpTimeoutMs: 12_000, ttsMaxChars: 800, espeakPath: '/opt/espeak/bin/espeak-ng' })
  })

  it('refuses an http engine without its URL or voice, naming the variable and never echoing the key', () => {
    expect(() => configFromEnv({ LOA_TTS_ENGINE: 'http', LOA_TTS_VOICE: 'banmai' })).toThrow(/LOA_TTS_HTTP_URL/)
    expect(() => configFromEnv({ LOA_TTS_ENGINE: 'http', LOA_TTS_HTTP_URL: 'https://tts.example.vn/' })).toThrow(/LOA_TTS_VOICE/)
    expect(() => configFromEnv({ LOA_TTS_ENGINE: 'polly' })).toThrow(/LOA_TTS_ENGINE/)
    expect(() => configFromEnv({ LOA_TTS_MAX_CHARS: '0' })).toThrow(/LOA_TTS_MAX_CHARS/)
    let message = ''
    try { configFromEnv({ LOA_TTS_HTTP_KEY: 'secret with spaces' }) } catch (err) { message = (err as Error).message }
    expect(message).toMatch(/LOA_TTS_HTTP_KEY/)
    expect(message).not.toContain('secret')
  })
})
