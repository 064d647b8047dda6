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
