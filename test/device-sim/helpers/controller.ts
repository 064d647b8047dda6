import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

interface Zone { id: string, name: string, createdAt: string }
interface Node { id: string, name: string, zoneId: string, createdAt: string }

/**
 * Test-only stand-in for the controller's HTTP API (its contract as given to device-sim), so fleet and CLI
 * tests run before and apart from controller/. Credentials it issues are written into `users`, the map the
 * test broker authenticates against.
 */
export async function startStubController (opts: { token: string, mqttPort: number, users: Record<string, string> }) {
  const zones: Zone[] = []
  const nodes: Node[] = []
  const calls: string[] = []
  const id = (prefix: string): string => `${prefix}-${randomBytes(5).toString('hex')}`
  const view = (node: Node) => ({ ...node, location: null, online: false, lastSeen: null, volume: 80, playing: null })
  const issue = (node: Node) => {
    const password = randomBytes(12).toString('hex')
    opts.users[node.id] = password
    return { node: view(node), credentials: { username: node.id, password } }
  }

  function send (res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  }
  function fail (res: ServerResponse, statusCode: number, code: string, message: string): void {
    send(res, statusCode, { statusCode, code, error: 'Error', message })
  }
  async function body (req: IncomingMessage): Promise<Record<string, unknown>> {
    let text = ''
    for await (const chunk of req) text += String(chunk)
    return text === '' ? {} : JSON.parse(text) as Record<string, unknown>
  }

  const server = createServer((req, res) => {
    void (async () => {
      calls.push(`${req.method} ${req.url}`)
      if (req.headers.authorization !== `Bearer ${opts.token}`) return fail(res, 401, 'AUTH_REQUIRED', 'a valid bearer token is required')
      const url = req.url ?? ''
      if (req.method === 'GET' && url === '/api/v1/info') {
        return send(res, 200, { name: 'loa', version: '0.1.0', protocol: 1, mqtt: { port: opts.mqttPort, wsPath: '/mqtt' } })
      }
      if (req.method === 'GET' && url === '/api/v1/zones') return send(res, 200, { items: zones })
      if (req.method === 'POST' && url === '/api/v1/zones') {
        const zone = { id: id('z'), name: String((await body(req)).name), createdAt: new Date().toISOString() }
        zones.push(zone)
        return send(res, 201, zone)
      }
      if (req.method === 'GET' && url === '/api/v1/nodes') return send(res, 200, { items: nodes.map(view) })
      if (req.method === 'POST' && url === '/api/v1/nodes') {
        const b = await body(req)
        if (!zones.some(z => z.id === b.zoneId)) return fail(res, 404, 'ZONE_NOT_FOUND', 'no such zone')
        if (nodes.some(n => n.name === b.name)) return fail(res, 409, 'NODE_NAME_TAKEN', 'name taken')
        const node = { id: id('n'), name: String(b.name), zoneId: String(b.zoneId), createdAt: new Date().toISOString() }
        nodes.push(node)
        return send(res, 201, issue(node))
      }
      const rotate = /^\/api\/v1\/nodes\/([^/]+)\/credentials$/.exec(url)
      if (req.method === 'POST' && rotate !== null) {
        const node = nodes.find(n => n.id === rotate[1])
        if (node === undefined) return fail(res, 404, 'NODE_NOT_FOUND', 'no such node')
        return send(res, 200, issue(node))
      }
      fail(res, 404, 'NOT_FOUND', `${req.method} ${url}`)
    })().catch(err => fail(res, 500, 'INTERNAL', String(err)))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    zones,
    nodes,
    calls,
    close: () => new Promise<void>(resolve => { server.closeAllConnections(); server.close(() => resolve()) })
  }
}
