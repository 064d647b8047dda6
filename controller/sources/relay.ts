import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import type { FastifyBaseLogger } from 'fastify'
import { startLiveEncoder, type LiveEncoder } from '../../audio/index.js'
import type { LiveFeed } from '../engine/live-feed.js'
import { apiError } from '../errors.js'

export interface RelayOptions {
  url: string
  ffmpegPath: string
  bitrateKbps: number
  /** A source that sends nothing this long counts as stalled: it is dropped and tried again. */
  stallMs: number
  /** Attempts in a row that may fail before the relay gives up. */
  retries: number
  log: FastifyBaseLogger
  now?: () => number
}

/** An attempt that delivered audio this long is a success: the count of failures in a row starts again. */
const HEALTHY_MS = 30_000
const MAX_BACKOFF_MS = 5000

/** Only http(s) streams: no file:, no other protocol ffmpeg knows. Throws RELAY_URL_INVALID. */
export function checkRelayUrl (url: string): URL {
  let u: URL
  try { u = new URL(url) } catch { throw apiError('RELAY_URL_INVALID', { url: JSON.stringify(url.slice(0, 200)), detail: 'it is not a URL', detailVi: 'đây không phải là một địa chỉ URL' }) }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw apiError('RELAY_URL_INVALID', { url: redactUrl(url), detail: 'only http:// and https:// streams can be relayed', detailVi: 'chỉ tiếp sóng được luồng http:// và https://' })
  }
  return u
}

/**
 * Addresses a relay may not reach unless their host is allowed by name (LOA_RELAY_ALLOW_HOSTS): the
 * controller itself (loopback) and link-local ones (169.254.169.254 is a cloud's metadata service), so a
 * relay cannot be used to probe what only the controller can see. LAN addresses stay allowed: district radio
 * servers often sit on a provincial network.
 */
const FORBIDDEN = new BlockList()
FORBIDDEN.addSubnet('127.0.0.0', 8, 'ipv4')
FORBIDDEN.addSubnet('169.254.0.0', 16, 'ipv4')
FORBIDDEN.addSubnet('0.0.0.0', 8, 'ipv4')
FORBIDDEN.addAddress('::1', 'ipv6')
FORBIDDEN.addAddress('::', 'ipv6')
FORBIDDEN.addSubnet('fe80::', 10, 'ipv6')
FORBIDDEN.addSubnet('::ffff:127.0.0.0', 104, 'ipv6')

/** checkRelayUrl, then where the host resolves to. Throws RELAY_URL_INVALID. */
export async function checkRelayTarget (url: string, allowHosts: readonly string[]): Promise<void> {
  const u = checkRelayUrl(url)
  const host = u.hostname.replace(/^\[|\]$/g, '')
  if (allowHosts.includes(host.toLowerCase())) return
  const addresses = isIP(host) !== 0
    ? [{ address: host, family: isIP(host) }]
    : await lookup(host, { all: true }).catch(() => { throw apiError('RELAY_URL_INVALID', { url: redactUrl(url), detail: `the host ${host} cannot be found`, detailVi: `không tìm thấy máy chủ ${host}` }) })
  for (const a of addresses) {
    if (FORBIDDEN.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4')) {
      throw apiError('RELAY_URL_INVALID', { url: redactUrl(url), detail: `${host} is this machine or a link-local address; allow it by name in LOA_RELAY_ALLOW_HOSTS if it is a real station`, detailVi: `${host} là chính máy này hoặc địa chỉ nội bộ; nếu đúng là đài phát, hãy cho phép tên này trong LOA_RELAY_ALLOW_HOSTS` })
    }
  }
}

/** The address without a password or query (which may hold a listener key), for records and logs. */
export function redactUrl (url: string): string {
  try {
    const u = new URL(url)
    return `${u.protocol}//${u.host}${u.pathname}${u.search !== '' ? '?…' : ''}`
  } catch { return '(not a URL)' }
}

/**
 * Relays an external stream (national or district radio, an Icecast mount) into a live feed. The feed keeps
 * the speakers fed with silence while the source stalls; the relay meanwhile drops the connection and tries
 * again, with a growing pause, and gives up after `retries` failures in a row, ending the feed with the
 * reason. When the feed ends (its planned length, staff stopped it), the encoder is killed and every timer
 * cleared: nothing outlives the feed.
 */
export class Relay {
  attempts = 0
  private failures = 0
  private encoder: LiveEncoder | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private stallTimer: NodeJS.Timeout | undefined
  private lastAudioAt = 0
  private attemptStart = 0
  private stalled = false
  private closed = false
  private readonly now: () => number
  /** Settles once no encoder runs and no timer is left, after the feed ended. */
  readonly done: Promise<void>
  private resolveDone!: () => void

  constructor (private readonly feed: LiveFeed, private readonly opts: RelayOptions) {
    checkRelayUrl(opts.url)
    this.now = opts.now ?? Date.now
    this.done = new Promise(resolve => { this.resolveDone = resolve })
    feed.onEnd(() => this.close())
    if (!this.closed) this.connect()
  }

  private connect (): void {
    this.retryTimer = undefined
    if (this.closed) return
    this.attempts++
    this.stalled = false
    this.attemptStart = this.lastAudioAt = this.now()
    const encoder = startLiveEncoder({
      ffmpegPath: this.opts.ffmpegPath,
      input: { kind: 'url', url: this.opts.url },
      bitrateKbps: this.opts.bitrateKbps,
      // ffmpeg's own read timeout is a backstop: the stall timer here fires first and names the stall.
      stallTimeoutMs: this.opts.stallMs * 2,
      onPacket: p => { this.lastAudioAt = this.now(); this.feed.push(p) }
    })
    this.encoder = encoder
    this.stallTimer = setInterval(() => {
      if (this.now() - this.lastAudioAt < this.opts.stallMs) return
      this.stalled = true
      encoder.kill()
    }, Math.max(100, Math.round(this.opts.stallMs / 5)))
    void encoder.exited.then(outcome => {
      clearInterval(this.stallTimer)
      this.stallTimer = undefined
      this.encoder = undefined
      if (this.closed) { this.resolveDone(); return }
      const why = this.stalled
        ? `no audio for ${Math.round(this.opts.stallMs / 1000)} s`
        : outcome.code === 0 ? 'the source closed the stream' : `the source could not be read (${lastLine(outcome.detail, this.opts.url)})`
      if (this.lastAudioAt - this.attemptStart >= HEALTHY_MS) this.failures = 0
      this.failures++
      const url = redactUrl(this.opts.url)
      if (this.failures > this.opts.retries) {
        this.opts.log.warn({ url, attempts: this.attempts, why }, 'relay: giving up')
        this.feed.end(`relay failed: ${why}; ${this.failures} attempt(s) in a row failed`, true)
        return
      }
      const pause = Math.min(MAX_BACKOFF_MS, 1000 * this.failures)
      this.opts.log.warn({ url, attempt: this.attempts, why, retryInMs: pause }, 'relay: source lost, trying again')
      this.retryTimer = setTimeout(() => this.connect(), pause)
    })
  }

  private close (): void {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    if (this.encoder === undefined) { this.resolveDone(); return }
    this.encoder.kill()
  }
}

/** ffmpeg's last word, with the address it quotes replaced by the redacted one (no password, no query). */
function lastLine (detail: string, url: string): string {
  let line = detail.split('\n').map(l => l.trim()).filter(l => l !== '').pop() ?? 'no detail'
  for (const form of new Set([url, safeHref(url)])) if (form !== '') line = line.split(form).join(redactUrl(url))
  // Whatever other form it took: any user:password@ and any query string go.
  line = line.replace(/\/\/[^/\s@]+@/g, '//').replace(/\?\S*/g, '')
  return line.length > 160 ? line.slice(0, 160) + '…' : line
}

function safeHref (url: string): string {
  try { return new URL(url).href } catch { return '' }
}
