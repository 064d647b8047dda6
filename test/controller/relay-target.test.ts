import { describe, expect, it } from 'vitest'
import { checkRelayTarget, redactUrl } from '../../controller/sources/relay.js'

describe('which addresses a relay may reach', () => {
  it('refuses this machine and link-local addresses (a cloud metadata service), by IP or by name', async () => {
    for (const url of ['http://127.0.0.1:8000/vov1', 'http://localhost/vov1', 'http://[::1]/x', 'http://169.254.169.254/latest/meta-data', 'http://0.0.0.0/']) {
      await expect(checkRelayTarget(url, []), url).rejects.toMatchObject({ code: 'RELAY_URL_INVALID' })
    }
  })

  it('allows LAN stations (district servers sit on provincial networks) and hosts allowed by name', async () => {
    await expect(checkRelayTarget('http://10.20.0.5:8000/huyen.mp3', [])).resolves.toBeUndefined()
    await expect(checkRelayTarget('http://192.168.1.20/xa.ogg', [])).resolves.toBeUndefined()
    await expect(checkRelayTarget('http://127.0.0.1:8000/vov1', ['127.0.0.1'])).resolves.toBeUndefined()
  })

  it('refuses other schemes and what is not a URL, before any lookup', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://radio.example/vov1', 'rtmp://radio.example/live', 'concat:a|b', 'not a url']) {
      await expect(checkRelayTarget(url, []), url).rejects.toMatchObject({ code: 'RELAY_URL_INVALID' })
    }
  })

  it('records an address without its password or query string', () => {
    expect(redactUrl('https://user:s3cret@radio.example:8443/live/vov1.mp3?key=abc:def&x=1')).toBe('https://radio.example:8443/live/vov1.mp3?…')
    expect(redactUrl('http://radio.example/vov1')).toBe('http://radio.example/vov1')
  })
})
