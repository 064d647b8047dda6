import type { Role } from '../store/schema.js'

/**
 * Who may do what, by role (least privilege). Everyone signed in may read what lies in their area; the
 * rest is granted per role. The API token for integrations acts as an admin of the whole system.
 */
export const PERMISSIONS = {
  /** Upload, text-to-speech, rename and delete media. */
  'media.write': ['admin', 'approver', 'operator'],
  /** Approve or reject what an operator made, so it may be played. */
  'media.approve': ['admin', 'approver'],
  /** Play now, live voice, relay, stop a broadcast. */
  'broadcast.start': ['admin', 'approver', 'operator'],
  'schedule.write': ['admin', 'approver', 'operator'],
  /** Relay an outside stream: content no one approved, so only those who approve content. */
  'relay.start': ['admin', 'approver'],
  'emergency.start': ['admin', 'approver', 'operator'],
  /** A node's volume. */
  'node.volume': ['admin', 'approver', 'operator'],
  /** Zones and speaker nodes: create, move, delete, new credentials. */
  'fleet.manage': ['admin'],
  'areas.manage': ['admin'],
  'users.manage': ['admin'],
  /** The audit log. */
  'audit.read': ['admin', 'approver']
} as const satisfies Record<string, readonly Role[]>

export type Permission = keyof typeof PERMISSIONS

export function can (role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role)
}

/** Operators' content waits for approval; approvers' and admins' is approved as it is made. */
export function needsApproval (role: Role): boolean {
  return role === 'operator'
}
