import Type, { type Static, type TSchema } from 'typebox'
import { Compile, type Validator } from 'typebox/compile'

/**
 * The few controller HTTP calls a fleet needs. Responses are checked against the fields the sim uses (extra
 * fields are fine, the controller may grow), so a controller that drifts from the contract fails here with
 * a clear message instead of deep inside the fleet.
 */

const Info = Type.Object({
  name: Type.String(),
  version: Type.String(),
  protocol: Type.Integer(),
  mqtt: Type.Object({ port: Type.Integer({ minimum: 1, maximum: 65535 }), wsPath: Type.Optional(Type.String()) })
})
const Zone = Type.Object({ id: Type.String({ minLength: 1 }), name: Type.String() })
const ZoneList = Type.Object({ items: Type.Array(Zone) })
const NodeItem = Type.Object({ id: Type.String({ minLength: 1 }), name: Type.String(), zoneId: Type.Union([Type.String(), Type.Null()]) })
const NodeList = Type.Object({ items: Type.Array(NodeItem) })
const WithCredentials = Type.Object({
  node: NodeItem,
  credentials: Type.Object({ username: Type.String({ minLength: 1 }), password: Type.String({ minLength: 1 }) })
})
const ErrorBody = Type.Object({ statusCode: Type.Integer(), code: Type.String(), message: Type.String() })

export type ControllerInfo = Static<typeof Info>
export type ZoneItem = Static<typeof Zone>
export type NodeItem = Static<typeof NodeItem>
export type NodeWithCredentials = Static<typeof WithCredentials>

/** An HTTP call failed; `code` is the controller's error code, or one of the sim's own (HTTP_*). */
export class ApiError extends Error {
  constructor (readonly statusCode: number, readonly code: string, message: string) {
    super(message)
    this.name = 'ApiError'
  }
}

const check = {
  info: Compile(Info),
  zone: Compile(Zone),
  zoneList: Compile(ZoneList),
  nodeList: Compile(NodeList),
  withCredentials: Compile(WithCredentials),
  error: Compile(ErrorBody)
}

export class ControllerApi {
  private readonly base: URL

  constructor (baseUrl: string, private readonly token: string, private readonly timeoutMs = 15_000) {
    this.base = new URL(baseUrl.endsWith('/') ? baseUrl : baseUrl + '/')
  }

  info (): Promise<ControllerInfo> {
    return this.call('GET', 'api/v1/info', check.info)
  }

  async zones (): Promise<ZoneItem[]> {
    return (await this.call('GET', 'api/v1/zones', check.zoneList)).items
  }

  createZone (name: string): Promise<ZoneItem> {
    return this.call('POST', 'api/v1/zones', check.zone, { name })
  }

  async nodes (): Promise<NodeItem[]> {
    return (await this.call('GET', 'api/v1/nodes', check.nodeList)).items
  }

  createNode (name: string, zoneId: string): Promise<NodeWithCredentials> {
    return this.call('POST', 'api/v1/nodes', check.withCredentials, { name, zoneId })
  }

  /** New password for an existing node; the old one stops working. */
  rotateCredentials (nodeId: string): Promise<NodeWithCredentials> {
    return this.call('POST', `api/v1/nodes/${encodeURIComponent(nodeId)}/credentials`, check.withCredentials)
  }

  private async call<T extends TSchema> (method: 'GET' | 'POST', path: string, validator: Validator<{}, T>, body?: unknown): Promise<Static<T>> {
    const url = new URL(path, this.base)
    let res: Response
    try {
      res = await fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {})
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs)
      })
    } catch (err) {
      // fetch hides the reason (ECONNREFUSED, ENOTFOUND) in `cause`.
      const cause = err instanceof Error && err.cause !== undefined ? ` (${String(err.cause)})` : ''
      throw new ApiError(0, 'HTTP_UNREACHABLE', `${method} ${url.href}: ${String(err)}${cause}`)
    }
    const text = await res.text()
    let json: unknown
    try {
      json = JSON.parse(text)
    } catch {
      json = undefined
    }
    if (!res.ok) {
      if (check.error.Check(json)) throw new ApiError(res.status, json.code, `${method} ${url.pathname}: ${json.message}`)
      throw new ApiError(res.status, `HTTP_${res.status}`, `${method} ${url.pathname}: HTTP ${res.status}`)
    }
    if (!validator.Check(json)) {
      const first = validator.Errors(json)[0]
      throw new ApiError(res.status, 'HTTP_BAD_RESPONSE',
        `${method} ${url.pathname}: unexpected response at ${first?.instancePath ?? '/'}: ${first?.message ?? 'invalid'}`)
    }
    return json
  }
}
