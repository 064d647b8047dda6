import fp from 'fastify-plugin'
import type { FastifyInstance } from 'fastify'
import type { Config } from '../config.js'
import { Store } from '../store/store.js'
import { HistoryStore } from '../store/history.js'

declare module 'fastify' {
  interface FastifyInstance {
    config: Readonly<Config>
    store: Store
    /** Finished broadcasts, in month files beside the main file (see store/history.ts). */
    history: HistoryStore
  }
}

/**
 * Opens the lowdb file in the data folder (migrating it if it is older) and the broadcast history beside it,
 * before anything else starts.
 */
export default fp(async (app: FastifyInstance, opts: { config: Readonly<Config> }) => {
  app.decorate('config', opts.config)
  app.decorate('store', await Store.open(opts.config.dataDir))
  app.decorate('history', await HistoryStore.open(opts.config.dataDir, { log: app.log }))
}, { name: 'loa-store' })
