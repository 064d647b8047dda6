import type { IncomingMessage } from 'node:http'
import { finished, type Readable } from 'node:stream'
import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { WebSocketServer, type RawData, type WebSocket } from 'ws'
import type { FastifyPluginAsyncTypebox, TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { ApiError, apiError } from '../errors.js'
import { ErrorResponse, secured } from './common.js'
import { BroadcastView } from './broadcast-view.js'
import { quietOverrideNow } from './quiet-check.js'
import { liveVoiceFeed } from '../sources/feeds.js'
import { LIVE_FORMATS, VoiceInput, type LiveFormat } from '../sources/voice-input.js'
import { startFeedBroadcast } from '../sources/start.js'
import type { Broadcast } from '../engine/broadcast.js'
import type { FastifyRequest } from 'fastify'
import { Scope, type Principal } from '../accounts/scope.js'
import { can } from '../accounts/permissions.js'
import { actionText } from '../accounts/action-text.js'
import { checkTargetsInScope } from './scope-check.js'

const Zones = Type.Array(Type.String({ minLength: 1 }), { maxItems: 500, uniqueItems: true })
const Nodes = Type.Array(Type.String({ minLength: 1 }), { maxItems: 5000, uniqueItems: true })
const LiveParams = {
  format: Type.Optional(Type.String({ description: `${LIVE_FORMATS.join(', ')}; default auto` })),
  channels: Type.Optional(Type.Union([Type.Literal(1), Type.Literal(2)], { description: 'for format opus: the channels of the Ogg Opus stream (default 1)' })),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: 'default 150 (priority): a live voice cuts into the normal programme' })),
  onInterrupt: Type.Optional(Type.Union([Type.Literal('resume'), Type.Literal('cancel')], { description: 'after a more urgent broadcast: rejoin the live voice where it is then (resume, default), or not' })),
  quietOverride: Type.Optional(Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, { additionalProperties: false }))
}
/** The first WebSocket message. `token` is for clients that cannot set an Authorization header (browsers). */
const StartMessage = Type.Object({
  type: Type.Literal('start'),
  token: Type.Optional(Type.String({ maxLength: 512 })),
  zones: Type.Optional(Zones),
  nodes: Type.Optional(Nodes),
  ...LiveParams
}, { additionalProperties: false })
type StartMessage = Static<typeof StartMessage>
const checkStart = Compile(StartMessage)

/** The same settings for an HTTP POST, in the query string (zones and nodes comma-separated). */
const LiveQuery = Type.Object({
  zones: Type.Optional(Type.String()),
  nodes: Type.Optional(Type.String()),
  format: LiveParams.format,
  channels: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 })),
  priority: LiveParams.priority,
  onInterrupt: LiveParams.onInterrupt,
  quietReason: Type.Optional(Type.String({ minLength: 3, maxLength: 500 }))
}, { additionalProperties: false })

/** A client that opens the socket and says nothing is closed after this long. */
const START_TIMEOUT_MS = 10_000
/** Largest binary message: a browser sends a chunk every 20-250 ms, far below this. */
const MAX_MESSAGE_BYTES = 256 * 1024
const LIVE_PRIORITY = 150

const list = (s: string | undefined): string[] => s === undefined || s === '' ? [] : s.split(',').map(x => x.trim()).filter(x => x !== '')

function errorMessage (e: ApiError): Record<string, string | number> {
  return { type: 'error', statusCode: e.statusCode, code: e.code, message: e.message, messageVi: e.messageVi }
}

/**
 * Live voice: `GET /api/v1/live` upgraded to a WebSocket (browsers, command-line clients), or
 * `POST /api/v1/live` with the audio as a streamed request body (`ffmpeg ... | curl -X POST -T -`). Either way the
 * audio becomes a live feed (controller/engine/live-feed.ts) played by the engine like any broadcast, at
 * priority 150 by default, with a short lead. See README "Live broadcast" for the message flow.
 */
const live: FastifyPluginAsyncTypebox = async app => {
  const { store, engine, library, config } = app
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  app.addHook('onClose', async () => {
    for (const ws of wss.clients) ws.terminate()
    wss.close()
  })

  const begin = async (p: Omit<StartMessage, 'type' | 'token'>, who: Principal, audited: FastifyRequest['audited'] | undefined): Promise<{ b: Broadcast, input: VoiceInput }> => {
    if (!can(who.role, 'broadcast.start')) {
      const text = actionText('broadcast.start')
      throw apiError('FORBIDDEN', { role: who.role, action: text.en, actionVi: text.vi })
    }
    const scope = new Scope(store.data, who)
    checkTargetsInScope(scope, { zones: p.zones ?? [], nodes: p.nodes ?? [] })
    const by = who.name
    const format = (p.format ?? 'auto') as LiveFormat
    if (!(LIVE_FORMATS as readonly string[]).includes(format)) throw apiError('LIVE_FORMAT', { format, formats: LIVE_FORMATS.join(', ') })
    const priority = p.priority ?? LIVE_PRIORITY
    const quietOverride = quietOverrideNow(config, priority, p.quietOverride)
    const feed = liveVoiceFeed(config, app.now, format === 'opus' ? p.channels ?? 1 : 1)
    // Before the broadcast starts, so that a failed start leaves no encoder behind (the feed's end kills it).
    const input = new VoiceInput(feed, { format, ffmpegPath: library.settings.ffmpegPath, bitrateKbps: config.bitrateKbps, log: app.log, now: app.now })
    const done = input.done.finally(() => app.sources.delete(done))
    app.sources.add(done)
    try {
      const b = await startFeedBroadcast(engine, store.data, {
        feed, source: { kind: 'live', format }, origin: { kind: 'api', by }, targets: { zones: p.zones ?? [], nodes: p.nodes ?? [] },
        // Nodes busy with something more urgent (an emergency) join the voice once they are free.
        priority, onInterrupt: p.onInterrupt ?? 'resume', maxWaitMs: config.liveMaxS * 1000, durationMs: config.liveMaxS * 1000, quietOverride
      })
      app.log.info({ broadcast: b.id, by, format, nodes: b.req.nodeIds.length }, 'live broadcast started')
      const entry = { action: 'live.start', target: { kind: 'broadcast', id: b.id, name: 'live' }, before: null, after: { format, targets: b.req.targets, priority }, areas: scope.areasOfTargets(b.req.targets) }
      if (audited !== undefined) await audited(entry)
      else await app.audit.record({ ...entry, actor: { kind: who.kind, id: who.id, name: who.name, role: who.role } }).catch(err => app.log.error({ err }, 'audit: could not record a live start'))
      return { b, input }
    } catch (err) {
      feed.abort('could not start')
      throw err
    }
  }

  app.upgrades.add(`${app.prefix}/live`, (req, socket, head) => {
    // A header token or the panel's session cookie is checked before the upgrade; a client that can send
    // neither (a browser with an API token) sends the token in its start message. A cookie comes with any
    // request the browser makes, so with one the page must be our own (Origin), as for CSRF.
    let who: Principal | undefined
    const refuse = (status: string): void => { socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () => socket.destroy()) }
    if (req.headers.authorization !== undefined || req.headers.cookie !== undefined) {
      try { who = app.principalOf(req.headers) } catch {
        if (req.headers.authorization !== undefined) { refuse('401 Unauthorized'); return }
      }
      if (who !== undefined && req.headers.authorization === undefined) {
        if (originHost(req.headers.origin) !== req.headers.host) { refuse('403 Forbidden'); return }
      }
    }
    wss.handleUpgrade(req, socket, head, ws => { serve(ws, req, who) })
  })

  const serve = (ws: WebSocket, req: IncomingMessage, known: Principal | undefined): void => {
    let session: { b: Broadcast, input: VoiceInput } | undefined
    let starting = false
    // The client may leave, or say stop, before its broadcast is on: that is acted on once it is.
    let gone = false
    let stopAsked = false
    // A client may send audio right after its start message (a browser's first WebM chunk holds the header
    // that the rest depends on): kept until the broadcast is on, within a bound.
    const early: Uint8Array[] = []
    let earlyBytes = 0
    const fail = (e: unknown): void => {
      const err = e instanceof ApiError ? e : apiError('INTERNAL')
      if (!(e instanceof ApiError)) app.log.error({ err: e }, 'live: start failed')
      if (ws.readyState !== ws.OPEN) return
      ws.send(JSON.stringify(errorMessage(err)))
      ws.close(err.statusCode === 401 ? 4401 : 4400, err.code)
    }
    const timer = setTimeout(() => fail(apiError('LIVE_START_MISSING')), START_TIMEOUT_MS)
    ws.on('close', () => { gone = true; clearTimeout(timer); session?.input.finish() })
    ws.on('error', err => app.log.warn({ err }, 'live: socket error'))
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (session !== undefined) {
        if (isBinary) { session.input.write(toBytes(data)); return }
        if (parseJson(data)?.type === 'stop') session.input.finish()
        return
      }
      if (starting) {
        if (!isBinary) { if (parseJson(data)?.type === 'stop') stopAsked = true; return }
        const bytes = toBytes(data)
        if (isBinary && earlyBytes + bytes.length <= MAX_MESSAGE_BYTES * 4) { early.push(bytes); earlyBytes += bytes.length }
        return
      }
      const msg = isBinary ? undefined : parseJson(data)
      if (msg === undefined || !checkStart.Check(msg)) { clearTimeout(timer); fail(apiError('LIVE_START_MISSING')); return }
      clearTimeout(timer)
      starting = true
      void (async () => {
        const who = known ?? app.principalOf({ authorization: msg.token === undefined ? undefined : `Bearer ${msg.token}` })
        const { type: _t, token: _k, ...params } = msg
        session = await begin(params, who, undefined)
        const { b, input } = session
        for (const chunk of early.splice(0)) input.write(chunk)
        if (gone || stopAsked) input.finish()
        app.log.info({ broadcast: b.id, ip: req.socket.remoteAddress }, 'live: WebSocket client on air')
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'started', broadcast: b.snapshot(), frameMs: config.liveFrameMs, sendAheadMs: config.liveSendAheadMs }))
        b.req.feed?.onEnd(() => { input.finish() })
        const final = await b.finished
        if (ws.readyState === ws.OPEN) {
          ws.send(JSON.stringify({ type: 'ended', reason: final.endReason, broadcast: final }))
          ws.close(1000, 'ended')
        }
      })().catch(fail)
    })
  }

  // The HTTP form: the request body is the audio, for as long as the client sends it.
  await app.register(async plain => {
    const scope = plain.withTypeProvider<TypeBoxTypeProvider>()
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', (_req, payload, done) => { done(null, payload) })
    scope.post('/live', {
      schema: {
        tags: ['live'], security: secured, summary: 'Speak live: stream audio as the request body (chunked)',
        description: 'Answers when the broadcast has ended, with its record. Zones and nodes are comma-separated ids.',
        querystring: LiveQuery, response: { 200: BroadcastView, 400: ErrorResponse, 404: ErrorResponse, 415: ErrorResponse, 422: ErrorResponse }
      }
    }, async (req, reply) => {
      const q = req.query
      const body = req.body as Readable | undefined
      // Checked before going on air: a request without a body must not start a broadcast nobody feeds.
      if (body === undefined || body === null || typeof body.on !== 'function') throw apiError('VALIDATION_FAILED', { detail: 'send the audio as the request body' })
      const { b, input } = await begin({
        zones: list(q.zones), nodes: list(q.nodes), format: q.format, channels: q.channels === 2 ? 2 : 1, priority: q.priority,
        onInterrupt: q.onInterrupt, ...(q.quietReason !== undefined ? { quietOverride: { reason: q.quietReason } } : {})
      }, req.principal, req.audited.bind(req))
      body.on('data', (chunk: Buffer) => input.write(chunk))
      // Also when the body ended, failed or was cut while the broadcast was starting.
      finished(body, () => input.finish())
      const record = await b.finished
      // Ended before the client stopped sending (staff stopped it, shutdown, its limit): the answer closes the
      // connection, so a client still streaming is not left holding it (nor a shutdown waiting for it).
      if (!body.readableEnded) void reply.header('connection', 'close')
      return record
    })
  })
}

function originHost (origin: string | undefined): string | undefined {
  try { return origin === undefined ? undefined : new URL(origin).host } catch { return undefined }
}

function toBytes (data: RawData): Uint8Array {
  if (Array.isArray(data)) return Buffer.concat(data)
  return data instanceof ArrayBuffer ? new Uint8Array(data) : data
}

function parseJson (data: RawData): { type?: unknown, [k: string]: unknown } | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(toBytes(data)).toString('utf8'))
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as { type?: unknown } : undefined
  } catch { return undefined }
}

export default live
