import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readFile } from 'node:fs/promises'
import { ERRORS } from '../../controller/errors.js'
import { startController, type TestController } from '../helpers/controller.js'

interface Zone { id: string, name: string }
interface NodeOut { node: { id: string, name: string, zoneId: string, volume: number, online: boolean }, credentials: { username: string, password: string, mqttPort: number } }

describe('REST API: zones, nodes, auth and errors', () => {
  let c: TestController
  beforeAll(async () => { c = await startController() })
  afterAll(async () => { await c.close() })

  it('refuses requests without the token, or with a wrong one, with a coded 401', async () => {
    const none = await c.app.inject({ method: 'GET', url: '/api/v1/zones' })
    expect(none.statusCode).toBe(401)
    expect(none.json()).toMatchObject({ code: 'AUTH_REQUIRED' })
    const wrong = await c.app.inject({ method: 'GET', url: '/api/v1/zones', headers: { authorization: 'Bearer nope' } })
    expect(wrong.json()).toMatchObject({ statusCode: 401, code: 'AUTH_INVALID' })
    expect(wrong.json<{ messageVi: string }>().messageVi).toMatch(/không hợp lệ/)
  })

  it('cannot be walked around with an encoded path', async () => {
    for (const url of ['/%61pi/v1/nodes', '/api/v1/%6eodes', '/api//v1/nodes', '/API/v1/nodes']) {
      const r = await c.app.inject({ method: 'GET', url })
      expect(r.statusCode, url).toBeGreaterThanOrEqual(401)
      expect(r.statusCode, url).not.toBe(200)
    }
    const post = await c.app.inject({ method: 'POST', url: '/%61pi/v1/zones', payload: { name: 'Kẻ lạ' } })
    expect(post.statusCode).toBe(401)
  })

  it('serves the OpenAPI docs without a token', async () => {
    const r = await c.app.inject({ method: 'GET', url: '/docs/json' })
    expect(r.statusCode).toBe(200)
    const doc = r.json<{ paths: Record<string, unknown> }>()
    for (const p of ['/api/v1/nodes', '/api/v1/zones', '/api/v1/media', '/api/v1/broadcasts', '/api/v1/broadcasts/{id}/stop']) {
      expect(Object.keys(doc.paths)).toContain(p)
    }
  })

  it('creates, lists, renames and deletes zones; names are unique and empty zones only are deleted', async () => {
    const a = (await c.api('POST', '/api/v1/zones', { name: '  Thôn Hạ  ' })).json<Zone>()
    expect(a.name).toBe('Thôn Hạ')
    const dup = await c.api('POST', '/api/v1/zones', { name: 'thôn hạ' })
    expect(dup.statusCode).toBe(409)
    expect(dup.json()).toMatchObject({ code: 'ZONE_NAME_TAKEN' })
    const renamed = await c.api('PATCH', `/api/v1/zones/${a.id}`, { name: 'Thôn Thượng' })
    expect(renamed.json<Zone>().name).toBe('Thôn Thượng')
    const node = await c.api('POST', '/api/v1/nodes', { name: 'Loa chợ', zoneId: a.id })
    const busy = await c.api('DELETE', `/api/v1/zones/${a.id}`)
    expect(busy.statusCode).toBe(409)
    expect(busy.json()).toMatchObject({ code: 'ZONE_NOT_EMPTY' })
    await c.api('DELETE', `/api/v1/nodes/${node.json<NodeOut>().node.id}`)
    expect((await c.api('DELETE', `/api/v1/zones/${a.id}`)).statusCode).toBe(204)
    expect((await c.api('GET', '/api/v1/zones')).json<{ items: Zone[] }>().items.some(z => z.id === a.id)).toBe(false)
    expect((await c.api('GET', `/api/v1/zones/${a.id}`)).json()).toMatchObject({ statusCode: 404, code: 'ZONE_NOT_FOUND' })
  })

  it('provisions a node and shows its password once, never again', async () => {
    const zone = (await c.api('POST', '/api/v1/zones', { name: 'Xóm Mới' })).json<Zone>()
    const r = await c.api('POST', '/api/v1/nodes', { name: 'Loa đầu làng', zoneId: zone.id, location: { lat: 21.03, lon: 105.85 } })
    expect(r.statusCode).toBe(201)
    const out = r.json<NodeOut>()
    expect(out.credentials.username).toBe(out.node.id)
    expect(out.credentials.password.length).toBeGreaterThanOrEqual(40)
    expect(out.credentials.mqttPort).toBe(c.app.mqtt.port)
    expect(out.node).toMatchObject({ name: 'Loa đầu làng', zoneId: zone.id, online: false, volume: 80 })
    const listed = (await c.api('GET', '/api/v1/nodes')).body
    const one = (await c.api('GET', `/api/v1/nodes/${out.node.id}`)).body
    const file = await readFile(`${c.dataDir}/loa.json`, 'utf8')
    for (const text of [listed, one]) expect(text).not.toContain('secretHash')
    for (const text of [listed, one, file]) expect(text).not.toContain(out.credentials.password)
  })

  it('sets a node volume and keeps it', async () => {
    const zone = (await c.api('POST', '/api/v1/zones', { name: 'Xóm Âm Lượng' })).json<Zone>()
    const n = (await c.api('POST', '/api/v1/nodes', { name: 'Loa 7', zoneId: zone.id })).json<NodeOut>()
    const r = await c.api('PUT', `/api/v1/nodes/${n.node.id}/volume`, { volume: 35 })
    expect(r.json()).toMatchObject({ node: { volume: 35 }, applied: false })
    expect((await c.api('GET', `/api/v1/nodes/${n.node.id}`)).json()).toMatchObject({ volume: 35 })
    expect((await c.api('PUT', `/api/v1/nodes/${n.node.id}/volume`, { volume: 101 })).json()).toMatchObject({ code: 'VALIDATION_FAILED' })
  })

  it('answers bad input with a clear 4xx and changes nothing', async () => {
    const before = await readFile(`${c.dataDir}/loa.json`, 'utf8')
    const cases: Array<[string, string, unknown, number, string]> = [
      ['POST', '/api/v1/zones', {}, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/zones', { name: '   ' }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/zones', { name: 'x', extra: 1 }, 400, 'VALIDATION_FAILED'],
      ['POST', '/api/v1/nodes', { name: 'Loa', zoneId: 'z-missing' }, 404, 'ZONE_NOT_FOUND'],
      ['POST', '/api/v1/nodes', { name: 'Loa', zoneId: 'z', location: { lat: 200, lon: 0 } }, 400, 'VALIDATION_FAILED'],
      ['PUT', '/api/v1/nodes/n-missing/volume', { volume: 10 }, 404, 'NODE_NOT_FOUND'],
      ['DELETE', '/api/v1/media/m-missing', undefined, 404, 'MEDIA_NOT_FOUND'],
      ['POST', '/api/v1/broadcasts', { mediaId: 'm-missing', zones: [] }, 404, 'MEDIA_NOT_FOUND'],
      ['GET', '/api/v1/broadcasts/b-missing', undefined, 404, 'BROADCAST_NOT_FOUND'],
      ['POST', '/api/v1/broadcasts/b-missing/stop', undefined, 404, 'BROADCAST_NOT_FOUND'],
      ['GET', '/api/v1/nothing-here', undefined, 404, 'ROUTE_NOT_FOUND']
    ]
    for (const [method, url, body, status, code] of cases) {
      const r = await c.api(method as 'GET', url, body)
      expect(r.statusCode, `${method} ${url}`).toBe(status)
      expect(r.json(), `${method} ${url}`).toMatchObject({ code })
      expect(r.json<{ message: string }>().message.length).toBeGreaterThan(10)
    }
    const garbled = await c.app.inject({ method: 'POST', url: '/api/v1/zones', headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' }, payload: '{"name":' })
    expect(garbled.statusCode).toBe(400)
    expect(garbled.json()).toMatchObject({ code: 'VALIDATION_FAILED' })
    expect(await readFile(`${c.dataDir}/loa.json`, 'utf8')).toBe(before)
  })

  it('documents every error code in docs/errors.md', async () => {
    const doc = await readFile(new URL('../../docs/errors.md', import.meta.url), 'utf8')
    for (const code of Object.keys(ERRORS)) expect(doc, code).toContain(`\`${code}\``)
  })
})
