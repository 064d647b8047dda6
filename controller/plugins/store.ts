import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { Store } from '../store/store.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>
    store: Store
  }
}

/** Opens the lowdb file in the data folder (migrating it if it is older) before anything else starts. */
export default fp(async (app: FastifyInstance, opts: { config: Readonly<Config> }) => {
  app.decorate('config', opts.config)
  app.decorate('store', await Store.open(opts.config.dataDir))
}, { name: 'loa-store' })
