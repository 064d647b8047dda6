/** What a sim component reports about itself; the CLI and tests decide where it goes. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export type LogFn = (level: LogLevel, message: string, data?: Record<string, unknown>) => void

/**
 * Default: only warnings and errors, on stderr. A fleet runs hundreds of nodes, so chatty levels stay off
 * unless the caller asks for them.
 */
export const defaultLog: LogFn = (level, message, data) => {
  if (level !== 'warn' && level !== 'error') return
  console.error(`[${level}] ${message}${data !== undefined ? ' ' + JSON.stringify(data) : ''}`)
}

export const silentLog: LogFn = () => {}

/** Prefixes every message with a node or component name, so interleaved fleet output stays readable. */
export function childLog (log: LogFn, prefix: string): LogFn {
  return (level, message, data) => log(level, `${prefix}: ${message}`, data)
}
