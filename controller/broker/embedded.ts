import net from 'node:net'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { Aedes, type AuthenticateError, type AedesPublishPacket, type Client } from 'aedes'
import { WebSocketServer, createWebSocketStream } from 'ws'
import type { FastifyBaseLogger } from 'fastify'
import type { BrokerLink, MessageHandler, PublishOptions } from './link.js'
import { nodeMayPublish, nodeMaySubscribe } from './acl.js'
import { MAX_CLIENT_PACKET_BYTES, guardConnection } from './packet-guard.js'

export interface EmbeddedBrokerOptions {
  host: string
  port: number
  log: FastifyBaseLogger
  /** True when username/password belong to a provisioned node. */
  authenticateNode: (username: string, password: Buffer) => boolean
  isSessionTarget: (sessionId: string, nodeId: string) => boolean
}

export interface EmbeddedBroker {
  link: BrokerLink
  /** The TCP port actually bound (useful when 0 was asked for). */
  port: number
  /** Serves MQTT over WebSocket: give it the upgrades of its path (browsers, nodes behind HTTP proxies). */
  webSocketUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void
}

// [MQTT-3.2.2-3] CONNACK return code 4: bad user name or password.
const BAD_CREDENTIALS = 4

function refused (message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode: BAD_CREDENTIALS }) as AuthenticateError
}

/** Starts aedes on TCP. Clients are speaker nodes only: username = client id = node id. */
export async function startEmbeddedBroker (opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { log } = opts
  // The live connection of each node. A node that reconnects with the same id replaces its old connection,
  // whose disconnect then arrives late and must not mark the new one offline.
  const live = new Map<string, Client>()
  const broker = await Aedes.createBroker({
    authenticate (client, username, password, done) {
      // Clean sessions only: a persistent session would replay stale play commands after a reconnect.
      const ok = username !== undefined && password !== undefined && client.id === username && client.clean &&
        opts.authenticateNode(username, password)
      if (!ok) {
        // Never log the password; the client id and address are enough to find a misconfigured node.
        log.warn({ clientId: client.id, username }, 'mqtt: refused a client with wrong credentials')
        done(refused('bad username or password'), false)
        return
      }
      done(null, true)
    },
    authorizePublish (client, packet, done) {
      if (client === null) { done(null); return } // the controller's own publish
      if (nodeMayPublish(client.id, packet.topic)) { done(null); return }
      log.warn({ nodeId: client.id, topic: packet.topic }, 'mqtt: node published outside its topics; dropped')
      done(new Error('not authorised'))
    },
    authorizeSubscribe (client, sub, done) {
      if (nodeMaySubscribe(client.id, sub.topic, opts.isSessionTarget)) { done(null, sub); return }
      log.warn({ nodeId: client.id, topic: sub.topic }, 'mqtt: node subscription refused')
      // [MQTT-3.9.3] a refused subscription is answered with failure code 0x80, not a disconnect.
      done(null, null)
    }
  })

  const listeners: Array<(e: 'connected' | 'disconnected', nodeId: string) => void> = []
  broker.on('clientReady', c => {
    live.set(c.id, c)
    for (const l of listeners) l('connected', c.id)
  })
  broker.on('clientDisconnect', c => {
    if (live.get(c.id) !== c) return
    live.delete(c.id)
    for (const l of listeners) l('disconnected', c.id)
  })
  broker.on('clientError', (c, err) => log.debug({ clientId: c.id, err: err.message }, 'mqtt: client error'))
  broker.on('connectionError', (c, err) => log.debug({ clientId: c.id, err: err.message }, 'mqtt: connection error'))

  const tooBig = (remote: string | undefined) => () => log.warn({ remote }, 'mqtt: client sent an oversized packet; disconnected')
  const tcp = net.createServer(socket => {
    guardConnection(socket, tooBig(socket.remoteAddress))
    broker.handle(socket)
  })
  await new Promise<void>((resolve, reject) => {
    tcp.once('error', reject)
    tcp.listen(opts.port, opts.host, () => { tcp.off('error', reject); resolve() })
  })
  const port = (tcp.address() as net.AddressInfo).port
  let wss: WebSocketServer | undefined

  const link: BrokerLink = {
    async publish (topic: string, payload: Buffer | string, o: PublishOptions = {}) {
      await new Promise<void>((resolve, reject) => {
        broker.publish({
          cmd: 'publish', topic, payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
          qos: o.qos ?? 0, retain: o.retain ?? false, dup: false
        }, err => err !== undefined && err !== null ? reject(err) : resolve())
      })
    },
    async subscribe (pattern: string, handler: MessageHandler) {
      const deliver = (packet: AedesPublishPacket, cb: () => void): void => {
        try {
          handler(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload))
        } catch (err) {
          log.error({ err, topic: packet.topic }, 'mqtt: handler failed; message dropped')
        }
        // Acknowledge on the next tick, not inside this call: when aedes has messages queued behind its
        // concurrency limit, a synchronous ack starts the next delivery from inside this one, and a burst of
        // 1,000 node replies overflowed the stack (bench/fanout --nodes 1000).
        process.nextTick(cb)
      }
      await new Promise<void>(resolve => broker.subscribe(pattern, deliver, resolve))
    },
    onClient (listener) { listeners.push(listener) },
    disconnect (clientId) {
      // aedes keeps connected clients by id; the map is not in its typings.
      const clients = (broker as unknown as { clients: Record<string, { close: () => void } | undefined> }).clients
      clients[clientId]?.close()
    },
    async close () {
      wss?.clients.forEach(ws => ws.terminate())
      wss?.close()
      await new Promise<void>(resolve => broker.close(() => resolve()))
      await new Promise<void>(resolve => tcp.close(() => resolve()))
    }
  }

  return {
    link,
    port,
    webSocketUpgrade (req, socket, head) {
      wss ??= new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_PACKET_BYTES })
      wss.handleUpgrade(req, socket, head, ws => {
        const stream = createWebSocketStream(ws)
        guardConnection(stream, tooBig(req.socket.remoteAddress))
        broker.handle(stream, req)
      })
    }
  }
}
