import { open } from 'node:fs/promises'
import { TtsError, type TtsEngine } from './engine.js'

export interface HttpTtsOptions {
  /** The service's endpoint (http or https). */
  url: string
  /** Sent as `authorization: Bearer <key>`; never written to a log or an error message. */
  key?: string
  /** For the whole exchange, body included. */
  timeoutMs: number
  /** Largest audio body accepted; the controller passes its upload limit, as the body meets the same probe. */
  maxBytes: number
}

/** How much of an error body to quote: enough for "quota exceeded", not a page of HTML. */
const SNIPPET_BYTES = 300

/**
 * A TTS service over HTTP, with no vendor built in (Vietnamese services differ in every detail, so a small
 * adapter in front of one is cheaper than a driver per vendor here). The contract, also in README.md:
 *   POST <url>, content-type: application/json, accept: audio/*, authorization: Bearer <key> (if a key is set)
 *   body {"text": "...", "voice": "..."}  ->  2xx with the audio as the body, in any format ffmpeg reads.
 * A JSON or text answer (a service that replies with a link to the audio) is refused with a clear error.
 */
export class HttpTtsEngine implements TtsEngine {
  readonly name = 'http'
  /** Where the service is, for messages: origin and path only, since a query or user part may hold a secret. */
  private readonly where: string

  constructor (private readonly options: HttpTtsOptions) {
    const u = new URL(options.url)
    this.where = u.origin + u.pathname
  }

  async synthesize (text: string, voice: string, outFile: string, signal?: AbortSignal): Promise<void> {
    const timeout = AbortSignal.timeout(this.options.timeoutMs)
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'audio/*' }
    if (this.options.key !== undefined && this.options.key !== '') headers.authorization = `Bearer ${this.options.key}`
    try {
      const res = await fetch(this.options.url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ text, voice }),
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
        // A redirect could carry the key to another host, or drop it; a configured URL should be the final one.
        redirect: 'error'
      })
      await this.check(res)
      await this.save(res, outFile)
    } catch (err) {
      throw this.explain(err, timeout, signal)
    }
  }

  private async check (res: Response): Promise<void> {
    if (!res.ok) throw this.failed(`answered HTTP ${res.status}${await snippet(res)}`)
    const type = res.headers.get('content-type') ?? ''
    if (/json|^text\//i.test(type)) throw this.failed(`answered ${type.split(';')[0] ?? type}, not audio${await snippet(res)}`)
    const length = Number(res.headers.get('content-length') ?? NaN)
    if (length > this.options.maxBytes) throw this.failed(`sent ${length} bytes of audio; the limit is ${this.options.maxBytes}`)
  }

  /** Streams the body to the file, stopping as soon as it passes the size limit. */
  private async save (res: Response, outFile: string): Promise<void> {
    if (res.body === null) throw this.failed('answered with no body')
    const reader = res.body.getReader()
    const file = await open(outFile, 'w')
    let total = 0
    try {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) break
        total += value.byteLength
        if (total > this.options.maxBytes) {
          await reader.cancel()
          throw this.failed(`sent more than ${this.options.maxBytes} bytes of audio`)
        }
        await file.write(value)
      }
    } finally {
      await file.close()
    }
    if (total === 0) throw this.failed('answered with an empty body')
  }

  private failed (what: string): TtsError {
    return new TtsError('TTS_ENGINE_FAILED', this.redact(`The text-to-speech service at ${this.where} ${what}.`))
  }

  private explain (err: unknown, timeout: AbortSignal, signal?: AbortSignal): TtsError {
    if (err instanceof TtsError) return err
    if (timeout.aborted) {
      return new TtsError('TTS_ENGINE_TIMEOUT',
        this.redact(`The text-to-speech service at ${this.where} did not answer within ${this.options.timeoutMs / 1000} s.`))
    }
    if (signal?.aborted === true) return new TtsError('TTS_ENGINE_FAILED', 'Text-to-speech was cancelled.')
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, a TLS error) is in its cause.
    const cause = err instanceof Error && err.cause instanceof Error ? err.cause.message : ''
    const reason = cause !== '' ? cause : err instanceof Error ? err.message : String(err)
    return this.failed(`could not be reached (${reason})`)
  }

  /** A service may echo the request headers in an error page; the key must not travel on from there. */
  private redact (message: string): string {
    const key = this.options.key
    return key !== undefined && key.length > 0 ? message.split(key).join('[key]') : message
  }
}

/** The start of an error body, as text on one line, for the message (": ..."), or '' when there is none. */
async function snippet (res: Response): Promise<string> {
  if (res.body === null) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < SNIPPET_BYTES) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
    await reader.cancel()
  } catch {
    return ''
  }
  const text = Buffer.concat(chunks).subarray(0, SNIPPET_BYTES).toString('utf8').replace(/\s+/g, ' ').trim()
  return text === '' ? '' : `: ${text}`
}
