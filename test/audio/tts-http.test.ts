import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { EspeakEngine, HttpTtsEngine, TtsError, type HttpTtsOptions } from '../../audio/tts/index.js'
import { tempDir } from '../helpers/audio-fixtures.js'

const KEY = 'sk-test-7f3a9c1e5b'
type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void

/** A local stand-in for a Vietnamese TTS service, on port 0; each test sets what it answers. */
let server: Server
let base = ''
let handler: Handler = (_req, _body, res) => { res.end() }
let wav: Buffer = Buffer.alloc(0)
let dir = ''
let remove: () => Promise<void> = async () => {}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const t = await tempDir()
  await new EspeakEngine({ binary: 'espeak-ng' }).synthesize('Xin chào bà con', 'vi', join(t.dir, 'hello.wav'))
  wav = await readFile(join(t.dir, 'hello.wav'))
  await t.remove()
})
afterAll(async () => { server.closeAllConnections(); await new Promise(resolve => server.close(resolve)) })
beforeEach(async () => { ({ dir, remove } = await tempDir()) })
afterEach(async () => { await remove() })

function engine (o: Partial<HttpTtsOptions> = {}): HttpTtsEngine {
  return new HttpTtsEngine({ url: `${base}/v1/tts?tenant=xa-an-binh`, key: KEY, timeoutMs: 5000, maxBytes: 1024 * 1024, ...o })
}

async function failure (e: HttpTtsEngine, signal?: AbortSignal): Promise<TtsError> {
  try {
    await e.synthesize('Xin chào', 'banmai', join(dir, 'out'), signal)
  } catch (err) {
    if (err instanceof TtsError) return err
    throw err
  }
  throw new Error('synthesize succeeded')
}

describe('HttpTtsEngine', () => {
  it('POSTs {text, voice} as JSON with the bearer key, and saves the audio body', async () => {
    let seen: { auth?: string, type?: string, accept?: string, body: unknown } = { body: null }
    handler = (req, body, res) => {
      seen = { auth: req.headers.authorization, type: req.headers['content-type'], accept: req.headers.accept, body: JSON.parse(body) }
      res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav)
    }
    const out = join(dir, 'out')
    await engine().synthesize('Thông báo: bão số 3 sắp đổ bộ', 'banmai', out)
    expect(seen).toEqual({ auth: `Bearer ${KEY}`, type: 'application/json', accept: 'audio/*', body: { text: 'Thông báo: bão số 3 sắp đổ bộ', voice: 'banmai' } })
    expect((await readFile(out)).equals(wav)).toBe(true)
  })

  it('sends no authorization header when no key is configured', async () => {
    let auth: string | undefined = 'unset'
    handler = (req, _body, res) => { auth = req.headers.authorization; res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav) }
    await engine({ key: undefined }).synthesize('Xin chào', 'banmai', join(dir, 'out'))
    expect(auth).toBeUndefined()
  })

  it('reports an error status with the service\'s words, but never the key or the query of the URL', async () => {
    handler = (req, _body, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'invalid key', got: req.headers.authorization }))
    }
    const err = await failure(engine())
    expect(err.code).toBe('TTS_ENGINE_FAILED')
    expect(err.message).toContain('HTTP 401')
    expect(err.message).toContain('invalid key')
    expect(err.message).toContain(`${base}/v1/tts`)
    expect(err.message).not.toContain(KEY)
    expect(err.message).not.toContain('tenant')
  })

  it('refuses an answer that is JSON or text rather than audio, and an empty one', async () => {
    handler = (_req, _body, res) => { res.writeHead(200, { 'content-type': 'application/json' }).end('{"async":"https://cdn.example/a.mp3"}') }
    const json = await failure(engine())
    expect(json.code).toBe('TTS_ENGINE_FAILED')
    expect(json.message).toContain('application/json, not audio')
    handler = (_req, _body, res) => { res.writeHead(200, { 'content-type': 'audio/mpeg' }).end() }
    expect((await failure(engine())).message).toContain('empty body')
  })

  it('stops reading past the size cap, whether or not the length is announced', async () => {
    handler = (_req, _body, res) => { res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': wav.length }).end(wav) }
    expect((await failure(engine({ maxBytes: 1000 }))).message).toMatch(/bytes of audio; the limit is 1000/)
    handler = (_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'audio/wav' })
      res.write(wav)
      res.end(wav)
    }
    expect((await failure(engine({ maxBytes: wav.length + 10 }))).message).toContain(`more than ${wav.length + 10} bytes`)
  })

  it('times out on a service that never answers, and refuses a redirect', async () => {
    handler = () => {}
    const started = Date.now()
    const slow = await failure(engine({ timeoutMs: 300 }))
    expect(slow.code).toBe('TTS_ENGINE_TIMEOUT')
    expect(Date.now() - started).toBeLessThan(3000)
    handler = (_req, _body, res) => { res.writeHead(302, { location: 'http://elsewhere.invalid/' }).end() }
    expect((await failure(engine())).code).toBe('TTS_ENGINE_FAILED')
  })

  it('says when the service cannot be reached', async () => {
    const closed = createServer()
    await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve))
    const port = (closed.address() as AddressInfo).port
    await new Promise(resolve => closed.close(resolve))
    const err = await failure(engine({ url: `http://127.0.0.1:${port}/tts` }))
    expect(err.code).toBe('TTS_ENGINE_FAILED')
    expect(err.message).toMatch(/could not be reached \(.*ECONNREFUSED/)
  })
})
