import { EspeakEngine } from './espeak.js'
import { HttpTtsEngine } from './http.js'
import type { TtsEngine } from './engine.js'

export * from './engine.js'
export * from './espeak.js'
export * from './http.js'
export * from './text.js'

/** Which engine to build, from the controller's configuration; audio/ reads no environment itself. */
export type TtsSettings =
  | { engine: 'espeak', espeakPath: string }
  | { engine: 'http', url: string, key?: string, timeoutMs: number, maxBytes: number }

export function createTtsEngine (settings: TtsSettings): TtsEngine {
  if (settings.engine === 'espeak') return new EspeakEngine({ binary: settings.espeakPath })
  return new HttpTtsEngine({ url: settings.url, key: settings.key, timeoutMs: settings.timeoutMs, maxBytes: settings.maxBytes })
}
