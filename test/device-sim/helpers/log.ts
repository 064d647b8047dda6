import type { LogFn, LogLevel } from '../../../device-sim/index.js'

export interface LogEntry {
  level: LogLevel
  message: string
  data: Record<string, unknown> | undefined
}

/** A LogFn that records entries, so a test can check that garbage was logged rather than crashing. */
export function captureLog (): { log: LogFn, entries: LogEntry[] } {
  const entries: LogEntry[] = []
  return { entries, log: (level, message, data) => { entries.push({ level, message, data }) } }
}
