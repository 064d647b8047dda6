import { createTask, validateDetailed } from 'node-cron'
import type { CivilDate } from './calendar.js'

/**
 * node-cron, used for what it is good at: the grammar (ranges, steps, names, L, W, #) and which DAYS an
 * expression selects. Which INSTANTS those days' times become is decided in recurrence.ts on wall-clock time,
 * because node-cron 4.6 gets DST wrong for our purpose (probed on 2026 dates):
 * - a time inside a spring-forward gap is dropped for that day (Berlin `30 2 * * *` has no fire on 2026-03-29);
 * - a time inside a fall-back overlap lands on the first occurrence in New York but on the SECOND in Berlin
 *   (2026-10-25 02:30 fires at 01:30Z, i.e. CET);
 * - `getNextRuns()` always starts from the real clock, so it cannot preview from a given time;
 * - it throws when nothing matches within 100 years instead of returning nothing.
 */

/** node-cron reads a 5-field expression as "second 0"; a 6th field would be seconds, which we refuse. */
const FIELDS = 5

export interface CronPlan {
  /** Hours and minutes the expression selects, ascending. */
  hours: readonly number[]
  minutes: readonly number[]
  /** Whether the expression selects this calendar day (day of month, month and weekday together). */
  matchesDay: (d: CivilDate) => boolean
}

function fieldCount (expr: string): number {
  const trimmed = expr.trim()
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length
}

/** A clear English error for an expression Loa will not run, or null when it is fine. */
export function checkCron (expr: string): string | null {
  // Nicknames (@daily, @weekly ...) expand to five fields; node-cron resolves them.
  if (!expr.trim().startsWith('@')) {
    const n = fieldCount(expr)
    if (n === 6) {
      return `cron expression '${expr}' has 6 fields; Loa schedules to the minute, so use 5: minute hour day-of-month month day-of-week`
    }
    if (n !== FIELDS) {
      return `cron expression '${expr}' has ${n} field${n === 1 ? '' : 's'}; expected 5: minute hour day-of-month month day-of-week (for example '0 5 * * 1-6')`
    }
  }
  const result = validateDetailed(expr)
  if (result.valid) return null
  // node-cron's own wording ("61 is a invalid expression for minute"), with its grammar mended.
  const why = result.errors.map(e => e.message.replace(/\bis a invalid\b/, 'is an invalid')).join('; ')
  return `invalid cron expression '${expr}': ${why}`
}

/**
 * Compiles an expression, lends its plan to `use`, and releases node-cron's task afterwards (createTask
 * registers every task in a process-wide map, so a forgotten one leaks). Null for an invalid expression.
 */
export function withCronPlan<T> (expr: string, use: (plan: CronPlan) => T): T | null {
  if (checkCron(expr) !== null) return null
  const parsed = validateDetailed(expr) // a second parse: checkCron returns text, and this needs the fields
  if (parsed.fields === undefined) return null
  const hours = [...parsed.fields.hour].sort((a, b) => a - b)
  const minutes = [...parsed.fields.minute].sort((a, b) => a - b)
  const [h0, m0] = [hours[0], minutes[0]]
  if (h0 === undefined || m0 === undefined) return null
  // Matched in UTC at a time the expression selects, so only the calendar day decides and no DST can
  // interfere. node-cron ANDs day-of-month and day-of-week when both are restricted (Vixie cron ORs them);
  // asking node-cron keeps our preview and any node-cron trigger in agreement.
  const task = createTask(expr, () => undefined, { timezone: 'UTC' })
  try {
    return use({
      hours,
      minutes,
      matchesDay: d => task.match(new Date(Date.UTC(d.year, d.month - 1, d.day, h0, m0, 0)))
    })
  } finally {
    void task.destroy()
  }
}
