import { Compile } from 'typebox/compile'
import type { Parsed } from '../protocol/index.js'
import { CronRecurrence, LEVEL_BAND, OnceRecurrence, ScheduleSpec, WeeklyRecurrence, levelOf, withDefaults } from './model.js'
import { checkRecurrence, checkWindow } from './recurrence.js'

/**
 * Everything that makes a schedule body acceptable, in one call for the API (create, update, preview). The
 * schema catches shapes; the checks here catch what a schema cannot say: a cron expression node-cron refuses,
 * an unknown zone, a day that does not exist, a window that ends before it starts.
 */

const validator = Compile(ScheduleSpec)
// Per-kind validators: the union's own first error is about whichever variant came first ("must have required
// properties at" for a weekly body), so a recurrence is re-checked against the variant its `kind` names.
const recurrenceValidators = {
  once: Compile(OnceRecurrence), weekly: Compile(WeeklyRecurrence), cron: Compile(CronRecurrence)
} as const

interface SchemaError { keyword: string, instancePath: string, params: object, message: string }

/** One readable sentence for a schema failure. */
function describe (errors: readonly SchemaError[], prefix = ''): string {
  // "schema is false" is how a closed object reports each extra field; the additionalProperties error names them.
  const first = errors.find(e => e.keyword !== 'boolean')
  if (first === undefined) return 'invalid'
  const where = prefix + first.instancePath === '' ? '/' : prefix + first.instancePath
  if (first.keyword === 'additionalProperties' && 'additionalProperties' in first.params) {
    const names = first.params.additionalProperties
    return `unknown field ${Array.isArray(names) ? names.map(n => `'${String(n)}'`).join(', ') : String(names)} at ${where}`
  }
  return `${where}: ${first.message}`
}

function describeBody (body: unknown): string {
  const rec: unknown = typeof body === 'object' && body !== null && 'recurrence' in body ? body.recurrence : undefined
  const errors = validator.Errors(body)
  if (!errors.some(e => e.instancePath.startsWith('/recurrence'))) return describe(errors)
  const kind: unknown = typeof rec === 'object' && rec !== null && 'kind' in rec ? rec.kind : undefined
  if (kind !== 'once' && kind !== 'weekly' && kind !== 'cron') return "/recurrence/kind: must be 'once', 'weekly' or 'cron'"
  const own = recurrenceValidators[kind].Errors(rec)
  return own.length > 0 ? describe(own, '/recurrence') : describe(errors.filter(e => !e.instancePath.startsWith('/recurrence')))
}

/** A priority that contradicts its level is a mistake, not an override: "emergency" at 50 would not pre-empt. */
export function checkPriority (spec: Pick<ScheduleSpec, 'level' | 'priority'>): string | null {
  if (spec.priority === undefined) return null
  const [min, max] = LEVEL_BAND[spec.level]
  if (spec.priority >= min && spec.priority <= max) return null
  return `priority ${spec.priority} belongs to the ${levelOf(spec.priority)} level, not ${spec.level} ` +
    `(${spec.level} is ${min}-${max}); change the level or the priority`
}

/** A broadcast to nowhere is a mistake the panel should catch before it is saved. */
export function checkTargets (spec: Pick<ScheduleSpec, 'targets'>): string | null {
  return spec.targets.zones.length + spec.targets.nodes.length === 0 ? 'choose at least one zone or speaker node' : null
}

/** The checks beyond the schema, for a body that has already passed it (e.g. through Fastify). First error wins. */
/** A schedule plays a playlist or relays a stream: exactly one of the two. */
export function checkContent (spec: Pick<ScheduleSpec, 'playlist' | 'relay' | 'repeat' | 'chime'>): string | null {
  if (spec.relay !== undefined && spec.playlist.length > 0) return 'it has both a playlist and a relay: choose one'
  if (spec.relay === undefined && spec.playlist.length === 0) return 'choose at least one media item to play (or a stream to relay)'
  if (spec.relay !== undefined && spec.chime === true) return 'the chime goes before a playlist; a relay starts straight with the stream'
  if (spec.relay !== undefined && spec.repeat !== 1) return 'a relay plays once per fire for its duration; leave repeat at 1'
  if (spec.relay !== undefined && !/^https?:\/\/[^\s]+$/i.test(spec.relay.url)) return 'the relay address must start with http:// or https://'
  return null
}

export function checkSpec (spec: ScheduleSpec): string | null {
  return checkContent(spec) ?? checkRecurrence(spec.recurrence, spec.timeZone) ?? checkWindow(spec) ?? checkTargets(spec) ?? checkPriority(spec)
}

/** Validates an unknown body (schema, then checkSpec) and fills in the defaults. Never throws. */
export function parseScheduleSpec (body: unknown): Parsed<ScheduleSpec> {
  if (!validator.Check(body)) return { ok: false, error: `schedule is not valid: ${describeBody(body)}` }
  const spec = withDefaults(body)
  const error = checkSpec(spec)
  return error === null ? { ok: true, value: spec } : { ok: false, error }
}
