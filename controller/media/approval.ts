import { apiError } from '../errors.js'
import { needsApproval } from '../accounts/permissions.js'
import type { Principal } from '../accounts/scope.js'
import type { MediaRecord } from '../store/schema.js'

const STATE_VI = { pending: 'đang chờ duyệt', approved: 'đã duyệt', rejected: 'bị từ chối' } as const

/** The approval and ownership a new media item gets from whoever made it. */
export function newMediaFields (p: Principal, at = new Date()): Pick<MediaRecord, 'approval' | 'createdBy' | 'areaId'> {
  return {
    approval: needsApproval(p.role)
      ? { state: 'pending', by: null, at: null }
      : { state: 'approved', by: p.name, at: at.toISOString() },
    createdBy: p.name,
    areaId: p.areaId
  }
}

/** Approved, or made before approvals existed (no approval field). */
export function isApproved (m: Pick<MediaRecord, 'approval'>): boolean {
  return m.approval === undefined || m.approval.state === 'approved'
}

/** Throws MEDIA_NOT_APPROVED unless the item may be played or scheduled (the emergency button does not ask). */
export function assertApproved (m: MediaRecord): void {
  if (isApproved(m)) return
  const state = m.approval?.state ?? 'pending'
  throw apiError('MEDIA_NOT_APPROVED', { name: m.name, state, stateVi: STATE_VI[state] })
}
