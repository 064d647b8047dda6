import path from 'node:path'
import Type, { type Static } from 'typebox'
import { Compile } from 'typebox/compile'
import { isValidTimeZone } from '../schedules/index.js'

/** Voice names of espeak-ng (vi, vi-vn-x-south) and of HTTP services (banmai, vi-VN-HoaiMyNeural). */
export const VOICE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$'

/**
 * Controller configuration: one schema, validated once at start, then frozen (fastify's
 * initial-config-validation habit). Environment variables map onto it in `configFromEnv`; see README.
 */
export const ConfigSchema = Type.Object({
  httpHost: Type.String({ minLength: 1 }),
  httpPort: Type.Integer({ minimum: 0, maximum: 65535 }),
  mqttHost: Type.String({ minLength: 1 }),
  mqttPort: Type.Integer({ minimum: 0, maximum: 65535 }),
  dataDir: Type.String({ minLength: 1 }),
  adminToken: Type.Optional(Type.String({ minLength: 16, maxLength: 256 })),
  /** The first panel administrator, when not made with the one-time setup code. */
  adminUser: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{2,63}$' })),
  adminPassword: Type.Optional(Type.String({ minLength: 10, maxLength: 256 })),
  /** Mark the session cookie Secure even when the controller itself sees plain HTTP (behind a TLS proxy). */
  cookieSecure: Type.Boolean(),
  /** OpenStreetMap-style tile URL for the speakers map; empty: no map tiles (positions are drawn anyway). */
  mapTilesUrl: Type.String({ maxLength: 500 }),
  ffmpegPath: Type.Optional(Type.String({ minLength: 1 })),
  maxUploadBytes: Type.Integer({ minimum: 1 }),
  maxDurationS: Type.Integer({ minimum: 1 }),
  bitrateKbps: Type.Integer({ minimum: 6, maximum: 256 }),
  loudnessLufs: Type.Number({ minimum: -70, maximum: -5 }),
  frameMs: Type.Integer({ minimum: 20, maximum: 1000 }),
  leadMs: Type.Integer({ minimum: 100, maximum: 30_000 }),
  joinTimeoutMs: Type.Integer({ minimum: 0, maximum: 30_000 }),
  reportGraceMs: Type.Integer({ minimum: 0, maximum: 60_000 }),
  timeZone: Type.String({ minLength: 1, maxLength: 64 }),
  quietStart: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
  quietEnd: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
  missedGraceS: Type.Integer({ minimum: 0, maximum: 86_400 }),
  emergencyLeadMs: Type.Integer({ minimum: 100, maximum: 5000 }),
  emergencyVolume: Type.Integer({ minimum: 0, maximum: 100 }),
  emergencyRepeat: Type.Integer({ minimum: 1, maximum: 10 }),
  /** Live voice: frame length, how far ahead frames go to the nodes, the controller's own jitter buffer, cap. */
  liveFrameMs: Type.Integer({ minimum: 20, maximum: 500, multipleOf: 20 }),
  liveSendAheadMs: Type.Integer({ minimum: 100, maximum: 5000 }),
  livePrebufferMs: Type.Integer({ minimum: 0, maximum: 5000 }),
  liveMaxS: Type.Integer({ minimum: 10, maximum: 86_400 }),
  /** Relay: how long a source may send nothing before it counts as stalled, and attempts in a row. */
  relayStallMs: Type.Integer({ minimum: 500, maximum: 120_000 }),
  relayRetries: Type.Integer({ minimum: 0, maximum: 20 }),
  relayPrebufferMs: Type.Integer({ minimum: 0, maximum: 30_000 }),
  /** Host names a relay may reach even on this machine or a link-local address (comma-separated). */
  relayAllowHosts: Type.String({ maxLength: 2000 }),
  chimeFile: Type.Optional(Type.String({ minLength: 1 })),
  emergencyChimeFile: Type.Optional(Type.String({ minLength: 1 })),
  /** Text-to-speech: the built-in espeak-ng, or an HTTP service (see README, "Text-to-speech"). */
  ttsEngine: Type.Union([Type.Literal('espeak'), Type.Literal('http')]),
  /** The engine's voice name; espeak-ng's Northern Vietnamese "vi" unless set. Required for http. */
  ttsVoice: Type.Optional(Type.String({ pattern: VOICE_PATTERN })),
  /** A path, or a name looked up on PATH. */
  espeakPath: Type.String({ minLength: 1 }),
  ttsHttpUrl: Type.Optional(Type.String({ pattern: '^https?://[^\\s]+$' })),
  ttsHttpKey: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, pattern: '^[\\x21-\\x7e]+$' })),
  ttsHttpTimeoutMs: Type.Integer({ minimum: 1000, maximum: 600_000 }),
  ttsMaxChars: Type.Integer({ minimum: 1, maximum: 100_000 }),
  logLevel: Type.Union([
    Type.Literal('fatal'), Type.Literal('error'), Type.Literal('warn'), Type.Literal('info'),
    Type.Literal('debug'), Type.Literal('trace'), Type.Literal('silent')
  ])
}, { additionalProperties: false })

export type Config = Static<typeof ConfigSchema>

export const DEFAULT_CONFIG: Readonly<Config> = Object.freeze({
  httpHost: '0.0.0.0',
  httpPort: 8080,
  mqttHost: '0.0.0.0',
  mqttPort: 1883,
  dataDir: './data',
  maxUploadBytes: 200 * 1024 * 1024,
  maxDurationS: 60 * 60,
  bitrateKbps: 32,
  loudnessLufs: -16,
  frameMs: 200,
  leadMs: 1500,
  joinTimeoutMs: 1000,
  reportGraceMs: 3000,
  timeZone: 'Asia/Ho_Chi_Minh',
  quietStart: '21:30',
  quietEnd: '05:00',
  missedGraceS: 300,
  emergencyLeadMs: 500,
  emergencyVolume: 100,
  emergencyRepeat: 2,
  cookieSecure: false,
  mapTilesUrl: 'https://tile.openstreetmap.org/{z}/{x}/{y}.png',
  liveFrameMs: 100,
  liveSendAheadMs: 300,
  livePrebufferMs: 100,
  liveMaxS: 3600,
  relayStallMs: 5000,
  relayRetries: 3,
  relayPrebufferMs: 1000,
  relayAllowHosts: '',
  ttsEngine: 'espeak',
  espeakPath: 'espeak-ng',
  ttsHttpTimeoutMs: 30_000,
  // About six minutes read by espeak-ng (433 characters took 29 s): a long notice, still short enough to
  // check by ear before it airs.
  ttsMaxChars: 5000,
  logLevel: 'info'
})

const validator = Compile(ConfigSchema)

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

/** Merges overrides onto the defaults, validates, resolves the data folder and freezes the result. */
export function makeConfig (overrides: Partial<Config> = {}): Readonly<Config> {
  const merged: Record<string, unknown> = { ...DEFAULT_CONFIG }
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) merged[k] = v
  if (!validator.Check(merged)) {
    const e = validator.Errors(merged)[0]
    throw new ConfigError(`invalid configuration at ${e?.instancePath ?? '/'}: ${e?.message ?? 'invalid'}`)
  }
  const cfg = merged as Config
  if (!isValidTimeZone(cfg.timeZone)) throw new ConfigError(`invalid configuration at /timeZone: unknown time zone ${cfg.timeZone}`)
  if (cfg.ttsEngine === 'http') {
    // An HTTP service has no voice everyone shares, so there is no sensible default to fall back on.
    if (cfg.ttsHttpUrl === undefined) throw new ConfigError('invalid configuration at /ttsHttpUrl: the http TTS engine needs a URL')
    if (!URL.canParse(cfg.ttsHttpUrl)) throw new ConfigError('invalid configuration at /ttsHttpUrl: not a URL')
    if (cfg.ttsVoice === undefined) throw new ConfigError('invalid configuration at /ttsVoice: the http TTS engine needs a voice')
  }
  return Object.freeze({ ...cfg, ttsVoice: cfg.ttsVoice ?? 'vi', dataDir: path.resolve(cfg.dataDir) })
}

/** Environment variable -> config key, with how to read its text. Documented in README.md. */
const ENV: Record<string, [keyof Config, 'int' | 'num' | 'str' | 'bool', number?]> = {
  LOA_HTTP_HOST: ['httpHost', 'str'],
  LOA_HTTP_PORT: ['httpPort', 'int'],
  LOA_MQTT_HOST: ['mqttHost', 'str'],
  LOA_MQTT_PORT: ['mqttPort', 'int'],
  LOA_DATA_DIR: ['dataDir', 'str'],
  LOA_ADMIN_TOKEN: ['adminToken', 'str'],
  LOA_FFMPEG_PATH: ['ffmpegPath', 'str'],
  LOA_ADMIN_USER: ['adminUser', 'str'],
  LOA_ADMIN_PASSWORD: ['adminPassword', 'str'],
  LOA_COOKIE_SECURE: ['cookieSecure', 'bool'],
  LOA_MAP_TILES_URL: ['mapTilesUrl', 'str'],
  LOA_MAX_UPLOAD_MB: ['maxUploadBytes', 'num', 1024 * 1024],
  LOA_MAX_DURATION_MIN: ['maxDurationS', 'num', 60],
  LOA_BITRATE_KBPS: ['bitrateKbps', 'int'],
  LOA_LOUDNESS_LUFS: ['loudnessLufs', 'num'],
  LOA_FRAME_MS: ['frameMs', 'int'],
  LOA_LEAD_MS: ['leadMs', 'int'],
  LOA_LOG_LEVEL: ['logLevel', 'str'],
  LOA_TIME_ZONE: ['timeZone', 'str'],
  LOA_QUIET_START: ['quietStart', 'str'],
  LOA_QUIET_END: ['quietEnd', 'str'],
  LOA_MISSED_GRACE_S: ['missedGraceS', 'int'],
  LOA_EMERGENCY_LEAD_MS: ['emergencyLeadMs', 'int'],
  LOA_EMERGENCY_VOLUME: ['emergencyVolume', 'int'],
  LOA_EMERGENCY_REPEAT: ['emergencyRepeat', 'int'],
  LOA_CHIME_FILE: ['chimeFile', 'str'],
  LOA_EMERGENCY_CHIME_FILE: ['emergencyChimeFile', 'str'],
  LOA_LIVE_FRAME_MS: ['liveFrameMs', 'int'],
  LOA_LIVE_SEND_AHEAD_MS: ['liveSendAheadMs', 'int'],
  LOA_LIVE_PREBUFFER_MS: ['livePrebufferMs', 'int'],
  LOA_LIVE_MAX_S: ['liveMaxS', 'int'],
  LOA_RELAY_STALL_MS: ['relayStallMs', 'int'],
  LOA_RELAY_RETRIES: ['relayRetries', 'int'],
  LOA_RELAY_PREBUFFER_MS: ['relayPrebufferMs', 'int'],
  LOA_RELAY_ALLOW_HOSTS: ['relayAllowHosts', 'str'],
  LOA_TTS_ENGINE: ['ttsEngine', 'str'],
  LOA_TTS_VOICE: ['ttsVoice', 'str'],
  LOA_ESPEAK_PATH: ['espeakPath', 'str'],
  LOA_TTS_HTTP_URL: ['ttsHttpUrl', 'str'],
  LOA_TTS_HTTP_KEY: ['ttsHttpKey', 'str'],
  LOA_TTS_HTTP_TIMEOUT_S: ['ttsHttpTimeoutMs', 'num', 1000],
  LOA_TTS_MAX_CHARS: ['ttsMaxChars', 'int']
}

export const ENV_VARS = Object.freeze(Object.keys(ENV))

export function configFromEnv (env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const overrides: Record<string, unknown> = {}
  for (const [name, [key, kind, scale]] of Object.entries(ENV)) {
    const raw = env[name]
    if (raw === undefined || raw === '') continue
    if (kind === 'str') { overrides[key] = raw; continue }
    if (kind === 'bool') {
      if (!['1', '0', 'true', 'false'].includes(raw)) throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(raw)}`)
      overrides[key] = raw === '1' || raw === 'true'
      continue
    }
    const n = Number(raw)
    if (!Number.isFinite(n)) throw new ConfigError(`${name} must be a number, got ${JSON.stringify(raw)}`)
    overrides[key] = scale !== undefined ? Math.round(n * scale) : n
  }
  try {
    return makeConfig(overrides as Partial<Config>)
  } catch (err) {
    if (err instanceof ConfigError) {
      const entry = Object.entries(ENV).find(([, [key]]) => err.message.includes(`/${key}`))
      throw new ConfigError(entry !== undefined ? `${entry[0]}: ${err.message}` : err.message)
    }
    throw err
  }
}
