import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { TestController } from './controller.js'

export interface Browser {
  cookie: string
  csrf: string
  /** A request as the panel makes it: the session cookie, and the CSRF token on every change. */
  call: (method: InjectOptions['method'], url: string, body?: unknown, headers?: Record<string, string>) => Promise<LightMyRequestResponse>
}

export const PASSWORD = 'Loa-mat-khau-2026'

/** The Set-Cookie header's session value. */
export function sessionCookieOf (r: LightMyRequestResponse): string {
  const header = r.headers['set-cookie']
  const raw = Array.isArray(header) ? header[0] : header
  const m = /^loa_session=([^;]*)/.exec(raw ?? '')
  if (m === null) throw new Error(`no session cookie in ${JSON.stringify(header)}`)
  return m[1] ?? ''
}

function browser (c: TestController, cookie: string, csrf: string): Browser {
  return {
    cookie,
    csrf,
    call: async (method, url, body, headers = {}) => await c.app.inject({
      method, url,
      headers: { cookie: `loa_session=${cookie}`, ...(method !== 'GET' ? { 'x-csrf-token': csrf } : {}), ...headers },
      ...(body !== undefined ? { payload: body as object } : {})
    })
  }
}

/** Creates the first admin with the setup code the controller printed, and returns their browser. */
export async function setupAdmin (c: TestController, username = 'quantri'): Promise<Browser> {
  const r = await c.app.inject({ method: 'POST', url: '/api/v1/auth/setup', payload: { code: c.app.setupCode ?? '', username, displayName: 'Quản trị', password: PASSWORD } })
  if (r.statusCode !== 201) throw new Error(`setup failed: ${r.body}`)
  return browser(c, sessionCookieOf(r), r.json<{ csrf: string }>().csrf)
}

export async function login (c: TestController, username: string, password = PASSWORD): Promise<Browser> {
  const r = await c.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } })
  if (r.statusCode !== 200) throw new Error(`login failed: ${r.body}`)
  return browser(c, sessionCookieOf(r), r.json<{ csrf: string }>().csrf)
}
