import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { ControllerApi, type ZoneItem } from './api.js'
import { childLog, defaultLog, type LogFn } from './log.js'
import { planNodes, sameZoneName, type PlannedNode } from './names.js'
import { SimNode } from './node.js'
import type { SimNodeOptions } from './options.js'
import { mapLimit } from './pool.js'
import { buildReport, type FleetReport } from './report.js'
import type { SessionReport } from './session.js'

export interface FleetOptions {
  /** Controller base URL, e.g. http://127.0.0.1:8080 */
  controller: string
  token: string
  nodes: number
  /** Zone names; missing ones are created. */
  zones: string[]
  /** Node names are `{prefix}-{zone}-{nnn}`. Default 'sim'. */
  prefix?: string
  /** Default: the controller's host with the MQTT port from /api/v1/info. */
  mqttUrl?: string
  decode?: boolean
  /** Write each node's decoded audio of each session to {wavDir}/{session}/{node name}.wav (implies decode). */
  wavDir?: string
  /** Parallel HTTP calls and CONNECTs. Default 20. */
  concurrency?: number
  /** Options passed to every node. */
  node?: Partial<Omit<SimNodeOptions, 'nodeId' | 'password' | 'mqttUrl' | 'decode' | 'log'>>
  log?: LogFn
}

export interface FleetMember {
  name: string
  zone: string
  node: SimNode
  /** Why the node did not start; null while it is fine. */
  error: string | null
}

const PREFIX_RE = /^[a-z0-9][a-z0-9-]{0,30}$/

/**
 * Provisions N simulated nodes through the controller's HTTP API (creating missing zones, reusing nodes of
 * the same name by rotating their credentials) and runs them. The constructor does no I/O.
 */
export class SimFleet {
  private readonly opts: Readonly<FleetOptions & { prefix: string, concurrency: number, log: LogFn }>
  private readonly api: ControllerApi
  private list: FleetMember[] = []
  private url: string | undefined
  private readonly writes = new Set<Promise<void>>()

  constructor (options: FleetOptions) {
    const prefix = options.prefix ?? 'sim'
    if (!Number.isInteger(options.nodes) || options.nodes < 1) throw new TypeError('SimFleet: nodes must be a positive integer')
    if (options.zones.length === 0 || options.zones.some(z => z.trim() === '')) throw new TypeError('SimFleet: zones must be non-empty names')
    if (!PREFIX_RE.test(prefix)) throw new TypeError(`SimFleet: prefix must match ${PREFIX_RE.source}`)
    this.opts = Object.freeze({ ...options, prefix, concurrency: options.concurrency ?? 20, log: options.log ?? defaultLog })
    this.api = new ControllerApi(options.controller, options.token)
  }

  get members (): readonly FleetMember[] {
    return this.list
  }

  get mqttUrl (): string | undefined {
    return this.url
  }

  /** Creates or reuses the controller's nodes and builds (does not start) their SimNodes. */
  async provision (): Promise<readonly FleetMember[]> {
    const info = await this.api.info()
    this.url = this.opts.mqttUrl ?? defaultMqttUrl(this.opts.controller, info.mqtt.port)
    const zones = await this.ensureZones()
    const existing = new Map<string, string>()
    for (const n of await this.api.nodes()) if (!existing.has(n.name)) existing.set(n.name, n.id)
    const plan = planNodes(this.opts.prefix, this.opts.zones, this.opts.nodes)
    const results = await mapLimit(plan, this.opts.concurrency, p => this.credentialsFor(p, zones, existing))
    const failed = results.find(r => r.status === 'rejected')
    if (failed !== undefined) throw failed.reason
    this.list = results.map((r, i) => {
      const planned = plan[i] as PlannedNode
      const { username, password } = (r as PromiseFulfilledResult<{ username: string, password: string }>).value
      return { ...planned, error: null, node: this.buildNode(planned, username, password) }
    })
    return this.list
  }

  /** Provisions if needed, then connects every node; nodes that fail are logged and marked, the rest run. */
  async start (): Promise<void> {
    if (this.list.length === 0) await this.provision()
    const results = await mapLimit(this.list, this.opts.concurrency, m => m.node.start())
    results.forEach((r, i) => {
      const m = this.list[i] as FleetMember
      if (r.status === 'rejected') {
        m.error = r.reason instanceof Error ? r.reason.message : String(r.reason)
        this.opts.log('error', `${m.name}: did not start: ${m.error}`)
      }
    })
  }

  /** Stops every node gracefully and waits for pending WAV files. */
  async stop (): Promise<void> {
    await mapLimit(this.list, this.opts.concurrency, m => m.node.stop())
    while (this.writes.size > 0) await Promise.all(this.writes)
  }

  report (): FleetReport {
    return buildReport(this.list.map(m => ({
      name: m.name,
      id: m.node.id,
      zone: m.zone,
      online: m.node.online,
      volume: m.node.volume,
      playing: m.node.playing,
      error: m.error,
      sessions: m.node.reports()
    })), this.url ?? '')
  }

  private async ensureZones (): Promise<Map<string, ZoneItem>> {
    const have = await this.api.zones()
    const byName = new Map<string, ZoneItem>()
    for (const name of this.opts.zones) {
      const zone = have.find(z => sameZoneName(z.name, name)) ?? await this.api.createZone(name.trim())
      if (!have.includes(zone)) {
        have.push(zone)
        this.opts.log('info', `created zone ${zone.name}`)
      }
      byName.set(name, zone)
    }
    return byName
  }

  private async credentialsFor (p: PlannedNode, zones: Map<string, ZoneItem>, existing: Map<string, string>): Promise<{ username: string, password: string }> {
    const id = existing.get(p.name)
    if (id !== undefined) return (await this.api.rotateCredentials(id)).credentials
    const zone = zones.get(p.zone) as ZoneItem
    return (await this.api.createNode(p.name, zone.id)).credentials
  }

  private buildNode (p: PlannedNode, nodeId: string, password: string): SimNode {
    const wavDir = this.opts.wavDir
    const node = new SimNode({
      ...this.opts.node,
      nodeId,
      password,
      mqttUrl: this.url as string,
      decode: this.opts.decode === true || wavDir !== undefined,
      log: childLog(this.opts.log, p.name)
    })
    if (wavDir !== undefined) node.events.on('session-end', r => this.saveWav(node, p.name, wavDir, r))
    return node
  }

  /** Writes the WAV, then frees the audio: a fleet of hundreds of decoding nodes would otherwise fill memory. */
  private saveWav (node: SimNode, name: string, wavDir: string, report: SessionReport): void {
    const dir = join(wavDir, report.session)
    const write = mkdir(dir, { recursive: true })
      .then(() => node.writeWav(report.session, join(dir, `${name}.wav`)))
      .catch((err: unknown) => this.opts.log('warn', `${name}: WAV not written: ${String(err)}`))
      .finally(() => {
        node.dropAudio(report.session)
        this.writes.delete(write)
      })
    this.writes.add(write)
  }
}

/** The broker is on the controller's host: mqtt:// next to http://, mqtts:// next to https://. */
export function defaultMqttUrl (controller: string, port: number): string {
  const u = new URL(controller)
  return `${u.protocol === 'https:' ? 'mqtts' : 'mqtt'}://${u.hostname}:${port}`
}
