import { createServer, type AddressInfo, type Server } from 'node:net'
import type { Client } from 'aedes'
import { encodeFrame, nodeTopic, streamTopic, type FrameInput, type PlayCommand } from '../../../protocol/index.js'

export interface Seen {
  topic: string
  payload: Buffer
  retain: boolean
  qos: number
}

/**
 * A real aedes broker on port 0 that plays the controller: it accepts only the given credentials, records
 * every message published by clients, and publishes commands and frames.
 */
export async function startBroker (users: Record<string, string>, opts: { denySubscribe?: (topic: string) => boolean } = {}) {
  const { Aedes } = await import('aedes')
  const auth = { attempts: 0 }
  const broker = await Aedes.createBroker({
    authenticate: (_client, username, password, done) => {
      auth.attempts++
      const ok = username !== undefined && users[username] !== undefined && password?.toString() === users[username]
      if (ok) return done(null, true)
      done(Object.assign(new Error('bad credentials'), { returnCode: 4 as const }), null)
    },
    // A null subscription makes aedes answer SUBACK 0x80, as an ACL would.
    authorizeSubscribe: (_client, sub, done) => done(null, opts.denySubscribe?.(sub.topic) === true ? null : sub)
  })
  const seen: Seen[] = []
  const connects: string[] = []
  const subscribed = new Map<string, Set<string>>()
  const clients = new Map<string, Client>()
  broker.on('client', client => {
    connects.push(client.id)
    clients.set(client.id, client)
  })
  broker.on('subscribe', (subs, client) => {
    const set = subscribed.get(client.id) ?? new Set<string>()
    for (const s of subs) set.add(s.topic)
    subscribed.set(client.id, set)
  })
  broker.on('unsubscribe', (topics, client) => {
    for (const t of topics) subscribed.get(client.id)?.delete(t)
  })
  broker.on('publish', (packet, client) => {
    if (client === null) return
    seen.push({ topic: packet.topic, payload: Buffer.from(packet.payload), retain: packet.retain, qos: packet.qos })
  })
  const server: Server = createServer(broker.handle)
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port

  function publish (topic: string, payload: Buffer | string): Promise<void> {
    return new Promise((resolve, reject) => {
      broker.publish({ topic, payload: Buffer.from(payload), qos: 1, retain: false, cmd: 'publish', dup: false }, err => {
        if (err !== undefined && err !== null) reject(err)
        else resolve()
      })
    })
  }

  /** Messages a node sent on one of its channels, parsed as JSON. */
  function messages (nodeId: string, channel: 'state' | 'telemetry' | 'reply' | 'events'): unknown[] {
    const topic = nodeTopic(nodeId, channel)
    return seen.filter(s => s.topic === topic).map(s => JSON.parse(s.payload.toString()) as unknown)
  }

  async function waitFor<T> (find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs
    for (;;) {
      const found = find()
      if (found !== undefined) return found
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  }

  return {
    broker,
    port,
    url: `mqtt://127.0.0.1:${port}`,
    seen,
    /** The credentials the broker accepts; tests may change them. */
    users,
    connects,
    auth,
    /** Drops a client's connection from the broker side, as the controller does when it rotates credentials. */
    drop: (clientId: string) => new Promise<void>(resolve => {
      const c = clients.get(clientId)
      if (c === undefined) resolve()
      else c.close(() => resolve())
    }),
    /** Is this client subscribed to this topic right now? */
    isSubscribed: (clientId: string, topic: string) => subscribed.get(clientId)?.has(topic) ?? false,
    publish,
    messages,
    waitFor,
    command: (nodeId: string, cmd: Record<string, unknown>) => publish(nodeTopic(nodeId, 'cmd'), JSON.stringify(cmd)),
    frame: (f: FrameInput) => publish(streamTopic(f.session), encodeFrame(f)),
    async close (): Promise<void> {
      await new Promise<void>(resolve => broker.close(() => resolve()))
      await new Promise<void>(resolve => server.close(() => resolve()))
    }
  }
}

export type TestBroker = Awaited<ReturnType<typeof startBroker>>

export function playCommand (session: string, over: Partial<PlayCommand> = {}): PlayCommand {
  return {
    v: 1,
    id: `play-${session.slice(0, 8)}`,
    type: 'play',
    session,
    topic: streamTopic(session),
    codec: { name: 'opus', sampleRate: 48_000, channels: 1 },
    startAt: Date.now(),
    priority: 10,
    ...over
  }
}
