import { apiError } from '../errors.js'
import type { Db } from '../store/schema.js'

/**
 * Turns the zones and nodes a clerk chose into the set of node ids to play on. Unknown ids are errors (a typo
 * must not silently shrink the audience); an empty result is an error too.
 */
export function resolveTargets (db: Readonly<Db>, targets: { zones: string[], nodes: string[] }): string[] {
  const ids = new Set<string>()
  for (const zoneId of targets.zones) {
    if (!db.zones.some(z => z.id === zoneId)) throw apiError('ZONE_NOT_FOUND', { id: zoneId })
    for (const n of db.nodes) if (n.zoneId === zoneId) ids.add(n.id)
  }
  for (const nodeId of targets.nodes) {
    if (!db.nodes.some(n => n.id === nodeId)) throw apiError('NODE_NOT_FOUND', { id: nodeId })
    ids.add(nodeId)
  }
  if (ids.size === 0) throw apiError('BROADCAST_NO_TARGETS')
  return [...ids]
}

/**
 * The lenient form, for schedules firing long after they were saved: zones or nodes deleted since are left
 * out instead of failing the whole fire (the record then shows who was reached).
 */
export function expandTargets (db: Readonly<Db>, targets: { zones: string[], nodes: string[] }): string[] {
  const zones = new Set(targets.zones)
  const ids = new Set(db.nodes.filter(n => zones.has(n.zoneId)).map(n => n.id))
  for (const id of targets.nodes) if (db.nodes.some(n => n.id === id)) ids.add(id)
  return [...ids]
}

/** Each node's zone as it is now, for BroadcastRequest.nodeZones (reports sum per zone as it was then). */
export function nodeZones (db: Readonly<Db>, nodeIds: readonly string[]): Record<string, string> {
  const wanted = new Set(nodeIds)
  const zones: Record<string, string> = {}
  for (const n of db.nodes) if (wanted.has(n.id)) zones[n.id] = n.zoneId
  return zones
}
