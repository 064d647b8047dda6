import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../controller/app.js'
import { makeConfig, type Config } from '../../controller/config.js'

export interface TestController {
  app: FastifyInstance
  token: string
  dataDir: string
  mqttUrl: string
  /** An authenticated API call through inject(): no socket. */
  api: (method: InjectOptions['method'], url: string, body?: unknown) => Promise<LightMyRequestResponse>
  close: () => Promise<void>
}

/**
 * A real controller for a test: its own temp data folder, the embedded aedes broker on port 0, real ffmpeg,
 * no HTTP listener (the API is driven with inject()).
 */
export async function startController (overrides: Partial<Config> = {}): Promise<TestController> {
  const dataDir = overrides.dataDir ?? await mkdtemp(join(tmpdir(), 'loa-ctl-'))
  const token = randomBytes(24).toString('base64url')
  const config = makeConfig({
    httpHost: '127.0.0.1', mqttHost: '127.0.0.1', httpPort: 0, mqttPort: 0, dataDir, adminToken: token,
    logLevel: 'silent', ffmpegPath: process.env.LOA_FFMPEG_PATH,
    // No quiet hours unless a test asks: CI may run at any hour of the Vietnamese night.
    quietStart: '00:00', quietEnd: '00:00', ...overrides
  })
  const app = await buildApp({ config, logger: process.env.LOA_TEST_LOG === '1' ? { level: 'debug' } : false })
  await app.ready()
  return {
    app,
    token,
    dataDir,
    mqttUrl: `mqtt://127.0.0.1:${app.mqtt.port}`,
    api: async (method, url, body) => await app.inject({
      method, url, headers: { authorization: `Bearer ${token}` }, ...(body !== undefined ? { payload: body as object } : {})
    }),
    close: async () => {
      await app.close()
      if (overrides.dataDir === undefined) await rm(dataDir, { recursive: true, force: true })
    }
  }
}

/** A multipart/form-data body with one file field, as a browser or curl -F would send it. */
export function multipartFile (field: string, filename: string, content: Buffer, type = 'application/octet-stream'): { payload: Buffer, headers: Record<string, string> } {
  const boundary = '----loa' + randomBytes(8).toString('hex')
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: ${type}\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return { payload: Buffer.concat([head, content, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

export async function upload (c: TestController, filename: string, content: Buffer): Promise<LightMyRequestResponse> {
  const { payload, headers } = multipartFile('file', filename, content)
  return await c.app.inject({ method: 'POST', url: '/api/v1/media', payload, headers: { ...headers, authorization: `Bearer ${c.token}` } })
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function waitFor<T> (check: () => T | undefined | Promise<T | undefined>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const v = await check()
    if (v !== undefined) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise(resolve => setTimeout(resolve, 50))
  }
}

export async function sleep (ms: number): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, ms))
}
