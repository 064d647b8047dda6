import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import mqtt from 'mqtt'
import { startController, waitFor, type TestController } from '../helpers/controller.js'

/** Browsers (and nodes behind HTTP-only proxies) reach the same broker over WebSocket on the API port. */
describe('MQTT over WebSocket', () => {
  let c: TestController
  let url: string
  let creds: { username: string, password: string }

  beforeAll(async () => {
    c = await startController()
    await c.app.listen({ host: '127.0.0.1', port: 0 })
    const addr = c.app.server.address()
    url = `ws://127.0.0.1:${typeof addr === 'object' && addr !== null ? addr.port : 0}/mqtt`
    const zone = (await c.api('POST', '/api/v1/zones', { name: 'Thôn Web' })).json<{ id: string }>()
    creds = (await c.api('POST', '/api/v1/nodes', { name: 'Loa Web', zoneId: zone.id })).json<{ credentials: { username: string, password: string } }>().credentials
  })
  afterAll(async () => { await c.close() })

  it('lets a node in with its credentials and shows it online', async () => {
    const client = await mqtt.connectAsync(url, { clientId: creds.username, username: creds.username, password: creds.password, reconnectPeriod: 0 })
    try {
      await client.publishAsync(`loa/v1/nodes/${creds.username}/state`, '{"v":1,"state":"online","protocol":1}', { qos: 1, retain: true })
      await waitFor(async () => (await c.api('GET', `/api/v1/nodes/${creds.username}`)).json<{ online: boolean }>().online ? true : undefined, 5000, 'online over ws')
    } finally {
      await client.endAsync()
    }
  })

  it('refuses a wrong password there too, and other paths', async () => {
    await expect(mqtt.connectAsync(url, { clientId: creds.username, username: creds.username, password: 'bad', reconnectPeriod: 0 }))
      .rejects.toThrow(/Bad username or password/)
    await expect(mqtt.connectAsync(url.replace('/mqtt', '/other'), { clientId: creds.username, username: creds.username, password: creds.password, reconnectPeriod: 0, connectTimeout: 2000 }))
      .rejects.toThrow()
  })
})
