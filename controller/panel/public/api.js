/**
 * The JSON API, as the signed-in user: the browser sends the session cookie; every change also carries the
 * session's CSRF token. An error is thrown as ApiError with the message in the panel's language.
 */
import { lang } from './i18n.js'

let csrf = ''
export function setCsrf (token) { csrf = token ?? '' }

export class ApiError extends Error {
  constructor (status, body) {
    super((lang() === 'vi' ? body?.messageVi : body?.message) ?? body?.message ?? `HTTP ${status}`)
    this.status = status
    this.code = body?.code ?? 'HTTP_' + status
    this.body = body
  }
}

export async function api (method, path, body) {
  const headers = {}
  if (body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET') headers['x-csrf-token'] = csrf
  const r = await fetch('/api/v1' + path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) })
  if (r.status === 204) return null
  const data = r.headers.get('content-type')?.includes('json') ? await r.json() : await r.text()
  if (!r.ok) throw new ApiError(r.status, data)
  return data
}

/** An upload with progress (fetch cannot report upload progress; XMLHttpRequest can). */
export function upload (path, formData, onProgress) {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest()
    x.open('POST', '/api/v1' + path)
    x.setRequestHeader('x-csrf-token', csrf)
    x.upload.onprogress = e => { if (e.lengthComputable) onProgress(e.loaded / e.total) }
    x.onload = () => {
      let data = null
      try { data = JSON.parse(x.responseText) } catch { data = { message: x.responseText } }
      if (x.status >= 200 && x.status < 300) resolve(data)
      else reject(new ApiError(x.status, data))
    }
    x.onerror = () => reject(new ApiError(0, { message: 'network error', messageVi: 'Lỗi mạng' }))
    x.send(formData)
  })
}
