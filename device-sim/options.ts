import { isNodeId } from '../protocol/index.js'
import { defaultLog, type LogFn } from './log.js'

export interface SimNodeOptions {
  /** The node id the controller issued; also the MQTT username and client id. */
  nodeId: string
  password: string
  /** mqtt://, mqtts://, ws:// or wss:// URL of the broker. */
  mqttUrl: string
  /** Decode every played frame into a PCM time line (loads the Opus WASM). Default false. */
  decode?: boolean
  /** Machine clock in ms; default Date.now. */
  clock?: () => number
  /** Simulated skew: the node's clock reads clock() + clockOffsetMs. Default 0. */
  clockOffsetMs?: number
  /** Telemetry period; 0 turns the periodic report off (changes are still reported). Default 10 000. */
  telemetryIntervalMs?: number
  /** Volume at power-on, 0-100. Default 100. */
  volume?: number
  /** MQTT keepalive; the controller's availability tracking assumes about 15 s. */
  keepaliveS?: number
  /** How long start() waits for the broker before giving up. Default 30 000. */
  startTimeoutMs?: number
  /** Wait between reconnect attempts after a lost connection. Default 2 000. */
  reconnectPeriodMs?: number
  /** Floor of the no-frame session timeout (contract: 5 000); shorter only in tests. */
  sessionTimeoutFloorMs?: number
  log?: LogFn
}

export type ResolvedOptions = Readonly<Required<Omit<SimNodeOptions, 'sessionTimeoutFloorMs'>> & {
  sessionTimeoutFloorMs: number | undefined
}>

function check (ok: boolean, what: string): void {
  if (!ok) throw new TypeError(`SimNode: ${what}`)
}

/** Validated once, then frozen: a node's settings never change while it runs. */
export function resolveOptions (o: SimNodeOptions): ResolvedOptions {
  check(isNodeId(o.nodeId), `nodeId must match the protocol's node id pattern: ${JSON.stringify(o.nodeId)}`)
  check(typeof o.password === 'string' && o.password.length > 0, 'password must be a non-empty string')
  check(URL.canParse(o.mqttUrl) && /^(mqtts?|wss?):$/.test(new URL(o.mqttUrl).protocol), `mqttUrl is not an MQTT URL: ${o.mqttUrl}`)
  const volume = o.volume ?? 100
  check(Number.isInteger(volume) && volume >= 0 && volume <= 100, 'volume must be an integer 0-100')
  const telemetryIntervalMs = o.telemetryIntervalMs ?? 10_000
  check(Number.isFinite(telemetryIntervalMs) && telemetryIntervalMs >= 0, 'telemetryIntervalMs must be >= 0')
  const keepaliveS = o.keepaliveS ?? 15
  check(Number.isInteger(keepaliveS) && keepaliveS > 0 && keepaliveS <= 65535, 'keepaliveS must be 1-65535')
  const clockOffsetMs = o.clockOffsetMs ?? 0
  check(Number.isFinite(clockOffsetMs), 'clockOffsetMs must be a finite number')
  const startTimeoutMs = o.startTimeoutMs ?? 30_000
  check(Number.isFinite(startTimeoutMs) && startTimeoutMs > 0, 'startTimeoutMs must be > 0')
  const reconnectPeriodMs = o.reconnectPeriodMs ?? 2_000
  check(Number.isFinite(reconnectPeriodMs) && reconnectPeriodMs > 0, 'reconnectPeriodMs must be > 0')
  const floor = o.sessionTimeoutFloorMs
  check(floor === undefined || (Number.isFinite(floor) && floor > 0), 'sessionTimeoutFloorMs must be > 0')
  return Object.freeze({
    nodeId: o.nodeId,
    password: o.password,
    mqttUrl: o.mqttUrl,
    decode: o.decode ?? false,
    clock: o.clock ?? Date.now,
    clockOffsetMs,
    telemetryIntervalMs,
    volume,
    keepaliveS,
    startTimeoutMs,
    reconnectPeriodMs,
    sessionTimeoutFloorMs: floor,
    log: o.log ?? defaultLog
  })
}
