import { execFile } from 'node:child_process'
import { readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import WebSocket from 'ws'
import { ffmpeg } from './audio-fixtures.js'
import { sleep } from './controller.js'

const run = promisify(execFile)

/** Vietnamese speech from espeak-ng, as raw s16le 48 kHz mono (what a browser's AudioWorklet would send). */
export async function speechPcm (dir: string, text: string): Promise<Buffer> {
  const wav = join(dir, 'speech.wav')
  const raw = join(dir, 'speech.s16')
  await run('espeak-ng', ['-v', 'vi', '-s', '150', '-w', wav, text])
  await ffmpeg(['-i', wav, '-ac', '1', '-ar', '48000', '-f', 's16le', raw])
  return await readFile(raw)
}

/** The same speech encoded as a browser's MediaRecorder would (Opus in WebM) or as Ogg Opus. */
export async function encodePcm (dir: string, pcm: Buffer, format: 'webm' | 'ogg'): Promise<Buffer> {
  const raw = join(dir, `in-${format}.s16`)
  const out = join(dir, `speech.${format}`)
  await writeFile(raw, pcm)
  await ffmpeg(['-f', 's16le', '-ar', '48000', '-ac', '1', '-i', raw, '-c:a', 'libopus', '-b:a', '32k', '-frame_duration', '20', ...(format === 'ogg' ? ['-page_duration', '20000'] : []), '-f', format, out])
  return await readFile(out)
}

export function pcmToFloat (pcm: Buffer): Float32Array {
  const out = new Float32Array(Math.floor(pcm.length / 2))
  for (let i = 0; i < out.length; i++) out[i] = pcm.readInt16LE(i * 2) / 32768
  return out
}

/** Index of the first sample louder than `threshold`: where speech starts, in a clip with silence before it. */
export function onset (a: Float32Array, threshold = 0.05): number {
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i] ?? 0) > threshold) return i
  return -1
}

export interface LiveMessage { type: string, [k: string]: unknown }

export interface LiveClient {
  ws: WebSocket
  messages: LiveMessage[]
  next: (type: string, timeoutMs?: number) => Promise<LiveMessage>
  closed: Promise<{ code: number, reason: string }>
}

/** Opens the live WebSocket and collects the controller's JSON messages. */
export async function openLive (url: string, headers: Record<string, string> = {}): Promise<LiveClient> {
  const ws = new WebSocket(url, { headers })
  const messages: LiveMessage[] = []
  const waiters: Array<() => void> = []
  ws.on('message', (data, isBinary) => {
    if (isBinary) return
    messages.push(JSON.parse(String(data)) as LiveMessage)
    for (const w of waiters.splice(0)) w()
  })
  const closed = new Promise<{ code: number, reason: string }>(resolve => ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })))
  await new Promise<void>((resolve, reject) => { ws.once('open', () => resolve()); ws.once('error', reject) })
  const next = async (type: string, timeoutMs = 15_000): Promise<LiveMessage> => {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const m = messages.find(x => x.type === type || x.type === 'error')
      if (m !== undefined) return m
      if (Date.now() > deadline) throw new Error(`no "${type}" message within ${timeoutMs} ms; got ${JSON.stringify(messages)}`)
      await new Promise<void>(resolve => { waiters.push(resolve); setTimeout(resolve, 100) })
    }
  }
  return { ws, messages, next, closed }
}

/**
 * Sends `bytes` in chunks at the pace of the audio they hold (bytesPerSecond), as a microphone would, calling
 * `onChunk` with the wall time each chunk left. Resolves after the last one.
 */
export async function sendRealTime (
  send: (chunk: Buffer) => void, bytes: Buffer, bytesPerSecond: number, chunkMs = 20, onChunk?: (offset: number, at: number) => void
): Promise<void> {
  const size = Math.max(1, Math.round(bytesPerSecond * chunkMs / 1000))
  const start = Date.now()
  for (let off = 0, i = 0; off < bytes.length; off += size, i++) {
    const due = start + i * chunkMs
    if (due > Date.now()) await sleep(due - Date.now())
    onChunk?.(off, Date.now())
    send(bytes.subarray(off, off + size))
  }
}
