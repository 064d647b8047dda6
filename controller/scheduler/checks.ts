import {
  checkSpec, effectivePriority, findConflicts, firstQuietFire, formatLocal, isEmergency, nextFireTimes, quietHoursMessage,
  type Conflict, type QuietHours, type ScheduleSpec
} from '../../schedules/index.js'
import { apiError } from '../errors.js'
import { checkRelayUrl } from '../sources/relay.js'
import type { Db, ScheduleRecord } from '../store/schema.js'

/** Everything the API says about a schedule before (or after) it is saved. */
export interface Review {
  nextFireTimes: Array<{ at: string, local: string }>
  quiet: { at: string, local: string, message: string } | null
  conflicts: Conflict[]
  priority: number
}

/** Refuses a spec that cannot work or names things that do not exist, with the clerk-readable reason. */
export function checkReferences (db: Readonly<Db>, spec: ScheduleSpec, now?: Date): void {
  const invalid = checkSpec(spec)
  if (invalid !== null) throw apiError('SCHEDULE_INVALID', { detail: invalid })
  // A schedule that would never play is a mistake (a one-off in the past, a window already over), not a plan.
  if (now !== undefined && nextFireTimes(spec, now, 1).length === 0) {
    throw apiError('SCHEDULE_INVALID', { detail: 'it would never play: its time, or its validity window, is already past.' })
  }
  for (const id of spec.playlist) if (!db.media.some(m => m.id === id)) throw apiError('MEDIA_NOT_FOUND', { id })
  if (spec.relay !== undefined) checkRelayUrl(spec.relay.url)
  for (const id of spec.targets.zones) if (!db.zones.some(z => z.id === id)) throw apiError('ZONE_NOT_FOUND', { id })
  for (const id of spec.targets.nodes) if (!db.nodes.some(n => n.id === id)) throw apiError('NODE_NOT_FOUND', { id })
}

/** How long one play of the playlist lasts. */
function playMs (db: Readonly<Db>, spec: ScheduleSpec): number {
  if (spec.relay !== undefined) return spec.relay.durationS * 1000
  // One play of the playlist: findConflicts multiplies by `repeat` itself.
  return spec.playlist.reduce((ms, id) => ms + (db.media.find(m => m.id === id)?.durationMs ?? 0), 0)
}

/** Zones stay as they are; nodes also include every node of the zones, so a zone and a node in it meet. */
function expanded (db: Readonly<Db>, spec: ScheduleSpec): ScheduleSpec {
  const nodes = new Set(spec.targets.nodes)
  for (const n of db.nodes) if (spec.targets.zones.includes(n.zoneId)) nodes.add(n.id)
  return { ...spec, targets: { zones: spec.targets.zones, nodes: [...nodes] } }
}

export function review (db: Readonly<Db>, spec: ScheduleSpec, self: string | undefined, quiet: QuietHours, now: Date, count = 10, quietTz = spec.timeZone): Review {
  const q = isEmergency(spec) ? null : firstQuietFire(spec, quiet, now, undefined, quietTz)
  const others = db.schedules
    .filter((s: ScheduleRecord) => s.id !== self)
    .map(s => ({ id: s.id, name: s.spec.name, spec: expanded(db, s.spec), durationMs: playMs(db, s.spec) }))
  return {
    nextFireTimes: nextFireTimes(spec, now, count).map(d => ({ at: d.toISOString(), local: formatLocal(d, spec.timeZone) })),
    quiet: q === null ? null : { at: q.toISOString(), local: formatLocal(q, quietTz), message: quietHoursMessage(q, quietTz, quiet) },
    conflicts: findConflicts({ id: self, spec: expanded(db, spec), durationMs: playMs(db, spec) }, others, now),
    priority: effectivePriority(spec)
  }
}
