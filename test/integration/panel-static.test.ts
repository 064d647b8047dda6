import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startController, type TestController } from '../helpers/controller.js'

/** The panel's files are served by the controller itself, with headers that keep a page to its own origin. */
describe('serving the panel', () => {
  let c: TestController
  beforeAll(async () => { c = await startController({ mapTilesUrl: 'https://tiles.example.vn/{z}/{x}/{y}.png' }) })
  afterAll(async () => { await c?.close() })

  it('sends / to the panel, whose page is Vietnamese and loads only its own scripts', async () => {
    const root = await c.app.inject({ method: 'GET', url: '/' })
    expect(root.statusCode).toBe(302)
    expect(root.headers.location).toBe('/panel/')
    const page = await c.app.inject({ method: 'GET', url: '/panel/' })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<html lang="vi">')
    expect(page.body).not.toMatch(/https?:\/\//)
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    // The only outside origin a page may load from is the configured map tile server.
    expect(csp).toContain('img-src \'self\' data: blob: https://tiles.example.vn')
    expect(page.headers['x-content-type-options']).toBe('nosniff')
  })

  it('serves Leaflet from node_modules, and nothing outside the panel folder', async () => {
    const leaflet = await c.app.inject({ method: 'GET', url: '/panel/vendor/leaflet/leaflet-src.esm.js' })
    expect(leaflet.statusCode).toBe(200)
    expect(leaflet.headers['content-type']).toMatch(/javascript/)
    for (const url of ['/panel/../../store/schema.ts', '/panel/%2e%2e/%2e%2e/plugin.ts', '/panel/vendor/leaflet/../../package.json']) {
      const r = await c.app.inject({ method: 'GET', url })
      expect(r.statusCode, url).not.toBe(200)
    }
  })

  it('needs a session for the live status stream', async () => {
    const r = await c.app.inject({ method: 'GET', url: '/api/v1/events' })
    expect(r.json()).toMatchObject({ code: 'AUTH_REQUIRED' })
  })
})
