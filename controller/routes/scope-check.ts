import { apiError } from '../errors.js'
import type { Scope } from '../accounts/scope.js'
import type { Db, MediaRecord } from '../store/schema.js'
import { assertApproved } from '../media/approval.js'

/** Every zone and node named must be in the caller's area: one outside is "not found", as if it did not exist. */
export function checkTargetsInScope (scope: Scope, t: { zones: readonly string[], nodes: readonly string[] }): void {
  for (const id of t.zones) if (!scope.zone(id)) throw apiError('ZONE_NOT_FOUND', { id })
  for (const id of t.nodes) if (!scope.node(id)) throw apiError('NODE_NOT_FOUND', { id })
}

/** A media item the caller may see and that may be played: approved (or older than approvals). */
export function playableMedia (db: Readonly<Db>, scope: Scope, id: string): MediaRecord {
  const m = db.media.find(x => x.id === id)
  if (m === undefined || !scope.media(m)) throw apiError('MEDIA_NOT_FOUND', { id })
  assertApproved(m)
  return m
}
