import type { Server as HttpServer, IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'

export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

/**
 * WebSocket upgrades bypass Fastify's router, so one listener on the HTTP server hands each upgrade to the
 * handler of its exact path (MQTT over WebSocket, the live microphone) and refuses every other path.
 * The path is compared after URL parsing, not as a raw prefix.
 */
export class UpgradeRouter {
  private readonly handlers = new Map<string, UpgradeHandler>()

  constructor (server: HttpServer) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      // Node hands over the raw socket without an error listener: a client that resets it while we answer
      // would otherwise crash the process. Each handler's own protocol reports errors its way.
      socket.on('error', () => undefined)
      let path: string
      try { path = new URL(req.url ?? '/', 'http://x').pathname } catch { socket.destroy(); return }
      const handler = this.handlers.get(path)
      if (handler === undefined) { socket.destroy(); return }
      handler(req, socket, head)
    })
  }

  add (path: string, handler: UpgradeHandler): void {
    if (this.handlers.has(path)) throw new Error(`an upgrade handler for ${path} exists already`)
    this.handlers.set(path, handler)
  }
}
