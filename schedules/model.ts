import Type, { type Static } from 'typebox'
import { NodeId } from '../protocol/index.js'
import { DATE_PATTERN, HHMM_PATTERN, LOCAL_DATE_TIME_PATTERN } from './calendar.js'
import { DEFAULT_TIME_ZONE } from './zone-time.js'

/**
 * The schedule as a clerk (or the API) writes it: what plays, where, when, and how urgently. One TypeBox
 * schema per shape, types derived from it. This is an API body, so every object is closed: a misspelt field
 * ("timezone") is an error, not a silently ignored default.
 */

const closed = { additionalProperties: false } as const

// ---- priorities ----------------------------------------------------------------------------------------

function levelUnion (options: { default?: string } = {}) {
  return Type.Union([Type.Literal('normal'), Type.Literal('priority'), Type.Literal('emergency')], options)
}

/**
 * Circular 39/2020/TT-BTTTT names three bulletin levels. PA systems (Bosch, Zenitel, Axis) carry a number
 * instead, 0-255, higher is more urgent, so that finer levels can be added without a migration. Each level's
 * number sits inside a band with room on both sides:
 * - normal 0-149 (100): room below for background (music, relays that any bulletin may interrupt) and above
 *   for, say, district programmes that should win over the commune's own;
 * - priority 150-199 (150): bulletins inserted into the programme;
 * - emergency 200-255 (250): anything from 200 up plays at once and is exempt from quiet hours; 251-255 stay
 *   free for province or national alerts that must override a commune's own emergency.
 */
export const Level = levelUnion()
export type Level = Static<typeof Level>
export const LEVEL_PRIORITY = { normal: 100, priority: 150, emergency: 250 } as const satisfies Record<Level, number>
/** Any priority at or above this counts as an emergency, whatever level name came with it. */
export const EMERGENCY_MIN = 200
/** The band of numbers each level covers (inclusive), for validation and for a clear error. */
export const LEVEL_BAND = {
  normal: [0, 149], priority: [150, 199], emergency: [EMERGENCY_MIN, 255]
} as const satisfies Record<Level, readonly [number, number]>

// ---- when ----------------------------------------------------------------------------------------------

/** One fire at a wall-clock date-time in the schedule's zone. */
export const OnceRecurrence = Type.Object({
  kind: Type.Literal('once'),
  at: Type.String({ pattern: LOCAL_DATE_TIME_PATTERN, description: 'YYYY-MM-DDTHH:mm[:ss], local to timeZone' })
}, closed)

/** Fixed times on chosen weekdays; "daily" is all seven days. */
export const WeeklyRecurrence = Type.Object({
  kind: Type.Literal('weekly'),
  days: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), {
    minItems: 1, maxItems: 7, uniqueItems: true, description: 'ISO weekdays: 1 = Monday ... 7 = Sunday'
  }),
  times: Type.Array(Type.String({ pattern: HHMM_PATTERN }), {
    minItems: 1, maxItems: 24, uniqueItems: true, description: 'HH:mm, local to timeZone'
  })
}, closed)

/**
 * Five-field cron (minute hour day-of-month month day-of-week) for power users. No seconds field: a commune
 * programme has no use for them, and a stray leading "*" would otherwise fire every second.
 */
export const CronRecurrence = Type.Object({
  kind: Type.Literal('cron'),
  expr: Type.String({ minLength: 1, maxLength: 100 })
}, closed)

export const Recurrence = Type.Union([OnceRecurrence, WeeklyRecurrence, CronRecurrence])
export type OnceRecurrence = Static<typeof OnceRecurrence>
export type WeeklyRecurrence = Static<typeof WeeklyRecurrence>
export type CronRecurrence = Static<typeof CronRecurrence>
export type Recurrence = Static<typeof Recurrence>

// ---- the schedule --------------------------------------------------------------------------------------

/** The defaults a body may leave out; the one place they are spelt (schema `default`s and withDefaults()). */
export const SPEC_DEFAULTS = {
  timeZone: DEFAULT_TIME_ZONE,
  level: 'normal',
  repeat: 1,
  enabled: true,
  onInterrupt: 'resume',
  maxWaitS: 300
} as const

const Id = Type.String({ minLength: 1, maxLength: 100 })
const LocalDate = Type.String({ pattern: DATE_PATTERN, description: 'YYYY-MM-DD, local to timeZone' })

export const Targets = Type.Object({
  zones: Type.Array(Id, { maxItems: 500, uniqueItems: true }),
  nodes: Type.Array(NodeId, { maxItems: 5000, uniqueItems: true })
}, closed)
export type Targets = Static<typeof Targets>

/** What happens to a fire that a higher priority interrupted: play on from where it stopped, from the top, or not. */
function interruptUnion (options: { default?: string } = {}) {
  return Type.Union([Type.Literal('resume'), Type.Literal('restart'), Type.Literal('cancel')], options)
}
export const InterruptPolicy = interruptUnion()
export type InterruptPolicy = Static<typeof InterruptPolicy>

export const ScheduleSpec = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '^(?!\\s*$)[^\\u0000-\\u001f]+$' }),
  playlist: Type.Optional(Type.Array(Id, { maxItems: 50, description: 'media ids, played in this order (or give relay)' })),
  relay: Type.Optional(Type.Object({
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'an http:// or https:// radio stream' }),
    durationS: Type.Integer({ minimum: 1, maximum: 6 * 3600, description: 'how long to relay it' })
  }, { ...closed, description: 'relay an external stream instead of playing a playlist' })),
  targets: Targets,
  recurrence: Recurrence,
  validFrom: Type.Optional(LocalDate),
  validTo: Type.Optional(LocalDate),
  timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64, default: SPEC_DEFAULTS.timeZone })),
  level: Type.Optional(levelUnion({ default: SPEC_DEFAULTS.level })),
  priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 255, description: "overrides the level's number" })),
  repeat: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, default: SPEC_DEFAULTS.repeat, description: 'plays of the playlist per fire' })),
  volume: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  chime: Type.Optional(Type.Boolean({ description: 'play the announcement chime before the playlist' })),
  enabled: Type.Optional(Type.Boolean({ default: SPEC_DEFAULTS.enabled })),
  onInterrupt: Type.Optional(interruptUnion({ default: SPEC_DEFAULTS.onInterrupt })),
  maxWaitS: Type.Optional(Type.Integer({
    minimum: 0, maximum: 3600, default: SPEC_DEFAULTS.maxWaitS,
    description: 'how long a lower-priority fire waits for a busy node before it is skipped there'
  })),
  quietOverride: Type.Optional(Type.Object({ reason: Type.String({ minLength: 3, maxLength: 500 }) }, closed))
}, closed)

/** What a body may contain (defaulted fields optional). */
export type ScheduleSpecInput = Static<typeof ScheduleSpec>
type Defaulted = keyof typeof SPEC_DEFAULTS | 'playlist'
/** A schedule with every default filled in: what the store keeps and what every function here takes. */
export type ScheduleSpec = Omit<ScheduleSpecInput, Defaulted> & Required<Pick<ScheduleSpecInput, Defaulted>>

/** Fills in the defaults a body left out. Pure: the input is not touched. */
export function withDefaults (input: ScheduleSpecInput): ScheduleSpec {
  return {
    ...input,
    playlist: input.playlist ?? [],
    timeZone: input.timeZone ?? SPEC_DEFAULTS.timeZone,
    level: input.level ?? SPEC_DEFAULTS.level,
    repeat: input.repeat ?? SPEC_DEFAULTS.repeat,
    enabled: input.enabled ?? SPEC_DEFAULTS.enabled,
    onInterrupt: input.onInterrupt ?? SPEC_DEFAULTS.onInterrupt,
    maxWaitS: input.maxWaitS ?? SPEC_DEFAULTS.maxWaitS
  }
}

/** The number the engine arbitrates on: the explicit priority if given, else the level's. */
export function effectivePriority (spec: Pick<ScheduleSpec, 'level' | 'priority'>): number {
  return spec.priority ?? LEVEL_PRIORITY[spec.level]
}

/** The level whose band holds a priority number. */
export function levelOf (priority: number): Level {
  if (priority >= LEVEL_BAND.emergency[0]) return 'emergency'
  return priority >= LEVEL_BAND.priority[0] ? 'priority' : 'normal'
}
