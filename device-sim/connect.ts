import { connect, ErrorWithReasonCode, ErrorWithSubackPacket, type IClientOptions, type MqttClient } from 'mqtt'
import { PROTOCOL_VERSION, nodeTopic, type NodeState } from '../protocol/index.js'

/** SUBACK return code of a refused subscription [MQTT-3.9.3]. */
export const SUBACK_FAILURE = 128

export type StartErrorCode = 'AUTH_REJECTED' | 'CONNECT_REFUSED' | 'START_TIMEOUT' | 'SUBSCRIBE_REFUSED'

/** Why start() failed; match on `code`, never on the message. */
export class SimNodeStartError extends Error {
  constructor (readonly code: StartErrorCode, message: string, readonly reasonCode?: number) {
    super(message)
    this.name = 'SimNodeStartError'
  }
}

export interface ConnectSpec {
  url: string
  nodeId: string
  password: string
  keepaliveS: number
  reconnectPeriodMs: number
}

/** The last will: the broker publishes it if the node vanishes without a DISCONNECT [MQTT-3.1.2-8]. */
export function offlineState (ts?: number): NodeState {
  return ts === undefined
    ? { v: PROTOCOL_VERSION, state: 'offline', protocol: PROTOCOL_VERSION }
    : { v: PROTOCOL_VERSION, state: 'offline', protocol: PROTOCOL_VERSION, ts }
}

export function clientOptions (spec: ConnectSpec): IClientOptions {
  return {
    clientId: spec.nodeId,
    username: spec.nodeId,
    password: spec.password,
    keepalive: spec.keepaliveS,
    // Clean session: a node that comes back must not receive a backlog of stale commands and frames.
    clean: true,
    // MQTT 3.1.1: what every broker in DESIGN.md speaks, aedes included.
    protocolVersion: 4,
    reconnectPeriod: spec.reconnectPeriodMs,
    // A refused CONNACK (bad password, not authorised) is final: retrying would hammer the broker forever.
    reconnectOnConnackError: false,
    will: {
      topic: nodeTopic(spec.nodeId, 'state'),
      payload: Buffer.from(JSON.stringify(offlineState())),
      qos: 1,
      retain: true
    }
  }
}

/** CONNACK return codes of MQTT 3.1.1 [MQTT-3.2.2.3]: 4 bad user name or password, 5 not authorised. */
export function connackError (err: Error): SimNodeStartError | undefined {
  if (!(err instanceof ErrorWithReasonCode)) return undefined
  if (err.code === 4 || err.code === 5) {
    return new SimNodeStartError('AUTH_REJECTED', `broker refused the credentials (CONNACK ${err.code})`, err.code)
  }
  return new SimNodeStartError('CONNECT_REFUSED', `broker refused the connection (CONNACK ${err.code})`, err.code)
}

/**
 * Connects and waits for the first CONNACK. Rejects at once when the broker refuses the connection, and after
 * `timeoutMs` when it cannot be reached (mqtt.js would otherwise retry silently for ever). The client is
 * ended before rejecting.
 */
export function connectOnce (
  spec: ConnectSpec, timeoutMs: number, setup: (client: MqttClient) => void
): Promise<MqttClient> {
  const client = connect(spec.url, clientOptions(spec))
  // The caller's listeners go first, so its 'error' listener exists before any I/O can emit one.
  setup(client)
  return new Promise((resolve, reject) => {
    const fail = (err: SimNodeStartError): void => {
      cleanup()
      client.end(true)
      reject(err)
    }
    const onConnect = (): void => {
      cleanup()
      resolve(client)
    }
    const onError = (err: Error): void => {
      const refused = connackError(err)
      if (refused !== undefined) fail(refused)
    }
    const timer = setTimeout(() => {
      fail(new SimNodeStartError('START_TIMEOUT', `no CONNACK from ${spec.url} within ${timeoutMs} ms`))
    }, timeoutMs)
    const cleanup = (): void => {
      clearTimeout(timer)
      client.off('connect', onConnect)
      client.off('error', onError)
    }
    client.on('connect', onConnect)
    client.on('error', onError)
  })
}

/**
 * Subscribes to the node's command topic. A refusal (SUBACK 0x80, e.g. the broker's ACL) is a start error:
 * a node that cannot hear commands must not announce itself online. mqtt.js reports it either as granted
 * QoS 128 or as an ErrorWithSubackPacket, depending on the path.
 */
export async function subscribeCommands (client: MqttClient, nodeId: string): Promise<void> {
  const topic = nodeTopic(nodeId, 'cmd')
  let refused: boolean
  try {
    refused = (await client.subscribeAsync(topic, { qos: 1 })).some(g => g.qos === SUBACK_FAILURE)
  } catch (err) {
    if (!(err instanceof ErrorWithSubackPacket)) throw err
    refused = true
  }
  if (refused) throw new SimNodeStartError('SUBSCRIBE_REFUSED', `broker refused the subscription to ${topic}`)
}
