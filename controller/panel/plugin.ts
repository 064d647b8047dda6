import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import fp from 'fastify-plugin'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance } from 'fastify'

const here = path.dirname(fileURLToPath(import.meta.url))
const require = createRequire(import.meta.url)

/** The origin of the map tile server, for the Content-Security-Policy (nothing else leaves the controller). */
function tilesOrigin (url: string): string {
  try { return url === '' ? '' : new URL(url.replace(/\{[a-z]\}/g, 'a')).origin } catch { return '' }
}

/**
 * The web panel: static files (plain ES modules, no build step) under /panel/, Leaflet from node_modules
 * under /panel/vendor/leaflet/, and / sends the browser there. Everything is served by the controller; the
 * only outside address a page may load is the configured map tile server.
 */
export default fp(async (app: FastifyInstance) => {
  const tiles = tilesOrigin(app.config.mapTilesUrl)
  const csp = [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", `img-src 'self' data: blob:${tiles === '' ? '' : ' ' + tiles}`,
    "connect-src 'self'", "media-src 'self' blob:", "worker-src 'self' blob:", "frame-ancestors 'none'", "base-uri 'none'", "form-action 'self'"
  ].join('; ')
  await app.register(async panel => {
    panel.addHook('onSend', async (_req, reply) => {
      reply.header('content-security-policy', csp)
      reply.header('x-content-type-options', 'nosniff')
      reply.header('referrer-policy', 'same-origin')
      reply.header('x-frame-options', 'DENY')
    })
    await panel.register(fastifyStatic, { root: path.join(here, 'public'), prefix: '/panel/', decorateReply: false, index: 'index.html', cacheControl: false })
    await panel.register(fastifyStatic, { root: path.join(path.dirname(require.resolve('leaflet/package.json')), 'dist'), prefix: '/panel/vendor/leaflet/', decorateReply: false })
  })
  app.get('/', { schema: { hide: true } }, async (_req, reply) => await reply.redirect('/panel/'))
}, { name: 'loa-panel' })
