import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import net from 'node:net'
import mqtt from 'mqtt'
import { SimNode, silentLog } from '../../device-sim/index.js'
import { nodeTopic } from '../../protocol/index.js'
import { startController, waitFor, type TestController } from '../helpers/controller.js'

interface Creds { username: string, password: string }
interface NodeView { id: string, online: boolean, reportedVolume: number | null }

/** Nobody but provisioned nodes gets onto the broker, and nothing a node publishes can hurt the controller. */
describe('MQTT authentication, ACL and garbage', () => {
  let c: TestController
  let a: Creds
  let b: Creds
  let simB: SimNode

  beforeAll(async () => {
    c = await startController()
    const zone = (await c.api('POST', '/api/v1/zones', { name: 'Thôn An Ninh' })).json<{ id: string }>()
    a = (await c.api('POST', '/api/v1/nodes', { name: 'Loa A', zoneId: zone.id })).json<{ credentials: Creds }>().credentials
    b = (await c.api('POST', '/api/v1/nodes', { name: 'Loa B', zoneId: zone.id })).json<{ credentials: Creds }>().credentials
    simB = new SimNode({ nodeId: b.username, password: b.password, mqttUrl: c.mqttUrl, telemetryIntervalMs: 0, log: silentLog })
    await simB.start()
  })
  afterAll(async () => { await simB.stop(); await c.close() })

  const node = async (id: string): Promise<NodeView> => (await c.api('GET', `/api/v1/nodes/${id}`)).json<NodeView>()
  const connect = async (o: { clientId: string, username?: string, password?: string }): Promise<mqtt.MqttClient> =>
    await mqtt.connectAsync(c.mqttUrl, { ...o, reconnectPeriod: 0, connectTimeout: 3000 })

  it('refuses a wrong password, an unknown user, no credentials, and a borrowed client id', async () => {
    await expect(connect({ clientId: a.username, username: a.username, password: 'wrong-password' })).rejects.toThrow(/Bad username or password/)
    await expect(connect({ clientId: 'n-nobody', username: 'n-nobody', password: a.password })).rejects.toThrow(/Bad username or password/)
    await expect(connect({ clientId: 'anonymous' })).rejects.toThrow(/Bad username or password/)
    // A's credentials must not let anyone take over B's session (client id) on the broker.
    await expect(connect({ clientId: b.username, username: a.username, password: a.password })).rejects.toThrow(/Bad username or password/)
    expect((await node(b.username)).online).toBe(true)
  })

  it('refuses a password that was rotated away', async () => {
    const rotated = await c.api('POST', `/api/v1/nodes/${a.username}/credentials`)
    const fresh = rotated.json<{ credentials: Creds }>().credentials
    await expect(connect({ clientId: a.username, username: a.username, password: a.password })).rejects.toThrow(/Bad username or password/)
    const ok = await connect({ clientId: a.username, username: a.username, password: fresh.password })
    await ok.endAsync()
    a = fresh
  })

  it('drops a client that announces a huge packet before it has even logged in', async () => {
    const socket = net.connect(c.app.mqtt.port, '127.0.0.1')
    socket.on('error', () => undefined) // the reset is the point
    await new Promise(resolve => socket.once('connect', resolve))
    const closed = new Promise<void>(resolve => socket.once('close', () => resolve()))
    // A CONNECT fixed header announcing 150 MB, then a first slice of it.
    socket.write(Buffer.from([0x10, 0x80, 0x80, 0xc0, 0x47]))
    socket.write(Buffer.alloc(64 * 1024))
    await closed
    expect(socket.destroyed).toBe(true)
    expect((await node(b.username)).online).toBe(true)
  })

  it('refuses a persistent (non-clean) session, which would replay stale commands', async () => {
    await expect(mqtt.connectAsync(c.mqttUrl, { clientId: a.username, username: a.username, password: a.password, clean: false, reconnectPeriod: 0 }))
      .rejects.toThrow(/Bad username or password/)
  })

  it('keeps presence right when a node reconnects with the same id and then drops', async () => {
    const first = await connect({ clientId: a.username, username: a.username, password: a.password })
    await waitFor(async () => (await node(a.username)).online ? true : undefined, 5000, 'first online')
    const second = await connect({ clientId: a.username, username: a.username, password: a.password })
    await new Promise(resolve => setTimeout(resolve, 200))
    expect((await node(a.username)).online).toBe(true)
    first.end(true)
    second.stream.destroy() // dies without a DISCONNECT and without a will
    await waitFor(async () => (await node(a.username)).online ? undefined : true, 5000, 'offline after the second connection dies')
  })

  it('confines a node to its own topics', async () => {
    const client = await connect({ clientId: a.username, username: a.username, password: a.password })
    try {
      // Subscriptions outside its own cmd topic are refused with 0x80.
      for (const topic of ['#', 'loa/v1/nodes/+/cmd', nodeTopic(b.username, 'cmd'), nodeTopic(b.username, 'state'), '$SYS/#']) {
        await expect(client.subscribeAsync(topic), topic).rejects.toThrow(/Subscribe error/)
      }
      await client.subscribeAsync(nodeTopic(a.username, 'cmd'))
    } finally {
      await client.endAsync()
    }
    // Pretending to be B, or commanding B, is refused: the broker drops the message and closes the connection
    // (MQTT 3.1.1 has no other answer to a forbidden PUBLISH). B stays online and untouched.
    for (const [topic, payload] of [
      [nodeTopic(b.username, 'state'), '{"v":1,"state":"offline","protocol":1}'],
      [nodeTopic(b.username, 'cmd'), '{"v":1,"id":"x","type":"volume","volume":0}'],
      ['loa/v1/sessions/0f8fad5b-d9cb-469f-a165-70867728950e/stream', 'LF garbage']
    ]) {
      const intruder = await connect({ clientId: a.username, username: a.username, password: a.password })
      const closed = new Promise<void>(resolve => intruder.once('close', () => resolve()))
      intruder.publish(topic as string, payload as string, { qos: 0, retain: true })
      await closed
      intruder.end(true)
    }
    expect((await node(b.username)).online).toBe(true)
    expect(simB.volume).not.toBe(0)
  })

  it('logs and drops garbage a node publishes on its own topics, and keeps working', async () => {
    const before = c.app.mqtt.dropped()
    const garbage: Array<string | Buffer> = [
      'not json', '{"v":1', '[]', 'null', '{"v":99,"state":"online","protocol":1}', '{"v":1,"state":"online","protocol":1,"evil":true}',
      Buffer.from([0, 255, 1, 2, 3]), 'x'.repeat(20_000), '{"v":1,"type":"playback_finished","session":"not-a-uuid"}',
      '{"v":1,"id":"nope","status":"ok","ts":1}'
    ]
    for (const channel of ['state', 'telemetry', 'reply', 'events'] as const) {
      for (const g of garbage) await simB.publishRaw(channel, g)
    }
    await waitFor(() => c.app.mqtt.dropped() - before >= 4 * garbage.length - 4 ? true : undefined, 5000, 'garbage to be dropped')
    // Still alive: the API answers, B is online, and a valid message from B is still taken.
    expect((await node(b.username)).online).toBe(true)
    await simB.publishRaw('telemetry', JSON.stringify({ v: 1, ts: Date.now(), volume: 42, playing: null, bufferMs: 0, uptimeS: 5 }))
    await waitFor(async () => (await node(b.username)).reportedVolume === 42 ? true : undefined, 5000, 'telemetry after garbage')
  })

  it('shows a node offline as soon as it dies (last will) and online again when it returns', async () => {
    const sim = new SimNode({ nodeId: a.username, password: a.password, mqttUrl: c.mqttUrl, telemetryIntervalMs: 0, log: silentLog })
    await sim.start()
    await waitFor(async () => (await node(a.username)).online ? true : undefined, 5000, 'A online')
    sim.kill()
    await waitFor(async () => (await node(a.username)).online ? undefined : true, 5000, 'A offline')
  })
})
