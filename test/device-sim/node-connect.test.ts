import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { nodeTopic, parseNodeState, parseTelemetry } from '../../protocol/index.js'
import { SimNode, SimNodeStartError } from '../../device-sim/index.js'
import { startBroker, type TestBroker } from './helpers/broker.js'
import { captureLog } from './helpers/log.js'

const ID = 'node-a'
const PASSWORD = 's3cret'

describe('SimNode connection', () => {
  let broker: TestBroker
  const nodes: SimNode[] = []

  beforeEach(async () => {
    broker = await startBroker({ [ID]: PASSWORD })
  })

  afterEach(async () => {
    for (const n of nodes.splice(0)) n.kill()
    await broker.close()
  })

  function node (over: Partial<ConstructorParameters<typeof SimNode>[0]> = {}): SimNode {
    const n = new SimNode({ nodeId: ID, password: PASSWORD, mqttUrl: broker.url, log: captureLog().log, ...over })
    nodes.push(n)
    return n
  }

  it('connects, says hello on the retained state topic and sends telemetry', async () => {
    const n = node()
    await n.start()
    expect(n.online).toBe(true)
    const state = await broker.waitFor(() => broker.seen.find(s => s.topic === nodeTopic(ID, 'state')), 'hello')
    expect(state.retain).toBe(true)
    expect(state.qos).toBe(1)
    const hello = parseNodeState(state.payload)
    expect(hello.ok).toBe(true)
    expect(hello.ok && hello.value).toMatchObject({ v: 1, state: 'online', protocol: 1, vendor: 'loa-sim', model: 'sim', firmware: '0.1.0' })
    expect(broker.isSubscribed(ID, nodeTopic(ID, 'cmd'))).toBe(true)
    const telemetry = await broker.waitFor(() => broker.seen.find(s => s.topic === nodeTopic(ID, 'telemetry')), 'telemetry')
    const t = parseTelemetry(telemetry.payload)
    expect(t.ok && t.value).toMatchObject({ volume: 100, playing: null, bufferMs: 0 })
  })

  it('sends telemetry periodically', async () => {
    const n = node({ telemetryIntervalMs: 100 })
    await n.start()
    await broker.waitFor(() => broker.messages(ID, 'telemetry').length >= 4 ? true : undefined, '4 telemetry messages', 3000)
  })

  it('rejects start() on a wrong password and does not retry', async () => {
    const n = node({ password: 'wrong', reconnectPeriodMs: 100 })
    const err = await n.start().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(SimNodeStartError)
    expect(err).toMatchObject({ code: 'AUTH_REJECTED', reasonCode: 4 })
    expect(n.online).toBe(false)
    await new Promise(resolve => setTimeout(resolve, 700))
    expect(broker.auth.attempts).toBe(1)
  })

  it('rejects start() after its timeout when no broker answers', async () => {
    const port = broker.port
    await broker.close()
    broker = await startBroker({})
    const n = node({ mqttUrl: `mqtt://127.0.0.1:${port}`, startTimeoutMs: 500, reconnectPeriodMs: 100 })
    await expect(n.start()).rejects.toMatchObject({ code: 'START_TIMEOUT' })
  })

  it('rejects start() when the broker refuses the command subscription', async () => {
    await broker.close()
    broker = await startBroker({ [ID]: PASSWORD }, { denySubscribe: topic => topic.endsWith('/cmd') })
    const n = node()
    await expect(n.start()).rejects.toMatchObject({ code: 'SUBSCRIBE_REFUSED' })
    expect(n.online).toBe(false)
    expect(broker.messages(ID, 'state')).toEqual([])
  })

  it('kill() makes the broker publish the retained offline will', async () => {
    const n = node()
    await n.start()
    n.kill()
    const will = await broker.waitFor(() => {
      const states = broker.messages(ID, 'state') as Array<{ state: string }>
      return states.find(s => s.state === 'offline')
    }, 'the last will')
    expect(will).toEqual({ v: 1, state: 'offline', protocol: 1 })
    const last = broker.seen.filter(s => s.topic === nodeTopic(ID, 'state')).at(-1)
    expect(last?.retain).toBe(true)
  })

  it('stop() publishes a retained offline state itself, then disconnects', async () => {
    const n = node()
    await n.start()
    await n.stop()
    expect(n.online).toBe(false)
    const states = broker.messages(ID, 'state')
    const offline = states.at(-1)
    expect(parseNodeState(JSON.stringify(offline)).ok).toBe(true)
    expect(offline).toMatchObject({ state: 'offline', protocol: 1 })
    expect(typeof (offline as { ts?: unknown }).ts).toBe('number')
  })

  it('reconnects after the broker drops it, re-subscribes and says hello again', async () => {
    const n = node({ reconnectPeriodMs: 100 })
    await n.start()
    await broker.drop(ID)
    await broker.waitFor(() => broker.connects.length === 2 ? true : undefined, 'a reconnect')
    await broker.waitFor(() => {
      const states = broker.messages(ID, 'state') as Array<{ state: string }>
      return states.filter(s => s.state === 'online').length === 2 ? true : undefined
    }, 'a second hello')
    await broker.waitFor(() => broker.isSubscribed(ID, nodeTopic(ID, 'cmd')) ? true : undefined, 'the cmd subscription')
    await broker.command(ID, { v: 1, id: 'ping-after', type: 'ping' })
    await broker.waitFor(() => (broker.messages(ID, 'reply') as Array<{ id: string }>).find(r => r.id === 'ping-after'), 'ping reply')
  })

  it('gives up, without a retry loop, when its password stops working while it runs', async () => {
    const n = node({ reconnectPeriodMs: 100 })
    await n.start()
    broker.users[ID] = 'rotated'
    await broker.drop(ID)
    await broker.waitFor(() => broker.auth.attempts === 2 ? true : undefined, 'one reconnect attempt')
    await new Promise(resolve => setTimeout(resolve, 500))
    expect(broker.auth.attempts).toBe(2)
    expect(n.online).toBe(false)
  })

  it('publishRaw() puts any bytes on an upward topic, for fault injection', async () => {
    const n = node()
    await n.start()
    await n.publishRaw('events', Buffer.from([0xde, 0xad]))
    const raw = await broker.waitFor(() => broker.seen.find(s => s.topic === nodeTopic(ID, 'events')), 'raw event')
    expect([...raw.payload]).toEqual([0xde, 0xad])
  })

  it('validates its options without doing any I/O', () => {
    expect(() => new SimNode({ nodeId: 'Bad Id', password: 'x', mqttUrl: broker.url })).toThrow(TypeError)
    expect(() => new SimNode({ nodeId: 'ok', password: 'x', mqttUrl: 'http://x' })).toThrow(/MQTT URL/)
    expect(broker.auth.attempts).toBe(0)
  })
})
