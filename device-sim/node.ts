import { EventEmitter } from 'node:events'
import type { MqttClient } from 'mqtt'
import {
  PROTOCOL_VERSION, nodeTopic, parseCommand, parseTopic,
  type NodeChannel, type NodeEvent, type NodeState, type Reply, type Telemetry
} from '../protocol/index.js'
import { replyFor, runCommand, salvageCommandId, type CommandTarget, type Outcome } from './commands.js'
import { SUBACK_FAILURE, connackError, connectOnce, offlineState, subscribeCommands } from './connect.js'
import type { SimNodeEvents } from './events.js'
import { childLog, type LogFn } from './log.js'
import { resolveOptions, type ResolvedOptions, type SimNodeOptions } from './options.js'
import { Player } from './player.js'
import type { SessionReport } from './session.js'
import { writeWavFile } from './wav.js'

/** Identity the sim announces in its hello. */
export const SIM_IDENTITY = { vendor: 'loa-sim', model: 'sim', firmware: '0.1.0' } as const

/** How long stop() waits for the broker at each step before it gives up and drops the connection. */
const STOP_WAIT_MS = 2000

/** Telemetry's bufferMs is capped by the schema. */
const MAX_BUFFER_MS = 600_000

export type UpChannel = Exclude<NodeChannel, 'cmd'>

/**
 * One simulated speaker node speaking the Loa MQTT contract (protocol/). The constructor only validates its
 * options; start() connects, stop() leaves gracefully, kill() dies so the broker sends the last will.
 */
export class SimNode {
  readonly id: string
  readonly events = new EventEmitter<SimNodeEvents>()
  private readonly opts: ResolvedOptions
  private readonly log: LogFn
  private readonly player: Player
  private client: MqttClient | undefined
  private ready: Promise<void> = Promise.resolve()
  private telemetryTimer: NodeJS.Timeout | undefined
  private volumeValue: number
  private startedAt = 0
  /** mqtt.js re-subscribes after a reconnect by itself; only a new client needs the first SUBSCRIBE. */
  private cmdSubscribed = false

  constructor (options: SimNodeOptions) {
    this.opts = resolveOptions(options)
    this.id = this.opts.nodeId
    this.log = childLog(this.opts.log, this.id)
    this.volumeValue = this.opts.volume
    this.player = new Player({
      now: () => this.now(),
      clockOffsetMs: this.opts.clockOffsetMs,
      decode: this.opts.decode,
      timeoutFloorMs: this.opts.sessionTimeoutFloorMs,
      log: this.log,
      emitter: this.events,
      subscribe: topic => this.subscribe(topic, 0),
      unsubscribe: topic => this.unsubscribe(topic),
      publishEvent: event => this.publishJson('events', event),
      setVolume: volume => this.setVolume(volume),
      changed: () => this.sendTelemetry()
    }, this.opts.volume)
  }

  get volume (): number {
    return this.volumeValue
  }

  get playing (): string | null {
    return this.player.playing
  }

  get online (): boolean {
    return this.client?.connected ?? false
  }

  /** The node's clock: the injected clock plus the simulated skew. */
  now (): number {
    return this.opts.clock() + this.opts.clockOffsetMs
  }

  /** Connects, subscribes to its command topic, then says hello. Rejects with SimNodeStartError. */
  async start (): Promise<void> {
    if (this.client !== undefined) throw new Error(`node ${this.id} is already started`)
    this.startedAt = this.now()
    this.cmdSubscribed = false
    const spec = {
      url: this.opts.mqttUrl,
      nodeId: this.id,
      password: this.opts.password,
      keepaliveS: this.opts.keepaliveS,
      reconnectPeriodMs: this.opts.reconnectPeriodMs
    }
    try {
      await connectOnce(spec, this.opts.startTimeoutMs, client => {
        // Set at once, so a second start() during the handshake is refused.
        this.client = client
        client.on('connect', () => { this.ready = this.onConnected(client) })
        client.on('message', (topic, payload) => this.onMessage(topic, payload))
        client.on('error', err => {
          const refused = connackError(err)
          this.log(refused !== undefined ? 'error' : 'warn', refused?.message ?? `MQTT error: ${err.message}`)
        })
        client.on('offline', () => this.log('info', 'offline; mqtt.js will reconnect'))
      })
      await this.ready
    } catch (err) {
      this.abandon()
      throw err
    }
    if (this.opts.telemetryIntervalMs > 0) {
      this.telemetryTimer = setInterval(() => this.sendTelemetry(), this.opts.telemetryIntervalMs)
    }
  }

  /** Graceful: ends active sessions (reported 'stopped'), says offline (retained), then DISCONNECTs. */
  async stop (): Promise<void> {
    const client = this.client
    if (client === undefined) return
    clearInterval(this.telemetryTimer)
    this.player.stopAll()
    await this.player.idle()
    this.client = undefined
    // A DISCONNECT discards the will [MQTT-3.14.4-3], so the offline state must be published by hand.
    // Bounded: a broker that vanished mid-stop must not hang the node (or the CLI's Ctrl-C) forever.
    const within = async (p: Promise<unknown>): Promise<boolean> => await Promise.race([
      p.then(() => true, () => true),
      new Promise<boolean>(resolve => setTimeout(() => resolve(false), STOP_WAIT_MS).unref())
    ])
    if (client.connected) {
      const said = await within(client.publishAsync(nodeTopic(this.id, 'state'), JSON.stringify(offlineState(this.ts())), { qos: 1, retain: true })
        .catch((err: unknown) => this.log('warn', 'could not publish offline state', { error: String(err) })))
      if (!said) this.log('warn', 'broker did not acknowledge the offline state; disconnecting anyway')
    }
    if (!await within(client.endAsync(!client.connected))) client.end(true)
  }

  /** Abrupt death: the socket is destroyed without DISCONNECT, so the broker publishes the last will. */
  kill (): void {
    const client = this.client
    if (client === undefined) return
    clearInterval(this.telemetryTimer)
    this.player.dispose()
    this.client = undefined
    client.end(true)
  }

  reports (): SessionReport[] {
    return this.player.reports()
  }

  report (sessionId: string): SessionReport | undefined {
    return this.player.report(sessionId)
  }

  /** Decoded audio of a session so far (decode: true only). */
  audio (sessionId: string): Float32Array | undefined {
    return this.player.audio(sessionId)
  }

  /** Frees a session's decoded audio, e.g. once the fleet wrote it to disk. */
  dropAudio (sessionId: string): void {
    this.player.dropAudio(sessionId)
  }

  /** Writes a session's decoded audio as a 48 kHz mono 16-bit WAV (atomically). */
  async writeWav (sessionId: string, path: string): Promise<void> {
    const samples = this.audio(sessionId)
    if (samples === undefined) throw new Error(`node ${this.id} has no decoded audio for session ${sessionId}`)
    await writeWavFile(path, samples)
  }

  /** Fault injection: publishes any bytes on one of the node's upward topics. */
  async publishRaw (channel: UpChannel, payload: Buffer | string, opts?: { qos?: 0 | 1, retain?: boolean }): Promise<void> {
    if (this.client === undefined) throw new Error(`node ${this.id} is not started`)
    await this.client.publishAsync(nodeTopic(this.id, channel), payload, {
      qos: opts?.qos ?? 1,
      retain: opts?.retain ?? channel === 'state'
    })
  }

  /** Drops a client that failed to start, so start() may be tried again. */
  private abandon (): void {
    this.client?.end(true)
    this.client = undefined
  }

  private ts (): number {
    return Math.max(0, Math.round(this.now()))
  }

  /**
   * Runs on every CONNACK: the first subscribes to the command topic; each one re-announces online, as the
   * will may have fired meanwhile. A failure on the first connection fails start(); later ones are logged.
   */
  private async onConnected (client: MqttClient): Promise<void> {
    const first = !this.cmdSubscribed
    try {
      // Subscribe before the hello: the controller may send a command as soon as it sees the node online.
      if (first) {
        await subscribeCommands(client, this.id)
        this.cmdSubscribed = true
      }
      const hello: NodeState = { v: PROTOCOL_VERSION, state: 'online', protocol: PROTOCOL_VERSION, ts: this.ts(), ...SIM_IDENTITY }
      await client.publishAsync(nodeTopic(this.id, 'state'), JSON.stringify(hello), { qos: 1, retain: true })
      this.sendTelemetry()
    } catch (err) {
      if (first) throw err
      this.log('error', 'could not announce the node', { error: String(err) })
    }
  }

  private onMessage (topic: string, payload: Buffer): void {
    // Nothing that arrives may crash the node: this runs inside mqtt.js's packet handling.
    try {
      const parsed = parseTopic(topic)
      if (parsed?.kind === 'stream') return this.player.frame(parsed.sessionId, payload)
      if (parsed?.kind === 'node' && parsed.nodeId === this.id && parsed.channel === 'cmd') return this.onCommand(payload)
      this.log('debug', 'message on an unexpected topic dropped', { topic })
    } catch (err) {
      this.log('error', 'message handling failed', { topic, error: String(err) })
    }
  }

  private onCommand (payload: Buffer): void {
    const parsed = parseCommand(payload)
    if (!parsed.ok) {
      this.log('warn', 'bad command dropped', { error: parsed.error })
      const id = salvageCommandId(payload)
      if (id !== undefined) this.reply(id, { ok: false, code: 'BAD_COMMAND', message: parsed.error })
      return
    }
    const target: CommandTarget = {
      now: () => this.now(),
      play: cmd => this.player.play(cmd),
      stop: session => this.player.stop(session),
      setVolume: volume => this.player.setBaseVolume(volume)
    }
    try {
      this.reply(parsed.value.id, runCommand(target, parsed.value))
    } catch (err) {
      this.log('error', 'command failed', { id: parsed.value.id, error: String(err) })
      this.reply(parsed.value.id, { ok: false, code: 'INTERNAL', message: String(err) })
    }
  }

  private reply (id: string, outcome: Outcome): void {
    this.publishJson('reply', replyFor(id, outcome, this.now()))
  }

  private setVolume (volume: number): void {
    if (volume === this.volumeValue) return
    this.volumeValue = volume
    this.sendTelemetry()
  }

  private subscribe (topic: string, qos: 0 | 1): void {
    this.client?.subscribe(topic, { qos }, (err, granted) => {
      if (err !== undefined && err !== null) this.log('error', 'subscribe failed', { topic, error: String(err) })
      // The session then hears nothing and times out, which is what a real node refused by an ACL would report.
      else if (granted?.some(g => g.qos === SUBACK_FAILURE) === true) this.log('error', 'broker refused the subscription', { topic })
    })
  }

  private unsubscribe (topic: string): void {
    this.client?.unsubscribe(topic, err => {
      if (err !== undefined && err !== null) this.log('warn', 'unsubscribe failed', { topic, error: String(err) })
    })
  }

  private sendTelemetry (): void {
    // Telemetry is a snapshot: one queued while offline would be stale on arrival.
    if (this.client?.connected !== true) return
    const t: Telemetry = {
      v: PROTOCOL_VERSION,
      ts: this.ts(),
      volume: this.volumeValue,
      playing: this.player.playing,
      bufferMs: Math.min(MAX_BUFFER_MS, this.player.bufferedMs()),
      uptimeS: Math.max(0, Math.floor((this.now() - this.startedAt) / 1000))
    }
    this.publishJson('telemetry', t, 0)
  }

  private publishJson (channel: UpChannel, body: NodeEvent | Telemetry | Reply, qos: 0 | 1 = 1): void {
    this.client?.publish(nodeTopic(this.id, channel), JSON.stringify(body), { qos }, err => {
      if (err !== undefined && err !== null) this.log('warn', `publish on ${channel} failed`, { error: String(err) })
    })
  }
}
