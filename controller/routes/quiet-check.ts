import { EMERGENCY_MIN, formatLocal, isQuiet } from '../../schedules/index.js'
import type { Config } from '../config.js'
import { apiError } from '../errors.js'

/**
 * The rule for anything started now (play-now, live, relay): inside quiet hours only an emergency plays,
 * unless someone gives a reason, which is kept with the broadcast. Returns that override, if any.
 */
export function quietOverrideNow (
  config: Readonly<Config>, priority: number, override: { reason: string } | undefined, at = new Date()
): { reason: string, at: string } | undefined {
  const quiet = { start: config.quietStart, end: config.quietEnd }
  if (priority >= EMERGENCY_MIN || !isQuiet(at, config.timeZone, quiet)) return undefined
  if (override === undefined) {
    throw apiError('QUIET_HOURS', {
      detail: `it is ${formatLocal(at, config.timeZone)} (${config.timeZone}), inside quiet hours ${quiet.start}-${quiet.end}`,
      quiet: `${quiet.start}-${quiet.end}`,
      local: formatLocal(at, config.timeZone)
    })
  }
  return { reason: override.reason, at: at.toISOString() }
}
