import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { access, chmod, readFile, writeFile } from 'node:fs/promises'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { isAudioError, startLiveEncoder, type LiveEncoder, type OpusPacket } from '../../audio/index.js'
import { FFMPEG, ffmpeg, tempDir } from '../helpers/audio-fixtures.js'

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

interface Radio {
  url: string
  /** Bytes sent so far, and when the last were sent (performance.now()). */
  sent: () => { bytes: number, at: number }
  /** Like a crashed server: every connection is cut at once. */
  crash: () => void
  close: () => Promise<void>
}

/**
 * A radio server on a free port: sends `bytes` in 1 KB chunks every 20 ms (a burst, as Icecast sends on
 * connect, but no faster than a slow link), and then holds the connection open without a word if `stallAfter`
 * bytes were given and reached.
 */
async function radio (bytes: Uint8Array, o: { stallAfter?: number, contentType?: string } = {}): Promise<Radio> {
  let sent = 0
  let at = performance.now()
  const timers = new Set<NodeJS.Timeout>()
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': o.contentType ?? 'audio/mpeg' })
    let offset = 0
    const timer = setInterval(() => {
      if (o.stallAfter !== undefined && offset >= o.stallAfter) return
      res.write(bytes.subarray(offset, offset + 1024))
      offset += 1024
      sent = offset
      at = performance.now()
      if (offset >= bytes.length) {
        clearInterval(timer)
        res.end()
      }
    }, 20)
    timers.add(timer)
    req.on('close', () => { clearInterval(timer) })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/stream`,
    sent: () => ({ bytes: sent, at }),
    crash: () => { server.closeAllConnections() },
    close: async () => {
      for (const t of timers) clearInterval(t)
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

function relay (url: string, stallTimeoutMs?: number): { encoder: LiveEncoder, packets: OpusPacket[] } {
  const packets: OpusPacket[] = []
  const encoder = startLiveEncoder({ ffmpegPath: FFMPEG, input: { kind: 'url', url }, stallTimeoutMs, onPacket: (p) => packets.push(p) })
  return { encoder, packets }
}

const seconds = (packets: OpusPacket[]): number => packets.reduce((n, p) => n + p.samples, 0) / 48000

function gone (pid: number | undefined): boolean {
  try {
    process.kill(pid ?? 0, 0)
    return false
  } catch {
    return true
  }
}

let dir = ''
let remove: () => Promise<void> = async () => {}
const clips: Record<'mp3' | 'ogg', Uint8Array> = { mp3: new Uint8Array(), ogg: new Uint8Array() }

beforeAll(async () => {
  ({ dir, remove } = await tempDir())
  const tone = ['-f', 'lavfi', '-i', 'aevalsrc=0.3*sin(2*PI*440*t):s=44100:d=2']
  await ffmpeg([...tone, '-c:a', 'libmp3lame', '-b:a', '64k', join(dir, 'radio.mp3')])
  await ffmpeg([...tone, '-c:a', 'libvorbis', join(dir, 'radio.ogg')])
  clips.mp3 = new Uint8Array(await readFile(join(dir, 'radio.mp3')))
  clips.ogg = new Uint8Array(await readFile(join(dir, 'radio.ogg')))
})
afterAll(async () => { await remove() })

describe('startLiveEncoder from a URL', () => {
  it.each(['mp3', 'ogg'] as const)('relays an %s stream as it arrives', async (kind) => {
    const server = await radio(clips[kind], { contentType: kind === 'mp3' ? 'audio/mpeg' : 'audio/ogg' })
    try {
      const { encoder, packets } = relay(server.url)
      const exit = await encoder.exited
      expect(exit).toEqual({ code: 0, signal: null, detail: '' })
      expect(Math.abs(seconds(packets) - 2)).toBeLessThan(0.1)
    } finally {
      await server.close()
    }
  })

  it.each([
    'file:///etc/passwd', 'ftp://example.com/radio.mp3', 'concat:http://a|http://b', 'pipe:0', '/var/lib/loa/media/x.opus',
    'not a url'
  ])('refuses %s before starting ffmpeg', async (url) => {
    const marker = join(dir, 'ran')
    const fake = join(dir, 'marker.sh')
    await writeFile(fake, `#!/bin/sh\ntouch ${marker}\n`)
    await chmod(fake, 0o755)
    let caught: unknown
    try {
      startLiveEncoder({ ffmpegPath: fake, input: { kind: 'url', url }, onPacket: () => {} })
    } catch (err) {
      caught = err
    }
    expect(isAudioError(caught, 'AUDIO_NOT_DECODABLE')).toBe(true)
    await expect(access(marker)).rejects.toThrow()
  })

  it('does not follow a redirect to a local file', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(302, { location: `file://${join(dir, 'radio.mp3')}` })
      res.end()
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const { encoder, packets } = relay(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      const exit = await encoder.exited
      expect(exit.code).not.toBe(0)
      expect(packets).toEqual([])
    } finally {
      server.closeAllConnections()
      server.close()
    }
  })

  it('gives up on a server that goes quiet, within the stall timeout', async () => {
    const server = await radio(clips.mp3, { stallAfter: 4096 })
    try {
      const { encoder, packets } = relay(server.url, 800)
      const exit = await encoder.exited
      const quiet = performance.now() - server.sent().at
      expect(packets.length).toBeGreaterThan(0)
      expect(quiet).toBeGreaterThan(700)
      expect(quiet).toBeLessThan(800 + 1000)
      expect(exit.detail).toMatch(/timed out/i)
      expect(gone(encoder.pid)).toBe(true)
    } finally {
      await server.close()
    }
  })

  it('ends when the server dies mid-stream', async () => {
    const server = await radio(clips.mp3)
    try {
      const { encoder, packets } = relay(server.url, 5000)
      while (packets.length === 0) await sleep(10)
      server.crash()
      const crashed = performance.now()
      await encoder.exited
      expect(performance.now() - crashed).toBeLessThan(1000)
      expect(seconds(packets)).toBeLessThan(2)
      expect(gone(encoder.pid)).toBe(true)
    } finally {
      await server.close()
    }
  })

  it('stops at kill(), called twice, and has no stdin to write to', async () => {
    const server = await radio(clips.mp3)
    try {
      const { encoder, packets } = relay(server.url)
      while (packets.length === 0) await sleep(10)
      expect(encoder.write(new Uint8Array(10))).toBe(false)
      encoder.end()
      encoder.kill()
      encoder.kill()
      expect(await encoder.exited).toMatchObject({ code: null, signal: 'SIGKILL' })
      expect(gone(encoder.pid)).toBe(true)
    } finally {
      await server.close()
    }
  })
})
