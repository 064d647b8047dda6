import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { SimNode, silentLog } from '../../device-sim/index.js'
import { startController, upload, multipartFile, waitFor, type TestController } from '../helpers/controller.js'
import { ffmpeg, sineClip, tempDir } from '../helpers/audio-fixtures.js'

/** Uploads a clerk might get wrong: each is refused with a clear 4xx, and nothing is stored. */
describe('media upload refusals', () => {
  let c: TestController
  let tmp: { dir: string, remove: () => Promise<void> }

  beforeAll(async () => {
    tmp = await tempDir()
    // A small upload limit so "oversized" needs only a small file; a short duration limit likewise.
    c = await startController({ maxUploadBytes: 200 * 1024, maxDurationS: 5 })
  })
  afterAll(async () => { await c.close(); await tmp.remove() })

  async function expectNothingStored (): Promise<void> {
    expect((await c.api('GET', '/api/v1/media')).json()).toEqual({ items: [] })
    expect(await readdir(join(c.dataDir, 'media'))).toEqual([])
    expect(await readdir(join(c.dataDir, 'tmp'))).toEqual([])
    expect(JSON.parse(await readFile(join(c.dataDir, 'loa.json'), 'utf8')).media).toEqual([])
  }

  it('refuses a file that is not audio', async () => {
    const r = await upload(c, 'thong-bao.mp3', Buffer.from('Kính gửi bà con: đây là một văn bản, không phải âm thanh.\n'.repeat(50)))
    expect(r.statusCode).toBe(415)
    expect(r.json()).toMatchObject({ code: 'AUDIO_NOT_DECODABLE' })
    await expectNothingStored()
  })

  it('refuses an image', async () => {
    const png = join(tmp.dir, 'anh.png')
    await ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=64x64:duration=1', '-frames:v', '1', png])
    const r = await upload(c, 'anh.png', await readFile(png))
    expect(r.statusCode).toBe(415)
    expect(r.json()).toMatchObject({ code: 'AUDIO_NOT_DECODABLE' })
    await expectNothingStored()
  })

  it('refuses playlists that would make ffmpeg read other files on the controller', async () => {
    const secret = join(tmp.dir, 'secret.wav')
    await sineClip(secret, { seconds: 2 })
    const hls = `#EXTM3U\n#EXT-X-TARGETDURATION:10\n#EXTINF:2,\nfile://${secret}\n#EXT-X-ENDLIST\n`
    const concat = `ffconcat version 1.0\nfile '${secret}'\n`
    for (const [name, body] of [['ban-tin.mp3', hls], ['ban-tin.wav', concat]] as const) {
      const r = await upload(c, name, Buffer.from(body))
      expect(r.statusCode, name).toBe(415)
      expect(r.json()).toMatchObject({ code: 'AUDIO_NOT_DECODABLE' })
    }
    await expectNothingStored()
  })

  it('refuses an empty file', async () => {
    const r = await upload(c, 'rong.wav', Buffer.alloc(0))
    expect(r.statusCode).toBe(400)
    expect(r.json()).toMatchObject({ code: 'AUDIO_EMPTY' })
    await expectNothingStored()
  })

  it('refuses a file over the size limit', async () => {
    const big = join(tmp.dir, 'lon.wav')
    await sineClip(big, { seconds: 4 }) // ~350 kB of PCM, over the 200 kB limit
    const r = await upload(c, 'lon.wav', await readFile(big))
    expect(r.statusCode).toBe(413)
    expect(r.json()).toMatchObject({ code: 'AUDIO_TOO_LARGE' })
    expect(r.json<{ message: string }>().message).toMatch(/limit/)
    await expectNothingStored()
  })

  it('refuses a recording over the duration limit', async () => {
    const long = join(tmp.dir, 'dai.mp3')
    await sineClip(long, { seconds: 8, encode: ['-c:a', 'libmp3lame', '-b:a', '32k'] })
    const r = await upload(c, 'dai.mp3', await readFile(long))
    expect(r.statusCode).toBe(413)
    expect(r.json()).toMatchObject({ code: 'AUDIO_TOO_LONG' })
    await expectNothingStored()
  })

  it('refuses a request without a file field', async () => {
    const { payload, headers } = multipartFile('other', 'x.mp3', Buffer.from('abc'))
    const r = await c.app.inject({ method: 'POST', url: '/api/v1/media', payload, headers: { ...headers, authorization: `Bearer ${c.token}` } })
    expect(r.statusCode).toBe(400)
    expect(r.json()).toMatchObject({ code: 'MEDIA_FILE_MISSING' })
    const json = await c.api('POST', '/api/v1/media', { file: 'x' })
    expect(json.statusCode).toBe(400)
    expect(json.json()).toMatchObject({ code: 'MEDIA_FILE_MISSING' })
    await expectNothingStored()
  })

  it('accepts a good file after all that, and refuses to delete it while it plays', async () => {
    const ok = join(tmp.dir, 'tot.mp3')
    await sineClip(ok, { seconds: 3, encode: ['-c:a', 'libmp3lame', '-b:a', '32k'] })
    const r = await upload(c, 'tot.mp3', await readFile(ok))
    expect(r.statusCode, r.body).toBe(201)
    const media = r.json<{ id: string, durationMs: number, codec: string, source: { codec: string } }>()
    expect(media).toMatchObject({ codec: 'opus', source: { codec: 'mp3' } })
    expect(Math.abs(media.durationMs - 3000)).toBeLessThan(100)
    const zone = (await c.api('POST', '/api/v1/zones', { name: 'Thôn A' })).json<{ id: string }>()
    const { credentials } = (await c.api('POST', '/api/v1/nodes', { name: 'Loa A', zoneId: zone.id })).json<{ credentials: { username: string, password: string } }>()
    const sim = new SimNode({ nodeId: credentials.username, password: credentials.password, mqttUrl: c.mqttUrl, telemetryIntervalMs: 0, log: silentLog })
    await sim.start()
    await waitFor(async () => (await c.api('GET', '/api/v1/nodes')).json<{ items: Array<{ online: boolean }> }>().items[0]?.online === true ? true : undefined)
    const play = (await c.api('POST', '/api/v1/broadcasts', { mediaId: media.id, zones: [zone.id] })).json<{ id: string }>()
    const del = await c.api('DELETE', `/api/v1/media/${media.id}`)
    expect(del.statusCode).toBe(409)
    expect(del.json()).toMatchObject({ code: 'MEDIA_IN_USE' })
    await c.api('POST', `/api/v1/broadcasts/${play.id}/stop`)
    await sim.stop()
    expect((await c.api('DELETE', `/api/v1/media/${media.id}`)).statusCode).toBe(204)
    await expectNothingStored()
  })
})
