/** Live status from the controller (Server-Sent Events); the browser reconnects by itself after a drop. */
const listeners = new Map()
let source
let statusCb = () => {}

export function connectEvents (onStatus) {
  statusCb = onStatus
  source?.close()
  source = new EventSource('/api/v1/events')
  source.onopen = () => statusCb(true)
  source.onerror = () => statusCb(false)
  for (const type of ['node', 'broadcast', 'hello']) {
    source.addEventListener(type, e => {
      const data = JSON.parse(e.data)
      for (const l of listeners.get(type) ?? []) l(data)
    })
  }
}

export function disconnectEvents () { source?.close(); source = undefined }

/** Listens until the page changes (app.js clears page listeners on navigation). */
export function on (type, listener) {
  if (!listeners.has(type)) listeners.set(type, new Set())
  listeners.get(type).add(listener)
  return () => listeners.get(type)?.delete(listener)
}
