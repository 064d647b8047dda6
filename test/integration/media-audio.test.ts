import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { join } from 'node:path'
import { readFile } from 'node:fs/promises'
import { startController, upload, type TestController } from '../helpers/controller.js'
import { ffmpeg, tempDir } from '../helpers/audio-fixtures.js'
import { byteRange } from '../../controller/routes/byte-range.js'

/** The panel's preview player fetches the encoded audio; ranges let it show the length and seek. */
describe('downloading a media item\'s audio', () => {
  let c: TestController
  let tmp: { dir: string, remove: () => Promise<void> }
  let id: string
  let size: number
  beforeAll(async () => {
    tmp = await tempDir()
    c = await startController()
    const wav = join(tmp.dir, 'a.wav')
    await ffmpeg(['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t):s=48000:d=2', wav])
    const r = await upload(c, 'a.wav', await readFile(wav))
    id = r.json<{ id: string }>().id
    size = r.json<{ sizeBytes: number }>().sizeBytes
  }, 30_000)
  afterAll(async () => { await c?.close(); await tmp?.remove() })

  it('sends the whole Ogg Opus file, and says ranges are served', async () => {
    const r = await c.api('GET', `/api/v1/media/${id}/audio`)
    expect(r.statusCode).toBe(200)
    expect(r.headers['content-type']).toBe('audio/ogg')
    expect(r.headers['accept-ranges']).toBe('bytes')
    expect(r.rawPayload.length).toBe(size)
    expect(r.rawPayload.subarray(0, 4).toString()).toBe('OggS')
  })

  it('sends the range a player asks for, and 416 for one past the end', async () => {
    const whole = (await c.api('GET', `/api/v1/media/${id}/audio`)).rawPayload
    const first = await c.app.inject({ method: 'GET', url: `/api/v1/media/${id}/audio`, headers: { authorization: `Bearer ${c.token}`, range: 'bytes=0-99' } })
    expect(first.statusCode).toBe(206)
    expect(first.headers['content-range']).toBe(`bytes 0-99/${size}`)
    expect(first.rawPayload.equals(whole.subarray(0, 100))).toBe(true)
    const tail = await c.app.inject({ method: 'GET', url: `/api/v1/media/${id}/audio`, headers: { authorization: `Bearer ${c.token}`, range: 'bytes=-10' } })
    expect(tail.rawPayload.equals(whole.subarray(size - 10))).toBe(true)
    const past = await c.app.inject({ method: 'GET', url: `/api/v1/media/${id}/audio`, headers: { authorization: `Bearer ${c.token}`, range: `bytes=${size}-` } })
    expect(past.statusCode).toBe(416)
    expect(past.headers['content-range']).toBe(`bytes */${size}`)
  })

  it('reads Range headers as RFC 9110 says, and ignores what it does not serve', () => {
    expect(byteRange(undefined, 100)).toBeNull()
    expect(byteRange('bytes=10-', 100)).toEqual({ start: 10, end: 99 })
    expect(byteRange('bytes=10-500', 100)).toEqual({ start: 10, end: 99 })
    expect(byteRange('bytes=-30', 100)).toEqual({ start: 70, end: 99 })
    expect(byteRange('bytes=0-1,5-6', 100)).toBeNull()
    expect(byteRange('items=0-1', 100)).toBeNull()
    expect(byteRange('bytes=50-10', 100)).toBe('unsatisfiable')
    expect(byteRange('bytes=-0', 100)).toBe('unsatisfiable')
  })
})
