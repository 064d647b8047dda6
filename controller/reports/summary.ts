import type { BroadcastRecord, Db, DeliveryStatus, NodeDelivery } from '../store/schema.js'
import type { NodeRow, Report, ScheduleRow, ZoneRow } from './schema.js'
import type { ReportRange } from './range.js'

interface Sums { broadcasts: number, nodeRecords: number, requestedMs: number, deliveredMs: number, missed: number, status: Map<DeliveryStatus, number> }
interface NodeSums extends Sums { zoneId: string | null, zoneSeenAt: number }

const sums = (): Sums => ({ broadcasts: 0, nodeRecords: 0, requestedMs: 0, deliveredMs: 0, missed: 0, status: new Map() })
const seconds = (ms: number): number => Math.round(ms / 100) / 10
const pct = (s: Sums): number | null => s.requestedMs > 0 ? Math.round(s.deliveredMs / s.requestedMs * 1000) / 10 : null
const count = (s: Sums, status: DeliveryStatus): number => s.status.get(status) ?? 0
const NO_ZONE = '(no zone)'

/**
 * A fire the scheduler recorded as missed (the controller was down past the grace): no audio was ever sent,
 * so it is counted apart, not as a broadcast that delivered nothing.
 */
export function isMissedFire (r: BroadcastRecord): boolean {
  return r.origin.kind === 'schedule' && r.state === 'failed' && (r.endReason ?? '').startsWith('missed')
}

/**
 * Sums finished broadcast records per zone, per node and per schedule. Zones are taken from each delivery
 * entry's zoneId (the zone when the broadcast started); records older than that field fall back to the
 * node's zone today. Names are today's, or the id when the zone, node or schedule was deleted.
 */
export class ReportBuilder {
  private readonly totals = sums()
  private readonly zones = new Map<string | null, Sums>()
  private readonly nodes = new Map<string, NodeSums>()
  private readonly schedules = new Map<string, { fires: number, missed: number }>()
  private readonly zoneNow: Map<string, string>

  constructor (private readonly db: Readonly<Db>) {
    this.zoneNow = new Map(db.nodes.map(n => [n.id, n.zoneId]))
  }

  add (r: BroadcastRecord, at: number): void {
    const missed = isMissedFire(r)
    const sid = r.origin.scheduleId
    if (sid !== undefined) {
      const s = this.schedules.get(sid) ?? { fires: 0, missed: 0 }
      if (missed) s.missed++
      else s.fires++
      this.schedules.set(sid, s)
    }
    if (missed) {
      this.totals.missed++
      // "Which zones missed their programme": the zones it was meant for (its targets), each once.
      const zones = new Set<string | null>(r.targets.zones)
      for (const nodeId of r.targets.nodes) zones.add(this.zoneNow.get(nodeId) ?? null)
      for (const z of zones) this.zone(z).missed++
      for (const d of r.delivery) this.node(d, at).missed++
      return
    }
    this.totals.broadcasts++
    const touched = new Set<string | null>()
    for (const d of r.delivery) {
      const z = this.zoneOf(d)
      touched.add(z)
      const node = this.node(d, at)
      node.broadcasts++
      if (d.status === 'missed') node.missed++
      for (const s of [this.totals, this.zone(z), node]) {
        s.nodeRecords++
        s.requestedMs += d.requestedMs
        s.deliveredMs += d.deliveredMs
        s.status.set(d.status, count(s, d.status) + 1)
      }
    }
    for (const z of touched) this.zone(z).broadcasts++
  }

  result (range: ReportRange, skippedLines: number): Report {
    const zoneName = (id: string | null): string => id === null ? NO_ZONE : this.db.zones.find(z => z.id === id)?.name ?? id
    const byName = (a: { name: string }, b: { name: string }): number => a.name.localeCompare(b.name, 'vi')
    const t = this.totals
    const zones: ZoneRow[] = [...this.zones].map(([zoneId, s]) => ({
      zoneId, name: zoneName(zoneId), broadcasts: s.broadcasts, nodeRecords: s.nodeRecords,
      requestedS: seconds(s.requestedMs), deliveredS: seconds(s.deliveredMs), deliveredPct: pct(s),
      completed: count(s, 'completed'), preempted: count(s, 'preempted'), skipped: count(s, 'skipped'),
      offline: count(s, 'offline'), missed: s.missed
    })).sort((a, b) => Number(a.zoneId === null) - Number(b.zoneId === null) || byName(a, b))
    const nodes: NodeRow[] = [...this.nodes].map(([nodeId, s]) => ({
      nodeId, name: this.db.nodes.find(n => n.id === nodeId)?.name ?? nodeId, zoneId: s.zoneId, zoneName: zoneName(s.zoneId),
      broadcasts: s.broadcasts, requestedS: seconds(s.requestedMs), deliveredS: seconds(s.deliveredMs), deliveredPct: pct(s),
      completed: count(s, 'completed'), preempted: count(s, 'preempted'), skipped: count(s, 'skipped'),
      offline: count(s, 'offline'), stopped: count(s, 'stopped'), refused: count(s, 'refused'),
      noReport: count(s, 'no_report'), missed: s.missed
    })).sort((a, b) => a.zoneName.localeCompare(b.zoneName, 'vi') || byName(a, b))
    const schedules: ScheduleRow[] = [...this.schedules].map(([scheduleId, s]) => ({
      scheduleId, name: this.db.schedules.find(x => x.id === scheduleId)?.spec.name ?? scheduleId, ...s
    })).sort(byName)
    return {
      from: range.from, to: range.to, timeZone: range.timeZone,
      totals: {
        broadcasts: t.broadcasts, nodeRecords: t.nodeRecords, requestedS: seconds(t.requestedMs),
        deliveredS: seconds(t.deliveredMs), deliveredPct: pct(t), missed: t.missed
      },
      zones, nodes, schedules, skippedLines
    }
  }

  private zoneOf (d: NodeDelivery): string | null {
    return d.zoneId ?? this.zoneNow.get(d.nodeId) ?? null
  }

  private zone (id: string | null): Sums {
    let s = this.zones.get(id)
    if (s === undefined) this.zones.set(id, s = sums())
    return s
  }

  /** A node's sums; its zone is the one of its latest record seen (records arrive in no set order). */
  private node (d: NodeDelivery, at: number): NodeSums {
    let s = this.nodes.get(d.nodeId)
    if (s === undefined) this.nodes.set(d.nodeId, s = { ...sums(), zoneId: null, zoneSeenAt: -Infinity })
    if (at >= s.zoneSeenAt) { s.zoneId = this.zoneOf(d); s.zoneSeenAt = at }
    return s
  }
}
