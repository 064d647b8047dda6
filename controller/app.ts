import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Config } from './config.js'
import { VERSION } from './version.js'
import errorHandler from './plugins/error-handler.js'
import storePlugin from './plugins/store.js'
import authPlugin from './plugins/auth.js'
import broadcastPlugin from './plugins/broadcast.js'
import mediaPlugin from './plugins/media.js'
import info from './routes/info.js'
import zones from './routes/zones.js'
import nodes from './routes/nodes.js'
import media from './routes/media.js'
import tts from './routes/tts.js'
import broadcasts from './routes/broadcasts.js'
import reports from './routes/reports.js'
import schedules from './routes/schedules.js'
import emergency from './routes/emergency.js'
import live from './routes/live.js'
import relay from './routes/relay.js'
import auth from './routes/auth.js'
import users from './routes/users.js'
import areas from './routes/areas.js'
import audit from './routes/audit.js'
import events from './routes/events.js'
import dashboard from './routes/dashboard.js'
import panel from './panel/plugin.js'
import schedulerPlugin from './plugins/scheduler.js'
import { UpgradeRouter } from './http/upgrades.js'

declare module 'fastify' {
  interface FastifyInstance {
    /** WebSocket upgrades by path (MQTT over WebSocket, live audio). */
    upgrades: UpgradeRouter
  }
}

export interface AppOptions {
  config: Readonly<Config>
  /** Fastify's logger option; tests pass false. */
  logger?: FastifyServerOptions['logger']
  /** The controller clock (ms); injected so tests can fake time. */
  now?: () => number
}

/**
 * Builds the controller: store, embedded broker, engine, API and docs. Starting the HTTP listener is the
 * caller's job (server.ts), so tests drive the API with `inject()` and no socket.
 */
export async function buildApp (opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? { level: opts.config.logLevel, redact: ['req.headers.authorization'] },
    bodyLimit: 1024 * 1024,
    // Fastify strips unknown properties by default; a misspelt field must be an error, not silently ignored.
    ajv: { customOptions: { removeAdditional: false } }
  }).withTypeProvider<TypeBoxTypeProvider>()

  app.decorate('upgrades', new UpgradeRouter(app.server))
  await app.register(errorHandler)
  await app.register(swagger, {
    openapi: {
      info: { title: 'Loa controller API', version: VERSION, description: 'Smart public-address controller. Errors: docs/errors.md' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } }
    }
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(storePlugin, { config: opts.config })
  await app.register(authPlugin)
  await app.register(mediaPlugin)
  await app.register(broadcastPlugin, { now: opts.now ?? Date.now })
  await app.register(schedulerPlugin, { now: opts.now ?? Date.now })
  await app.register(async api => {
    api.addHook('onRequest', app.requireToken)
    await api.register(info)
    await api.register(zones)
    await api.register(nodes)
    await api.register(media)
    await api.register(tts)
    await api.register(broadcasts)
    await api.register(reports)
    await api.register(schedules)
    await api.register(emergency)
    await api.register(live)
    await api.register(relay)
    await api.register(auth)
    await api.register(users)
    await api.register(areas)
    await api.register(audit)
    await api.register(events)
    await api.register(dashboard)
  }, { prefix: '/api/v1' })
  await app.register(panel)
  return app
}
