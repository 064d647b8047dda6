import { EventEmitter } from 'node:events'
import fp from 'fastify-plugin'
import { isQuiet } from '../../schedules/index.js'
import type { FastifyInstance } from 'fastify'
import { startEmbeddedBroker } from '../broker/embedded.js'
import { routeInbound } from '../broker/inbound.js'
import type { BrokerLink } from '../broker/link.js'
import { verifySecret } from '../auth/secrets.js'
import { Presence } from '../nodes/presence.js'
import { CommandBus } from '../engine/commands.js'
import { Engine } from '../engine/engine.js'
import { closeInterrupted, moveFinished, recordBroadcast } from '../store/broadcasts.js'

declare module 'fastify' {
  interface FastifyInstance {
    mqtt: { link: BrokerLink, port: number, wsPath: string, dropped: () => number }
    presence: Presence
    commands: CommandBus
    engine: Engine
    /** Live sources (encoders, relays) still winding down; a close waits for them, so no process outlives it. */
    sources: Set<Promise<void>>
    /** The controller clock (ms), injected in tests; live feeds stamp frames with it. */
    now: () => number
    /** What the panel's live status shows: 'node' (id, NodeLive) and 'broadcast' (record) changes. */
    changes: EventEmitter
  }
}

export const MQTT_WS_PATH = '/mqtt'

/**
 * The broadcast core: the embedded broker, node presence, the command bus and the engine, wired together and
 * started and stopped with the app.
 */
export default fp(async (app: FastifyInstance, opts: { now: () => number }) => {
  const { config, store, history, log } = app
  const interrupted = await closeInterrupted(store, new Date(opts.now()))
  if (interrupted > 0) log.warn({ count: interrupted }, 'broadcasts cut off by the last shutdown were marked failed')
  // Ended records left in the main file (just closed, or an append that failed last time) go to the history.
  const moved = await moveFinished({ store, history, log })
  if (moved > 0) log.info({ count: moved }, 'finished broadcasts moved from the data file to the history')
  // Late-bound: the broker's ACL asks the engine, and the engine publishes through the broker.
  let engine: Engine | undefined
  const broker = await startEmbeddedBroker({
    host: config.mqttHost,
    port: config.mqttPort,
    log,
    authenticateNode: (username, password) =>
      verifySecret(password, store.data.nodes.find(n => n.id === username)?.secretHash),
    isSessionTarget: (sessionId, nodeId) => engine?.isSessionTarget(sessionId, nodeId) ?? false
  })
  app.upgrades.add(MQTT_WS_PATH, broker.webSocketUpgrade)
  const presence = new Presence(opts.now)
  const changes = new EventEmitter()
  // Every open panel listens; more than the default 10 listeners is normal, not a leak.
  changes.setMaxListeners(0)
  presence.onChange((id, live) => changes.emit('node', id, live))
  const commands = new CommandBus(broker.link)
  engine = new Engine({
    link: broker.link,
    commands,
    now: opts.now,
    log,
    leadMs: config.leadMs,
    joinTimeoutMs: config.joinTimeoutMs,
    reportGraceMs: config.reportGraceMs,
    isOnline: nodeId => presence.get(nodeId).online,
    isQuietNow: () => isQuiet(new Date(opts.now()), config.timeZone, { start: config.quietStart, end: config.quietEnd }),
    onChange: async record => {
      changes.emit('broadcast', record)
      await recordBroadcast({ store, history, log }, record)
    }
  })
  broker.link.onClient((event, nodeId) => {
    if (event === 'connected') presence.connected(nodeId)
    else presence.disconnected(nodeId)
  })
  const inbound = await routeInbound(broker.link, {
    state: (id, s) => {
      presence.state(id, s)
      // A node that says hello gets the volume the staff last set for it. On the hello, not on the TCP
      // connect: the node subscribes to its commands before it says hello (docs/protocol.md).
      const node = store.data.nodes.find(n => n.id === id)
      if (s.state === 'online' && node !== undefined) void commands.send(id, { type: 'volume', volume: node.volume }, 5000)
    },
    telemetry: (id, t) => presence.telemetry(id, t),
    reply: (id, r) => { presence.seen(id); commands.reply(id, r) },
    events: (id, e) => { presence.seen(id); engine?.nodeEvent(id, e) }
  }, log)
  app.decorate('mqtt', { link: broker.link, port: broker.port, wsPath: MQTT_WS_PATH, dropped: inbound.dropped })
  app.decorate('presence', presence)
  app.decorate('commands', commands)
  app.decorate('engine', engine)
  const sources = new Set<Promise<void>>()
  app.decorate('sources', sources)
  app.decorate('now', opts.now)
  app.decorate('changes', changes)
  // Before the HTTP server closes (which waits for open requests): end every broadcast, so a live voice
  // streamed as a POST gets its answer and its encoder exits, instead of holding the close for ever.
  app.addHook('preClose', async () => {
    await engine?.close()
    await Promise.all([...sources])
  })
  app.log.info({ port: broker.port, host: config.mqttHost }, `MQTT broker listening on port ${broker.port}`)
  app.addHook('onClose', async () => {
    await engine?.close()
    await Promise.all([...sources])
    commands.close()
    await broker.link.close()
  })
}, { name: 'loa-broadcast', dependencies: ['loa-store'] })
