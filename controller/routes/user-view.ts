import Type, { type Static } from 'typebox'
import type { UserRecord } from '../store/schema.js'

/** A user as the API shows it: never the password hash. */
export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  role: Type.String(),
  areaId: Type.Union([Type.String(), Type.Null()]),
  disabled: Type.Boolean(),
  createdAt: Type.String(),
  lastLoginAt: Type.Union([Type.String(), Type.Null()])
})
export type UserView = Static<typeof UserView>

export function userView (u: UserRecord): UserView {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, areaId: u.areaId, disabled: u.disabled, createdAt: u.createdAt, lastLoginAt: u.lastLoginAt }
}
