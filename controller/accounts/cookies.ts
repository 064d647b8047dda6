/** The panel's session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
export const SESSION_COOKIE = 'loa_session'
const MAX_AGE_S = 24 * 3600

/** The session id from a Cookie header, if any. */
export function readCookie (header: string | undefined, name = SESSION_COOKIE): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const i = part.indexOf('=')
    if (i > 0 && part.slice(0, i).trim() === name) {
      const value = part.slice(i + 1).trim()
      return value === '' ? undefined : value
    }
  }
  return undefined
}

/** A Set-Cookie value that sets the session (or clears it, with null). */
export function sessionCookie (value: string | null, secure: boolean): string {
  const attrs = ['Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])]
  return value === null
    ? [`${SESSION_COOKIE}=`, 'Max-Age=0', ...attrs].join('; ')
    : [`${SESSION_COOKIE}=${value}`, `Max-Age=${MAX_AGE_S}`, ...attrs].join('; ')
}
